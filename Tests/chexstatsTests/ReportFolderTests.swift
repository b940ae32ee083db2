import ChexTestSupport
import Foundation
import Synchronization
import XCTest

@testable import chexstats

/// `report --out DIR` publishes the whole folder at once (`ReportFolder`): unit tests on
/// hand-made file lists, then the command end to end (issue 12, defects 7, 10, 14).
final class ReportFolderTests: XCTestCase {
  /// Every file under `folder` (relative path -> text).
  func contents(of folder: String) throws -> [String: String] {
    var found: [String: String] = [:]
    let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: folder))
    while let name = enumerator.nextObject() as? String {
      var isFolder: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
      if !isFolder.boolValue {
        found[name] = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
      }
    }
    return found
  }

  func temporaries(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".chexstats-tmp-") }
  }

  func report(_ tag: String) -> [(name: String, text: String)] {
    [
      ("report.json", "{\"tag\": \"\(tag)\"}\n"), ("report.md", "# \(tag)\n"),
      ("figures/a.svg", "<svg>\(tag)</svg>\n"),
    ]
  }

  // MARK: - Unit

  func testANewFolderGetsTheWholeReport() throws {
    let scratch = TemporaryFolder()
    let out = scratch.file("deep/er/report")
    try ReportFolder(path: out, inputs: []).publish(report("new"))
    XCTAssertEqual(
      try contents(of: out),
      ["report.json": "{\"tag\": \"new\"}\n", "report.md": "# new\n", "figures/a.svg": "<svg>new</svg>\n"])
    XCTAssertEqual(try temporaries(in: scratch.file("deep/er")), [])
  }

  func testAnOldReportIsReplacedWholeNotMixed() throws {
    let scratch = TemporaryFolder()
    let out = scratch.file("report")
    try ReportFolder(path: out, inputs: []).publish(report("old") + [("only-old.csv", "x\n")])
    try ReportFolder(path: out, inputs: []).publish(report("new"))
    XCTAssertEqual(Set(try contents(of: out).keys), ["report.json", "report.md", "figures/a.svg"])
    XCTAssertEqual(try contents(of: out)["report.md"], "# new\n")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testALinkToTheFolderIsKeptAndItsTargetReplaced() throws {
    let scratch = TemporaryFolder()
    let real = scratch.file("real")
    try ReportFolder(path: real, inputs: []).publish(report("old"))
    let link = scratch.file("link")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real")
    try ReportFolder(path: link, inputs: []).publish(report("new"))
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real")
    XCTAssertEqual(try contents(of: real)["report.md"], "# new\n")
  }

  func testAFailedPublishKeepsTheOldReportAndLeavesNoTemporary() throws {
    let scratch = TemporaryFolder()
    let out = scratch.file("report")
    try ReportFolder(path: out, inputs: []).publish(report("old"))
    // 'a' is a file, so 'a/b' cannot be created: the publish fails half-way through its files.
    XCTAssertThrowsError(
      try ReportFolder(path: out, inputs: []).publish(report("new") + [("a", "1"), ("a/b", "2")])
    ) { error in
      XCTAssertTrue(String(describing: error).contains("a/b"), "\(error)")
    }
    XCTAssertEqual(try contents(of: out)["report.md"], "# old\n")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testConcurrentPublishesNeverMix() throws {
    let scratch = TemporaryFolder()
    let out = scratch.file("report")
    let tags = (0..<8).map { "writer \($0)" }
    let fileSets = tags.map { tag in report(tag) + (0..<20).map { ("part\($0).csv", "\(tag)\n") } }
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { index in
      do {
        try ReportFolder(path: out, inputs: []).publish(fileSets[index])
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    XCTAssertEqual(failures.withLock { $0 }, [])
    let final = try contents(of: out)
    XCTAssertEqual(final.count, 23)
    let tag = try XCTUnwrap(tags.first { final["report.md"] == "# \($0)\n" })
    XCTAssertTrue(final.values.allSatisfy { $0.contains(tag) }, "all files from one writer: \(final)")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testAFolderThatIsNotAReportIsRefusedAndKept() throws {
    let scratch = TemporaryFolder()
    let mine = try scratch.write("mine/notes.txt", "keep me")
    XCTAssertThrowsError(try ReportFolder(path: scratch.file("mine"), inputs: [])) { error in
      XCTAssertTrue(String(describing: error).contains("no report.json"), "\(error)")
    }
    XCTAssertEqual(try String(contentsOfFile: mine, encoding: .utf8), "keep me")
    // An empty folder is fine.
    try ReportFolder(path: try scratch.folder("empty"), inputs: []).publish(report("new"))
    XCTAssertEqual(try contents(of: scratch.file("empty"))["report.md"], "# new\n")
  }

  func testAFolderHoldingAnInputIsRefused() throws {
    let scratch = TemporaryFolder()
    let out = scratch.file("report")
    try ReportFolder(path: out, inputs: []).publish(report("old"))
    let labels = try scratch.write("report/labels.csv", "Study,Edema\n")
    XCTAssertThrowsError(try ReportFolder(path: out, inputs: [labels])) { error in
      XCTAssertTrue(String(describing: error).contains("holds the input '\(labels)'"), "\(error)")
    }
  }

  // MARK: - End to end

  let root = CLI.repositoryRoot
  var arguments: [String] {
    let runs = ["densenet121-pretrained-s1", "densenet121-random-s1", "mobilenet_v2-pretrained-s1"]
    return ["report"] + runs.map { root.path + "/data/demo/runs/" + $0 } + [
      "--labels", root.path + "/data/demo/labels.csv", "--replicates", "10",
    ]
  }

  func testReportReplacesAnOldReportWholeAndConcurrentReportsDoNotInterleave() throws {
    let scratch = TemporaryFolder()
    // The two reports alone, each into its own new folder.
    var expected: [[String: String]] = []
    for seed in ["1", "2"] {
      let result = try CLI.run(arguments + ["--seed", seed, "--out", scratch.file("alone-\(seed)")])
      XCTAssertEqual(result.status, 0, result.stderr)
      expected.append(try contents(of: scratch.file("alone-\(seed)")))
    }
    XCTAssertNotEqual(expected[0]["report.md"], expected[1]["report.md"])
    // An old report with a stray file of its own, then both into one folder at once.
    let out = scratch.file("shared/out")
    XCTAssertEqual(try CLI.run(arguments + ["--seed", "1", "--out", out]).status, 0)
    try "stale".write(toFile: out + "/only-in-the-old-report.csv", atomically: true, encoding: .utf8)
    let commands = ["1", "2"].map { arguments + ["--seed", $0, "--out", out] }
    let statuses = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let result = try? CLI.run(commands[index])
      statuses.withLock { $0.append("\(result?.status ?? -1) \(result?.stderr ?? "did not run")") }
    }
    XCTAssertEqual(statuses.withLock { $0.filter { !$0.hasPrefix("0 ") } }, [])
    let final = try contents(of: out)
    XCTAssertTrue(final == expected[0] || final == expected[1], "one whole report, not a mix")
    XCTAssertEqual(try temporaries(in: scratch.file("shared")), [])
  }

  func testAnEmptyOutIsRefused() throws {
    let scratch = TemporaryFolder()
    let result = try CLI.run(arguments + ["--out", ""], currentDirectory: scratch.url)
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(result.stderr, "chexstats: error: --out is empty; give a folder for the report\n")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
  }
}
