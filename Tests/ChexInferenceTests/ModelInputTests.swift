import ChexONNX
import Foundation
import XCTest

@testable import ChexInference

/// The input's layout (`ModelInput`) and `run(images:)`, which feeds NCHW batches to NCHW models
/// and to NHWC models behind a Transpose alike (fixtures from
/// notebooks-export/make_inference_fixtures.py, `make_layout_cases`: a tf2onnx-shaped graph and a
/// torch module that permutes its input first, both checked against onnxruntime).
final class ModelInputTests: XCTestCase {
  /// `[N, H, W, C]` -> `[N, C, H, W]`.
  func nchw(_ nhwc: Tensor) -> Tensor {
    let (n, h, w, c) = (nhwc.shape[0], nhwc.shape[1], nhwc.shape[2], nhwc.shape[3])
    var data = [Float](repeating: 0, count: nhwc.count)
    for b in 0..<n {
      for y in 0..<h {
        for x in 0..<w {
          for k in 0..<c { data[((b * c + k) * h + y) * w + x] = nhwc.data[((b * h + y) * w + x) * c + k] }
        }
      }
    }
    return Tensor(shape: [n, c, h, w], data: data)
  }

  func fixture(_ name: String) throws -> (model: ONNXModel, input: Tensor, expected: Tensor) {
    let folder = try fixturesPath() + "/" + name
    return (
      try ONNXLoader.load(path: folder + "/model.onnx"), try NumPy.read(path: folder + "/input.npy"),
      try NumPy.read(path: folder + "/ort_output.npy")
    )
  }

  func testTF2ONNXShapedModelIsNHWCBehindItsTranspose() throws {
    let (model, _, _) = try fixture("nhwc_tf2onnx")
    let input = try InferenceSession(model: model).input
    XCTAssertEqual(input.name, "input_1")
    XCTAssertEqual(input.shape, [nil, 12, 10, 3])
    XCTAssertEqual(input.layout, .nhwc)
    XCTAssertEqual(input.channelAxis, 3)
    XCTAssertEqual([input.channels, input.height, input.width], [3, 12, 10])
    XCTAssertEqual(input.nchwShape, [nil, 3, 12, 10])
    XCTAssertEqual(input.transposeNode, "transpose_input")
  }

  /// Both NHWC fixtures: NCHW images through `run(images:)` match onnxruntime (given the NHWC
  /// batch) and equal `run(_:)` on the NHWC batch bit for bit, with every kernel choice and on 1
  /// and 3 threads; the plan for images has no Transpose step, the declared one has it.
  func testNHWCModelsTakeNCHWImagesWithoutTheirTranspose() throws {
    for name in ["nhwc_tf2onnx", "nhwc_permuted_legacy17"] {
      let (model, nhwcBatch, expected) = try fixture(name)
      let images = nchw(nhwcBatch)
      for kernels in ConvolutionKernels.allCases {
        for threads in [1, 3] {
          let session = try InferenceSession(model: model, threads: threads, kernels: kernels)
          XCTAssertEqual(session.input.layout, .nhwc, name)
          let fed = try XCTUnwrap(try session.run(images: images).first)
          assertClose(fed, expected, "\(name) \(kernels) \(threads) threads")
          let declared = try XCTUnwrap(try session.run(nhwcBatch).first)
          XCTAssertEqual(fed.data.map(\.bitPattern), declared.data.map(\.bitPattern), "\(name) \(kernels)")
        }
      }
      let session = try InferenceSession(model: model)
      let skipping = try session.plan(for: [1] + images.shape.dropFirst(), skipsTranspose: true)
      let declared = try session.plan(for: [1] + nhwcBatch.shape.dropFirst())
      XCTAssertEqual(declared.steps.count, skipping.steps.count + 1, name)
      XCTAssertFalse(skipping.steps.contains { $0.kernel is StridedCopyKernel }, name)
    }
  }

  func testNCHWModelTakesImagesAsItsInput() throws {
    let (model, input, expected) = try fixture("resnet_tiny_legacy17")
    let session = try InferenceSession(model: model)
    XCTAssertEqual(session.input.layout, .nchw)
    XCTAssertEqual(session.input.channelAxis, 1)
    XCTAssertEqual([session.input.channels, session.input.height, session.input.width], [3, 40, 40])
    XCTAssertEqual(session.input.nchwShape, session.input.shape)
    XCTAssertNil(session.input.transposeNode)
    try session.prepare(imageShape: input.shape)
    let output = try XCTUnwrap(try session.run(images: input).first)
    assertClose(output, expected)
    XCTAssertEqual(output, try session.run(input).first)
  }

  /// A batch of the wrong NCHW shape is refused naming the NCHW shape expected.
  func testNHWCModelRefusesImagesOfAnotherSize() throws {
    let session = try InferenceSession(model: try fixture("nhwc_tf2onnx").model)
    XCTAssertThrowsError(try session.run(images: Tensor(zeros: [1, 3, 10, 12]))) { error in
      XCTAssertEqual(
        error as? InferenceError,
        .inputShape(name: "input_1", expected: "[unk__0, 3, 12, 10]", found: [1, 3, 10, 12]))
    }
    XCTAssertThrowsError(try session.prepare(imageShape: [1, 12, 10, 3]))
  }

  /// Inputs that are neither NCHW nor NHWC behind a Transpose to NCHW have no layout, and
  /// `run(images:)` refuses them naming the input; `run(_:)` still runs them as declared.
  func testOtherInputsHaveNoLayoutAndRefuseImages() throws {
    let (transposed, input, expected) = try fixture("transpose")  // perm [0, 2, 3, 1]
    for (name, model) in [("transpose", transposed), ("gemm_transb", try fixture("gemm_transb").model)] {
      let session = try InferenceSession(model: model)
      XCTAssertNil(session.input.layout, name)
      XCTAssertNil(session.input.channels, name)
      XCTAssertNil(session.input.nchwShape, name)
      XCTAssertThrowsError(try session.run(images: Tensor(zeros: [1, 3, 4, 5]))) { error in
        guard case .invalidModel(let detail) = error as? InferenceError else { return XCTFail("\(error)") }
        XCTAssertTrue(detail.hasPrefix("input 'x' with declared shape [batch, "), detail)
        XCTAssertTrue(detail.contains("is neither NCHW nor NHWC behind a Transpose"), detail)
      }
    }
    assertClose(try XCTUnwrap(try InferenceSession(model: transposed).run(input).first), expected)
  }

  /// A Transpose to NCHW beside another reader of the input cannot be skipped: no layout.
  func testTransposeBesideAnotherReaderIsNoLayout() throws {
    let nodes = [
      ONNXNode(
        opType: "Transpose", name: "t", inputs: ["x"], outputs: ["t"],
        attributes: ["perm": .ints([0, 3, 1, 2])]),
      ONNXNode(opType: "Relu", name: "r", inputs: ["x"], outputs: ["y"]),
    ]
    let session = try InferenceSession(
      model: makeModel(nodes: nodes, initializers: [], inputShape: [1, 4, 5, 3]))
    XCTAssertNil(session.input.layout)
  }
}
