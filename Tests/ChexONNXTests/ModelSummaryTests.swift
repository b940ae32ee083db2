import Foundation
import Testing

@testable import ChexONNX

/// Model summaries of the small conv nets against counts computed in Python from the same files
/// (Fixtures/expected_summary.json, notebooks-export/make_onnx_summary_fixtures.py).
@Suite struct ModelSummaryTests {
  @Test(arguments: ["smallnet_opset20", "smallnet_opset17"])
  func smallNetMatchesPython(name: String) throws {
    let model = try ONNXLoader.load(path: try Fixture.path("\(name).onnx"))
    let expected = try #require(try Fixture.expected("expected_summary.json")[name] as? [String: Any])
    let summary = ModelSummary(model: model)
    #expect(summary.parameterCount == (expected["parameters"] as? Int))
    #expect(summary.batchNormStatisticCount == (expected["batch_norm_statistics"] as? Int))
    #expect(summary.initializerCount == (expected["initializers"] as? Int))
    #expect(summary.nodeCount == (expected["nodes"] as? Int))
    #expect(summary.opsetVersion == (expected["opset"] as? Int))
    #expect(summary.producer == "chexstats-fixtures smallnet")
    let opCounts = try #require(expected["op_counts"] as? [String: Int])
    #expect(Dictionary(uniqueKeysWithValues: summary.opCounts.map { ($0.opType, $0.count) }) == opCounts)
    #expect(summary.opCounts.first == ModelSummary.OpCount(opType: "Conv", count: 8))
    let flopsByOp = try #require(expected["flops_by_op"] as? [String: Int])
    #expect(
      summary.flops
        == .known(
          total: try #require(expected["flops"] as? Int), byOpType: flopsByOp, assumedDimensions: ["batch"]))
    #expect(summary.shapeFailures.isEmpty)
    #expect(summary.inputs.map(\.name) == ["input"])
    #expect(summary.inputs.first?.shape == [.symbolic("batch"), .fixed(3), .fixed(48), .fixed(40)])
    #expect(summary.outputs.map(\.name) == ["probabilities"])
  }

  @Test func oneConvFLOPsByHand() throws {
    // Y[1,3,3,3] from X[1,2,5,5], W[3,2,3,3]: 27 outputs × 18 multiply-adds × 2 = 972.
    let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("one_conv.onnx")))
    #expect(summary.flops == .known(total: 972, byOpType: ["Conv": 972], assumedDimensions: ["batch"]))
    #expect(summary.parameterCount == 3 * 2 * 3 * 3 + 3)
    #expect(summary.batchNormStatisticCount == 0)
  }

  @Test func unknownShapeMakesFLOPsUnavailableNamingTheOp() throws {
    let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("unknown_shape.onnx")))
    guard case .unavailable(let reason) = summary.flops else {
      Issue.record("expected unavailable FLOPs, got \(summary.flops)")
      return
    }
    #expect(reason.contains("Resize"))
    #expect(reason.contains("upsample"))
    #expect(reason.contains("after_resize"))
    #expect(summary.shapeFailures.map(\.opType) == ["Resize"])
    #expect(summary.parameterCount == 4 + 3 * 2 * 3 * 3)
  }
}
