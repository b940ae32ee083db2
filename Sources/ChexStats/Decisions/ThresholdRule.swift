/// How a score run becomes decisions: "positive when score >= threshold", with the threshold
/// given or chosen on labelled data.
///
/// A threshold chosen from data must be chosen on studies other than those it is evaluated on;
/// otherwise its sensitivity and specificity are optimistic (the threshold has seen the test
/// labels). The command line enforces that by taking the choosing set separately.
public enum ThresholdRule: Sendable, Hashable {
  /// A fixed threshold.
  case value(Double)
  /// The point of the ROC curve maximising Youden's J = sensitivity + specificity - 1
  /// (W. J. Youden, Cancer 3 (1950) 32-35); among equal maxima, the highest threshold.
  case youden
  /// The highest threshold whose sensitivity is at least the given value.
  case sensitivity(Double)
  /// The lowest threshold whose specificity is at least the given value.
  case specificity(Double)

  /// Whether the rule needs labelled data to fix its threshold.
  public var isChosenFromData: Bool {
    if case .value = self { return false }
    return true
  }

  /// The rule as the command line spells it: `0.5`, `youden`, `sensitivity=0.9`,
  /// `specificity=0.9`.
  public var description: String {
    switch self {
    case .value(let t): return "\(t)"
    case .youden: return "youden"
    case .sensitivity(let s): return "sensitivity=\(s)"
    case .specificity(let s): return "specificity=\(s)"
    }
  }

  /// The threshold the rule picks on `ranked`, or `nil` when it needs both classes and a class
  /// is absent. Candidates are the ROC curve's thresholds (the distinct scores, and +infinity,
  /// at which nothing is positive).
  ///
  /// - Complexity: O(n).
  public func threshold(on ranked: RankedScores) -> Double? {
    if case .value(let t) = self { return t }
    guard ranked.isDefined else { return nil }
    // The curve's points as counts, thresholds descending, starting at +infinity.
    var thresholds = [Double.infinity]
    var tp = [0]
    var fp = [0]
    for group in ranked.tieGroups().reversed() {
      thresholds.append(group.score)
      tp.append(tp[tp.count - 1] + group.positives)
      fp.append(fp[fp.count - 1] + group.negatives)
    }
    let p = Double(ranked.positives)
    let q = Double(ranked.negatives)
    // Targets compare in counts, with a relative slack of 1e-12 so that a target such as
    // specificity=0.9 of 10 negatives reaches 9 even where 0.9 x 10 rounds above 9.
    let slack = 1e-12
    switch self {
    case .value(let t):
      return t
    case .youden:
      // J_k = tp_k / p - fp_k / q; compared as tp_k q - fp_k p to stay in integers.
      var best = 0
      for k in thresholds.indices
      where tp[k] * ranked.negatives - fp[k] * ranked.positives
        > tp[best] * ranked.negatives - fp[best] * ranked.positives
      {
        best = k
      }
      return thresholds[best]
    case .sensitivity(let s):
      // Sensitivity ascends as thresholds descend: the first point reaching s.
      let k = tp.firstIndex { Double($0) >= s * p * (1 - slack) } ?? tp.count - 1
      return thresholds[k]
    case .specificity(let s):
      // Specificity descends: the last point still at or above s.
      let k = fp.lastIndex { q - Double($0) >= s * q * (1 - slack) } ?? 0
      return thresholds[k]
    }
  }
}
