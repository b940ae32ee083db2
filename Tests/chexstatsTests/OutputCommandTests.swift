import ChexTestSupport
import Foundation
import XCTest

/// End to end: what `compare --output`, `run --output` and `inspect` do with outputs that are not
/// a plain new file, with failed writes, and with an output that is one of their inputs (issue 12,
/// defects 1, 6, 8, 10, 13, 14). Expected results are the same command's output to a plain file
/// or to standard output: the point is where the bytes go, not what they are.
final class OutputCommandTests: XCTestCase {
  let root = CLI.repositoryRoot
  var labels: String { root.path + "/data/demo/labels.csv" }
  var runA: String { root.path + "/data/demo/runs/densenet121-pretrained-s1" }
  var runB: String { root.path + "/data/demo/runs/densenet121-random-s1" }
  var compare: [String] { ["compare", runA, runB, "--labels", labels, "--replicates", "20"] }
  var model: String { get throws { try fixtures.path("models/densenet_g8.onnx") } }
  var batch: String { get throws { try fixtures.path("models/densenet_g8_input.npy") } }

  /// `arguments` quoted for bash.
  func quoted(_ arguments: [String]) -> String {
    arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
  }

  /// Runs the binary with standard output on `handle`; returns the process once it has ended.
  func run(_ arguments: [String], standardOutput handle: FileHandle) throws -> (Process, stderr: String) {
    let process = Process()
    process.executableURL = CLI.productsDirectory.appendingPathComponent("chexstats")
    process.arguments = arguments
    process.standardOutput = handle
    let err = Pipe()
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process, String(decoding: stderr, as: UTF8.self))
  }

  func assertOneLineError(_ result: CLI.Result, mentions phrases: [String], line: UInt = #line) {
    XCTAssertEqual(result.status, 1, result.stderr, line: line)
    XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)", line: line)
    XCTAssertTrue(result.stderr.hasPrefix("chexstats: error: "), result.stderr, line: line)
    for phrase in phrases {
      XCTAssertTrue(result.stderr.contains(phrase), "'\(phrase)' not in: \(result.stderr)", line: line)
    }
  }

  func temporaries(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".chexstats-tmp-") }
  }

  // MARK: - Defect 1: special files are written in place, never replaced

  func testCompareWritesIntoAFIFOAndALinkToOneInPlace() throws {
    let scratch = TemporaryFolder()
    let expected = try CLI.run(compare)
    XCTAssertEqual(expected.status, 0, expected.stderr)
    let script = """
      cd \(quoted([scratch.path])) && mkfifo pipe && ln -s pipe stdout-like
      for target in pipe stdout-like; do
        cat pipe > "received-$target" &
        chexstats \(quoted(compare)) --output "$target" || exit 1
        wait
      done
      test -p pipe && test -L stdout-like && test -p stdout-like
      """
    let result = try CLI.bash(script)
    XCTAssertEqual(result.status, 0, result.stderr)
    for name in ["received-pipe", "received-stdout-like"] {
      XCTAssertEqual(try String(contentsOfFile: scratch.file(name), encoding: .utf8), expected.stdout, name)
    }
  }

  func testDevStdoutIntoAFileTheShellAppendsToKeepsWhatWasThere() throws {
    let scratch = TemporaryFolder()
    let expected = try CLI.run(compare)
    let log = try scratch.write("log.md", "earlier lines\n")
    let result = try CLI.bash("chexstats \(quoted(compare)) --output /dev/stdout >> \(quoted([log]))")
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "earlier lines\n" + expected.stdout)
  }

  func testCompareAndRunWriteToDevNullWithoutReplacingIt() throws {
    let scratch = TemporaryFolder()
    let compared = try CLI.run(compare + ["--output", "/dev/null"])
    XCTAssertEqual(compared.status, 0, compared.stderr)
    let ran = try CLI.run(["run", try model, "--input", try batch, "--output", "/dev/null"])
    XCTAssertEqual(ran.status, 0, ran.stderr)
    let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
    XCTAssertEqual(type, .typeCharacterSpecial)
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testAFolderAndAnEmptyPathAreRefusedByName() throws {
    let scratch = TemporaryFolder()
    assertOneLineError(
      try CLI.run(compare + ["--output", scratch.path]), mentions: [scratch.path, "folder"])
    assertOneLineError(try CLI.run(compare + ["--output", ""]), mentions: ["--output is empty"])
    assertOneLineError(
      try CLI.run(["run", try model, "--input", try batch, "--output", ""]), mentions: ["--output is empty"])
  }

  // MARK: - Defect 6: failed writes to standard output

  func testAClosedPipeEndsCompareAndInspectQuietlyAsUnixToolsDo() throws {
    for arguments in [compare, ["inspect", try model]] {
      let pipe = Pipe()
      try pipe.fileHandleForReading.close()
      let (process, stderr) = try run(arguments, standardOutput: pipe.fileHandleForWriting)
      XCTAssertEqual(process.terminationReason, .uncaughtSignal, "\(arguments[0]): \(stderr)")
      XCTAssertEqual(process.terminationStatus, SIGPIPE, arguments[0])
      XCTAssertEqual(stderr, "", "no crash report, no stack trace")
    }
  }

  func testAnUnwritableStandardOutputIsOneLineAndStatus1() throws {
    // Standard output opened for reading only: every write fails (EBADF), as on a full disk.
    let scratch = TemporaryFolder()
    let readOnly = try XCTUnwrap(FileHandle(forReadingAtPath: try scratch.write("stdout", "")))
    for arguments in [compare, ["inspect", try model], ["inspect", try model, "--format", "json"]] {
      let (process, stderr) = try run(arguments, standardOutput: readOnly)
      XCTAssertEqual(process.terminationReason, .exit, arguments[0])
      XCTAssertEqual(process.terminationStatus, 1, "\(arguments[0]) must not exit 0: \(stderr)")
      XCTAssertEqual(stderr, "chexstats: error: cannot write to standard output: bad file descriptor\n")
    }
  }

  // MARK: - Defects 8 and 10: run --output is atomic and leaves no temporary

  func testRunReplacesItsOutputByRenameAndLeavesNoTemporary() throws {
    let scratch = TemporaryFolder()
    let output = try scratch.write("y.npy", "a previous result")
    let before = try FileManager.default.attributesOfItem(atPath: output)[.systemFileNumber] as? Int
    let result = try CLI.run(["run", try model, "--input", try batch, "--output", output])
    XCTAssertEqual(result.status, 0, result.stderr)
    let after = try FileManager.default.attributesOfItem(atPath: output)[.systemFileNumber] as? Int
    XCTAssertNotEqual(before, after, "a new file renamed into place, not the old one rewritten")
    let reference = try NPY.read(try fixtures.path("models/densenet_g8_ort_output.npy"))
    XCTAssertEqual(try NPY.read(output).shape, reference.shape)
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testAFailedRunLeavesTheOldOutputAndNoTemporary() throws {
    let scratch = TemporaryFolder()
    let output = try scratch.write("y.npy", "a previous result")
    let bad = try scratch.write("x.npy", "not numpy")
    let result = try CLI.run(["run", try model, "--input", bad, "--output", output])
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "a previous result")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testTheNextRunRemovesTemporariesAKilledRunLeft() throws {
    let scratch = TemporaryFolder()
    try scratch.write(".chexstats-tmp-\(try endedProcessID())-1f2e3d", "half a report")
    let result = try CLI.run(compare + ["--output", scratch.file("out.md")])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  // MARK: - Defect 13: an output that is an input

  func testAnOutputThatIsAnInputIsRefusedAndTheInputKept() throws {
    let scratch = TemporaryFolder()
    let copy = scratch.file("labels.csv")
    try FileManager.default.copyItem(atPath: labels, toPath: copy)
    let original = try Data(contentsOf: URL(fileURLWithPath: copy))
    let link = scratch.file("link.csv")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: copy)
    let viaCompare = try CLI.run(
      ["compare", runA, runB, "--labels", copy, "--replicates", "20", "--output", link])
    assertOneLineError(viaCompare, mentions: [link, "same file as the input '\(copy)'"])
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), original)

    let predictions = runA + "/predictions.csv"
    assertOneLineError(
      try CLI.run(compare + ["--output", predictions]), mentions: [predictions, "same file as the input"])

    let input = scratch.file("x.npy")
    try FileManager.default.copyItem(atPath: try batch, toPath: input)
    assertOneLineError(
      try CLI.run(["run", try model, "--input", input, "--output", input]),
      mentions: [input, "same file as the input"])
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: input)),
      try Data(contentsOf: URL(fileURLWithPath: try batch)))
  }
}
