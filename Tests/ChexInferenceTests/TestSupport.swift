import ChexONNX
import ChexTestSupport
import Foundation
import XCTest

@testable import ChexInference

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

/// The folder of committed fixtures (a missing folder fails the test, never skips it).
func fixturesPath() throws -> String {
  try FixtureFolder(bundle: .module).folder().path
}

/// Whether `automatic` runs chexstats' own kernels here (a CPU with AVX-512F); when it does not,
/// says once in the log that the checks named by `what` did not run.
func nativeKernelsRun(checking what: String) -> Bool {
  let native = ConvolutionKernels.automatic.resolved == .automatic
  if !native { Notice.once("CPU without AVX-512F: \(what) not checked") }
  return native
}
