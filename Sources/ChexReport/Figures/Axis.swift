import Foundation

/// How data values map to positions along an axis.
enum AxisScale: Sendable, Equatable {
  /// Position proportional to the value.
  case linear
  /// Position proportional to log10 of the value; only positive values can be drawn.
  case log10
}

/// A numeric axis: its scale, its range in data units and its labelled ticks.
///
/// The range always has `lower < upper` (and both positive on a log axis), so mapping never
/// divides by zero.
struct Axis: Sendable, Equatable {
  /// A tick position in data units and its label.
  struct Tick: Sendable, Equatable {
    var value: Double
    var label: String
  }

  var scale: AxisScale
  var lower: Double
  var upper: Double
  var ticks: [Tick]

  /// Where `value` falls along the axis, 0 at `lower` and 1 at `upper` (outside [0, 1] for
  /// values outside the range); nil for a value that cannot be drawn (not finite, or not
  /// positive on a log axis).
  func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch scale {
    case .linear:
      return (value - lower) / (upper - lower)
    case .log10:
      guard value > 0 else { return nil }
      return (Foundation.log10(value) - Foundation.log10(lower))
        / (Foundation.log10(upper) - Foundation.log10(lower))
    }
  }

  /// Whether `value` can be placed on this axis at all.
  func canPlot(_ value: Double) -> Bool { fraction(value) != nil }

  /// An axis that shows every drawable value in `values` with a little room at both ends,
  /// extended outwards to nice tick positions.
  ///
  /// - Parameters:
  ///   - values: data values; non-finite ones are ignored, and so are magnitudes beyond 1e300
  ///     (and, on a log axis, values below 1e-300), whose padding would overflow.
  ///   - scale: linear or log10.
  ///   - limits: the padded range is clipped to these before ticks are chosen (for example
  ///     [0, 1] for AUROC), so padding never invents impossible values.
  ///   - padding: fraction of the data span (in scale units) added at each end.
  /// Empty input gives [0, 1] (linear) or [1, 10] (log); equal values are widened by 5% of
  /// their magnitude (or by 1 around zero), or by a tenth of a decade on a log axis.
  /// - Complexity: O(n) in the number of values.
  static func fitting(
    _ values: [Double], scale: AxisScale, limits: ClosedRange<Double>? = nil,
    padding: Double = 0.04, targetTicks: Int = 5
  ) -> Axis {
    switch scale {
    case .linear:
      let finite = values.filter { $0.isFinite && abs($0) <= 1e300 }
      if finite.isEmpty { return NiceTicks.linear(min: 0, max: 1, targetCount: targetTicks) }
      var lo = finite.min() ?? 0
      var hi = finite.max() ?? 1
      if lo == hi {
        let half = lo == 0 ? 1 : abs(lo) * 0.05
        lo -= half
        hi += half
      } else {
        let pad = (hi - lo) * padding
        lo -= pad
        hi += pad
      }
      if let limits {
        lo = max(lo, limits.lowerBound)
        hi = min(hi, limits.upperBound)
        if lo >= hi { (lo, hi) = (limits.lowerBound, limits.upperBound) }
      }
      return NiceTicks.linear(min: lo, max: hi, targetCount: targetTicks)
    case .log10:
      let logs = values.filter { $0 >= 1e-300 && $0 <= 1e300 }.map { Foundation.log10($0) }
      if logs.isEmpty { return NiceTicks.logarithmic(min: 1, max: 10) }
      var lo = logs.min() ?? 0
      var hi = logs.max() ?? 1
      if lo == hi {
        lo -= 0.1
        hi += 0.1
      } else {
        let pad = (hi - lo) * padding
        lo -= pad
        hi += pad
      }
      return NiceTicks.logarithmic(min: pow(10, lo), max: pow(10, hi))
    }
  }
}

/// Tick positions at "nice" numbers, after Heckbert's "Nice numbers for graph labels"
/// (Graphics Gems, 1990): steps of 1, 2 or 5 times a power of ten, and an axis range that
/// starts and ends on a tick ("loose" labelling).
///
/// [Heckbert 1990]: https://doi.org/10.1016/B978-0-08-050753-8.50019-6
enum NiceTicks {
  /// The nice number near `x > 0`: 1, 2, 5 or 10 times 10^floor(log10 x). With `round`, the
  /// nearest one (thresholds 1.5, 3, 7 on the mantissa); without, the smallest one >= x.
  static func niceNumber(_ x: Double, round: Bool) -> Double {
    precondition(x > 0 && x.isFinite, "NiceTicks.niceNumber: x must be positive and finite, got \(x)")
    let exponent = floor(Foundation.log10(x))
    let power = pow(10, exponent)
    let mantissa = x / power
    let nice: Double
    if round {
      nice = mantissa < 1.5 ? 1 : mantissa < 3 ? 2 : mantissa < 7 ? 5 : 10
    } else {
      nice = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10
    }
    return nice * power
  }

  /// A linear axis covering [min, max] with about `targetCount` ticks.
  ///
  /// The step is the nice number nearest (max - min) / (targetCount - 1); the axis runs from
  /// the largest multiple of the step <= min to the smallest multiple >= max, and each label
  /// has as many decimals as the step needs (max(0, -floor(log10 step))). Heckbert first
  /// rounds the range up to a nice number; skipping that gives finer steps on narrow ranges
  /// such as AUROCs ([0.71, 0.93] -> 0.70, 0.75, ..., 0.95 rather than 0.7, 0.8, ..., 1.0).
  ///
  /// Precondition: `min < max`, both finite; `targetCount >= 2`.
  /// - Complexity: O(number of ticks).
  static func linear(min: Double, max: Double, targetCount: Int = 5) -> Axis {
    precondition(
      min < max && min.isFinite && max.isFinite && targetCount >= 2,
      "NiceTicks.linear: needs finite min < max and targetCount >= 2, got \(min), \(max), \(targetCount)")
    let step = niceNumber((max - min) / Double(targetCount - 1), round: true)
    // A relative slack keeps 0.7000000000000001 from starting a new step.
    let slack = 1e-9
    let first = Int((min / step + slack).rounded(.down))
    let last = Int((max / step - slack).rounded(.up))
    let decimals = Swift.max(0, -Int(floor(Foundation.log10(step))))
    let ticks = (first...last).map { k -> Axis.Tick in
      let value = Double(k) * step
      return Axis.Tick(value: value, label: NumberFormat.fixed(value, decimals: decimals))
    }
    return Axis(
      scale: .linear, lower: Double(first) * step, upper: Double(last) * step, ticks: ticks)
  }

  /// A log10 axis covering [min, max] (both > 0).
  ///
  /// The range runs from the largest 1, 2 or 5 x 10^k <= min to the smallest one >= max.
  /// Ticks sit at every 1-2-5 value inside the range; when that would make more than ten,
  /// only the decades (1 x 10^k) are kept, provided at least two fall inside.
  ///
  /// Precondition: `0 < min < max`, both finite.
  /// - Complexity: O(decades spanned).
  static func logarithmic(min: Double, max: Double) -> Axis {
    precondition(
      min > 0 && min < max && max.isFinite,
      "NiceTicks.logarithmic: needs finite 0 < min < max, got \(min), \(max)")
    let firstDecade = Int(floor(Foundation.log10(min))) - 1
    let lastDecade = Int(ceil(Foundation.log10(max))) + 1
    var candidates: [(mantissa: Int, exponent: Int)] = []
    for exponent in firstDecade...lastDecade {
      for mantissa in [1, 2, 5] { candidates.append((mantissa, exponent)) }
    }
    func value(_ c: (mantissa: Int, exponent: Int)) -> Double {
      Double(c.mantissa) * pow(10, Double(c.exponent))
    }
    let slack = 1 + 1e-9
    let lowerIndex = candidates.lastIndex { value($0) <= min * slack } ?? 0
    let upperIndex = candidates.firstIndex { value($0) * slack >= max } ?? candidates.count - 1
    var inside = Array(candidates[lowerIndex...upperIndex])
    let decades = inside.filter { $0.mantissa == 1 }
    if inside.count > 10, decades.count >= 2 { inside = decades }
    let ticks = inside.map { c in
      Axis.Tick(value: value(c), label: NumberFormat.fixed(value(c), decimals: Swift.max(0, -c.exponent)))
    }
    return Axis(
      scale: .log10, lower: value(candidates[lowerIndex]), upper: value(candidates[upperIndex]),
      ticks: ticks)
  }
}
