import Foundation
import XCTest

/// Runs the built `chexstats` binary, as a user would, and captures what it printed.
enum CLI {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// The folder holding the built products (the test bundle's sibling).
  static var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
  }

  static func run(_ arguments: [String], currentDirectory: URL? = nil) throws -> Result {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("chexstats")
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// The repository root (three levels above this file).
  static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// `../shared/data/chexpert-test` beside the repository, or a skip when it is absent.
  static func sharedChexpertTest() throws -> URL {
    let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
      "shared/data/chexpert-test")
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("groundtruth.csv").path)
    else { throw XCTSkip("../shared/data/chexpert-test is not present") }
    return url
  }
}

/// A scratch folder of files a test writes, removed afterwards.
final class Scratch {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chexstats-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` inside the folder and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
    return file.path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Parses the compare CSV output into rows keyed by task, then column.
func parseCompareCSV(_ text: String) -> (header: [String], rows: [String: [String: String]]) {
  let lines = text.split(separator: "\n").map(String.init)
  let header =
    lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
  var rows: [String: [String: String]] = [:]
  for line in lines.dropFirst() {
    let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells))
  }
  return (header, rows)
}
