import Foundation
import XCTest

@testable import ChexData

/// A fresh folder under the system's temporary directory, removed when released.
final class TemporaryFolder {
  let path: String

  init() {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("chexdata-tests-\(UUID().uuidString)").path
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      preconditionFailure("TemporaryFolder.init: cannot create \(path): \(error)")
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `text` as UTF-8 to `name` (which may include subfolders) and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    try write(name, bytes: Array(text.utf8))
  }

  /// Writes raw bytes to `name` and returns its path.
  @discardableResult
  func write(_ name: String, bytes: [UInt8]) throws -> String {
    let full = path + "/" + name
    let folder = (full as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: full))
    return full
  }

  /// Creates the subfolder `name` and returns its path.
  func folder(_ name: String) throws -> String {
    let full = path + "/" + name
    try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
    return full
  }
}

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

/// The JSON fixture `name` from the test bundle's Fixtures folder.
func loadFixture(_ name: String) throws -> [String: Any] {
  guard
    let url = Bundle.module.url(
      forResource: name, withExtension: nil, subdirectory: "Fixtures")
  else {
    throw XCTSkip("fixture \(name) missing from the bundle")
  }
  let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
  guard let dictionary = object as? [String: Any] else {
    throw XCTSkip("fixture \(name) is not a JSON object")
  }
  return dictionary
}
