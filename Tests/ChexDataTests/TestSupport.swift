import ChexTestSupport
import Foundation
import XCTest

@testable import ChexData

/// This target's `Fixtures/` folder (each test target has its own bundle).
let fixtures = FixtureFolder(bundle: .module)

/// Asserts that `body` throws exactly `expected`, and that the message mentions each of
/// `mentions` (the file, the line, the column or the key).
func assertThrows<T>(
  _ expected: DataError, mentions: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws(DataError) -> T
) {
  do {
    let value = try body()
    XCTFail("expected \(expected), got \(value)", file: file, line: line)
  } catch {
    XCTAssertEqual(error, expected, file: file, line: line)
    for text in mentions {
      XCTAssertTrue(
        error.description.contains(text), "'\(error.description)' does not mention '\(text)'",
        file: file, line: line)
    }
    XCTAssertFalse(error.description.contains("\n"), "one line", file: file, line: line)
  }
}
