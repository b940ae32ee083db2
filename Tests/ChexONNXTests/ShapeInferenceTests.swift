import Foundation
import Testing

@testable import ChexONNX

/// Static shape inference against onnx.shape_inference (strict mode) and onnxruntime, on the
/// one-node cases of Fixtures/shape_cases.json (notebooks-export/make_onnx_summary_fixtures.py).
@Suite struct ShapeInferenceTests {
  /// Builds the one-node graph a JSON case describes.
  static func graph(for item: [String: Any]) throws -> (ONNXGraph, String) {
    let op = try #require(item["op"] as? String)
    let shapes = try #require(item["inputs"] as? [Any])
    var attributes: [String: ONNXAttribute] = [:]
    for attribute in try #require(item["attributes"] as? [[String: Any]]) {
      let name = try #require(attribute["name"] as? String)
      if let ints = attribute["ints"] as? [Int] {
        attributes[name] = .ints(ints)
      } else if let value = attribute["int"] as? Int {
        attributes[name] = .int(value)
      } else if let value = attribute["float"] as? Double {
        attributes[name] = .float(Float(value))
      } else if let value = attribute["string"] as? String {
        attributes[name] = .string(value)
      }
    }
    var initializers: [String: ONNXTensor] = [:]
    for constant in try #require(item["constants"] as? [[String: Any]]) {
      let index = try #require(constant["index"] as? Int)
      let dims = try #require(constant["dims"] as? [Int])
      let values = try #require(constant["values"] as? [Int])
      initializers["in\(index)"] = ONNXTensor(
        name: "in\(index)", dataType: .int64, shape: dims, ints: values.map { Int64($0) })
    }
    var inputNames: [String] = []
    var inputs: [ONNXValueInfo] = []
    for (index, shape) in shapes.enumerated() {
      let name = "in\(index)"
      if let dims = shape as? [Int] {
        inputs.append(ONNXValueInfo(name: name, dataType: .float, shape: dims.map { .fixed($0) }))
        inputNames.append(name)
      } else {
        inputNames.append(initializers[name] == nil ? "" : name)
      }
    }
    let node = ONNXNode(
      opType: op, name: "case", inputs: inputNames, outputs: ["out0"], attributes: attributes)
    let graph = ONNXGraph(name: op, nodes: [node], initializers: initializers, inputs: inputs, outputs: [])
    let label = "\(op) opset \(item["opset"] ?? "?") \(shapes) \(attributes)"
    return (graph, label)
  }

  @Test func oneNodeCasesMatchONNXShapeInference() throws {
    let cases = try #require(try Fixture.expected("shape_cases.json")["cases"] as? [[String: Any]])
    #expect(cases.count >= 50)
    for item in cases {
      let (graph, label) = try Self.graph(for: item)
      let expected = try #require(item["output"] as? [Int])
      let result = ShapeInference.infer(graph)
      #expect(result.failures.isEmpty, "\(label): \(result.failures)")
      #expect(result.shapes["out0"] == expected, "\(label)")
    }
  }

  @Test func smallNetIntermediateShapesMatchONNX() throws {
    for name in ["smallnet_opset20", "smallnet_opset17"] {
      let model = try ONNXLoader.load(path: try Fixture.path("\(name).onnx"))
      let expected = try #require(try Fixture.expected("expected_summary.json")[name] as? [String: Any])
      let shapes = try #require(expected["value_shapes_batch1"] as? [String: [Int]])
      let result = ShapeInference.infer(model.graph)
      #expect(result.failures.isEmpty, "\(name): \(result.failures)")
      #expect(result.assumedDimensions == ["batch"])
      for (value, shape) in shapes {
        #expect(result.shapes[value] == shape, "\(name) value \(value)")
      }
      // Batch 2, as onnxruntime ran it.
      let batch2 = ShapeInference.infer(model.graph, symbolicDimension: 2)
      #expect(batch2.shapes["probabilities"] == (expected["ort_output_shape_batch2"] as? [Int]))
    }
  }

  @Test func mismatchedChannelsAreAFailureNotACrash() {
    let node = ONNXNode(opType: "Conv", name: "bad", inputs: ["x", "w"], outputs: ["y"])
    let graph = ONNXGraph(
      name: "g", nodes: [node],
      initializers: ["w": ONNXTensor(name: "w", dataType: .float, shape: [4, 5, 3, 3])],
      inputs: [
        ONNXValueInfo(name: "x", dataType: .float, shape: [.fixed(1), .fixed(3), .fixed(8), .fixed(8)])
      ],
      outputs: [])
    let result = ShapeInference.infer(graph)
    #expect(result.shapes["y"] == nil)
    #expect(result.failures.count == 1)
    #expect(result.failures.first?.nodeName == "bad")
    #expect(result.failures.first?.description.contains("channels") == true)
  }

  @Test func kernelLargerThanInputIsAFailure() {
    let node = ONNXNode(
      opType: "MaxPool", name: "", inputs: ["x"], outputs: ["y"], attributes: ["kernel_shape": .ints([5, 5])])
    let graph = ONNXGraph(
      name: "g", nodes: [node], initializers: [:],
      inputs: [
        ONNXValueInfo(name: "x", dataType: .float, shape: [.fixed(1), .fixed(1), .fixed(3), .fixed(3)])
      ],
      outputs: [])
    let result = ShapeInference.infer(graph)
    #expect(result.shapes["y"] == nil)
    #expect(result.failures.first?.description.hasPrefix("MaxPool node #0") == true)
  }

  @Test func shapeGatherConcatFeedReshape() {
    // Reshape(x, Concat(Gather(Shape(x), 0), [-1])) — the exporters' dynamic flatten.
    let nodes = [
      ONNXNode(opType: "Shape", name: "s", inputs: ["x"], outputs: ["shape"]),
      ONNXNode(opType: "Gather", name: "g", inputs: ["shape", "zero"], outputs: ["n"]),
      ONNXNode(opType: "Unsqueeze", name: "u", inputs: ["n", "axes"], outputs: ["n1"]),
      ONNXNode(
        opType: "Concat", name: "c", inputs: ["n1", "minus1"], outputs: ["target"],
        attributes: ["axis": .int(0)]),
      ONNXNode(opType: "Reshape", name: "r", inputs: ["x", "target"], outputs: ["y"]),
    ]
    let graph = ONNXGraph(
      name: "g", nodes: nodes,
      initializers: [
        "zero": ONNXTensor(name: "zero", dataType: .int64, shape: [], ints: [0]),
        "axes": ONNXTensor(name: "axes", dataType: .int64, shape: [1], ints: [0]),
        "minus1": ONNXTensor(name: "minus1", dataType: .int64, shape: [1], ints: [-1]),
      ],
      inputs: [
        ONNXValueInfo(name: "x", dataType: .float, shape: [.symbolic("b"), .fixed(4), .fixed(2), .fixed(2)])
      ],
      outputs: [])
    let result = ShapeInference.infer(graph, symbolicDimension: 3)
    #expect(result.failures.isEmpty)
    #expect(result.shapes["y"] == [3, 16])
    #expect(result.assumedDimensions == ["b"])
  }
}
