import ChexONNX
import ChexTestSupport
import Foundation
import XCTest

@testable import ChexInference

/// Broadcast Mul/Add, BatchNormalization + Relu, GlobalAveragePool and Concat on tensors large
/// enough to be split across threads (above `Parallelism.minimumValues`), against loops written here, with one and two threads.
final class ElementwiseTests: XCTestCase {
  let (c, h, w) = (24, 110, 111)

  func run(_ model: ONNXModel, _ x: [Float]) throws -> [Tensor] {
    let input = Tensor(shape: [1, c, h, w], data: x)
    let one = try InferenceSession(model: model, threads: 1).run(input)
    let two = try InferenceSession(model: model, threads: 2).run(input)
    XCTAssertEqual(one, two, "two threads give other values than one")
    return one
  }

  func testBroadcastBinaryRows() throws {
    var generator = SeededGenerator(seed: 50)
    let x = randomFloats(c * h * w, &generator)
    let gate = randomFloats(c, &generator)
    let row = randomFloats(w, &generator)
    let nodes = [
      ONNXNode(opType: "Mul", name: "gate", inputs: ["x", "g"], outputs: ["m"]),
      ONNXNode(opType: "Add", name: "row", inputs: ["m", "r"], outputs: ["a"]),
      ONNXNode(opType: "Add", name: "same", inputs: ["a", "x"], outputs: ["y"]),
    ]
    let model = makeModel(
      nodes: nodes, initializers: [floatTensor("g", [1, c, 1, 1], gate), floatTensor("r", [w], row)],
      inputShape: [1, c, h, w])
    let output = try XCTUnwrap(try run(model, x).first)
    var expected = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count {
      let channel = i / (h * w)
      expected[i] = (x[i] * gate[channel] + row[i % w]) + x[i]
    }
    XCTAssertEqual(output, Tensor(shape: [1, c, h, w], data: expected))
  }

  func testBatchNormReluPoolAndConcat() throws {
    var generator = SeededGenerator(seed: 51)
    let x = randomFloats(c * h * w, &generator)
    let gamma = randomFloats(c, &generator)
    let beta = randomFloats(c, &generator)
    let mean = randomFloats(c, &generator)
    let variance = randomFloats(c, &generator).map { abs($0) + 0.5 }
    let nodes = [
      ONNXNode(opType: "BatchNormalization", name: "bn", inputs: ["x", "s", "b", "m", "v"], outputs: ["n"]),
      ONNXNode(opType: "Relu", name: "relu", inputs: ["n"], outputs: ["r"]),
      ONNXNode(
        opType: "Concat", name: "cat", inputs: ["r", "x", "r"], outputs: ["y"], attributes: ["axis": .int(1)]),
      ONNXNode(opType: "GlobalAveragePool", name: "gap", inputs: ["y"], outputs: ["p"]),
    ]
    let model = makeModel(
      nodes: nodes,
      initializers: [
        floatTensor("s", [c], gamma), floatTensor("b", [c], beta), floatTensor("m", [c], mean),
        floatTensor("v", [c], variance),
      ], inputShape: [1, c, h, w], output: "p")
    let output = try XCTUnwrap(try run(model, x).first)
    let plane = h * w
    var relu = [Double](repeating: 0, count: x.count)
    for i in 0..<x.count {
      let k = i / plane
      let normalized = (Double(x[i]) - Double(mean[k])) / (Double(variance[k]) + 1e-5).squareRoot()
      relu[i] = max(normalized * Double(gamma[k]) + Double(beta[k]), 0)
    }
    let concatenated = relu + x.map(Double.init) + relu
    let expected = (0..<(3 * c)).map { k in
      Float(concatenated[(k * plane)..<((k + 1) * plane)].reduce(0, +) / Double(plane))
    }
    assertClose(output, Tensor(shape: [1, 3 * c, 1, 1], data: expected), relativeTo: 1e-6)
  }
}

/// The test sizes above are chosen against these thresholds; this fails if they move.
final class ParallelismThresholdTests: XCTestCase {
  func testThresholdsTheTestsRelyOn() {
    XCTAssertLessThanOrEqual(Parallelism.minimumValues, 24 * 110 * 111)
    XCTAssertLessThanOrEqual(Parallelism.minimumValues, 8 * 64 * 64 * 9)
    XCTAssertLessThanOrEqual(Parallelism.minimumMultiplyAdds, 64 * 64 * 32 * 32)
    XCTAssertLessThanOrEqual(Parallelism.minimumMultiplyAdds, 256 * 128 * 12 * 12)
    XCTAssertLessThanOrEqual(Parallelism.minimumMultiplyAdds, 64 * 9 * 80 * 11 * 11)
    XCTAssertLessThanOrEqual(Parallelism.minimumValues, 64 * 9 * 11 * 11)
  }
}
