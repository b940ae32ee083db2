/// A two-sided confidence interval and the level it was made at.
///
/// Statistics in chexstats return intervals inside result values that also say which method
/// made them, so a report can print the method beside the number.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
  /// The lower bound.
  public var lower: Double
  /// The upper bound.
  public var upper: Double
  /// The nominal coverage, for example 0.95.
  public var level: Double

  public init(lower: Double, upper: Double, level: Double) {
    precondition(
      level > 0 && level < 1, "ConfidenceInterval.init: level must lie in (0, 1), got \(level)")
    self.lower = lower
    self.upper = upper
    self.level = level
  }

  /// Whether `value` lies inside the closed interval.
  public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}
