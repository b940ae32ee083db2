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
