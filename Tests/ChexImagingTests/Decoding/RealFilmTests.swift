import ChexFiles
import ChexImaging
import ChexTestSupport
import Foundation
import XCTest

/// Every real film in `../shared/data/radiographs` (PNG, JPEG Baseline DICOM MONOCHROME1 and 2,
/// 15-bit uncompressed MONOCHROME1 DICOM) decodes to exactly what Pillow or pydicom decode:
/// shape, min, max, sum and the SHA-256 of the little-endian samples, recorded in
/// `Fixtures/Decoding/radiographs.json` by `notebooks-export/make_decoding_fixtures.py`.
final class RealFilmTests: XCTestCase {
  struct Film: Decodable {
    var file: String
    var width: Int
    var height: Int
    var channels: Int
    var dtype: String
    var maxValue: Int
    var min: Int
    var max: Int
    var sum: Int
    var sha256: String
  }

  struct Films: Decodable {
    var provenance: String
    var films: [Film]
  }

  func testEveryRealFilmDecodesAsPillowOrPydicom() throws {
    let films = try FixtureFolder(bundle: .module).decode("Decoding/radiographs.json", as: Films.self).films
    XCTAssertEqual(films.count, 16)
    let folder = try SharedData.require(
      "radiographs", files: films.map(\.file), suite: "ChexImagingTests.RealFilmTests")
    for film in films {
      let image = try ImageDecoder.decode(path: folder.appendingPathComponent(film.file).path)
      XCTAssertEqual(image.width, film.width, film.file)
      XCTAssertEqual(image.height, film.height, film.file)
      XCTAssertEqual(image.layout.channels, film.channels, film.file)
      XCTAssertEqual(image.maxValue, film.maxValue, film.file)
      var hasher = SHA256()
      let values: [Int]
      switch image.samples {
      case .uint8(let samples):
        XCTAssertEqual(film.dtype, "uint8", film.file)
        hasher.update(samples)
        values = samples.map(Int.init)
      case .uint16(let samples):
        XCTAssertEqual(film.dtype, "uint16", film.file)
        samples.withUnsafeBytes { hasher.update(buffer: $0) }  // little-endian host
        values = samples.map(Int.init)
      }
      XCTAssertEqual(values.min(), film.min, film.file)
      XCTAssertEqual(values.max(), film.max, film.file)
      XCTAssertEqual(values.reduce(0, +), film.sum, film.file)
      XCTAssertEqual(hasher.finalizeHex(), film.sha256, film.file)
    }
  }
}
