import ChexONNX
import Foundation
import XCTest

@testable import ChexInference

/// Real torchvision (and one timm) architectures (their own classes and blocks, narrowed to stay small), exported
/// by both torch exporters with a batch of two 48x48 images, against onnxruntime's output stored
/// beside each model (notebooks-export/make_architecture_fixtures.py). Tolerance: 1e-4 of
/// max(1, largest |reference logit|), the rule used for the full-size models in
/// notebooks-export/check_16_architectures.py. Both `ConvolutionKernels` choices are checked.
final class ArchitectureTests: XCTestCase {
  static let architectures = [
    "resnet18_narrow", "resnet50_w8", "mobilenet_v2_w025", "mobilenet_v3_large_w015",
    "efficientnet_b0_w015", "tf_efficientnet_b0_w010", "densenet_g8",
  ]

  func folder(_ name: String) throws -> String {
    try XCTUnwrap(Bundle.module.url(forResource: "Architectures", withExtension: nil)).path + "/" + name
  }

  /// Runs one export and returns its output after checking it against onnxruntime's.
  @discardableResult
  func check(_ name: String, threads: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws
    -> Tensor
  {
    let path = try folder(name)
    let model = try ONNXLoader.load(path: path + "/model.onnx")
    let input = try NumPy.read(path: path + "/input.npy")
    let expected = try NumPy.read(path: path + "/ort_output.npy")
    XCTAssertEqual(input.shape, [2, 3, 48, 48], name, file: file, line: line)
    XCTAssertEqual(expected.shape, [2, 14], name, file: file, line: line)
    let scale = max(1, expected.data.map { abs($0) }.max() ?? 0)
    var first: Tensor?
    for kernels in ConvolutionKernels.allCases {
      let outputs = try InferenceSession(model: model, threads: threads, kernels: kernels).run(input)
      XCTAssertEqual(outputs.count, 1, name, file: file, line: line)
      let output = try XCTUnwrap(outputs.first, name, file: file, line: line)
      XCTAssertEqual(output.shape, expected.shape, name, file: file, line: line)
      var worst: Float = 0
      for (actual, reference) in zip(output.data, expected.data) {
        worst = max(worst, abs(actual - reference))
      }
      XCTAssertLessThanOrEqual(
        worst, 1e-4 * scale,
        "\(name) (\(kernels)): max |chexstats - onnxruntime| \(worst), logit scale \(scale)",
        file: file, line: line)
      first = first ?? output
    }
    return try XCTUnwrap(first)
  }

  func testEveryCaseIsListed() throws {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: try folder("cases.json")))
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try XCTUnwrap(json["cases"] as? [String: Any])
    let expected = Self.architectures.flatMap { [$0 + "_legacy17", $0 + "_dynamo"] }
    XCTAssertEqual(Set(cases.keys), Set(expected))
  }

  func testResNet18BasicBlocks() throws {
    try check("resnet18_narrow_legacy17")
    try check("resnet18_narrow_dynamo")
  }

  func testResNet50Bottlenecks() throws {
    try check("resnet50_w8_legacy17")
    try check("resnet50_w8_dynamo")
  }

  func testMobileNetV2() throws {
    try check("mobilenet_v2_w025_legacy17")
    try check("mobilenet_v2_w025_dynamo")
  }

  func testMobileNetV3Large() throws {
    try check("mobilenet_v3_large_w015_legacy17")
    try check("mobilenet_v3_large_w015_dynamo")
  }

  func testEfficientNetB0() throws {
    try check("efficientnet_b0_w015_legacy17")
    try check("efficientnet_b0_w015_dynamo")
  }

  /// timm's TF-ported EfficientNet: the legacy export computes "SAME" padding at run time from
  /// the input's Shape (600+ shape-arithmetic nodes before Pad), the dynamo export folds it into
  /// asymmetric Conv pads.
  func testTFEfficientNetSamePadding() throws {
    try check("tf_efficientnet_b0_w010_legacy17")
    try check("tf_efficientnet_b0_w010_dynamo")
  }

  func testDenseNet() throws {
    try check("densenet_g8_legacy17")
    try check("densenet_g8_dynamo")
  }

  /// Each image alone gives its row of onnxruntime's batch output (no state leaks across images).
  func testImagesAloneMatchTheirRowsOfTheBatch() throws {
    for name in ["mobilenet_v3_large_w015_dynamo", "densenet_g8_legacy17"] {
      let path = try folder(name)
      let model = try ONNXLoader.load(path: path + "/model.onnx")
      let input = try NumPy.read(path: path + "/input.npy")
      let expected = try NumPy.read(path: path + "/ort_output.npy")
      let session = try InferenceSession(model: model, threads: 1)
      let perImage = input.count / 2
      for image in [1, 0] {
        let one = Tensor(
          shape: [1, 3, 48, 48], data: Array(input.data[(image * perImage)..<((image + 1) * perImage)]))
        let output = try XCTUnwrap(try session.run(one).first, name)
        let row = Tensor(shape: [1, 14], data: Array(expected.data[(image * 14)..<((image + 1) * 14)]))
        XCTAssertEqual(output.shape, [1, 14], name)
        let scale = max(1, row.data.map { abs($0) }.max() ?? 0)
        for (a, b) in zip(output.data, row.data) { XCTAssertEqual(a, b, accuracy: 1e-4 * scale, name) }
      }
    }
  }

  /// Two threads split the batch; each image must still match onnxruntime, and the two exports of
  /// one network (same weights, same input) must agree with each other.
  func testTwoThreadsAndBothExportersAgree() throws {
    let legacy = try check("efficientnet_b0_w015_legacy17", threads: 2)
    let dynamo = try check("efficientnet_b0_w015_dynamo", threads: 2)
    let scale = max(1, legacy.data.map { abs($0) }.max() ?? 0)
    for (a, b) in zip(legacy.data, dynamo.data) { XCTAssertEqual(a, b, accuracy: 1e-4 * scale) }
  }
}
