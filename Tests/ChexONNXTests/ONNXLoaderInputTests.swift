import ChexONNX
import ChexTestSupport
import XCTest

/// How the loader words a failure of `ChexFiles.InputFile` (issue 12, defect 16: a folder was
/// once reported as a permission problem).
final class ONNXLoaderInputTests: XCTestCase {
  func testTheLoaderSaysAFolderIsAFolder() throws {
    let scratch = TemporaryFolder()
    XCTAssertThrowsError(try ONNXLoader.load(path: scratch.path)) { error in
      XCTAssertEqual(
        error as? ONNXError, .unreadable(file: scratch.path, reason: "it is a folder, not a file"))
    }
  }
}
