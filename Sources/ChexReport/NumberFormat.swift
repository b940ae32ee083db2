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
    return String(format: "%.\(decimals)f", value)
  }
}
