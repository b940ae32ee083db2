import ChexTestSupport
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
    return try collect(process)
  }

  /// Runs `script` with bash from the repository root, where `chexstats` names the built binary:
  /// for FIFOs, pipes and process substitution as a user's shell makes them.
  static func bash(_ script: String) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    let binary = productsDirectory.appendingPathComponent("chexstats").path
    process.arguments = ["-c", "chexstats() { '\(binary)' \"$@\"; }\n" + script]
    process.currentDirectoryURL = repositoryRoot
    return try collect(process)
  }

  /// Starts `process` with standard output and error on pipes and waits for it.
  private static func collect(_ process: Process) throws -> Result {
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

  /// `../shared/data/chexpert-test` with the labels and the three leaderboard prediction files
  /// the end-to-end tests read: a skip when ../shared/data is absent (a failure with
  /// CHEXSTATS_REQUIRE_SHARED_DATA=1), a failure when it is present but incomplete.
  static func sharedChexpertTest(suite: String) throws -> URL {
    try SharedData.require(
      "chexpert-test",
      files: [
        "groundtruth.csv", "predictions/desmond_predictions.csv", "predictions/drnet_predictions.csv",
        "predictions/jfaboy_predictions.csv",
      ], suite: suite)
  }
}

/// This target's `Fixtures/` folder (each test target has its own bundle).
let fixtures = FixtureFolder(bundle: .module)

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
