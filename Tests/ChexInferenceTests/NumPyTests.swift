import XCTest

@testable import ChexInference

final class NumPyTests: XCTestCase {
  func testRoundTripAndAlignment() throws {
    let tensor = Tensor(shape: [2, 3], data: [1, -2.5, 3e-8, .greatestFiniteMagnitude, 0, -0])
    let bytes = NumPy.encode(tensor)
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    XCTAssertEqual((10 + headerLength) % 64, 0)
    XCTAssertEqual(try NumPy.decode(bytes, file: "t.npy"), tensor)
  }

  /// A version 2.0 header built by hand (4-byte length), as numpy writes for very long headers.
  func testReadsVersion2Header() throws {
    let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n".utf8)
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0]
    bytes += [UInt8(header.count), 0, 0, 0] + header
    bytes += [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]  // 1.0, -2.0
    XCTAssertEqual(try NumPy.decode(bytes, file: "v2.npy"), Tensor(shape: [2], data: [1, -2]))
  }

  /// The committed fixture inputs were written by numpy itself.
  func testReadsNumpyWrittenFile() throws {
    let tensor = try NumPy.read(path: try fixturesPath() + "/relu/input.npy")
    XCTAssertEqual(tensor.shape, [2, 3, 4, 5])
  }

  func testErrorsNameTheProblem() {
    func message(_ bytes: [UInt8]) -> String {
      do {
        _ = try NumPy.decode(bytes, file: "bad.npy")
        return "no error"
      } catch {
        return error.description
      }
    }
    func file(_ header: String, data: Int) -> [UInt8] {
      let h = Array(header.utf8)
      return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count), 0] + h
        + [UInt8](repeating: 0, count: data)
    }
    XCTAssertTrue(message([1, 2, 3]).contains("magic"))
    XCTAssertTrue(
      message(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: 8)).contains(
        "found '<f8'"))
    XCTAssertTrue(
      message(file("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", data: 4)).contains(
        "fortran_order"))
    XCTAssertTrue(
      message(file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", data: 4)).contains(
        "needs 12 data bytes, found 4"))
    XCTAssertThrowsError(try NumPy.read(path: "/nonexistent/x.npy"))
  }

  /// Issue 12, defect 4: a header declaring a huge or overflowing shape is an error naming the
  /// file, the shape and the limit, raised before any allocation.
  func testHugeOrOverflowingShapeIsRefusedBeforeAllocation() {
    func message(_ shape: String, data: Int) -> String {
      let h = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }".utf8)
      let bytes =
        [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count), 0] + h + [UInt8](repeating: 0, count: data)
      do {
        _ = try NumPy.decode(bytes, file: "huge.npy")
        return "no error"
      } catch {
        return error.description
      }
    }
    // 2^32 * 2^32 overflows Int64; the product is never formed.
    let overflow = message("(4294967296, 4294967296)", data: 4)
    XCTAssertTrue(overflow.hasPrefix("NumPy file 'huge.npy'"), overflow)
    XCTAssertTrue(overflow.contains("[4294967296, 4294967296]"), overflow)
    XCTAssertTrue(overflow.contains("more than 2^63"), overflow)
    XCTAssertTrue(overflow.contains("2147483647"), overflow)
    // 10^12 elements: representable, but above the limit.
    let huge = message("(1000000, 1000000)", data: 4)
    XCTAssertTrue(huge.contains("declares 1000000000000 elements"), huge)
    XCTAssertTrue(huge.contains("limit of 2147483647"), huge)
    // Within the limit but more than the file holds: the byte count is checked before allocating.
    let deep = message("(" + String(repeating: "1, ", count: 65) + ")", data: 4)
    XCTAssertTrue(deep.contains("65 dimensions, more than the limit of 64"), deep)
    let short = message("(1000, 1000)", data: 8)
    XCTAssertTrue(short.contains("needs 4000000 data bytes, found 8"), short)
  }
}
