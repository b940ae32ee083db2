import Foundation
import XCTest

/// The real data in `../shared/data` beside the repository (the CheXpert test labels and
/// leaderboard predictions), which is not committed.
///
/// The folder is found from this source file's path (`#filePath`), not from the working
/// directory, so it is the same whatever folder `swift test` runs from:
/// `<repo>/Tests/ChexTestSupport/SharedData.swift` -> `<repo>/../shared/data`.
/// `CHEXSTATS_SHARED_DATA=<folder>` points it elsewhere (to test the absent case, say).
///
/// - Absent folder: the test is skipped with a notice printed once per suite, or fails when
///   `CHEXSTATS_REQUIRE_SHARED_DATA=1` (set it in CI, where the data must be there).
/// - Folder present but a needed file missing: the test fails, never skips.
/// - Present: prints once per suite "real data: <suite> used <folder>", so a log shows which
///   suites ran on real data.
public enum SharedData {
  /// A needed file missing from a present `../shared/data`, or the folder missing when it is
  /// required.
  public enum Failure: Error, CustomStringConvertible {
    case required(folder: String, suite: String)
    case fileMissing(String, folder: String, suite: String)

    public var description: String {
      switch self {
      case .required(let folder, let suite):
        "\(folder) is absent but CHEXSTATS_REQUIRE_SHARED_DATA=1: \(suite) real-data checks cannot run"
      case .fileMissing(let file, let folder, let suite):
        "\(folder) is present but \(file) is missing; \(suite) needs it (a partial copy of the data?)"
      }
    }
  }

  /// `<repo>/../shared/data`, or `CHEXSTATS_SHARED_DATA` when set.
  public static var folder: URL {
    if let override = ProcessInfo.processInfo.environment["CHEXSTATS_SHARED_DATA"], !override.isEmpty {
      return URL(fileURLWithPath: override)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Tests/ChexTestSupport
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // <repo>
      .deletingLastPathComponent().appendingPathComponent("shared/data")
  }

  /// The subfolder `subfolder` of the shared data (e.g. "chexpert-test"), after checking that
  /// each of `files` (relative to it) exists. Skips (or fails, see above) when the shared data
  /// folder is absent; fails when it is present but incomplete.
  public static func require(
    _ subfolder: String, files: [String], suite: String, file: StaticString = #filePath,
    line: UInt = #line
  ) throws -> URL {
    let root = folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      if ProcessInfo.processInfo.environment["CHEXSTATS_REQUIRE_SHARED_DATA"] == "1" {
        throw Failure.required(folder: root.path, suite: suite)
      }
      Notice.once("../shared/data absent: \(suite) real-data checks skipped (looked in \(root.path))")
      throw XCTSkip(
        "../shared/data absent (\(root.path)): \(suite) real-data checks skipped", file: file, line: line)
    }
    let target = root.appendingPathComponent(subfolder)
    for name in files {
      guard FileManager.default.fileExists(atPath: target.appendingPathComponent(name).path) else {
        throw Failure.fileMissing("\(subfolder)/\(name)", folder: root.path, suite: suite)
      }
    }
    Notice.once("real data: \(suite) used \(target.path)", prefix: "")
    return target
  }
}
