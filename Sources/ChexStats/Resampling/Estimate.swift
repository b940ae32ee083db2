/// A point estimate and what the bootstrap says about it: the percentile interval, the standard
/// error and how many replicates were usable. Every AUROC, difference, boost and truncation
/// effect that `compare` and `report` print is one of these.
///
/// The interval is the percentile interval: quantiles alpha/2 and 1 - alpha/2 (type 7, see
/// ``quantileType7(sorted:_:)``) of the usable replicates, alpha = 1 - level (Efron and
/// Tibshirani 1993, ch. 13). The standard error is their standard deviation (denominator B - 1),
/// the quantity pROC's bootstrap test divides by.
public struct Estimate: Sendable, Equatable {
  /// The statistic on the full sample; `nil` when it is undefined there (a task with one class).
  public let value: Double?
  /// The percentile interval; `nil` when no replicate was usable.
  public let interval: ConfidenceInterval?
  /// The standard deviation of the usable replicates (denominator count - 1); `nil` below 2.
  public let standardError: Double?
  /// Replicates in which the statistic was defined (a replicate whose resample lacks a class
  /// for the task is skipped for that task).
  public let replicatesUsed: Int

  /// Summarises `replicates` around `value`, skipping NaN (undefined) replicates.
  ///
  /// - Complexity: O(B log B).
  public init(_ value: Double? = nil, replicates: [Double], level: Double) {
    let usable = replicates.filter { !$0.isNaN }.sorted()
    self.value = value
    replicatesUsed = usable.count
    if usable.isEmpty {
      interval = nil
    } else {
      let alpha = 1 - level
      interval = ConfidenceInterval(
        lower: quantileType7(sorted: usable, alpha / 2),
        upper: quantileType7(sorted: usable, 1 - alpha / 2), level: level)
    }
    if usable.count >= 2 {
      let mean = usable.reduce(0, +) / Double(usable.count)
      let ss = usable.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
      standardError = (ss / Double(usable.count - 1)).squareRoot()
    } else {
      standardError = nil
    }
  }
}
