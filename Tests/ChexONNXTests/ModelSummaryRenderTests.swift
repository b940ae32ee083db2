import Foundation
import Testing

@testable import ChexONNX

/// The text and JSON that `chexstats inspect` prints, checked against the Python-computed counts.
@Suite struct ModelSummaryRenderTests {
  @Test func jsonCarriesThePythonCounts() throws {
    let name = "smallnet_opset17"
    let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("\(name).onnx")))
    let expected = try #require(try Fixture.expected("expected_summary.json")[name] as? [String: Any])
    let json = summary.renderJSON(modelName: "m.onnx")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["model"] as? String == "m.onnx")
    #expect(object["parameters"] as? Int == expected["parameters"] as? Int)
    #expect(object["batch_norm_statistics"] as? Int == expected["batch_norm_statistics"] as? Int)
    #expect(object["nodes"] as? Int == expected["nodes"] as? Int)
    #expect(object["opset"] as? Int == 17)
    #expect(object["op_counts"] as? [String: Int] == expected["op_counts"] as? [String: Int])
    let flops = try #require(object["flops"] as? [String: Any])
    #expect(flops["total"] as? Int == expected["flops"] as? Int)
    #expect(flops["by_op_type"] as? [String: Int] == expected["flops_by_op"] as? [String: Int])
    #expect(flops["assumed_dimensions"] as? [String] == ["batch"])
    let input = try #require((object["inputs"] as? [[String: Any]])?.first)
    #expect(input["name"] as? String == "input")
    #expect(input["type"] as? String == "float")
    let shape = try #require(input["shape"] as? [Any])
    #expect(shape.first as? String == "batch")
    #expect(shape.dropFirst().compactMap { $0 as? Int } == [3, 48, 40])
  }

  @Test func jsonSaysWhyFLOPsAreUnavailable() throws {
    let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("unknown_shape.onnx")))
    let json = summary.renderJSON(modelName: "u.onnx")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let flops = try #require(object["flops"] as? [String: Any])
    #expect(flops["total"] is NSNull)
    #expect((flops["unavailable_reason"] as? String)?.contains("Resize") == true)
  }

  @Test func textForTheOneConvModel() throws {
    let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("one_conv.onnx")))
    let text = summary.renderText(modelName: "one_conv.onnx")
    let expected = """
      Model:      one_conv.onnx
      Producer:   chexstats-fixtures 1.0
      Opset:      20
      Inputs:     X  float  [batch, 2, 5, 5]
      Outputs:    Y  float  [batch, 3, 3, 3]
      Nodes:      1 (Conv 1)
      Parameters: 57 (initializer elements, without BatchNormalization statistics)
      BN stats:   0 (BatchNormalization running mean and variance)
      FLOPs:      972 FLOP (2 per multiply-add in Conv, Gemm, MatMul; batch = 1)
                  Conv 972 FLOP

      """
    #expect(text == expected)
  }

  @Test func numberFormatting() {
    #expect(ModelSummary.grouped(0) == "0")
    #expect(ModelSummary.grouped(999) == "999")
    #expect(ModelSummary.grouped(1000) == "1,000")
    #expect(ModelSummary.grouped(11_183_694) == "11,183,694")
    #expect(ModelSummary.grouped(-1_234_567) == "-1,234,567")
    #expect(ModelSummary.scaled(7_399_452_672) == "7.40 GFLOP")
    #expect(ModelSummary.scaled(1_919_360) == "1.92 MFLOP")
    #expect(ModelSummary.scaled(1_000) == "1.00 kFLOP")
    #expect(ModelSummary.scaled(999) == "999 FLOP")
  }
}
