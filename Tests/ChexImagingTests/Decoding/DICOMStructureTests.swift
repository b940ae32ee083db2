import ChexImaging
import Foundation
import XCTest

/// DICOM structures pydicom does not write, built here byte by byte from PS3.5 and PS3.10: an
/// undefined-length UN (Implicit VR inside, PS3.5 6.2.2) and an icon image sequence whose own
/// Rows, Columns and Pixel Data must not stand in for the image's. The expected samples are the
/// bytes written.
final class DICOMStructureTests: XCTestCase {
  /// An element: tag, then (explicit) VR and a 2- or 4-byte length, or (implicit) a 4-byte length.
  func element(_ group: UInt16, _ number: UInt16, _ vr: String?, _ value: [UInt8], undefined: Bool = false)
    -> [UInt8]
  {
    var out = le16(group) + le16(number)
    let length: UInt32 = undefined ? 0xFFFF_FFFF : UInt32(value.count)
    if let vr {
      out += Array(vr.utf8)
      if ["OB", "OW", "SQ", "UN", "UT"].contains(vr) {
        out += [0, 0] + le32(length)
      } else {
        out += le16(UInt16(value.count))
      }
    } else {
      out += le32(length)
    }
    return out + value
  }

  func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
  func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xFFFF)) + le16(UInt16(v >> 16)) }
  func text(_ s: String) -> [UInt8] {
    let bytes = Array(s.utf8)
    return bytes.count % 2 == 0 ? bytes : bytes + [0]
  }

  var item: [UInt8] { le16(0xFFFE) + le16(0xE000) + le32(0xFFFF_FFFF) }
  var itemEnd: [UInt8] { le16(0xFFFE) + le16(0xE00D) + le32(0) }
  var sequenceEnd: [UInt8] { le16(0xFFFE) + le16(0xE0DD) + le32(0) }

  func file(_ dataSet: [UInt8]) -> Data {
    let uid = text("1.2.840.10008.1.2.1")
    let meta = element(0x0002, 0x0010, "UI", uid)
    return Data([UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + meta + dataSet)
  }

  func pixelModule(rows: UInt16, columns: UInt16, photometric: String = "MONOCHROME2") -> [UInt8] {
    element(0x0028, 0x0002, "US", le16(1)) + element(0x0028, 0x0004, "CS", text(photometric))
      + element(0x0028, 0x0010, "US", le16(rows)) + element(0x0028, 0x0011, "US", le16(columns))
      + element(0x0028, 0x0100, "US", le16(8)) + element(0x0028, 0x0101, "US", le16(8))
      + element(0x0028, 0x0102, "US", le16(7)) + element(0x0028, 0x0103, "US", le16(0))
  }

  func testUndefinedLengthUNAndAnIconSequenceAreSkipped() throws {
    // (0009,1010) UN of undefined length: Implicit VR inside, one item holding a nested
    // undefined-length sequence (implicit: a 4-byte length of FFFFFFFF) with an empty item.
    let nested = element(0x0009, 0x1011, nil, [], undefined: true) + item + itemEnd + sequenceEnd
    let unknown =
      element(0x0009, 0x1010, "UN", [], undefined: true) + item + element(0x0009, 0x1012, nil, [1, 2, 3, 4])
      + nested + itemEnd + sequenceEnd
    // (0088,0200) Icon Image Sequence: a 1 x 1 image with its own Rows, Columns and Pixel Data.
    let icon =
      element(0x0088, 0x0200, "SQ", [], undefined: true) + item + pixelModule(rows: 1, columns: 1)
      + element(0x7FE0, 0x0010, "OB", [9, 9]) + itemEnd + sequenceEnd
    let pixels: [UInt8] = [0, 10, 20, 30, 40, 250]
    let data = file(
      element(0x0008, 0x0060, "CS", text("CR")) + unknown + pixelModule(rows: 2, columns: 3) + icon
        + element(0x7FE0, 0x0010, "OB", pixels))
    let image = try ImageDecoder.decode(bytes: data, path: "built.dcm")
    XCTAssertEqual(image, Image(width: 3, height: 2, layout: .gray, samples: .uint8(pixels), maxValue: 255))
  }

  func testADICOMWithoutPixelDataSaysSo() {
    let data = file(pixelModule(rows: 2, columns: 2))
    XCTAssertThrowsError(try ImageDecoder.decode(bytes: data, path: "no-pixels.dcm")) { error in
      XCTAssertTrue("\(error)".contains("without Pixel Data (7FE0,0010)"), "\(error)")
    }
  }

  func testAnItemMissingFromASequenceIsCorrupt() {
    let broken =
      element(0x0088, 0x0200, "SQ", [], undefined: true) + element(0x0008, 0x0060, "CS", text("CR"))
    XCTAssertThrowsError(try ImageDecoder.decode(bytes: file(broken), path: "broken.dcm")) { error in
      XCTAssertTrue("\(error)".contains("where an item should be"), "\(error)")
    }
  }
}
