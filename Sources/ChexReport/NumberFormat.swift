import ChexStats
import Foundation

/// Every number a report prints goes through here, so that one place decides precision.
public enum NumberFormat {
  /// Shortest text that reads back as the same `Double` (for CSV and JSON); empty for nil or
  /// a non-finite value, which CSV readers treat as missing.
  public static func exact(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// A value with a fixed number of decimals (for Markdown); an en dash for nil.
  public static func fixed(_ value: Double?, decimals: Int) -> String {
    guard let value, value.isFinite else { return "–" }
    let text = String(format: "%.\(decimals)f", value)
    // "-0.0000" reads as a sign where there is none.
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
      return String(text.dropFirst())
    }
    return text
  }

  /// A signed value (`+0.0123`), for differences.
  public static func signed(_ value: Double?, decimals: Int) -> String {
    let text = fixed(value, decimals: decimals)
    guard let value, value.isFinite, !text.hasPrefix("-"), text != fixed(0, decimals: decimals)
    else { return text }
    return value > 0 ? "+" + text : text
  }

  /// A p-value: three decimals from 0.001 up, two significant digits in scientific notation
  /// below (a p-value of exactly 0 prints as `<1e-300`).
  public static func pValue(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "–" }
    if value >= 0.001 { return String(format: "%.3f", value) }
    if value <= 0 { return "<1e-300" }
    return String(format: "%.1e", value)
  }

  /// A level as a percentage (`95%`).
  public static func percent(_ level: Double) -> String {
    let value = level * 100
    return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
  }

  /// `estimate [lower, upper]` with the given decimals; the interval part is left out when
  /// absent.
  public static func withInterval(
    _ estimate: Double?, _ interval: ConfidenceInterval?, decimals: Int, signed: Bool = false
  ) -> String {
    let format: (Double?) -> String = {
      signed ? NumberFormat.signed($0, decimals: decimals) : fixed($0, decimals: decimals)
    }
    guard estimate != nil else { return "–" }
    guard let interval else { return format(estimate) }
    return "\(format(estimate)) [\(format(interval.lower)), \(format(interval.upper))]"
  }

  /// An estimate as `value [lower, upper]` (see ``withInterval(_:_:decimals:signed:)``).
  public static func withInterval(_ estimate: Estimate?, decimals: Int, signed: Bool = false) -> String {
    withInterval(estimate?.value, estimate?.interval, decimals: decimals, signed: signed)
  }
}
