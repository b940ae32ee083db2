import ChexTestSupport
import Foundation
import XCTest

@testable import ChexData

/// `FileBytes`: regular files and streams read whole, each failure named for what it is
/// (issue 12, defect 16: a FIFO or a piped /dev/stdin was "permission denied").
final class FileBytesTests: XCTestCase {
  /// Bytes that differ from one position to the next, so a lost or repeated chunk shows.
  func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 251) } }

  /// A FIFO in `folder` that a thread fills with `bytes` once a reader opens it.
  func fifo(in folder: TemporaryFolder, feeding bytes: [UInt8]) -> String {
    let path = folder.file("fifo-\(UUID().uuidString)")
    XCTAssertEqual(mkfifo(path, 0o600), 0)
    // The reader may stop early (the limit): the writer then gets EPIPE, not SIGPIPE's death.
    signal(SIGPIPE, SIG_IGN)
    Thread.detachNewThread {
      guard let handle = FileHandle(forWritingAtPath: path) else { return }
      try? handle.write(contentsOf: bytes)
      try? handle.close()
    }
    return path
  }

  func testARegularFileIsReadWhole() throws {
    let scratch = TemporaryFolder()
    let bytes = pattern(3_000_001)
    let path = try scratch.write("big.csv", bytes: bytes)
    XCTAssertEqual([UInt8](try FileBytes.read(path: path)), bytes)
    XCTAssertEqual([UInt8](try FileBytes.read(path: try scratch.write("empty.csv", bytes: []))), [])
  }

  func testAFIFOIsReadAsAStreamToItsEnd() throws {
    let scratch = TemporaryFolder()
    // More than the first 1 MiB buffer, so the buffer grows twice.
    let bytes = pattern(3 << 20 + 17)
    XCTAssertEqual([UInt8](try FileBytes.read(path: fifo(in: scratch, feeding: bytes))), bytes)
  }

  func testDevNullIsAnEmptyStream() throws {
    XCTAssertEqual(try FileBytes.read(path: "/dev/null").count, 0)
  }

  func testTheLimitIsCheckedBeforeAndWhileReading() throws {
    let scratch = TemporaryFolder()
    let path = try scratch.write("a.csv", bytes: pattern(1001))
    XCTAssertEqual(try FileBytes.read(path: path, limit: 1001).count, 1001)
    let tooLarge = DataError.unreadable(path: path, reason: "it is larger than the 1000-byte input limit")
    XCTAssertThrowsError(try FileBytes.read(path: path, limit: 1000)) {
      XCTAssertEqual($0 as? DataError, tooLarge)
    }
    let stream = fifo(in: scratch, feeding: pattern(5000))
    XCTAssertThrowsError(try FileBytes.read(path: stream, limit: 1000)) { error in
      XCTAssertEqual(
        error as? DataError, .unreadable(path: stream, reason: "it is larger than the 1000-byte input limit"))
    }
  }

  func testEachFailureIsNamedForWhatItIs() throws {
    let scratch = TemporaryFolder()
    let file = try scratch.write("a.csv", "Study\n")
    let cases: [(path: String, expected: DataError)] = [
      (scratch.file("absent.csv"), .fileNotFound(path: scratch.file("absent.csv"))),
      (scratch.path, .isDirectory(path: scratch.path)),
      (file + "/b.csv", .unreadable(path: file + "/b.csv", reason: "a folder on the way to it is a file")),
    ]
    for (path, expected) in cases {
      XCTAssertThrowsError(try FileBytes.read(path: path)) { XCTAssertEqual($0 as? DataError, expected) }
    }
  }

  func testAFileWithoutReadPermissionIsPermissionDenied() throws {
    guard getuid() != 0 else {
      Notice.once("FileBytesTests: running as root, which reads any file; permission denied not checked")
      return
    }
    let scratch = TemporaryFolder()
    let path = try scratch.write("secret.csv", "Study\n")
    XCTAssertEqual(chmod(path, 0), 0)
    XCTAssertThrowsError(try FileBytes.read(path: path)) { error in
      XCTAssertEqual(error as? DataError, .unreadable(path: path, reason: "permission denied"))
    }
  }
}
