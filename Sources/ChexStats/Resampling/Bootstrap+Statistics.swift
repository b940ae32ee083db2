import Dispatch

/// Values of any statistic in every bootstrap replicate, `width` per replicate.
public struct BootstrapValues: Sendable {
  public let design: BootstrapDesign
  /// Values per replicate.
  public let width: Int
  /// `values[b * width + k]`; NaN where the statistic is undefined in replicate b.
  public let values: [Double]

  /// Value `k` of replicate `b`.
  public func value(replicate b: Int, _ k: Int) -> Double { values[b * width + k] }

  /// Value `k` of every replicate, in replicate order.
  /// - Complexity: O(B).
  public func series(_ k: Int) -> [Double] {
    (0..<design.replicates).map { values[$0 * width + k] }
  }
}

extension Bootstrap {
  /// Evaluates `statistic` on every replicate of `design`: the resamples are those of
  /// ``aurocs(_:design:threads:)`` for the same design and studies (replicate b draws stream b
  /// of the seed through the same sampler), so values from both are paired replicate by
  /// replicate.
  ///
  /// - Parameters:
  ///   - studyCount: the studies resampled.
  ///   - stratifyingTask: for a stratified design, the task whose positives and negatives are
  ///     resampled separately (the task `aurocs` would stratify on); ignored otherwise.
  ///   - width: values written per replicate.
  ///   - threads: worker threads (the result does not depend on it).
  ///   - statistic: reads the replicate's multiplicities (`counts[study]`) and writes `width`
  ///     values; called concurrently, so it must not share mutable state.
  /// - Complexity: O(n) per replicate to draw, plus the statistic's cost.
  public static func evaluate(
    studyCount: Int, design: BootstrapDesign, stratifyingTask: RankedScores? = nil, width: Int,
    threads: Int? = nil,
    statistic: @Sendable (UnsafeBufferPointer<UInt32>, UnsafeMutableBufferPointer<Double>) -> Void
  ) -> BootstrapValues {
    precondition(studyCount > 0 && width >= 0, "Bootstrap.evaluate: no study or negative width")
    precondition(
      !design.stratified || stratifyingTask?.studyCount == studyCount,
      "Bootstrap.evaluate: a stratified design needs the task it stratifies on")
    let sampler = Sampler(
      design: design, studyCount: studyCount,
      task: stratifyingTask ?? RankedScores(labels: [], scores: []))
    let replicates = design.replicates
    var values = [Double](repeating: .nan, count: replicates * width)
    guard width > 0 else { return BootstrapValues(design: design, width: 0, values: []) }
    let workers = max(1, min(threads ?? System.activeProcessorCount, replicates))
    values.withUnsafeMutableBufferPointer { output in
      nonisolated(unsafe) let output = output
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let first = replicates * worker / workers
        let last = replicates * (worker + 1) / workers
        var counts = [UInt32](repeating: 0, count: studyCount)
        for b in first..<last {
          sampler.draw(replicate: b, into: &counts)
          counts.withUnsafeBufferPointer { counts in
            statistic(
              counts,
              UnsafeMutableBufferPointer(rebasing: output[(b * width)..<((b + 1) * width)]))
          }
        }
      }
    }
    return BootstrapValues(design: design, width: width, values: values)
  }
}
