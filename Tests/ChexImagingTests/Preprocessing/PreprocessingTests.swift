import ChexImaging
import Foundation
import XCTest

/// The value itself: presets, validation, JSON form, description.
final class PreprocessingTests: XCTestCase {
  func decode(_ json: String) throws -> Preprocessing {
    try JSONDecoder().decode(Preprocessing.self, from: Data(json.utf8))
  }

  func assertRefused(
    _ json: String, _ expected: PreprocessingError, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try decode(json), json, file: file, line: line) { error in
      XCTAssertEqual(error as? PreprocessingError, expected, file: file, line: line)
    }
  }

  func testPresetsHoldTheirConventions() {
    let chexpert = Preprocessing.chexpert
    XCTAssertEqual(chexpert.tensorShape, [3, 320, 320])
    XCTAssertEqual(chexpert.resize, .shortSideCrop)
    XCTAssertEqual(chexpert.mean, [0.485, 0.456, 0.406])
    XCTAssertEqual(chexpert.std, [0.229, 0.224, 0.225])
    XCTAssertEqual(Preprocessing.xrv.tensorShape, [1, 224, 224])
    XCTAssertEqual(Preprocessing.xrv.intensity, .xrv)
    XCTAssertEqual(Preprocessing.xrv.resize, .cropResize)
    XCTAssertEqual(
      chexpert.description,
      "chexpert: 3x320x320, short-side-crop, Pillow bilinear, v/maxval, mean [0.485, 0.456, 0.406], "
        + "std [0.229, 0.224, 0.225]")
    XCTAssertEqual(
      Preprocessing.xrv.description,
      "xrv: 1x224x224, crop-resize, Pillow bilinear, (2 v/maxval - 1) * 1024, mean [0.0], std [1.0]")
  }

  func testJSONIsExplicitAndRoundTrips() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(Preprocessing.chexpert), as: UTF8.self)
    XCTAssertEqual(
      json,
      #"{"channels":3,"intensity":"unit","interpolation":"bilinear","mean":[0.485,0.456,0.406],"preset":"chexpert","#
        + #""resize":"short-side-crop","size":320,"std":[0.229,0.224,0.225]}"#)
    XCTAssertEqual(Preprocessing.chexpert.canonicalJSON, json)
    let custom = try Preprocessing(
      size: 512, resize: .pad, interpolation: .nearest, channels: 1, intensity: .unit, mean: [0.5],
      std: [0.25])
    for value in [Preprocessing.chexpert, .xrv, custom] {
      XCTAssertEqual(try JSONDecoder().decode(Preprocessing.self, from: encoder.encode(value)), value)
    }
    XCTAssertNil(custom.preset)
    XCTAssertTrue(String(decoding: try encoder.encode(custom), as: UTF8.self).contains(#""preset":"custom""#))
  }

  func testAPresetMayStandAloneButNotBeChanged() throws {
    XCTAssertEqual(try decode(#"{"preset": "xrv"}"#), .xrv)
    XCTAssertEqual(try decode(#"{"preset": "chexpert", "size": 320, "channels": 3}"#), .chexpert)
    assertRefused(
      #"{"preset": "chexpert", "size": 224}"#,
      .presetMismatch(preset: "chexpert", key: "size", found: "224", expected: "320"))
    assertRefused(
      #"{"preset": "xrv", "resize": "pad"}"#,
      .presetMismatch(preset: "xrv", key: "resize", found: "'pad'", expected: "'crop-resize'"))
  }

  func testDecodingNamesTheKeyItRefuses() {
    let valid: [String: String] = [
      "preset": #""custom""#, "size": "64", "resize": #""squash""#, "interpolation": #""bilinear""#,
      "channels": "3", "intensity": #""unit""#, "mean": "[0.5, 0.5, 0.5]", "std": "[0.2, 0.2, 0.2]",
    ]
    func json(_ changes: [String: String?]) -> String {
      var fields = valid
      for (key, value) in changes { fields[key] = value }
      return "{"
        + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }
    XCTAssertNoThrow(try decode(json([:])))
    assertRefused(json(["std": nil]), .missingKey("std"))
    assertRefused(json(["preset": nil]), .missingKey("preset"))
    assertRefused(
      json(["preset": #""imagenet""#]),
      .invalidValue(key: "preset", found: "'imagenet'", expected: "one of 'chexpert', 'xrv', 'custom'"))
    assertRefused(
      json(["size": "0"]), .invalidValue(key: "size", found: "0", expected: "an integer from 1 to 4096"))
    assertRefused(
      json(["size": "5000"]), .invalidValue(key: "size", found: "5000", expected: "an integer from 1 to 4096")
    )
    assertRefused(
      json(["size": #""320""#]),
      .invalidValue(key: "size", found: "another kind of value", expected: "an integer"))
    assertRefused(json(["channels": "2"]), .invalidValue(key: "channels", found: "2", expected: "1 or 3"))
    assertRefused(
      json(["mean": "[0.5]"]),
      .invalidValue(key: "mean", found: "1 value", expected: "one value per channel (3)"))
    assertRefused(
      json(["std": "[0.2, 0, 0.2]"]), .invalidValue(key: "std", found: "0.0", expected: "finite and positive")
    )
    assertRefused(
      json(["std": "[0.2, -1, 0.2]"]),
      .invalidValue(key: "std", found: "-1.0", expected: "finite and positive"))
    assertRefused(
      json(["resize": #""stretch""#]),
      .invalidValue(
        key: "resize", found: "'stretch'",
        expected: "one of 'short-side-crop', 'squash', 'pad', 'crop-resize'"))
    assertRefused(
      json(["interpolation": #""bicubic""#]),
      .invalidValue(key: "interpolation", found: "'bicubic'", expected: "one of 'bilinear', 'nearest'"))
  }

  func testCustomValuesAreValidatedInCodeToo() {
    XCTAssertThrowsError(try Preprocessing(size: 32, resize: .squash, channels: 1, std: [.infinity])) {
      XCTAssertEqual(
        $0 as? PreprocessingError, .invalidValue(key: "std", found: "inf", expected: "finite and positive"))
    }
    XCTAssertThrowsError(try Preprocessing(size: 32, resize: .squash, channels: 1, mean: [.nan])) {
      XCTAssertEqual($0 as? PreprocessingError, .invalidValue(key: "mean", found: "nan", expected: "finite"))
    }
    XCTAssertEqual(
      PreprocessingError.missingKey("std").description,
      "preprocessing: the key 'std' is missing (a custom preprocessing states every field)")
    XCTAssertEqual(
      PreprocessingError.presetMismatch(preset: "chexpert", key: "size", found: "224", expected: "320")
        .description,
      "preprocessing: preset 'chexpert' has 'size' 320, found 224; write \"preset\": \"custom\" to use other values"
    )
  }

  /// One-pixel and one-row images through every geometry and filter, 8 and 16 bits: a
  /// constant image stays constant (bilinear weights sum to one; pad's margin is black).
  func testDegenerateImagesGiveConstantTensors() throws {
    for (width, height) in [(1, 1), (1, 7), (9, 1), (2, 3)] {
      for resize in Preprocessing.Resize.allCases {
        for interpolation in Preprocessing.Interpolation.allCases {
          let preprocessing = try Preprocessing(
            size: 5, resize: resize, interpolation: interpolation, channels: 3, intensity: .unit)
          let count = width * height
          let images = [
            Image(
              width: width, height: height, layout: .gray,
              samples: .uint8(Array(repeating: 51, count: count)), maxValue: 255),
            Image(
              width: width, height: height, layout: .rgba,
              samples: .uint16(Array(repeating: 13107, count: 4 * count)),
              maxValue: 65535),
          ]
          for image in images {
            let tensor = preprocessing.apply(image)
            let name = "\(width)x\(height) \(resize) \(interpolation) \(image.storageBits)-bit"
            let values = Set(tensor)
            if resize == .pad && width != height {
              XCTAssertEqual(values, [0, 0.2], name)
            } else {
              XCTAssertEqual(values, [0.2], name)
            }
          }
        }
      }
    }
  }

  func testApplyIsThreadSafe() {
    var generator = SystemRandomNumberGenerator()
    let pixels = (0..<(301 * 377)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let image = Image(width: 301, height: 377, layout: .gray, samples: .uint8(pixels), maxValue: 255)
    let preprocessing = try? Preprocessing(size: 64, resize: .shortSideCrop, channels: 3)
    guard let preprocessing else { return XCTFail("a valid custom preprocessing") }
    let reference = preprocessing.apply(image)
    let results = [[Float]](unsafeUninitializedCapacity: 8) { buffer, count in
      for i in 0..<8 { (buffer.baseAddress.unsafelyUnwrapped + i).initialize(to: []) }
      nonisolated(unsafe) let buffer = buffer
      DispatchQueue.concurrentPerform(iterations: 8) { buffer[$0] = preprocessing.apply(image) }
      count = 8
    }
    for result in results { XCTAssertEqual(result, reference) }
  }
}
