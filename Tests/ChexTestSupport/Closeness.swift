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

/// Asserts that `actual` matches a high-precision reference `truth` to `relative` (relative
/// error), and an independent implementation's value `other` (scipy, say) to `relative` plus
/// that implementation's own error against `truth`, so its known inaccuracies are not held
/// against us. A `truth` below the smallest normal double must be matched by a value below
/// 1e-300 (subnormals carry no relative accuracy). Returns the relative error against `truth`.
@discardableResult
public func assertMatchesReference(
  _ actual: Double, truth: Double, other: Double?, relative: Double, _ name: String,
  file: StaticString = #filePath, line: UInt = #line
) -> Double {
  if abs(truth) < Double.leastNormalMagnitude {
    XCTAssertLessThan(abs(actual), 1e-300, "\(name): \(actual) vs reference \(truth)", file: file, line: line)
    return 0
  }
  let error = relativeError(actual, truth)
  XCTAssertLessThanOrEqual(
    error, relative, "\(name): \(actual) vs reference \(truth) (allowed relative \(relative))", file: file,
    line: line)
  if let other {
    let otherOwn = relativeError(other, truth)
    XCTAssertLessThanOrEqual(
      relativeError(actual, other), relative + otherOwn * 1.0001,
      "\(name): \(actual) vs other \(other) (its own error \(otherOwn))", file: file, line: line)
  }
  return error
}
