import Foundation

/// Fisher's F distribution with `numeratorDegreesOfFreedom` d1 > 0 and
/// `denominatorDegreesOfFreedom` d2 > 0.
///
/// P(F <= f) = I_x(d1 / 2, d2 / 2) with x = d1 f / (d1 f + d2); the complement uses
/// 1 - x = d2 / (d1 f + d2), formed directly, so the upper tail (the p-value of an F test)
/// keeps its relative accuracy when it is tiny.
///
/// Reference: M. Abramowitz and I. A. Stegun, *Handbook of Mathematical Functions* (1964),
/// 26.6.2.
public struct FDistribution: Sendable, Hashable {
  /// d1, the numerator degrees of freedom.
  public var numeratorDegreesOfFreedom: Double
  /// d2, the denominator degrees of freedom.
  public var denominatorDegreesOfFreedom: Double

  /// An F distribution with positive degrees of freedom.
  public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {
    precondition(
      numeratorDegreesOfFreedom > 0 && denominatorDegreesOfFreedom > 0,
      "FDistribution.init: degrees of freedom must be positive, got \(numeratorDegreesOfFreedom), "
        + "\(denominatorDegreesOfFreedom)")
    self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
    self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
  }

  /// P(F <= f); 0 for f <= 0.
  /// - Complexity: that of `SpecialFunctions.regularizedIncompleteBeta`.
  public func cdf(_ f: Double) -> Double { tails(f).lower }

  /// P(F > f), the p-value of an F statistic; 1 for f <= 0.
  /// - Complexity: that of `SpecialFunctions.regularizedIncompleteBeta`.
  public func sf(_ f: Double) -> Double { tails(f).upper }

  private func tails(_ f: Double) -> (lower: Double, upper: Double) {
    if f.isNaN { return (.nan, .nan) }
    if f <= 0 { return (0, 1) }
    if f.isInfinite { return (1, 0) }
    let d1 = numeratorDegreesOfFreedom
    let d2 = denominatorDegreesOfFreedom
    let scaled = d1 * f
    let denominator = scaled + d2
    return SpecialFunctions.incompleteBeta(
      x: scaled / denominator, y: d2 / denominator, a: 0.5 * d1, b: 0.5 * d2)
  }
}
