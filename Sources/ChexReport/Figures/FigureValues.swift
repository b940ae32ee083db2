import ChexStats

/// Renders the CheXtransfer figures (the four panels of Figure 1 of Ke et al., CHIL 2021) as
/// self-contained SVG 1.1 text: no external fonts, stylesheets or scripts, generic
/// sans-serif type, Okabe-Ito colours. Pure: plain values in, text out, no I/O.
///
/// Every renderer copes with empty input, single points, equal values and missing or
/// non-finite values (a point that cannot be placed is left out, a bar with a missing end is
/// not drawn), so the output never contains `nan` or `inf`.
///
/// [Ke et al. 2021]: https://doi.org/10.1145/3450439.3451867
public enum FigureRenderer {}

/// A plotted value and its error bar, for example a mean AUROC and its 95% confidence
/// interval, or a mean and one standard deviation either side.
///
/// The bar is drawn only when both ends are present and finite. What the bar means is the
/// caller's to say, in the figure's `note`.
public struct FigureEstimate: Sendable, Hashable {
  /// The point estimate.
  public var value: Double
  /// The lower end of the bar, or nil for no bar.
  public var lower: Double?
  /// The upper end of the bar, or nil for no bar.
  public var upper: Double?

  public init(_ value: Double, lower: Double? = nil, upper: Double? = nil) {
    self.value = value
    self.lower = lower
    self.upper = upper
  }

  /// A value with a confidence interval as its bar (no bar when `interval` is nil). A nil
  /// value (an undefined estimate) becomes NaN, which the renderers leave out.
  public init(_ value: Double?, interval: ConfidenceInterval?) {
    self.init(value ?? .nan, lower: interval?.lower, upper: interval?.upper)
  }

  /// The finite values worth fitting an axis to: the estimate and the bar's ends.
  var extent: [Double] { [value, lower, upper].compactMap { $0 }.filter(\.isFinite) }
}

/// A straight line y = intercept + slope * x, for example a least-squares fit.
public struct LineFit: Sendable, Hashable {
  public var slope: Double
  public var intercept: Double

  public init(slope: Double, intercept: Double) {
    self.slope = slope
    self.intercept = intercept
  }

  /// The line's y at `x`.
  public func value(at x: Double) -> Double { intercept + slope * x }

  /// The ordinary least-squares line through the pairs (x[i], y[i]) whose coordinates are
  /// both finite.
  ///
  /// Closed form: slope = Sxy / Sxx and intercept = mean(y) - slope * mean(x), where
  /// Sxx = sum (x - mean x)^2 and Sxy = sum (x - mean x)(y - mean y); centring first keeps
  /// the sums accurate when x is large (ImageNet top-1 near 75).
  /// Returns nil with fewer than two usable pairs or when all usable x are equal (the slope
  /// is undefined).
  ///
  /// Precondition: `x.count == y.count`.
  /// - Complexity: O(n).
  public static func leastSquares(x: [Double], y: [Double]) -> LineFit? {
    precondition(
      x.count == y.count, "LineFit.leastSquares: x and y differ in length (\(x.count), \(y.count))")
    let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
    guard pairs.count >= 2 else { return nil }
    let n = Double(pairs.count)
    let meanX = pairs.reduce(0) { $0 + $1.0 } / n
    let meanY = pairs.reduce(0) { $0 + $1.1 } / n
    var sxx = 0.0
    var sxy = 0.0
    for (xi, yi) in pairs {
      sxx += (xi - meanX) * (xi - meanX)
      sxy += (xi - meanX) * (yi - meanY)
    }
    guard sxx > 0 else { return nil }
    let slope = sxy / sxx
    return LineFit(slope: slope, intercept: meanY - slope * meanX)
  }
}
