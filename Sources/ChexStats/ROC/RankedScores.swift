/// One task's scores for one model, sorted once with their tie groups: the value that AUROC,
/// the ROC curve, DeLong and the bootstrap all start from.
///
/// Studies are identified by their index in the caller's study list (`0..<studyCount`);
/// a study whose label is `nil` (excluded by a label policy) takes no part. Higher scores mean
/// "more likely positive" (pROC's `direction = "<"`); nothing is ever flipped.
///
/// Build it once per (model, task) with ``init(labels:scores:)``; every statistic after that
/// reads it without sorting again.
///
/// - Complexity: O(n log n) to build, O(n) memory.
public struct RankedScores: Sendable {
  /// The size of the caller's study list (labels and scores had this many entries).
  public let studyCount: Int
  /// The number of included studies whose label is positive.
  public let positives: Int
  /// The number of included studies whose label is negative.
  public let negatives: Int

  /// Included studies in ascending score order, packed as
  /// `studyIndex << 2 | isPositive << 1 | endsTieGroup`.
  ///
  /// Packing keeps the bootstrap's inner loop to one sequential read and one gather.
  let packed: [UInt32]
  /// Sorted scores, aligned with `packed` (for the ROC curve's thresholds).
  let sortedScores: [Double]

  /// Sorts `scores` of the studies whose label is not `nil`.
  ///
  /// - Parameters:
  ///   - labels: per study, `true` for a positive, `false` for a negative, `nil` to exclude.
  ///   - scores: per study, a finite score; entries of excluded studies are ignored.
  /// - Precondition: equal lengths, fewer than 2^30 studies, finite scores where included.
  ///   Callers validate user data before building this value.
  public init(labels: [Bool?], scores: [Double]) {
    precondition(
      labels.count == scores.count,
      "RankedScores.init: \(labels.count) labels but \(scores.count) scores")
    precondition(labels.count < 1 << 30, "RankedScores.init: at most 2^30 studies")
    var included: [Int] = []
    included.reserveCapacity(labels.count)
    var positives = 0
    for (i, label) in labels.enumerated() {
      guard let label else { continue }
      precondition(scores[i].isFinite, "RankedScores.init: score \(i) is not finite")
      included.append(i)
      if label { positives += 1 }
    }
    included.sort { scores[$0] < scores[$1] }
    var packed = [UInt32](repeating: 0, count: included.count)
    var sorted = [Double](repeating: 0, count: included.count)
    for (j, i) in included.enumerated() {
      let endsGroup = j + 1 == included.count || scores[included[j + 1]] != scores[i]
      packed[j] = UInt32(i) << 2 | (labels[i] == true ? 2 : 0) | (endsGroup ? 1 : 0)
      sorted[j] = scores[i]
    }
    self.studyCount = labels.count
    self.positives = positives
    self.negatives = included.count - positives
    self.packed = packed
    self.sortedScores = sorted
  }

  /// Whether both classes are present, so that the AUROC is defined.
  public var isDefined: Bool { positives > 0 && negatives > 0 }

  /// The tie groups in ascending score order, as (positives, negatives, score) per group.
  ///
  /// - Complexity: O(n).
  func tieGroups() -> [(positives: Int, negatives: Int, score: Double)] {
    var groups: [(positives: Int, negatives: Int, score: Double)] = []
    var p = 0
    var q = 0
    for (j, entry) in packed.enumerated() {
      if entry & 2 != 0 { p += 1 } else { q += 1 }
      if entry & 1 != 0 {
        groups.append((p, q, sortedScores[j]))
        p = 0
        q = 0
      }
    }
    return groups
  }
}
