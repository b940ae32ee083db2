/// The area under the ROC curve as the Mann-Whitney statistic.
///
/// AUROC = P(score of a random positive > score of a random negative) + 1/2 P(tie), computed
/// over tie groups g of the ascending sort as
///
///     AUROC = sum_g P_g (N_below(g) + N_g / 2) / (P N)
///
/// where P_g and N_g count the positives and negatives with the group's score. This equals the
/// trapezoidal area under the empirical ROC curve (scikit-learn's `roc_auc_score`, pROC's `auc`
/// with `direction = "<"`). The sum is kept in 64-bit integers (doubled), so it is exact for any
/// n below 2^30; the only rounding is the final division.
///
/// - Returns: `nil` when the task has no positive or no negative (AUROC undefined).
/// - Complexity: O(n) given the sorted value.
///
/// Reference: J. A. Hanley and B. J. McNeil, "The meaning and use of the area under a receiver
/// operating characteristic (ROC) curve", Radiology 143(1), 1982.
public func auroc(_ ranked: RankedScores) -> Double? {
  guard ranked.isDefined else { return nil }
  var twiceU: Int64 = 0
  var negativesBelow: Int64 = 0
  var groupPositives: Int64 = 0
  var groupNegatives: Int64 = 0
  for entry in ranked.packed {
    let isPositive = Int64((entry >> 1) & 1)
    groupPositives += isPositive
    groupNegatives += 1 - isPositive
    if entry & 1 != 0 {
      twiceU += groupPositives * (2 * negativesBelow + groupNegatives)
      negativesBelow += groupNegatives
      groupPositives = 0
      groupNegatives = 0
    }
  }
  return Double(twiceU) / (2 * Double(ranked.positives) * Double(ranked.negatives))
}

/// The AUROC of `scores` against `labels`; `nil` when a class is absent.
///
/// A convenience that sorts (O(n log n)) and calls ``auroc(_:)``.
public func auroc(labels: [Bool?], scores: [Double]) -> Double? {
  auroc(RankedScores(labels: labels, scores: scores))
}
