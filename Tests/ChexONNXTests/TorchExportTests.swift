import Foundation
import Testing

@testable import ChexONNX

/// A real exporter's output: torchvision MobileNetV2 (width 0.35, 14 outputs) exported by
/// torch's dynamo exporter with its weights in `mobilenet_v2_w035.onnx.data`
/// (notebooks-export/make_torch_fixture.py). FLOPs are checked against forward hooks on the
/// torch modules, an independent count that never saw the ONNX file.
@Suite struct TorchExportTests {
  static func expected() throws -> [String: Any] {
    try #require(try Fixture.expected("expected_torch.json")["dynamo"] as? [String: Any])
  }

  @Test func weightsMatchNumpyChecksums() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("mobilenet_v2_w035.onnx"))
    let expected = try Self.expected()
    let sums = try #require(expected["initializer_sums_float64"] as? [String: Double])
    let external = try #require(expected["external_initializers"] as? [String])
    #expect(external.count > 50)
    #expect(model.graph.initializers.count == sums.count)
    for (name, sum) in sums {
      let tensor = try #require(model.graph.initializers[name], "initializer \(name)")
      let values = tensor.floats.isEmpty ? tensor.ints.map { Double($0) } : tensor.floats.map { Double($0) }
      #expect(values.count == tensor.elementCount, "\(name)")
      let total = values.reduce(0, +)
      // Same float32 values summed in float64 in a possibly different order.
      #expect(abs(total - sum) <= 1e-9 * max(1, values.map(abs).reduce(0, +)), "\(name): \(total) vs \(sum)")
    }
  }

  @Test func summaryMatchesTorchAndPython() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("mobilenet_v2_w035.onnx"))
    let expected = try Self.expected()
    let summary = ModelSummary(model: model)
    #expect(summary.opsetVersion == 20)
    #expect(summary.producer.hasPrefix("pytorch"))
    #expect(summary.parameterCount == (expected["parameters"] as? Int))
    #expect(summary.batchNormStatisticCount == 0)
    #expect(summary.nodeCount == (expected["nodes"] as? Int))
    let opCounts = try #require(expected["op_counts"] as? [String: Int])
    #expect(Dictionary(uniqueKeysWithValues: summary.opCounts.map { ($0.opType, $0.count) }) == opCounts)
    let byOp = try #require(expected["flops_by_op_torch_hooks"] as? [String: Int])
    let total = try #require(expected["flops_torch_hooks"] as? Int)
    #expect(summary.flops == .known(total: total, byOpType: byOp, assumedDimensions: ["batch"]))
    #expect(summary.inputs.map(\.name) == [expected["input_name"] as? String])
    #expect(summary.inputs.first?.shape.dropFirst() == [.fixed(3), .fixed(64), .fixed(64)])
    #expect(summary.shapeFailures.isEmpty)
    let batch2 = ShapeInference.infer(model.graph, symbolicDimension: 2)
    #expect(
      batch2.shapes[summary.outputs.first?.name ?? ""] == (expected["ort_output_shape_batch2"] as? [Int]))
  }
}
