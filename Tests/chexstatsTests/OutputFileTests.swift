import ChexTestSupport
import Foundation
import XCTest

@testable import chexstats

/// The output door for one result (`OutputFile`): what each kind of path becomes, what is refused,
/// and that a replaced file is whole and leaves no temporary; then the commands end to end
/// (issue 12, defects 1, 6, 8, 10, 13).
final class OutputFileTests: XCTestCase {
  /// Names in `folder` that look like the door's temporaries.
  func temporaries(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".chexstats-tmp-") }
  }

  func read(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  func fileType(_ path: String) throws -> FileAttributeType? {
    try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
  }

  /// Runs `body` while a thread reads the FIFO at `path` to its end; returns what it read.
  func readingFIFO(_ path: String, while body: () throws -> Void) throws -> String {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var received = Data()
    Thread.detachNewThread {
      if let handle = FileHandle(forReadingAtPath: path) {
        received = handle.readDataToEndOfFile()
      }
      done.signal()
    }
    try body()
    XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "the FIFO reader never finished")
    return String(decoding: received, as: UTF8.self)
  }

  // MARK: - Unit: what a path becomes

  func testANewFileIsWrittenWholeAndNoTemporaryRemains() throws {
    let scratch = TemporaryFolder()
    let path = scratch.file("out.md")
    try OutputFile(path: path, option: "--output", inputs: []).write("new\n")
    XCTAssertEqual(try read(path), "new\n")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testARegularFileIsReplacedAndKeepsItsPermissions() throws {
    let scratch = TemporaryFolder()
    let path = try scratch.write("out.md", "old old old\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
    let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
    try OutputFile(path: path, option: "--output", inputs: []).write("new\n")
    XCTAssertEqual(try read(path), "new\n")
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    XCTAssertEqual(attributes[.posixPermissions] as? Int, 0o640)
    // Renamed over, not rewritten in place: a new inode.
    XCTAssertNotEqual(attributes[.systemFileNumber] as? Int, before)
  }

  func testASymbolicLinkIsFollowedAndKept() throws {
    let scratch = TemporaryFolder()
    let target = try scratch.write("real/out.md", "old\n")
    let link = scratch.file("link.md")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/out.md")
    try OutputFile(path: link, option: "--output", inputs: []).write("new\n")
    XCTAssertEqual(try fileType(link), .typeSymbolicLink)
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real/out.md")
    XCTAssertEqual(try read(target), "new\n")
    XCTAssertEqual(try temporaries(in: scratch.file("real")), [])
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testAFIFOIsWrittenInPlaceAndStaysAFIFO() throws {
    let scratch = TemporaryFolder()
    let fifo = scratch.file("pipe")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    let destination = try OutputFile(path: fifo, option: "--output", inputs: [])
    guard case .stream = destination else { return XCTFail("a FIFO is a stream, got \(destination)") }
    let received = try readingFIFO(fifo) { try destination.write("through the pipe\n") }
    XCTAssertEqual(received, "through the pipe\n")
    XCTAssertEqual(try fileType(fifo), .typeUnknown, "still a FIFO, not replaced by a regular file")
    XCTAssertEqual(try temporaries(in: scratch.path), [])
  }

  func testASymbolicLinkToAFIFOIsAStreamToo() throws {
    // The shape of /dev/stdout (a link to /proc/self/fd/1), without a real device.
    let scratch = TemporaryFolder()
    let fifo = scratch.file("pipe")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    let link = scratch.file("stdout")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
    let received = try readingFIFO(fifo) {
      try OutputFile(path: link, option: "--output", inputs: []).write("via the link\n")
    }
    XCTAssertEqual(received, "via the link\n")
    XCTAssertEqual(try fileType(link), .typeSymbolicLink)
    XCTAssertEqual(try fileType(fifo), .typeUnknown)
  }

  func testDevNullIsWrittenInPlace() throws {
    let destination = try OutputFile(path: "/dev/null", option: "--output", inputs: [])
    guard case .stream = destination else { return XCTFail("/dev/null is a stream, got \(destination)") }
    try destination.write("discarded\n")
    XCTAssertEqual(try fileType("/dev/null"), .typeCharacterSpecial)
  }

  func testDashIsStandardOutput() throws {
    guard case .standardOutput = try OutputFile(path: "-", option: "--output", inputs: []) else {
      return XCTFail("- is standard output")
    }
    guard case .standardOutput = try OutputFile(path: nil, option: "--output", inputs: []) else {
      return XCTFail("no option is standard output")
    }
  }

  // MARK: - Unit: what is refused

  func assertRefused(
    _ path: String, inputs: [String] = [], mentions phrases: [String], line: UInt = #line
  ) {
    XCTAssertThrowsError(try OutputFile(path: path, option: "--output", inputs: inputs), line: line) {
      error in
      let message = String(describing: error)
      for phrase in phrases {
        XCTAssertTrue(message.contains(phrase), "'\(phrase)' not in: \(message)", line: line)
      }
    }
  }

  func testEmptyFolderDanglingLinkAndMissingParentAreRefused() throws {
    let scratch = TemporaryFolder()
    assertRefused("", mentions: ["--output is empty"])
    assertRefused(scratch.path, mentions: [scratch.path, "is a folder"])
    let dangling = scratch.file("dangling")
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "nowhere/x")
    assertRefused(dangling, mentions: [dangling, "symbolic link", "does not exist"])
    assertRefused(scratch.file("absent/out.md"), mentions: [scratch.file("absent"), "does not exist"])
  }

  func testAnInputIsRefusedWhateverThePathSays() throws {
    let scratch = TemporaryFolder()
    let labels = try scratch.write("labels.csv", "Study,Edema\n")
    let hardLink = scratch.file("same.csv")
    try FileManager.default.linkItem(atPath: labels, toPath: hardLink)
    let symbolic = scratch.file("alias.csv")
    try FileManager.default.createSymbolicLink(atPath: symbolic, withDestinationPath: labels)
    for path in [labels, scratch.path + "/./labels.csv", hardLink, symbolic] {
      assertRefused(path, inputs: ["x.csv", labels], mentions: [path, "same file as the input '\(labels)'"])
    }
    XCTAssertEqual(try read(labels), "Study,Edema\n")
  }

  func testStaleTemporariesOfEndedProcessesAreRemoved() throws {
    let scratch = TemporaryFolder()
    let ended = try endedProcessID()
    let stale = try scratch.write(".chexstats-tmp-\(ended)-1234", "half")
    let staleFolder = try scratch.folder(".chexstats-tmp-\(ended)-5678")
    let live = try scratch.write(".chexstats-tmp-\(getpid())-9abc", "ours, in use")
    let unrelated = try scratch.write(".chexstats-tmp-notes", "not ours: no process id")
    try OutputFile(path: scratch.file("out.md"), option: "--output", inputs: []).write("new\n")
    XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
    XCTAssertFalse(FileManager.default.fileExists(atPath: staleFolder))
    XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated))
  }
}

/// The id of a process that has ended, as a `kill -9`ed run's is: it names no process now.
func endedProcessID() throws -> Int32 {
  let ended = Process()
  ended.executableURL = URL(fileURLWithPath: "/bin/true")
  try ended.run()
  ended.waitUntilExit()
  return ended.processIdentifier
}
