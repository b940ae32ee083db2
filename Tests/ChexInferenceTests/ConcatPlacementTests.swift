import ChexONNX
import ChexTestSupport
import XCTest

@testable import ChexInference

/// A DenseNet-style chain (each step concatenates all earlier feature maps) is planned in
/// place: the feature maps live inside the last concatenation and the Concat steps copy
/// nothing; the values still equal the arithmetic done here by hand.
final class ConcatPlacementTests: XCTestCase {
  /// `y[o, p] = sum_i w[o, i] x[i, p]` for a 1x1 convolution without bias.
  func pointwise(_ x: [Double], _ w: [Float], cin: Int, cout: Int, plane: Int) -> [Double] {
    var y = [Double](repeating: 0, count: cout * plane)
    for o in 0..<cout {
      for i in 0..<cin {
        for p in 0..<plane { y[o * plane + p] += Double(w[o * cin + i]) * x[i * plane + p] }
      }
    }
    return y
  }

  func testDenseChainIsPlacedAndCorrect() throws {
    var generator = SeededGenerator(seed: 60)
    let (h, w) = (5, 6)
    let plane = h * w
    let x = randomFloats(2 * plane, &generator)
    let w1 = randomFloats(2 * 2, &generator)
    let w2 = randomFloats(2 * 4, &generator)
    let w3 = randomFloats(2 * 6, &generator)
    func concat(_ inputs: [String], _ output: String) -> ONNXNode {
      ONNXNode(
        opType: "Concat", name: output, inputs: inputs, outputs: [output], attributes: ["axis": .int(1)])
    }
    func conv(_ input: String, _ weight: String, _ output: String) -> ONNXNode {
      ONNXNode(opType: "Conv", name: output, inputs: [input, weight], outputs: [output])
    }
    // The chain starts from a computed value (the graph input itself is never placed).
    let nodes = [
      ONNXNode(opType: "Relu", name: "stem", inputs: ["x"], outputs: ["x0"]),
      concat(["x0"], "c1"), conv("c1", "w1", "f1"),
      concat(["x0", "f1"], "c2"), conv("c2", "w2", "f2"),
      concat(["x0", "f1", "f2"], "c3"), conv("c3", "w3", "f3"),
      concat(["x0", "f1", "f2", "f3"], "c4"),
      ONNXNode(opType: "Relu", name: "relu", inputs: ["c4"], outputs: ["y"]),
    ]
    let model = makeModel(
      nodes: nodes,
      initializers: [
        floatTensor("w1", [2, 2, 1, 1], w1), floatTensor("w2", [2, 4, 1, 1], w2),
        floatTensor("w3", [2, 6, 1, 1], w3),
      ], inputShape: [1, 2, h, w])
    let session = try InferenceSession(model: model)
    let output = try XCTUnwrap(try session.run(Tensor(shape: [1, 2, h, w], data: x)).first)

    let x64 = x.map { max(Double($0), 0) }
    let f1 = pointwise(x64, w1, cin: 2, cout: 2, plane: plane)
    let f2 = pointwise(x64 + f1, w2, cin: 4, cout: 2, plane: plane)
    let f3 = pointwise(x64 + f1 + f2, w3, cin: 6, cout: 2, plane: plane)
    let expected = (x64 + f1 + f2 + f3).map { Float(max($0, 0)) }
    assertClose(output, Tensor(shape: [1, 8, h, w], data: expected), relativeTo: 1e-6)

    let plan = try session.plan(for: [1, 2, h, w])
    // The four Concat steps read their inputs where they write them.
    var inPlace = 0
    for step in plan.steps where step.kernel is ConcatKernel {
      guard case .arena(let out) = step.outputs[0] else { continue }
      var position = out
      var all = true
      for (input, chunk) in zip(step.inputs, (step.kernel as? ConcatKernel)?.chunks ?? []) {
        if case .arena(let offset) = input, offset == position {} else { all = false }
        position += chunk
      }
      if all { inPlace += 1 }
    }
    XCTAssertEqual(inPlace, 4)
  }
}
