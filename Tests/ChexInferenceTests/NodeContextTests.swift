import ChexONNX
import XCTest

@testable import ChexInference

/// Integer inputs read from constants (`NodeContext.integers`): a float tensor may stand where
/// ONNX expects int64 (the fuzzer's models do), and a NaN there has no integer value.
final class NodeContextTests: XCTestCase {
  /// The fuzzer's first crash (Fuzz/Findings, now Tests/ChexInferenceTests/Fixtures/fuzz): a Pad
  /// whose `pads` input is a float tensor holding a NaN trapped converting it to Int. Now each
  /// op that reads integers from a constant refuses a NaN by node and input; the NaN sits
  /// among values that are valid on their own, so only the NaN can cause the error.
  func testANaNWhereIntegersAreExpectedIsRefusedByNodeAndInput() throws {
    let nan = Float.nan
    let cases: [(ONNXNode, ONNXTensor, String)] = [
      (
        ONNXNode(opType: "Pad", name: "pad", inputs: ["x", "pads"], outputs: ["y"]),
        floatTensor("pads", [8], [0, 0, nan, 0, 0, 0, 0, 0]),
        "Pad at node 'pad': pads must be integers, found NaN"
      ),
      (
        ONNXNode(opType: "Reshape", name: "reshape", inputs: ["x", "shape"], outputs: ["y"]),
        floatTensor("shape", [2], [1, nan]), "Reshape at node 'reshape': shape must be integers, found NaN"
      ),
      (
        ONNXNode(opType: "Gather", name: "gather", inputs: ["x", "indices"], outputs: ["y"]),
        floatTensor("indices", [2], [0, nan]), "Gather at node 'gather': indices must be integers, found NaN"
      ),
      (
        ONNXNode(opType: "Slice", name: "slice", inputs: ["x", "starts", "ends"], outputs: ["y"]),
        floatTensor("starts", [1], [nan]), "Slice at node 'slice': starts must be integers, found NaN"
      ),
    ]
    for (node, tensor, expected) in cases {
      var initializers = [tensor]
      if node.opType == "Slice" { initializers.append(intTensor("ends", [1])) }
      let model = makeModel(nodes: [node], initializers: initializers, inputShape: [1, 2, 3, 3])
      XCTAssertThrowsError(try InferenceSession(model: model).prepare(inputShape: [1, 2, 3, 3])) { error in
        XCTAssertTrue("\(error)".contains(expected), "\(node.opType): \(error)")
      }
    }
  }

  /// The fuzzer's own minimised file, loaded as `chexstats run` loads it: compiling it for its
  /// input shape is now an error naming the Pad node and its pads.
  func testTheFuzzersPadWithNaNPadsIsAnError() throws {
    let path = try fixturesPath() + "/fuzz/onnx-pad-nan-pads.onnx"
    let session = try InferenceSession(model: try ONNXLoader.load(path: path))
    XCTAssertThrowsError(try session.prepare(inputShape: [1, 3, 4, 5])) { error in
      XCTAssertTrue("\(error)".contains("pads must be integers, found NaN"), "\(error)")
    }
  }

  /// Infinity in a float `ends` still means "to the end" (it saturates, as INT64_MAX does):
  /// Slice of axis 0 from 0 to +inf keeps the whole tensor.
  func testInfinitySaturatesInsteadOfFailing() throws {
    let model = makeModel(
      nodes: [ONNXNode(opType: "Slice", name: "slice", inputs: ["x", "starts", "ends"], outputs: ["y"])],
      initializers: [floatTensor("starts", [1], [0]), floatTensor("ends", [1], [.infinity])],
      inputShape: [1, 2])
    let input = Tensor(shape: [1, 2], data: [3, 4])
    XCTAssertEqual(try InferenceSession(model: model).run(input).first?.data, [3, 4])
  }
}
