/// How a bootstrap is drawn: replicates, seed, and whether classes are resampled separately.
public struct BootstrapDesign: Sendable, Hashable, Codable {
  /// The default seed, printed in every report so that any result can be redrawn.
  public static let defaultSeed: UInt64 = 2021

  /// The number of replicates (1000 by default, as the field's published scripts).
  public var replicates: Int
  /// The seed of the project's generator (``Xoshiro256StarStar``); replicate b uses stream b.
  public var seed: UInt64
  /// Whether positives and negatives of the (single) task are resampled separately, keeping
  /// their counts fixed (pROC's default); otherwise studies are resampled as a whole.
  public var stratified: Bool

  public init(replicates: Int = 1000, seed: UInt64 = defaultSeed, stratified: Bool = false) {
    precondition(replicates >= 1, "BootstrapDesign.init: replicates must be at least 1")
    self.replicates = replicates
    self.seed = seed
    self.stratified = stratified
  }
}

/// The AUROC of every model on every task in every bootstrap replicate.
///
/// All models and tasks of one replicate are evaluated on the same resampled studies, so any
/// difference or average computed replicate by replicate is paired.
public struct BootstrapAUROCs: Sendable {
  public let design: BootstrapDesign
  public let modelCount: Int
  public let taskCount: Int
  /// The number of studies resampled in each replicate.
  public let studyCount: Int
  /// `values[(b * modelCount + model) * taskCount + task]`; NaN where the replicate has no
  /// positive or no negative for that task.
  public let values: [Double]

  /// The AUROC of `model` on `task` in replicate `b` (NaN when undefined there).
  public func value(replicate b: Int, model: Int, task: Int) -> Double {
    values[(b * modelCount + model) * taskCount + task]
  }

  /// The replicate values of one model and task, in replicate order (NaN where undefined).
  public func series(model: Int, task: Int) -> [Double] {
    (0..<design.replicates).map { value(replicate: $0, model: model, task: task) }
  }
}

/// The nonparametric bootstrap of AUROCs, evaluated in O(n) per replicate.
///
/// Each replicate draws studies with replacement (Efron and Tibshirani 1993, ch. 6) and
/// represents the resample by how many times each study was drawn. The AUROC of the resample is
/// then a weighted Mann-Whitney statistic over the tie groups of the original sort,
///
///     AUROC* = sum_g P*_g (N*_below(g) + N*_g / 2) / (P* N*)
///
/// with P*_g, N*_g the drawn counts of positives and negatives in group g, so no replicate
/// sorts again. Integer arithmetic keeps it exact before the final division.
///
/// Replicate b draws from stream b of the seed, and replicates are split across threads in
/// contiguous blocks, so the result for a seed is identical on any thread count.
///
/// - Complexity: O(n log n) once per model and task (the caller's ``RankedScores``), then
///   O(n (1 + models x tasks)) per replicate.
public enum Bootstrap {
  /// Bootstraps the AUROC of every model (outer index) on every task (inner index).
  ///
  /// - Parameters:
  ///   - ranked: `ranked[model][task]`; every entry ranks the same `studyCount` studies and,
  ///     for one task, every model has the same labels.
  ///   - design: replicates, seed, stratification (stratified designs take exactly one task).
  ///   - threads: worker threads (default: the active processor count).
  public static func aurocs(
    _ ranked: [[RankedScores]], design: BootstrapDesign, threads: Int? = nil
  ) -> BootstrapAUROCs {
    precondition(!ranked.isEmpty && !ranked[0].isEmpty, "Bootstrap.aurocs: no model or no task")
    let models = ranked.count
    let tasks = ranked[0].count
    let studies = ranked[0][0].studyCount
    precondition(
      ranked.allSatisfy { $0.count == tasks && $0.allSatisfy { $0.studyCount == studies } },
      "Bootstrap.aurocs: every model must rank the same studies on the same tasks")
    precondition(
      !design.stratified || tasks == 1, "Bootstrap.aurocs: a stratified bootstrap takes one task")
    let flat = ranked.flatMap { $0 }
    let boot = evaluate(
      studyCount: studies, design: design, stratifyingTask: ranked[0][0], width: models * tasks,
      threads: threads
    ) { counts, output in
      for (k, task) in flat.enumerated() { output[k] = weightedAUROC(task, counts: counts) }
    }
    let values = boot.values
    return BootstrapAUROCs(
      design: design, modelCount: models, taskCount: tasks, studyCount: studies, values: values)
  }

  /// The AUROC of `ranked` when study i counts `counts[i]` times; NaN if a class is absent.
  ///
  /// - Complexity: O(n), one sequential pass and one gather per included study.
  static func weightedAUROC(_ ranked: RankedScores, counts: [UInt32]) -> Double {
    counts.withUnsafeBufferPointer { weightedAUROC(ranked, counts: $0) }
  }

  /// ``weightedAUROC(_:counts:)`` on the replicate's buffer, without a copy.
  static func weightedAUROC(_ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>) -> Double {
    var twiceU: Int64 = 0
    var negativesBelow: Int64 = 0
    var positives: Int64 = 0
    var groupPositives: Int64 = 0
    var groupNegatives: Int64 = 0
    ranked.packed.withUnsafeBufferPointer { packed in
      // Branch-free: tie groups end at unpredictable places in real (rounded) scores, so the
      // group flush is applied through a mask instead of an `if`.
      for entry in packed {
        let w = Int64(counts[Int(entry >> 2)])
        let isPositive = Int64((entry >> 1) & 1)
        let flush = 0 &- Int64(entry & 1)
        groupPositives &+= w &* isPositive
        groupNegatives &+= w &- w &* isPositive
        twiceU &+= (groupPositives &* (2 &* negativesBelow &+ groupNegatives)) & flush
        negativesBelow &+= groupNegatives & flush
        positives &+= groupPositives & flush
        groupPositives &= ~flush
        groupNegatives &= ~flush
      }
    }
    guard positives > 0, negativesBelow > 0 else { return .nan }
    return Double(twiceU) / (2 * Double(positives) * Double(negativesBelow))
  }
}

/// Draws the per-study counts of one replicate: the one place a resample is made, so every
/// statistic bootstrapped under one design sees the same resamples.
struct Sampler: Sendable {
  let design: BootstrapDesign
  let studyCount: Int
  /// For a stratified design: the task's positive and negative studies.
  let positives: [Int]
  let negatives: [Int]

  init(design: BootstrapDesign, studyCount: Int, task: RankedScores) {
    self.design = design
    self.studyCount = studyCount
    var positives: [Int] = []
    var negatives: [Int] = []
    if design.stratified {
      for entry in task.packed {
        if entry & 2 != 0 { positives.append(Int(entry >> 2)) } else { negatives.append(Int(entry >> 2)) }
      }
      positives.sort()
      negatives.sort()
    }
    self.positives = positives
    self.negatives = negatives
  }

  /// Fills `counts` with the multiplicities of replicate `b`'s draw.
  func draw(replicate b: Int, into counts: inout [UInt32]) {
    var rng = Xoshiro256StarStar(seed: design.seed, stream: UInt64(b))
    for i in counts.indices { counts[i] = 0 }
    counts.withUnsafeMutableBufferPointer { counts in
      if design.stratified {
        for group in [positives, negatives] {
          let size = UInt64(group.count)
          for _ in 0..<group.count { counts[group[Int(rng.next(below: size))]] += 1 }
        }
      } else {
        let size = UInt64(studyCount)
        for _ in 0..<studyCount { counts[Int(rng.next(below: size))] += 1 }
      }
    }
  }
}
