import ChexONNX
import Foundation
import XCTest

@testable import ChexInference

/// Runs every committed fixture (one-node graphs and tiny whole models exported by PyTorch with
/// both exporters) and compares with the onnxruntime output stored next to it
/// (notebooks-export/make_inference_fixtures.py), with every `ConvolutionKernels` choice.
/// Tolerance: 1e-4 of the largest |reference|.
final class FixtureTests: XCTestCase {
  func caseNames() throws -> [String] {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: try fixturesPath() + "/cases.json"))
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try XCTUnwrap(json["cases"] as? [String: Any])
    return cases.keys.sorted()
  }

  func check(_ name: String, threads: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws {
    let folder = try fixturesPath() + "/" + name
    let model = try ONNXLoader.load(path: folder + "/model.onnx")
    let input = try NumPy.read(path: folder + "/input.npy")
    let expected = try NumPy.read(path: folder + "/ort_output.npy")
    for kernels in ConvolutionKernels.allCases {
      let session = try InferenceSession(model: model, threads: threads, kernels: kernels)
      let output = try session.run(input)
      XCTAssertEqual(output.count, 1, name, file: file, line: line)
      if let first = output.first {
        assertClose(first, expected, "\(name) (\(kernels))", file: file, line: line)
      }
    }
  }

  /// `check` on 1 and 3 threads, then the fixture's model, input and a one-thread session.
  func checkedOnOneAndThreeThreads(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws
    -> (
      model: ONNXModel, input: Tensor, session: InferenceSession
    )
  {
    try check(name, file: file, line: line)
    try check(name, threads: 3, file: file, line: line)
    let folder = try fixturesPath() + "/" + name
    let model = try ONNXLoader.load(path: folder + "/model.onnx")
    return (
      model, try NumPy.read(path: folder + "/input.npy"), try InferenceSession(model: model, threads: 1)
    )
  }

  func testOneNodeGraphsMatchOnnxRuntime() throws {
    let names = try caseNames().filter { !$0.contains("_tiny_") }
    XCTAssertGreaterThanOrEqual(names.count, 50)
    for name in names { try check(name) }
  }

  /// Models onnxruntime refuses to run (`refused` in cases.json, with its message) are refused
  /// here too, naming the node and the reason: a reflect pad as long as its axis.
  func testModelsOnnxRuntimeRefusesAreRefused() throws {
    let data = try XCTUnwrap(FileManager.default.contents(atPath: try fixturesPath() + "/cases.json"))
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let refused = try XCTUnwrap(json["refused"] as? [String: Any])
    XCTAssertEqual(refused.keys.sorted(), ["pad_reflect_too_large"])
    let folder = try fixturesPath() + "/pad_reflect_too_large"
    let session = try InferenceSession(model: try ONNXLoader.load(path: folder + "/model.onnx"))
    XCTAssertThrowsError(try session.run(try NumPy.read(path: folder + "/input.npy"))) { error in
      XCTAssertEqual(
        error as? InferenceError,
        .invalidNode(
          op: "Pad", node: "pad_node",
          detail:
            "mode 'reflect' pads axis 3 by 5 and 0, but each pad must be smaller than the axis' 5 values "
            + "(after cropping)"))
    }
  }

  func testTinyResNetBothExporters() throws {
    try check("resnet_tiny_legacy17")
    try check("resnet_tiny_dynamo")
  }

  func testTinyMobileNetBothExporters() throws {
    try check("mobilenet_tiny_legacy17")
    try check("mobilenet_tiny_dynamo")
  }

  func testTinyDenseNetBothExporters() throws {
    try check("densenet_tiny_legacy17")
    try check("densenet_tiny_dynamo")
  }

  func testTinyInceptionBothExporters() throws {
    try check("inception_tiny_legacy17")
    try check("inception_tiny_dynamo")
  }

  /// A 32-channel 7x7/2 stem with its 3x3/2 max pooling (padding 1) and a 3x3 convolution with
  /// one without padding (Inception-v3's): where chexstats' own kernels run, each pooling is
  /// fused into the convolution before it (the full-size output is never stored), with the
  /// same results as onnxruntime, on 1 and 3 threads (and bit-identical across them).
  func testStemMaxPoolsFusedIntoTheirConvolutions() throws {
    for name in ["stems_tiny_legacy17", "stems_tiny_dynamo"] {
      let (model, input, session) = try checkedOnOneAndThreeThreads(name)
      let steps = try session.profile(input, runs: 1)
      if nativeKernelsRun(checking: "fused and channels-last plans (FixtureTests)") {
        XCTAssertEqual(steps.filter { $0.operation.contains("+maxpool 3x3/2") }.count, 2, name)
        XCTAssertFalse(steps.contains { $0.operation.hasPrefix("Pool") }, name)
      }
      XCTAssertEqual(try session.run(input), try InferenceSession(model: model, threads: 3).run(input), name)
    }
  }

  /// A ResNet50-shaped network wide enough for the direct and Winograd kernels everywhere: its
  /// activations after the stem go channels-last (`GraphBuilder.chooseLayouts`). The first
  /// block's 1x1 layers read the stem's NCHW output, every later layer is NHWC in and out (the
  /// identity and projected residuals too), and the global average (GlobalAveragePool in the
  /// legacy export, ReduceMean in the dynamo one) averages rows of channels. Both match
  /// onnxruntime (`check`), on 1 and 3 threads with identical bits.
  func testBottlenecksRunChannelsLast() throws {
    let expected = [
      "Conv 7x7/2 3->32 64x64->32x32 direct +maxpool 3x3/2 -> 16x16",
      "Conv 1x1/1 32->32 16x16->16x16 direct nchw->nhwc",
      "Conv 3x3/1 32->32 16x16->16x16 winograd2x2 nhwc->nhwc",
      "Conv 1x1/1 32->64 16x16->16x16 direct nchw->nhwc",
      "Conv 1x1/1 32->64 16x16->16x16 direct nhwc->nhwc +residual",
      "Conv 1x1/1 64->32 16x16->16x16 direct nhwc->nhwc",
      "Conv 3x3/1 32->32 16x16->16x16 winograd2x2 nhwc->nhwc",
      "Conv 1x1/1 32->64 16x16->16x16 direct nhwc->nhwc +residual",
      "Conv 1x1/1 64->64 16x16->16x16 direct nhwc->nhwc",
      "Conv 3x3/2 64->64 16x16->8x8 direct nhwc->nhwc",
      "Conv 1x1/2 64->128 16x16->8x8 direct nhwc->nhwc",
      "Conv 1x1/1 64->128 8x8->8x8 direct nhwc->nhwc +residual",
      "Mean", "Gemm",
    ]
    for name in ["bottleneck_tiny_legacy17", "bottleneck_tiny_dynamo"] {
      let (model, input, session) = try checkedOnOneAndThreeThreads(name)
      if nativeKernelsRun(checking: "fused and channels-last plans (FixtureTests)") {
        let operations = try session.profile(input, runs: 1).map(\.operation)
        XCTAssertEqual(
          operations.filter { $0.hasPrefix("Conv") || $0 == "Mean" || $0 == "Gemm" }, expected, name)
      }
      let three = try InferenceSession(model: model, threads: 3).run(input)
      XCTAssertEqual(
        try session.run(input).map { $0.data.map(\.bitPattern) }, three.map { $0.data.map(\.bitPattern) },
        name)
    }
  }

  /// MobileNetV2/EfficientNet blocks wide enough for the channels-last path: the depthwise
  /// convolutions on small planes read and write NHWC (`DepthwiseConvolution.Method.channelsLast`)
  /// except the one whose output a squeeze-excitation product (an elementwise Mul) reads, which
  /// writes NCHW. Against onnxruntime on 1 and 3 threads, identical bits across them.
  func testInvertedResidualsRunChannelsLast() throws {
    let expected = [
      "Conv 3x3/2 3->32 48x48->24x24 direct nchw->nhwc",
      "Conv 1x1/1 32->128 24x24->24x24 direct nhwc->nhwc",
      "Conv 3x3/1 128->128 group 128 24x24->24x24 depthwise channels-last nhwc->nhwc",
      "Conv 1x1/1 128->32 24x24->24x24 direct nhwc->nhwc +residual",
      "Conv 1x1/1 32->128 24x24->24x24 direct nhwc->nhwc",
      "Conv 5x5/2 128->128 group 128 24x24->12x12 depthwise channels-last nhwc->nhwc",
      "Conv 1x1/1 128->64 12x12->12x12 direct nhwc->nhwc",
      "Conv 1x1/1 64->256 12x12->12x12 direct nhwc->nhwc",
      "Conv 3x3/1 256->256 group 256 12x12->12x12 depthwise channels-last nhwc->nchw",
      "Conv 1x1/1 256->64 1x1->1x1 direct",
      "Conv 1x1/1 64->256 1x1->1x1 packed",
      "Conv 1x1/1 256->64 12x12->12x12 direct nchw->nhwc +residual",
      "Conv 1x1/1 64->128 12x12->12x12 direct nhwc->nhwc",
    ]
    for name in ["inverted_tiny_legacy17", "inverted_tiny_dynamo"] {
      let (model, input, session) = try checkedOnOneAndThreeThreads(name)
      if nativeKernelsRun(checking: "fused and channels-last plans (FixtureTests)") {
        let operations = try session.profile(input, runs: 1).map(\.operation)
        XCTAssertEqual(operations.filter { $0.hasPrefix("Conv") }, expected, name)
      }
      let three = try InferenceSession(model: model, threads: 3).run(input)
      XCTAssertEqual(
        try session.run(input).map { $0.data.map(\.bitPattern) }, three.map { $0.data.map(\.bitPattern) },
        name)
    }
  }

  func testResultsDoNotDependOnThreadCount() throws {
    let folder = try fixturesPath() + "/mobilenet_tiny_dynamo"
    let model = try ONNXLoader.load(path: folder + "/model.onnx")
    let one = try NumPy.read(path: folder + "/input.npy")
    // Six images: the two stored ones, repeated with a sign flip.
    let batch = Tensor(shape: [6] + one.shape.dropFirst(), data: one.data + one.data.map { -$0 } + one.data)
    let serial = try InferenceSession(model: model, threads: 1).run(batch)
    let parallel = try InferenceSession(model: model, threads: 3).run(batch)
    XCTAssertEqual(serial, parallel)
    XCTAssertEqual(serial.first?.shape, [6, 14])
  }
}
