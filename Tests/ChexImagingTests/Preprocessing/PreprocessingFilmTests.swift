import ChexFiles
import ChexImaging
import ChexTestSupport
import Foundation
import XCTest

/// Every real film of `../shared/data/radiographs`, decoded by ``ImageDecoder`` and preprocessed
/// with both presets, against `Fixtures/Preprocessing/films.json` (made by
/// `notebooks-export/make_preprocessing_fixtures.py` with Pillow + torchvision for the PNGs and
/// pydicom's `pixel_array` for the DICOMs, MONOCHROME1 inverted): 8-bit films bit for bit (the
/// SHA-256 of the whole float32 tensor), the 15-bit DICOM within 1e-6 of the tensor's largest
/// magnitude at 256 sample positions (float64 reference).
final class PreprocessingFilmTests: XCTestCase {
  struct Films: Decodable {
    let films: [Film]
  }

  struct Film: Decodable {
    let file: String
    let width: Int
    let height: Int
    let maxValue: Int
    let pixelsSHA256: String
    let presets: [String: Expected]

    enum CodingKeys: String, CodingKey {
      case file, width, height, presets
      case maxValue = "max_value"
      case pixelsSHA256 = "pixels_sha256"
    }
  }

  struct Expected: Decodable {
    let shape: [Int]
    let comparison: String
    let sha256: String?
    let tolerance: Double?
    let maxAbs: Double?
    let samples: [[Double]]

    enum CodingKeys: String, CodingKey {
      case shape, comparison, sha256, tolerance, samples
      case maxAbs = "max_abs"
    }
  }

  static let fixtures = FixtureFolder(bundle: .module)

  /// SHA-256 of the samples' little-endian bytes, as numpy's `tobytes()` on `<u1` / `<u2`.
  static func pixelHash(_ image: Image) -> String {
    var hasher = SHA256()
    switch image.samples {
    case .uint8(let values): hasher.update(values)
    case .uint16(let values):
      values.map(\.littleEndian).withUnsafeBytes { hasher.update(buffer: $0) }
    }
    return hasher.finalizeHex()
  }

  /// SHA-256 of the tensor's float32 little-endian bytes.
  static func tensorHash(_ tensor: [Float]) -> String {
    var hasher = SHA256()
    tensor.map(\.bitPattern.littleEndian).withUnsafeBytes { hasher.update(buffer: $0) }
    return hasher.finalizeHex()
  }

  func testRealFilmsMatchTorchvisionAndTheFloat64Reference() throws {
    let films = try Self.fixtures.decode("Preprocessing/films.json", as: Films.self).films
    XCTAssertEqual(films.count, 16)
    let folder = try SharedData.require(
      "radiographs", files: films.map(\.file), suite: "PreprocessingFilmTests")
    var bitExact = 0
    for film in films {
      let image = try ImageDecoder.decode(path: folder.appendingPathComponent(film.file).path)
      XCTAssertEqual(
        [image.width, image.height, image.maxValue], [film.width, film.height, film.maxValue], film.file)
      XCTAssertEqual(
        Self.pixelHash(image), film.pixelsSHA256,
        "\(film.file): decoded pixels differ from Pillow's / pydicom's")
      for (name, expected) in film.presets.sorted(by: { $0.key < $1.key }) {
        let label = "\(film.file) \(name)"
        let preset = try XCTUnwrap(Preprocessing.Preset(rawValue: name), label)
        let preprocessing = Preprocessing(preset: preset)
        XCTAssertEqual(preprocessing.tensorShape, expected.shape, label)
        let tensor = preprocessing.apply(image)
        let plane = expected.shape[1] * expected.shape[2]
        func at(_ sample: [Double]) -> Float {
          tensor[Int(sample[0]) * plane + Int(sample[1]) * expected.shape[2] + Int(sample[2])]
        }
        if expected.comparison == "bit-exact" {
          XCTAssertEqual(
            Self.tensorHash(tensor), expected.sha256, "\(label): the tensor differs from torchvision's")
          for sample in expected.samples {
            XCTAssertEqual(at(sample).bitPattern, Float(sample[3]).bitPattern, "\(label) at \(sample)")
          }
          bitExact += 1
        } else {
          let allowed = try XCTUnwrap(expected.tolerance) * XCTUnwrap(expected.maxAbs)
          var worst = 0.0
          for sample in expected.samples { worst = max(worst, abs(Double(at(sample)) - sample[3])) }
          XCTAssertLessThanOrEqual(worst, allowed, "\(label): largest difference at the sample positions")
        }
      }
    }
    XCTAssertEqual(bitExact, 30, "15 8-bit films x 2 presets compared bit for bit")
  }
}
