import ChexONNX
import XCTest

@testable import ChexInference

/// Issue 12, defect 17: graphs onnxruntime's checker rejects are refused when the session is
/// made, naming the node and the value, instead of running with a guess.
final class GraphValidationTests: XCTestCase {
  private func refusal(_ nodes: [ONNXNode], file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
      _ = try InferenceSession(model: makeModel(nodes: nodes, initializers: [], inputShape: [1, 4]))
      XCTFail("accepted", file: file, line: line)
      return ""
    } catch {
      return "\(error)"
    }
  }

  /// Each case: the nodes and the whole message. Two producers of `y` once let the last win.
  func testInvalidGraphsAreRefusedNamingNodeAndValue() {
    let cases: [(nodes: [ONNXNode], message: String)] = [
      (
        [
          ONNXNode(opType: "Relu", name: "first", inputs: ["x"], outputs: ["y"]),
          ONNXNode(opType: "Sigmoid", name: "second", inputs: ["x"], outputs: ["y"]),
        ],
        "Invalid Sigmoid at node 'second': output 'y' is already produced by node 'first'; "
          + "a value must have exactly one producer."
      ),
      (
        [ONNXNode(opType: "Relu", name: "r", inputs: ["x"], outputs: ["x"])],
        "Invalid Relu at node 'r': output 'x' is also a graph input or initializer."
      ),
      (
        [
          ONNXNode(opType: "Sigmoid", name: "late", inputs: ["a"], outputs: ["y"]),
          ONNXNode(opType: "Relu", name: "early", inputs: ["x"], outputs: ["a"]),
        ],
        "Invalid Sigmoid at node 'late': input 'a' is used before node 'early' produces it "
          + "(the nodes are not in topological order)."
      ),
    ]
    for (nodes, message) in cases {
      XCTAssertEqual(refusal(nodes), message)
    }
  }

  func testNodeThatConsumesItsOwnOutput() {
    let message = refusal([ONNXNode(opType: "Add", name: "loop", inputs: ["x", "y"], outputs: ["y"])])
    XCTAssertTrue(message.contains("input 'y' is used before node 'loop' produces it"), message)
  }

  func testDanglingInput() {
    let message = refusal([ONNXNode(opType: "Add", name: "add", inputs: ["x", "ghost"], outputs: ["y"])])
    XCTAssertEqual(
      message,
      "Invalid Add at node 'add': input 'ghost' is neither a graph input, an initializer nor the output of "
        + "any node.")
  }

  func testGraphOutputNeverProduced() {
    let message = refusal([ONNXNode(opType: "Relu", name: "r", inputs: ["x"], outputs: ["z"])])
    XCTAssertEqual(message, "Invalid model: graph output 'y' is never produced.")
  }

  /// An empty name marks an omitted input: fine for an optional one, refused for a required one
  /// when the node is compiled.
  func testEmptyNameForARequiredInput() throws {
    let session = try InferenceSession(
      model: makeModel(
        nodes: [ONNXNode(opType: "Add", name: "add", inputs: ["x", ""], outputs: ["y"])], initializers: [],
        inputShape: [1, 4]))
    XCTAssertThrowsError(try session.run(Tensor(zeros: [1, 4]))) { error in
      XCTAssertEqual(
        error as? InferenceError,
        .invalidNode(op: "Add", node: "add", detail: "required input 1 is missing (absent or an empty name)"))
    }
  }
}
