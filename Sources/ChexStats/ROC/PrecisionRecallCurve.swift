/// The empirical precision-recall curve: one point per distinct score, thresholds descending.
///
/// Point k is the rule "positive when score >= threshold_k": precision TP_k / (TP_k + FP_k),
/// recall TP_k / P. The points are scikit-learn's `precision_recall_curve` in reverse, without
/// the point (recall 0, precision 1) it appends, which has no threshold.
public struct PrecisionRecallCurve: Sendable, Equatable {
  /// Score thresholds, descending.
  public let thresholds: [Double]
  /// Precision at each threshold.
  public let precisions: [Double]
  /// Recall (sensitivity) at each threshold, ascending.
  public let recalls: [Double]

  /// The curve of a task with at least one positive; `nil` otherwise.
  /// - Complexity: O(n).
  public init?(_ ranked: RankedScores) {
    guard ranked.positives > 0 else { return nil }
    let p = Double(ranked.positives)
    var thresholds: [Double] = []
    var precisions: [Double] = []
    var recalls: [Double] = []
    var tp = 0
    var fp = 0
    for group in ranked.tieGroups().reversed() {
      tp += group.positives
      fp += group.negatives
      thresholds.append(group.score)
      precisions.append(Double(tp) / Double(tp + fp))
      recalls.append(Double(tp) / p)
    }
    self.thresholds = thresholds
    self.precisions = precisions
    self.recalls = recalls
  }
}
