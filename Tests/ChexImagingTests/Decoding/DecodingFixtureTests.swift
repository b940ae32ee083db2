import ChexImaging
import ChexTestSupport
import Foundation
import XCTest

/// The fixtures of `notebooks-export/make_decoding_fixtures.py`: every sample of every small
/// JPEG, PNG and DICOM file against what Pillow, pypng or pydicom decode from it, and every
/// refusal against its reason.
final class DecodingFixtureTests: XCTestCase {
  struct Case: Decodable {
    var file: String
    var width: Int?
    var height: Int?
    var layout: String?
    var bits: Int?
    var maxValue: Int?
    var expected: String?
    var source: String?
    var error: String?
    var words: [String]?
  }

  struct Cases: Decodable {
    var provenance: String
    var cases: [Case]
  }

  static let fixtures = FixtureFolder(bundle: .module)

  func cases() throws -> [Case] {
    let cases = try Self.fixtures.decode("Decoding/cases.json", as: Cases.self)
    XCTAssertTrue(cases.provenance.hasPrefix("notebooks-export/make_decoding_fixtures.py"))
    return cases.cases
  }

  /// The expected samples: raw little-endian uint8 or uint16.
  func expectedSamples(_ name: String, bits: Int) throws -> Image.Samples {
    let data = try Self.fixtures.data("Decoding/" + name)
    if bits == 8 { return .uint8([UInt8](data)) }
    let bytes = [UInt8](data)
    return .uint16((0..<bytes.count / 2).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 })
  }

  func testEveryFixtureDecodesToTheReferenceSamples() throws {
    var checked = 0
    for item in try cases() where item.expected != nil {
      let path = try Self.fixtures.path("Decoding/" + item.file)
      let image: Image
      do {
        image = try ImageDecoder.decode(path: path)
      } catch {
        XCTFail("\(item.file): \(error)")
        continue
      }
      XCTAssertEqual(image.width, item.width, item.file)
      XCTAssertEqual(image.height, item.height, item.file)
      XCTAssertEqual(image.layout.name, item.layout, item.file)
      XCTAssertEqual(image.storageBits, item.bits, item.file)
      XCTAssertEqual(image.maxValue, item.maxValue, item.file)
      let expected = try expectedSamples(try XCTUnwrap(item.expected), bits: try XCTUnwrap(item.bits))
      if image.samples != expected {
        XCTFail(
          "\(item.file): \(firstDifference(image.samples, expected)) (reference: \(item.source ?? "?"))")
      }
      checked += 1
    }
    XCTAssertGreaterThanOrEqual(checked, 45)
  }

  func testEveryRefusalNamesTheFileAndTheReason() throws {
    var checked = 0
    for item in try cases() where item.error != nil {
      let path = try Self.fixtures.path("Decoding/" + item.file)
      XCTAssertThrowsError(try ImageDecoder.decode(path: path), item.file) { error in
        guard let error = error as? ImageError else { return XCTFail("\(item.file): \(error)") }
        let kind: String =
          switch error {
          case .unsupported: "unsupported"
          case .tooLarge: "tooLarge"
          case .corrupt: "corrupt"
          case .truncated: "truncated"
          case .unrecognised: "unrecognised"
          default: "other"
          }
        XCTAssertEqual(kind, item.error, "\(item.file): \(error)")
        XCTAssertEqual(error.path, path)
        XCTAssertTrue(error.description.contains("'\(path)'"), error.description)
        for word in item.words ?? [] {
          XCTAssertTrue(
            error.description.contains(word), "\(item.file): '\(word)' not in: \(error.description)")
        }
      }
      checked += 1
    }
    XCTAssertGreaterThanOrEqual(checked, 10)
  }

  private func firstDifference(_ a: Image.Samples, _ b: Image.Samples) -> String {
    switch (a, b) {
    case (.uint8(let x), .uint8(let y)):
      guard x.count == y.count else { return "\(x.count) samples, expected \(y.count)" }
      let i = x.indices.first { x[$0] != y[$0] } ?? 0
      return "sample \(i) is \(x[i]), expected \(y[i]); \(zip(x, y).filter { $0 != $1 }.count) differ"
    case (.uint16(let x), .uint16(let y)):
      guard x.count == y.count else { return "\(x.count) samples, expected \(y.count)" }
      let i = x.indices.first { x[$0] != y[$0] } ?? 0
      return "sample \(i) is \(x[i]), expected \(y[i]); \(zip(x, y).filter { $0 != $1 }.count) differ"
    default:
      return "sample types differ"
    }
  }
}
