import ChexImaging
import ChexTestSupport
import Foundation
import XCTest

/// Damaged, truncated, empty, missing and unsupported inputs: each refused with an
/// ``ImageError`` whose sentence names the file and the reason; never a trap, never an image.
final class DecodingErrorTests: XCTestCase {
  static let fixtures = FixtureFolder(bundle: .module)

  func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Self.fixtures.data("Decoding/" + name)) }

  /// The error of decoding `bytes` as the file `path`, failing when it decodes.
  func failure(_ bytes: [UInt8], path: String, file: StaticString = #filePath, line: UInt = #line)
    -> ImageError?
  {
    do {
      let image = try ImageDecoder.decode(bytes: Data(bytes), path: path)
      XCTFail("\(path) decoded to a \(image.width) x \(image.height) image", file: file, line: line)
      return nil
    } catch {
      XCTAssertEqual(error.path, path, file: file, line: line)
      XCTAssertTrue(error.description.contains("'\(path)'"), error.description, file: file, line: line)
      return error
    }
  }

  func testTruncatedFilesAreErrorsAtEveryCut() throws {
    let files = [
      "gray-333x257.jpg", "rgb420-333x257.jpg", "rgb-progressive-101x67.jpg", "gray-restart-120x90.jpg",
      "gray-333x257.png", "gray16-interlaced-37x23.png", "palette-trns-37x23.png",
      "explicit-16bit-12stored-37x23.dcm", "implicit-16bit-12stored-sequences-37x23.dcm",
      "jpeg-baseline-fragments-61x57.dcm",
    ]
    for name in files {
      let whole = try bytes(name)
      // Cuts from just after the signature (DICOM: after the preamble) to 3 bytes before the end.
      let first = name.hasSuffix(".dcm") ? 136 : 12
      let cuts = Set([
        first, first + 7, whole.count / 5, whole.count / 2, whole.count * 9 / 10, whole.count - 3,
      ])
      for cut in cuts.sorted() {
        guard let error = failure(Array(whole[0..<cut]), path: "\(name)@\(cut)") else { continue }
        // A cut between two top-level DICOM elements leaves a well-formed data set without pixels.
        if case .corrupt(_, "DICOM", let detail) = error,
          detail.contains("ends at byte \(cut) without Pixel Data")
        {
          continue
        }
        guard case .truncated(_, _, let atByte) = error else {
          XCTFail("\(name) cut at \(cut): \(error)")
          continue
        }
        XCTAssertEqual(atByte, cut, "\(name) cut at \(cut): \(error)")
        XCTAssertTrue(error.description.contains("truncated"), error.description)
      }
    }
  }

  /// libjpeg's Huffman decoder reads ahead of the bits it needs, so a JPEG that lacks only its
  /// EOI marker runs out of data inside the last scanlines too: it cannot be told from one that
  /// lost pixels, and is reported truncated (Pillow too says "image file is truncated").
  func testAJPEGWithoutItsEndMarkerIsTruncated() throws {
    let whole = try bytes("gray-37x23.jpg")
    let error = failure(Array(whole[0..<whole.count - 2]), path: "no-eoi.jpg")
    XCTAssertEqual(error, .truncated(path: "no-eoi.jpg", format: "JPEG", atByte: whole.count - 2))
  }

  func testCorruptDataIsReportedWithTheLibrarysMessage() throws {
    // PNG: one byte of the IHDR changed, so its CRC no longer matches.
    var png = try bytes("gray-37x23.png")
    png[20] ^= 0x01
    let pngError = failure(png, path: "bad-crc.png")
    XCTAssertEqual(
      pngError?.description.contains("libpng says: IHDR: CRC error"), true, "\(String(describing: pngError))")
    // PNG: a byte inside the compressed data.
    var idat = try bytes("gray-333x257.png")
    idat[idat.count / 2] ^= 0xFF
    if case .corrupt(_, "PNG", let detail)? = failure(idat, path: "bad-idat.png") {
      XCTAssertTrue(detail.hasPrefix("libpng says:"), detail)
    } else {
      XCTFail("a damaged IDAT is not reported as corrupt PNG")
    }
    // JPEG: a frame header whose length is 0.
    var jpeg = try bytes("gray-37x23.jpg")
    let sof = try XCTUnwrap(sofOffset(jpeg))
    jpeg[sof + 2] = 0
    jpeg[sof + 3] = 0
    if case .corrupt(_, "JPEG", let detail)? = failure(jpeg, path: "bad-sof.jpg") {
      XCTAssertTrue(detail.hasPrefix("libjpeg says:"), detail)
    } else {
      XCTFail("a zero-length frame header is not reported as corrupt JPEG")
    }
    // DICOM: an element whose VR is not two capital letters.
    var dicom = try bytes("explicit-8bit-37x23.dcm")
    let rows = try XCTUnwrap(find([0x28, 0x00, 0x10, 0x00], in: dicom))
    dicom[rows + 4] = 0x31
    if case .corrupt(_, "DICOM", let detail)? = failure(dicom, path: "bad-vr.dcm") {
      XCTAssertTrue(detail.contains("(0028,0010)") && detail.contains("VR"), detail)
    } else {
      XCTFail("a bad VR is not reported as corrupt DICOM")
    }
  }

  func testUnsupportedJPEGProcessesAreRefusedByName() throws {
    let gray = try bytes("gray-37x23.jpg")
    let sof = try XCTUnwrap(sofOffset(gray))
    for (marker, words) in [
      (UInt8(0xC3), "lossless JPEG"), (0xC9, "arithmetic-coded"), (0xC5, "hierarchical"),
    ] {
      var patched = gray
      patched[sof + 1] = marker
      let error = failure(patched, path: "sof.jpg")
      XCTAssertEqual(error?.description.contains(words), true, "\(String(describing: error))")
    }
    var twelve = gray
    twelve[sof + 4] = 12
    let error = failure(twelve, path: "twelve.jpg")
    XCTAssertEqual(
      error?.description.contains("a 12-bit JPEG is not supported"), true, "\(String(describing: error))")
  }

  func testOversizeJPEGHeaderIsRefusedBeforeDecoding() throws {
    var jpeg = try bytes("gray-37x23.jpg")
    let sof = try XCTUnwrap(sofOffset(jpeg))
    jpeg[sof + 5...sof + 8] = [0xFD, 0xE8, 0xFD, 0xE8]  // 65000 x 65000
    let error = failure(jpeg, path: "huge.jpg")
    guard case .tooLarge? = error else { return XCTFail("\(String(describing: error))") }
    XCTAssertEqual(error?.description.contains("65000 x 65000"), true)
  }

  func testEmptyMissingFolderAndUnknownFiles() throws {
    XCTAssertEqual(failure([], path: "empty.png"), .empty(path: "empty.png"))
    let folder = TemporaryFolder()
    let missing = folder.url.appendingPathComponent("absent.jpg").path
    XCTAssertThrowsError(try ImageDecoder.decode(path: missing)) { error in
      XCTAssertEqual(error as? ImageError, .missing(path: missing))
      XCTAssertEqual("\(error)", "Cannot decode '\(missing)': no such file.")
    }
    XCTAssertThrowsError(try ImageDecoder.decode(path: folder.url.path)) { error in
      XCTAssertTrue("\(error)".contains("folder"), "\(error)")
    }
    let empty = folder.url.appendingPathComponent("empty.dcm")
    try Data().write(to: empty)
    XCTAssertThrowsError(try ImageDecoder.decode(path: empty.path)) { error in
      XCTAssertEqual("\(error)", "Cannot decode '\(empty.path)': the file is empty.")
    }
    let text = failure(Array("Path,Edema\n".utf8), path: "labels.csv")
    XCTAssertEqual(text?.description.contains("look like text"), true, "\(String(describing: text))")
    let bare = failure([0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x0A, 0x00], path: "bare.dcm")
    XCTAssertEqual(
      bare?.description.contains("without its 128-byte preamble"), true, "\(String(describing: bare))")
    let random = failure([0x00, 0x01, 0x02, 0xFE], path: "random.bin")
    XCTAssertEqual(
      random?.description,
      "Cannot decode 'random.bin': it is not a JPEG, PNG or DICOM file; its first bytes are 00 01 02 FE, no known signature."
    )
  }

  func testFilesOverTheSizeLimitAreRefused() throws {
    var limits = ImageLimits.standard
    limits.fileBytes = 100
    let error = failure(try bytes("gray-37x23.png"), path: "big.png", limits: limits)
    guard case .tooLarge? = error else { return XCTFail("\(String(describing: error))") }
    let folder = TemporaryFolder()
    let file = folder.url.appendingPathComponent("big.png")
    try Self.fixtures.data("Decoding/gray-37x23.png").write(to: file)
    XCTAssertThrowsError(try ImageDecoder.decode(path: file.path, limits: limits)) { error in
      XCTAssertEqual(
        "\(error)",
        "Cannot decode '\(file.path)': it is too large: the file is larger than the limit of 100 bytes.")
    }
    var small = ImageLimits.standard
    small.pixels = 100
    let pixels = failure(try bytes("gray-37x23.jpg"), path: "many.jpg", limits: small)
    XCTAssertEqual(
      pixels?.description.contains("more than the limit of 100"), true, "\(String(describing: pixels))")
  }

  func testJPEGScansAreBounded() throws {
    var limits = ImageLimits.standard
    limits.jpegScans = 3  // the progressive fixture has 10 (libjpeg's script for colour)
    let error = failure(try bytes("rgb-progressive-101x67.jpg"), path: "scans.jpg", limits: limits)
    XCTAssertEqual(error, .tooLarge(path: "scans.jpg", detail: "it has more than 3 scans, the limit"))
    limits.jpegScans = 10
    XCTAssertNoThrow(
      try ImageDecoder.decode(
        bytes: try Self.fixtures.data("Decoding/rgb-progressive-101x67.jpg"), path: "p.jpg", limits: limits))
  }

  func testDeeplyNestedDICOMSequencesAreBounded() throws {
    // An undefined-length sequence of undefined-length items, nested 40 deep, before Rows.
    var body: [UInt8] = []
    let open: [UInt8] = [
      0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF,
      0xFF, 0xFF,
    ]
    for _ in 0..<40 { body += open }
    var dicom = try bytes("explicit-8bit-37x23.dcm")
    let rows = try XCTUnwrap(find([0x28, 0x00, 0x02, 0x00], in: dicom))
    dicom.insert(contentsOf: body, at: rows)
    let error = failure(dicom, path: "deep.dcm")
    guard case .tooLarge? = error else { return XCTFail("\(String(describing: error))") }
    XCTAssertEqual(error?.description.contains("nest deeper than the limit of 32"), true)
  }

  private func failure(_ bytes: [UInt8], path: String, limits: ImageLimits) -> ImageError? {
    do {
      _ = try ImageDecoder.decode(bytes: Data(bytes), path: path, limits: limits)
      XCTFail("\(path) decoded")
      return nil
    } catch {
      return error
    }
  }

  /// The offset of the first SOF0/SOF2 marker (FF C0 or FF C2) of a Pillow-written JPEG.
  private func sofOffset(_ bytes: [UInt8]) -> Int? {
    (0..<bytes.count - 1).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }
  }

  private func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
    (132..<bytes.count - pattern.count).first { Array(bytes[$0..<$0 + pattern.count]) == pattern }
  }
}
