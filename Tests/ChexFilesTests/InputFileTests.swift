import ChexFiles
import ChexTestSupport
import Foundation
import XCTest

/// `InputFile`, the reader behind ChexData's files, `ONNXLoader.load(path:)` and `NumPy.read`
/// (issue 12, defect 16): streams read to their end within the limit, failures from `errno`.
final class InputFileTests: XCTestCase {
  func testAFIFOIsReadToItsEndAndItsLengthIsLimited() throws {
    let scratch = TemporaryFolder()
    let bytes = (0..<(2 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
    for (limit, expected) in [
      (InputFile.limit, Result<[UInt8], InputFile.Failure>.success(bytes)),
      (4096, .failure(.unreadable("it is larger than the 4096-byte input limit"))),
    ] {
      let path = scratch.file("fifo-\(limit)")
      XCTAssertEqual(mkfifo(path, 0o600), 0)
      // The reader may stop early (the limit): the writer then gets EPIPE, not SIGPIPE's death.
      signal(SIGPIPE, SIG_IGN)
      Thread.detachNewThread {
        let handle = FileHandle(forWritingAtPath: path)
        try? handle?.write(contentsOf: bytes)
        try? handle?.close()
      }
      let read = Result { () throws(InputFile.Failure) in
        [UInt8](try InputFile.read(path: path, limit: limit))
      }
      XCTAssertEqual(read, expected)
    }
  }

  /// `map` gives a regular file's bytes as `read` does (mapped), a stream's and an empty file's
  /// by reading, and the same failures.
  func testMappedFilesHoldTheSameBytes() throws {
    let scratch = TemporaryFolder()
    let bytes = (0..<(1 << 20) + 7).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 11) }
    let path = scratch.file("regular")
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    XCTAssertEqual([UInt8](try InputFile.map(path: path)), bytes)
    let empty = scratch.file("empty")
    XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
    XCTAssertEqual(try InputFile.map(path: empty), Data())
    let fifo = scratch.file("fifo")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    Thread.detachNewThread {
      let handle = FileHandle(forWritingAtPath: fifo)
      try? handle?.write(contentsOf: bytes)
      try? handle?.close()
    }
    XCTAssertEqual([UInt8](try InputFile.map(path: fifo)), bytes)
    for (path, failure) in [(scratch.file("none"), InputFile.Failure.missing), (scratch.path, .folder)] {
      XCTAssertThrowsError(try InputFile.map(path: path)) {
        XCTAssertEqual($0 as? InputFile.Failure, failure)
      }
    }
    XCTAssertThrowsError(try InputFile.map(path: path, limit: 4096)) { error in
      XCTAssertEqual(error as? InputFile.Failure, .unreadable("it is larger than the 4096-byte input limit"))
    }
  }

  func testFailuresAreWhatTheSystemSaid() throws {
    let scratch = TemporaryFolder()
    let file = try scratch.write("m.onnx", bytes: [8, 7])
    XCTAssertEqual(try InputFile.read(path: file), Data([8, 7]))
    let cases: [(String, InputFile.Failure)] = [
      (scratch.file("absent.onnx"), .missing), (scratch.path, .folder),
      (file + "/x", .unreadable("a folder on the way to it is a file")),
    ]
    for (path, expected) in cases {
      XCTAssertThrowsError(try InputFile.read(path: path)) {
        XCTAssertEqual($0 as? InputFile.Failure, expected)
      }
    }
  }
}
