/// The 2x2 table of binary decisions against binary labels, possibly weighted (a bootstrap
/// replicate counts a study as often as it was drawn).
public struct ConfusionCounts: Sendable, Hashable, Codable {
  public var truePositives: Int
  public var falsePositives: Int
  public var trueNegatives: Int
  public var falseNegatives: Int

  public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.trueNegatives = trueNegatives
    self.falseNegatives = falseNegatives
  }

  /// Counts `decisions` against `labels`; a study whose label is `nil` takes no part.
  ///
  /// - Precondition: equal lengths.
  /// - Complexity: O(n).
  public init(labels: [Bool?], decisions: [Bool]) {
    precondition(
      labels.count == decisions.count,
      "ConfusionCounts.init: \(labels.count) labels but \(decisions.count) decisions")
    var table = ConfusionCounts(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
    for (label, decision) in zip(labels, decisions) {
      guard let label else { continue }
      switch (label, decision) {
      case (true, true): table.truePositives += 1
      case (false, true): table.falsePositives += 1
      case (false, false): table.trueNegatives += 1
      case (true, false): table.falseNegatives += 1
      }
    }
    self = table
  }

  /// Studies labelled positive.
  public var positives: Int { truePositives + falseNegatives }
  /// Studies labelled negative.
  public var negatives: Int { trueNegatives + falsePositives }
  /// All studies in the table.
  public var total: Int { positives + negatives }

  /// The value of `metric`; `nil` where it is 0/0.
  public func value(_ metric: BinaryMetric) -> Double? {
    metric.value(
      tp: Double(truePositives), fp: Double(falsePositives), tn: Double(trueNegatives),
      fn: Double(falseNegatives))
  }
}

/// The measures of binary decisions against binary labels that `compare` reports.
///
/// With TP, FP, TN, FN the cells of the 2x2 table:
///
///     sensitivity = TP / (TP + FN)          specificity = TN / (TN + FP)
///     PPV = TP / (TP + FP)                  NPV = TN / (TN + FN)
///     F1 = 2 TP / (2 TP + FP + FN)
///     MCC = (TP TN - FP FN) / sqrt((TP + FP)(TP + FN)(TN + FP)(TN + FN))
///     kappa = (p_o - p_e) / (1 - p_e),  p_o = (TP + TN) / n,
///             p_e = ((TP + FP)(TP + FN) + (TN + FN)(TN + FP)) / n^2
///
/// Each is undefined (`nil`) where its denominator is 0. scikit-learn differs in two places:
/// `matthews_corrcoef` returns 0 when a margin is empty, and the precision/recall family returns
/// 0 under its default `zero_division`; chexstats says "undefined" rather than invent a value.
///
/// References: B. W. Matthews, Biochim. Biophys. Acta 405 (1975) 442-451; J. Cohen, Educational
/// and Psychological Measurement 20 (1960) 37-46.
public enum BinaryMetric: String, Sendable, CaseIterable, Codable {
  case sensitivity, specificity, ppv, npv, f1, mcc, kappa

  /// The metric on a (weighted) table; `nil` where undefined.
  /// - Complexity: O(1).
  public func value(tp: Double, fp: Double, tn: Double, fn: Double) -> Double? {
    func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
    switch self {
    case .sensitivity: return ratio(tp, tp + fn)
    case .specificity: return ratio(tn, tn + fp)
    case .ppv: return ratio(tp, tp + fp)
    case .npv: return ratio(tn, tn + fn)
    case .f1: return ratio(2 * tp, 2 * tp + fp + fn)
    case .mcc:
      let margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
      guard margins > 0 else { return nil }
      return (tp * tn - fp * fn) / margins.squareRoot()
    case .kappa:
      let n = tp + fp + tn + fn
      guard n > 0 else { return nil }
      let observed = (tp + tn) / n
      let expected = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n)
      guard expected < 1 else { return nil }
      return (observed - expected) / (1 - expected)
    }
  }

  /// The name reports print.
  public var title: String {
    switch self {
    case .sensitivity: return "Sensitivity"
    case .specificity: return "Specificity"
    case .ppv: return "PPV"
    case .npv: return "NPV"
    case .f1: return "F1"
    case .mcc: return "MCC"
    case .kappa: return "Cohen's kappa"
    }
  }
}
