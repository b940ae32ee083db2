import Foundation

/// Text and number formatting for SVG output: every string and coordinate a figure writes
/// passes through here, so files are escaped, compact and byte-for-byte deterministic.
enum SVGText {
  /// `text` made safe for XML character data and attribute values (SVG 1.1 is XML 1.0).
  ///
  /// The five markup characters become entity references; characters that XML 1.0 forbids
  /// (C0 controls other than tab, newline and return; U+FFFE, U+FFFF; lone surrogates cannot
  /// occur in a Swift `String`) become U+FFFD, so a figure never fails to parse because of a
  /// name read from a user's file.
  /// - Complexity: O(n) in the length of `text`.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(" ")
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out.unicodeScalars.append("\u{FFFD}")
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A pixel coordinate or length with at most two decimals and no trailing zeros
  /// (`12`, `12.5`, `12.35`); `0` for negative zero.
  ///
  /// Precondition: `value` is finite (callers drop non-finite geometry before drawing).
  static func number(_ value: Double) -> String {
    precondition(value.isFinite, "SVGText.number: coordinate must be finite, got \(value)")
    var text = String(format: "%.2f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// An estimate of the width of `text` set in a generic sans-serif face at `size` pixels.
  ///
  /// The real width depends on the viewer's font; 0.6 em per character is a little wider than
  /// Helvetica, Arial or DejaVu Sans average for mixed-case names, so layouts err on the side of
  /// room.
  static func width(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.6
  }

  /// `text` broken at spaces into lines no wider than `maxWidth` (a word longer than the
  /// width gets a line of its own).
  static func wrap(_ text: String, size: Double, maxWidth: Double) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if current.isEmpty || width(candidate, size: size) <= maxWidth {
        current = candidate
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}
