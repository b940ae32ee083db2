import ChexImaging
import ChexTestSupport
import Foundation
import XCTest

/// The synthetic cases of `Fixtures/Preprocessing/cases.json`, made by
/// `notebooks-export/make_preprocessing_fixtures.py` with Pillow and torchvision (8-bit: compared
/// bit for bit) and a float64 numpy evaluation of Pillow's weights (deeper samples: compared within
/// the case's tolerance times the expected tensor's largest magnitude).
final class PreprocessingFixtureTests: XCTestCase {
  struct Case: Decodable {
    let name: String
    let input: String
    let layout: String
    let maxValue: Int
    let preprocessing: Preprocessing
    let expected: String
    let comparison: String
    let tolerance: Double?

    enum CodingKeys: String, CodingKey {
      case name, input, layout, preprocessing, expected, comparison, tolerance
      case maxValue = "max_value"
    }
  }

  struct Cases: Decodable {
    let cases: [Case]
  }

  static let fixtures = FixtureFolder(bundle: .module)

  static func layout(named name: String) -> Image.Layout? {
    ["gray": .gray, "grayAlpha": .grayAlpha, "rgb": .rgb, "rgba": .rgba][name]
  }

  /// The image stored in an input `.npy` (H x W, or H x W x bands).
  static func image(_ file: NumPyFile, layout: Image.Layout, maxValue: Int) throws -> Image {
    let samples: Image.Samples
    switch file.values {
    case .uint8(let v): samples = .uint8(v)
    case .uint16(let v): samples = .uint16(v)
    default: throw NumPyFile.Failure(description: "an input must be uint8 or uint16")
    }
    return Image(
      width: file.shape[1], height: file.shape[0], layout: layout, samples: samples, maxValue: maxValue)
  }

  func testEveryCaseMatchesPillowAndTorchvision() throws {
    let cases = try Self.fixtures.decode("Preprocessing/cases.json", as: Cases.self).cases
    XCTAssertGreaterThanOrEqual(cases.count, 30)
    var exact = 0
    for item in cases {
      let layout = try XCTUnwrap(Self.layout(named: item.layout), item.name)
      let input = try NumPyFile(url: Self.fixtures.url("Preprocessing/\(item.input)"))
      let image = try Self.image(input, layout: layout, maxValue: item.maxValue)
      let expected = try NumPyFile(url: Self.fixtures.url("Preprocessing/\(item.expected)"))
      XCTAssertEqual(expected.shape, item.preprocessing.tensorShape, item.name)
      let actual = item.preprocessing.apply(image)
      XCTAssertEqual(actual.count, item.preprocessing.elementCount, item.name)
      switch (item.comparison, expected.values) {
      case ("bit-exact", .float32(let values)):
        assertBitIdentical(actual, values, shape: expected.shape, item.name)
        exact += 1
      case ("tolerance", _):
        let values = expected.doubles
        let scale = values.map(abs).max() ?? 1
        let allowed = (item.tolerance ?? 0) * scale
        var worst = 0.0
        for (a, e) in zip(actual, values) { worst = max(worst, abs(Double(a) - e)) }
        XCTAssertLessThanOrEqual(
          worst, allowed,
          "\(item.name): largest difference \(worst), allowed \(allowed) (max |expected| \(scale))")
      default:
        XCTFail("\(item.name): unknown comparison \(item.comparison)")
      }
    }
    XCTAssertGreaterThanOrEqual(exact, 25, "bit-exact cases")
  }
}

/// Fails naming how many floats differ in bit pattern and the first (channel, row, column).
func assertBitIdentical(
  _ actual: [Float], _ expected: [Float], shape: [Int], _ name: String, file: StaticString = #filePath,
  line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("\(name): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    return
  }
  let different = (0..<actual.count).filter { actual[$0].bitPattern != expected[$0].bitPattern }
  guard let first = different.first else { return }
  let plane = shape[1] * shape[2]
  XCTFail(
    "\(name): \(different.count) of \(actual.count) floats differ; first at (c \(first / plane), y "
      + "\((first % plane) / shape[2]), x \(first % shape[2])): \(actual[first]) vs expected \(expected[first])",
    file: file, line: line)
}
