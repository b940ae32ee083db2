import ChexONNX
import Foundation
import XCTest

@testable import ChexInference

/// SplitMix64: a small seeded generator so that random test data is reproducible.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

func randomFloats(_ count: Int, _ generator: inout SeededGenerator, scale: Float = 1) -> [Float] {
  (0..<count).map { _ in Float.random(in: -1...1, using: &generator) * scale }
}

func floatTensor(_ name: String, _ shape: [Int], _ values: [Float]) -> ONNXTensor {
  ONNXTensor(name: name, dataType: .float, shape: shape, floats: values)
}

func intTensor(_ name: String, _ values: [Int64], shape: [Int]? = nil) -> ONNXTensor {
  ONNXTensor(name: name, dataType: .int64, shape: shape ?? [values.count], ints: values)
}

/// A model with input `x` (symbolic batch) and output `y`.
func makeModel(
  nodes: [ONNXNode], initializers: [ONNXTensor], inputShape: [Int], opset: Int = 17, output: String = "y"
) -> ONNXModel {
  var dims: [ONNXDimension] = [.symbolic("batch")]
  dims += inputShape.dropFirst().map { .fixed($0) }
  let graph = ONNXGraph(
    name: "test", nodes: nodes,
    initializers: Dictionary(uniqueKeysWithValues: initializers.map { ($0.name, $0) }),
    inputs: [ONNXValueInfo(name: "x", dataType: .float, shape: dims)],
    outputs: [ONNXValueInfo(name: output, dataType: .float, shape: [])])
  return ONNXModel(opsetVersion: opset, producer: "test", graph: graph)
}

/// Asserts `max |actual - expected| <= tolerance * max(|expected|)` and equal shapes.
func assertClose(
  _ actual: Tensor, _ expected: Tensor, relativeTo tolerance: Float = 1e-4, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
  guard actual.count == expected.count else { return }
  let scale = max(expected.data.map { abs($0) }.max() ?? 0, 1e-6)
  var worst: Float = 0
  for (a, e) in zip(actual.data, expected.data) { worst = max(worst, abs(a - e)) }
  XCTAssertLessThanOrEqual(
    worst, tolerance * scale, "max |diff| \(worst) vs scale \(scale) \(message)", file: file, line: line)
}

/// The folder of committed fixtures.
func fixturesPath() throws -> String {
  let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
  return url.path
}
