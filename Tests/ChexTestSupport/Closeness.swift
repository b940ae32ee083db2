import XCTest

/// The relative difference |actual - expected| / |expected|, or the absolute difference when
/// `expected` is zero; 0 when the two are equal (including equal infinities).
public func relativeError(_ actual: Double, _ expected: Double) -> Double {
  if actual == expected { return 0 }
  if expected == 0 { return abs(actual) }
  return abs(actual - expected) / abs(expected)
}

/// Asserts |actual - expected| <= tolerance * max(1, |expected|): absolute near zero, relative
/// for large values. A nil on either side fails.
public func assertClose(
  _ actual: Double?, _ expected: Double?, tolerance: Double, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard let actual, let expected else {
    XCTFail(
      "nil value: \(String(describing: actual)) vs \(String(describing: expected)) \(message)", file: file,
      line: line)
    return
  }
  let scale = max(1, abs(expected))
  XCTAssertLessThanOrEqual(
    abs(actual - expected), tolerance * scale,
    "\(actual) vs expected \(expected) \(message)", file: file, line: line)
}

/// Asserts |actual - expected| <= max(absolute, relative * |expected|), naming `name` (the
/// case: the arguments that produced `actual`) in the failure message. Equal values, including
/// equal infinities, always pass; NaN passes only against NaN.
public func assertClose(
  _ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0, _ name: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  if actual == expected || (actual.isNaN && expected.isNaN) { return }
  let allowed = max(absolute, relative * abs(expected))
  let difference = abs(actual - expected)
  if !(difference <= allowed) {
    XCTFail(
      "\(name): \(actual) vs expected \(expected) (relative error \(relativeError(actual, expected)), "
        + "allowed relative \(relative), absolute \(absolute))", file: file, line: line)
  }
}
