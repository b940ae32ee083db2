import Foundation
import Testing

@testable import ChexONNX

/// The onnx wheel's "light" model-zoo graphs (opset 9; Reshape, Transpose, Sum, Dropout,
/// Unsqueeze, ceil-mode pooling, ...) against onnx.shape_inference
/// (notebooks-export/light_models_flops.py).
@Suite struct LightModelZooTests {
  @Test func flopsMatchONNXShapeInference() throws {
    let expected = try Fixture.expected("expected_light.json")
    let models = expected.keys.filter { $0.hasSuffix(".onnx") }.sorted()
    #expect(models.count == 8)
    for name in models {
      let facts = try #require(expected[name] as? [String: Int])
      let summary = ModelSummary(model: try ONNXLoader.load(path: try Fixture.path("light/\(name)")))
      guard case .known(let total, _, _) = summary.flops else {
        Issue.record("\(name): FLOPs unavailable: \(summary.flops)")
        continue
      }
      #expect(total == facts["flops"], "\(name)")
      #expect(
        summary.parameterCount + summary.batchNormStatisticCount == facts["initializer_elements"], "\(name)")
      #expect(summary.nodeCount == facts["nodes"], "\(name)")
      #expect(summary.shapeFailures.isEmpty, "\(name): \(summary.shapeFailures)")
    }
  }
}
