import Foundation

/// Student's t distribution with `degreesOfFreedom` (nu > 0, not necessarily an integer).
///
/// The tails come from the regularized incomplete beta function:
/// P(T > t) = I_x(nu / 2, 1 / 2) / 2 for t > 0, with x = nu / (nu + t^2) and 1 - x = t^2 /
/// (nu + t^2) both formed directly, so neither tail loses digits to `1 - cdf`. An infinite
/// `degreesOfFreedom` gives the standard normal.
///
/// Reference: M. Abramowitz and I. A. Stegun, *Handbook of Mathematical Functions* (1964),
/// 26.7.1 and 26.5.27 (t in terms of the incomplete beta function).
public struct StudentT: Sendable, Hashable {
  /// The degrees of freedom nu.
  public var degreesOfFreedom: Double

  /// A t distribution with `degreesOfFreedom` > 0 (may be `.infinity`).
  public init(degreesOfFreedom: Double) {
    precondition(
      degreesOfFreedom > 0, "StudentT.init: degreesOfFreedom must be positive, got \(degreesOfFreedom)")
    self.degreesOfFreedom = degreesOfFreedom
  }

  /// P(T <= t).
  /// - Complexity: that of `SpecialFunctions.regularizedIncompleteBeta`.
  public func cdf(_ t: Double) -> Double {
    t < 0 ? upperTail(-t) : 1 - upperTail(t)
  }

  /// P(T > t), computed without cancellation in either tail.
  /// - Complexity: that of `SpecialFunctions.regularizedIncompleteBeta`.
  public func sf(_ t: Double) -> Double {
    t < 0 ? 1 - upperTail(-t) : upperTail(t)
  }

  /// The probability density at t.
  /// - Complexity: O(1).
  public func pdf(_ t: Double) -> Double {
    let nu = degreesOfFreedom
    if nu.isInfinite { return exp(-0.5 * t * t) * 0.398_942_280_401_432_677_94 }
    return exp(
      -0.5 * (nu + 1) * log1p(t * t / nu) - 0.5 * log(nu) - SpecialFunctions.logBeta(0.5 * nu, 0.5))
  }

  /// The quantile function: the t with P(T <= t) = p, for p in [0, 1];
  /// `quantile(0) == -infinity`, `quantile(1) == +infinity`, NaN outside [0, 1].
  ///
  /// Closed forms for nu = 1 (Cauchy) and nu = 2; otherwise a start from the Cornish-Fisher
  /// expansion or the tail asymptote P(T > t) ~ nu^(nu/2 - 1) t^(-nu) / B(nu/2, 1/2),
  /// then Newton steps on log P(T > t) inside a shrinking bracket. The result is accurate to a
  /// few ulp relative to the accuracy of `sf`.
  /// - Complexity: a handful of `sf` evaluations (at most 200).
  public func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    let tail = p < 0.5 ? p : 1 - p
    let magnitude = upperQuantile(tail)
    return p < 0.5 ? -magnitude : magnitude
  }

  /// The t > 0 with P(T > t) = tail, for 0 < tail < 1/2.
  private func upperQuantile(_ tail: Double) -> Double {
    let nu = degreesOfFreedom
    if nu.isInfinite { return -Normal.quantile(tail) }
    if nu == 1 { return 1 / tan(Double.pi * tail) }
    if nu == 2 {
      // P(T > t) = (1 - t / sqrt(2 + t^2)) / 2.
      return (1 - 2 * tail) / (2 * tail * (1 - tail)).squareRoot()
    }
    // Two starting guesses; keep the one whose tail is closer (in log) to the target.
    let z = -Normal.quantile(tail)
    let z2 = z * z
    let cornishFisher =
      z + z * (z2 + 1) / (4 * nu) + z * ((5 * z2 + 16) * z2 + 3) / (96 * nu * nu)
    let logTailScale = log(nu) + SpecialFunctions.logBeta(0.5 * nu, 0.5)
    let asymptote = exp(0.5 * log(nu) - (log(tail) + logTailScale) / nu)
    let target = log(tail)
    func miss(_ t: Double) -> Double {
      let s = upperTail(t)
      return s > 0 ? abs(log(s) - target) : .infinity
    }
    var t = miss(cornishFisher) <= miss(asymptote) ? cornishFisher : asymptote
    if !(t > 0) || !t.isFinite { t = max(z, 1) }
    // Safeguarded Newton on h(t) = log sf(t) - log(tail), decreasing in t.
    var low = 0.0
    var high = Double.infinity
    for _ in 0..<200 {
      let s = upperTail(t)
      let h = log(s) - target
      if h == 0 { return t }
      if h > 0 { low = max(low, t) } else { high = min(high, t) }
      let density = pdf(t)
      var next = density > 0 && s > 0 ? t + h * s / density : .nan
      if !(next > low && next < high) || !next.isFinite {
        next = high.isFinite ? (low > 0 ? (low * high).squareRoot() : 0.5 * high) : 2 * t
      }
      if abs(next - t) <= 4 * Double.ulpOfOne * t { return next }
      t = next
    }
    return t
  }

  /// P(T > t) for t >= 0.
  private func upperTail(_ t: Double) -> Double {
    let nu = degreesOfFreedom
    if t.isNaN { return .nan }
    if nu.isInfinite { return Normal.sf(t) }
    if t.isInfinite { return 0 }
    let t2 = t * t
    let denominator = nu + t2
    let pair = SpecialFunctions.incompleteBeta(x: nu / denominator, y: t2 / denominator, a: 0.5 * nu, b: 0.5)
    return 0.5 * pair.lower
  }
}
