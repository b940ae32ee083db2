import Foundation
import Testing

@testable import ChexONNX

/// The loader against models written by the `onnx` Python package
/// (notebooks-export/make_onnx_fixtures.py); expected values come from numpy in that script.
@Suite struct LoaderTests {
  @Test func oneConvNodeWithRawData() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("one_conv.onnx"))
    let expected = try #require(try Fixture.expected("expected_loader.json")["one_conv"] as? [String: Any])
    #expect(model.opsetVersion == 20)
    #expect(model.producer == "chexstats-fixtures 1.0")
    #expect(model.graph.name == "one_conv")
    #expect(model.graph.nodes.count == 1)
    let node = try #require(model.graph.nodes.first)
    #expect(node.opType == "Conv")
    #expect(node.name == "conv0")
    #expect(node.inputs == ["X", "W", "B"])
    #expect(node.outputs == ["Y"])
    #expect(node.domain == "")
    guard case .ints(let kernel) = node.attributes["kernel_shape"],
      case .int(let group) = node.attributes["group"]
    else {
      Issue.record("kernel_shape or group missing: \(node.attributes)")
      return
    }
    #expect(kernel == [3, 3])
    #expect(group == 1)
    let weight = try #require(model.graph.initializers["W"])
    #expect(weight.dataType == .float)
    #expect(weight.shape == [3, 2, 3, 3])
    #expect(weight.floats == (try Fixture.doubles(expected["W"])).map { Float($0) })
    #expect(model.graph.initializers["B"]?.floats == (try Fixture.doubles(expected["B"])).map { Float($0) })
    #expect(model.graph.inputs.count == 1)
    let input = try #require(model.graph.inputs.first)
    #expect(input.name == "X")
    #expect(input.dataType == .float)
    #expect(input.shape == [.symbolic("batch"), .fixed(2), .fixed(5), .fixed(5)])
    #expect(model.graph.outputs.map(\.name) == ["Y"])
  }

  @Test func typedFieldsAndRawIntegersConvert() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("typed_fields.onnx"))
    let expected = try #require(
      try Fixture.expected("expected_loader.json")["typed_fields"] as? [String: Any])
    let initializers = model.graph.initializers
    #expect(initializers.count == 13)
    // i64_typed went through float64 in the JSON; it is checked exactly below.
    for (name, value) in expected where name != "i64_typed" {
      let tensor = try #require(initializers[name], "initializer \(name)")
      let want = try Fixture.doubles(value)
      switch tensor.dataType {
      case .float, .double:
        // Doubles are stored as Float: compare with the Float rounding of numpy's value.
        #expect(tensor.floats == want.map { Float($0) }, "\(name)")
        #expect(tensor.ints.isEmpty)
      default:
        #expect(tensor.ints == want.map { Int64($0) }, "\(name)")
        #expect(tensor.floats.isEmpty)
      }
    }
    // Exact 64-bit integers that a Double cannot hold.
    #expect(initializers["i64_typed"]?.ints == [-9_007_199_254_740_993, 5])
    #expect(initializers["i64_raw"]?.ints == [-1, 1 << 40])
    #expect(initializers["i32_typed"]?.dataType == .int32)
    #expect(initializers["b_raw"]?.dataType == .bool)
    #expect(initializers["scalar_raw"]?.shape == [])
    #expect(initializers["scalar_raw"]?.elementCount == 1)
    #expect(initializers["i8_raw"]?.shape == [1, 2])
    // The initializer listed as an input (IR < 4 style) is not a graph input.
    #expect(model.graph.inputs.map(\.name) == ["X"])
    #expect(model.graph.inputs.first?.shape == [.symbolic("n"), .fixed(2)])
    #expect(model.opsetVersion == 13)
  }

  @Test func constantNodeValueIsATensorAttribute() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("typed_fields.onnx"))
    let constant = try #require(model.graph.nodes.first { $0.opType == "Constant" })
    guard case .tensor(let value) = constant.attributes["value"] else {
      Issue.record("Constant has no tensor 'value': \(constant.attributes)")
      return
    }
    #expect(value.shape == [2])
    #expect(value.floats == [0.5, -0.25])
    let identity = try #require(model.graph.nodes.first { $0.opType == "Identity" })
    guard case .float(let f) = identity.attributes["f"], case .string(let s) = identity.attributes["s"],
      case .floats(let fs) = identity.attributes["fs"], case .strings(let ss) = identity.attributes["ss"]
    else {
      Issue.record("attributes not converted: \(identity.attributes)")
      return
    }
    #expect(f == 0.25)
    #expect(s == "hello")
    #expect(fs == [1, 2])
    #expect(ss == ["a", "b"])
  }

  @Test func externalDataIsReadFromTheDataFile() throws {
    let model = try ONNXLoader.load(path: try Fixture.path("external.onnx"))
    let expected = try #require(try Fixture.expected("expected_loader.json")["external"] as? [String: Any])
    let weight = try #require(model.graph.initializers["W"])
    #expect(weight.shape == [4, 3, 2, 2])
    #expect(weight.floats == (try Fixture.doubles(expected["W"])).map { Float($0) })
    #expect(model.graph.initializers["B"]?.floats == (try Fixture.doubles(expected["B"])).map { Float($0) })
    #expect(model.graph.initializers["K"]?.ints == [0, 1, 2, 3, 4, 5])
  }

  @Test func bytesWithoutAFolderCannotResolveExternalData() throws {
    let path = try Fixture.path("external.onnx")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect {
      try ONNXLoader.load(bytes: bytes, directory: nil, path: "external.onnx")
    } throws: { error in
      guard case .badExternalDataReference(let file, _, _) = error as? ONNXError else { return false }
      return file == "external.onnx"
    }
    let folder = ONNXLoader.directoryOf(path)
    let model = try ONNXLoader.load(bytes: bytes, directory: folder, path: "external.onnx")
    #expect(model.graph.initializers["K"]?.ints == [0, 1, 2, 3, 4, 5])
  }

  @Test func directoryOfPaths() {
    #expect(ONNXLoader.directoryOf("model.onnx") == ".")
    #expect(ONNXLoader.directoryOf("/model.onnx") == "/")
    #expect(ONNXLoader.directoryOf("a/b/model.onnx") == "a/b")
  }
}
