import Foundation
import XCTest

/// Golden-file comparison against `Snapshots/<name>` beside the calling test file. Set
/// `CHEXSTATS_RECORD_SNAPSHOTS=1` to re-record; a recording run fails, so it can never pass
/// silently.
public func assertSnapshot(
  _ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line
) throws {
  let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    .appendingPathComponent("Snapshots").appendingPathComponent(name)
  if ProcessInfo.processInfo.environment["CHEXSTATS_RECORD_SNAPSHOTS"] == "1" {
    try Data(text.utf8).write(to: url)
    XCTFail(
      "Recorded snapshot \(name); run again without CHEXSTATS_RECORD_SNAPSHOTS.", file: file, line: line)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    XCTFail("No snapshot \(name); record it with CHEXSTATS_RECORD_SNAPSHOTS=1.", file: file, line: line)
    return
  }
  if text != expected {
    let a = text.split(separator: "\n", omittingEmptySubsequences: false)
    let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    XCTFail(
      "\(name) differs at line \(first + 1):\n  got:      \(first < a.count ? a[first] : "<end>")\n  expected: \(first < b.count ? b[first] : "<end>")",
      file: file, line: line)
  }
}
