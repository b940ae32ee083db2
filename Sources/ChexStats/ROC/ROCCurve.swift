/// The empirical ROC curve: one point per distinct score, from (0, 0) to (1, 1).
///
/// Point k is the operating point of the rule "positive when score >= threshold_k", thresholds
/// descending; a tie group moves the curve diagonally, which is where the 1/2 credit for ties
/// in the AUROC comes from. The first point has threshold +infinity (nothing called positive).
public struct ROCCurve: Sendable, Equatable {
  /// False-positive rates (1 - specificity), ascending.
  public let falsePositiveRates: [Double]
  /// True-positive rates (sensitivity), ascending.
  public let truePositiveRates: [Double]
  /// The score thresholds, descending; the first is `+infinity`.
  public let thresholds: [Double]

  /// The curve of a task with both classes; `nil` when a class is absent.
  ///
  /// - Complexity: O(n).
  public init?(_ ranked: RankedScores) {
    guard ranked.isDefined else { return nil }
    let p = Double(ranked.positives)
    let q = Double(ranked.negatives)
    var fpr = [0.0]
    var tpr = [0.0]
    var thresholds = [Double.infinity]
    var tp = 0
    var fp = 0
    for group in ranked.tieGroups().reversed() {
      tp += group.positives
      fp += group.negatives
      fpr.append(Double(fp) / q)
      tpr.append(Double(tp) / p)
      thresholds.append(group.score)
    }
    falsePositiveRates = fpr
    truePositiveRates = tpr
    self.thresholds = thresholds
  }

  /// The trapezoidal area under the curve; equals ``auroc(_:)`` (a second way to the number).
  public var trapezoidalArea: Double {
    var area = 0.0
    for k in 1..<falsePositiveRates.count {
      area +=
        (falsePositiveRates[k] - falsePositiveRates[k - 1])
        * (truePositiveRates[k] + truePositiveRates[k - 1]) / 2
    }
    return area
  }
}
