import ChexONNX
import XCTest

@testable import ChexInference

/// `InferenceSession.profile`: one entry per step of the plan, in order, with times, and
/// convolution multiply-adds that add up to the model's Conv FLOPs as `ModelSummary` counts
/// them from the ONNX shapes (an independent count: fusion must not lose or double a layer).
final class StepProfileTests: XCTestCase {
  func testProfileCoversEveryConvolutionOnce() throws {
    for name in ["resnet_tiny_dynamo", "densenet_tiny_legacy17", "mobilenet_tiny_dynamo"] {
      let folder = try fixturesPath() + "/" + name
      let model = try ONNXLoader.load(path: folder + "/model.onnx")
      let input = try NumPy.read(path: folder + "/input.npy")
      let images = try XCTUnwrap(input.shape.first)
      guard case .known(_, let byOpType, let assumed) = ModelSummary(model: model).flops else {
        return XCTFail("\(name): no FLOP count")
      }
      XCTAssertEqual(assumed, ["batch"], name)
      for kernels in ConvolutionKernels.allCases {
        let session = try InferenceSession(model: model, threads: 2, kernels: kernels)
        let steps = try session.profile(input, runs: 2)
        XCTAssertFalse(steps.isEmpty, name)
        XCTAssertEqual(steps.map(\.index), Array(steps.indices), name)
        XCTAssertTrue(steps.allSatisfy { $0.seconds >= 0 && !$0.operation.isEmpty }, name)
        XCTAssertGreaterThan(steps.reduce(0) { $0 + $1.seconds }, 0, name)
        let convolutions = steps.filter { $0.operation.hasPrefix("Conv ") }
        XCTAssertTrue(convolutions.allSatisfy { $0.multiplyAdds != nil }, name)
        let flops = 2 * convolutions.reduce(0) { $0 + ($1.multiplyAdds ?? 0) }
        XCTAssertEqual(flops, images * (byOpType["Conv"] ?? -1), "\(name) \(kernels)")
        // Profiling leaves the session able to run, with the same results as before.
        XCTAssertEqual(
          try session.run(input), try InferenceSession(model: model, kernels: kernels).run(input))
      }
    }
  }
}
