import ChexONNX
import ChexTestSupport
import Foundation
import XCTest

@testable import ChexInference

/// Compiler behaviour: refusal of unsupported ops, input checks, shape folding, memory reuse.
final class GraphTests: XCTestCase {
  func testUnsupportedOpIsRefusedAtLoadNamingOpAndNode() {
    let model = makeModel(
      nodes: [ONNXNode(opType: "LSTM", name: "rnn_1", inputs: ["x"], outputs: ["y"])], initializers: [],
      inputShape: [1, 3])
    XCTAssertThrowsError(try InferenceSession(model: model)) { error in
      guard case .unsupported(let op, let node, _) = error as? InferenceError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertEqual(op, "LSTM")
      XCTAssertEqual(node, "rnn_1")
      XCTAssertTrue("\(error)".hasPrefix("Unsupported LSTM at node 'rnn_1'"))
    }
  }

  func testUnsupportedAttributeIsRefused() throws {
    let node = ONNXNode(
      opType: "Relu", name: "r", inputs: ["x"], outputs: ["y"], attributes: ["mystery": .int(1)])
    let session = try InferenceSession(model: makeModel(nodes: [node], initializers: [], inputShape: [1, 2]))
    XCTAssertThrowsError(try session.run(Tensor(zeros: [1, 2]))) { error in
      XCTAssertEqual(
        error as? InferenceError,
        .unsupported(op: "Relu", node: "r", detail: "attribute 'mystery' is not implemented"))
    }
  }

  func testWrongInputShapeIsAnError() throws {
    let node = ONNXNode(opType: "Relu", name: "r", inputs: ["x"], outputs: ["y"])
    let session = try InferenceSession(
      model: makeModel(nodes: [node], initializers: [], inputShape: [1, 3, 4, 4]))
    XCTAssertThrowsError(try session.run(Tensor(zeros: [2, 3, 5, 4]))) { error in
      XCTAssertEqual(
        error as? InferenceError, .inputShape(name: "x", expected: "[batch, 3, 4, 4]", found: [2, 3, 5, 4]))
    }
    XCTAssertThrowsError(try session.run(Tensor(zeros: [3, 4, 4])))
  }

  func testConvWithWrongChannelCountIsAnError() throws {
    let node = ONNXNode(opType: "Conv", name: "c", inputs: ["x", "w"], outputs: ["y"])
    let model = makeModel(
      nodes: [node], initializers: [floatTensor("w", [2, 4, 1, 1], .init(repeating: 1, count: 8))],
      inputShape: [1, 3, 2, 2])
    XCTAssertThrowsError(try InferenceSession(model: model).run(Tensor(zeros: [1, 3, 2, 2]))) { error in
      guard case .invalidNode(let op, let name, _) = error as? InferenceError else {
        return XCTFail("\(error)")
      }
      XCTAssertEqual([op, name], ["Conv", "c"])
    }
  }

  /// The legacy exporter's flatten: Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape,
  /// folded at compile time to [batch, 12]; the result is a view with no kernel.
  func testShapeArithmeticIsFolded() throws {
    let nodes = [
      ONNXNode(opType: "Shape", name: "shape", inputs: ["x"], outputs: ["s"]),
      ONNXNode(
        opType: "Gather", name: "gather", inputs: ["s", "zero"], outputs: ["n"], attributes: ["axis": .int(0)]
      ),
      ONNXNode(opType: "Unsqueeze", name: "unsq", inputs: ["n", "axes"], outputs: ["n1"]),
      ONNXNode(
        opType: "Concat", name: "cat", inputs: ["n1", "minus1"], outputs: ["target"],
        attributes: ["axis": .int(0)]),
      ONNXNode(opType: "Reshape", name: "reshape", inputs: ["x", "target"], outputs: ["y"]),
    ]
    let model = makeModel(
      nodes: nodes,
      initializers: [intTensor("zero", [0], shape: []), intTensor("axes", [0]), intTensor("minus1", [-1])],
      inputShape: [1, 3, 2, 2], opset: 13)
    let session = try InferenceSession(model: model)
    let input = Tensor(shape: [2, 3, 2, 2], data: (0..<24).map { Float($0) })
    let output = try XCTUnwrap(try session.run(input).first)
    XCTAssertEqual(output.shape, [2, 12])
    XCTAssertEqual(output.data, input.data)
    XCTAssertEqual(try session.plan(for: [1, 3, 2, 2]).steps.count, 0)
  }

  /// A chain of ten Relu-Sigmoid pairs on a 1000-element tensor runs in place and in at most
  /// two buffers, not twenty.
  func testMemoryPlanReusesBuffers() throws {
    var nodes: [ONNXNode] = []
    var previous = "x"
    for i in 0..<10 {
      nodes.append(ONNXNode(opType: "Relu", name: "r\(i)", inputs: [previous], outputs: ["a\(i)"]))
      let out = i == 9 ? "y" : "b\(i)"
      nodes.append(ONNXNode(opType: "Sigmoid", name: "s\(i)", inputs: ["a\(i)"], outputs: [out]))
      previous = out
    }
    let session = try InferenceSession(
      model: makeModel(nodes: nodes, initializers: [], inputShape: [1, 1000]))
    let plan = try session.plan(for: [1, 1000])
    XCTAssertEqual(plan.steps.count, 20)
    XCTAssertLessThanOrEqual(plan.arenaCount, 2 * 1008)
    var generator = SeededGenerator(seed: 21)
    let input = Tensor(shape: [1, 1000], data: randomFloats(1000, &generator, scale: 3))
    var expected = input.data
    for _ in 0..<10 { expected = expected.map { 1 / (1 + Foundation.exp(-max($0, 0))) } }
    assertClose(
      try XCTUnwrap(try session.run(input).first), Tensor(shape: [1, 1000], data: expected), relativeTo: 1e-6)
  }

  func testModelWithTwoInputsIsRefused() {
    var model = makeModel(nodes: [], initializers: [], inputShape: [1, 2], output: "x")
    model.graph.inputs.append(ONNXValueInfo(name: "z", dataType: .float, shape: [.fixed(2)]))
    XCTAssertThrowsError(try InferenceSession(model: model)) { error in
      guard case .invalidModel = error as? InferenceError else { return XCTFail("\(error)") }
    }
  }
}
