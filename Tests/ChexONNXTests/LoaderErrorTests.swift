import Foundation
import Testing

@testable import ChexONNX

/// Bad model files: each must give its own error naming the file, never a crash.
@Suite struct LoaderErrorTests {
  func loadError(_ name: String) throws -> ONNXError? {
    let path = try Fixture.path(name)
    do {
      _ = try ONNXLoader.load(path: path)
      return nil
    } catch {
      return error
    }
  }

  @Test func missingFile() throws {
    let path = try Fixture.path("does-not-exist.onnx")
    #expect(try loadError("does-not-exist.onnx") == .fileNotFound(file: path))
    #expect(ONNXError.fileNotFound(file: path).description.contains(path))
  }

  @Test func folderIsUnreadable() throws {
    let folder = ONNXLoader.directoryOf(try Fixture.path("one_conv.onnx"))
    do {
      _ = try ONNXLoader.load(path: folder)
      Issue.record("a folder loaded as a model")
    } catch {
      guard case .unreadable(let file, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(file == folder)
    }
  }

  @Test func emptyFile() throws {
    #expect(try loadError("empty.onnx") == .emptyFile(file: try Fixture.path("empty.onnx")))
  }

  @Test func truncatedFile() throws {
    let error = try loadError("truncated.onnx")
    #expect(error == .truncated(file: try Fixture.path("truncated.onnx")))
    #expect(error?.description.contains("truncated.onnx") == true)
  }

  @Test func randomBytesAreNotProtobuf() throws {
    let error = try loadError("random.onnx")
    guard case .notProtobuf(let file, _) = error else {
      Issue.record("expected notProtobuf, got \(String(describing: error))")
      return
    }
    #expect(file == (try Fixture.path("random.onnx")))
  }

  @Test func modelWithoutGraph() throws {
    #expect(try loadError("no_graph.onnx") == .noGraph(file: try Fixture.path("no_graph.onnx")))
  }

  @Test func missingExternalDataFile() throws {
    let error = try loadError("missing_external.onnx")
    guard case .missingExternalData(let file, let tensor, let dataFile) = error else {
      Issue.record("expected missingExternalData, got \(String(describing: error))")
      return
    }
    #expect(file == (try Fixture.path("missing_external.onnx")))
    #expect(tensor == "W")
    #expect(dataFile.hasSuffix("/missing.onnx.data"))
    #expect(error?.description.contains("missing.onnx.data") == true)
  }

  @Test func externalDataShorterThanDeclared() throws {
    // W needs 4·3·2·2 floats = 192 bytes at offset 0, but the data file has 40 bytes.
    let error = try loadError("short_external.onnx")
    guard
      case .externalDataTooShort(_, let tensor, let dataFile, let offset, let length, let available) = error
    else {
      Issue.record("expected externalDataTooShort, got \(String(describing: error))")
      return
    }
    #expect(tensor == "W")
    #expect(dataFile.hasSuffix("short_external.onnx.data"))
    #expect(offset == 0)
    #expect(length == 192)
    #expect(available == 40)
  }

  @Test func unsupportedDataTypeNamesTheTensor() throws {
    let error = try loadError("unsupported_dtype.onnx")
    guard case .unsupportedDataType(_, let tensor, let type) = error else {
      Issue.record("expected unsupportedDataType, got \(String(describing: error))")
      return
    }
    #expect(tensor == "half_w")
    #expect(type.contains("10"))
    #expect(error?.description.contains("half_w") == true)
  }

  /// Every prefix of a valid model either loads or throws: no prefix may crash the loader.
  @Test func everyPrefixOfAModelFailsCleanly() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try Fixture.path("one_conv.onnx"))))
    var failures = 0
    for end in 0..<bytes.count {
      do {
        _ = try ONNXLoader.load(bytes: Array(bytes[..<end]), directory: nil, path: "prefix.onnx")
      } catch {
        failures += 1
      }
    }
    // The full file loads; almost every proper prefix cuts a field and must fail.
    #expect(failures > bytes.count / 2)
    _ = try ONNXLoader.load(bytes: bytes, directory: nil, path: "one_conv.onnx")
  }

  /// Hand-made tensors whose shape and data disagree, or that point outside the folder.
  @Test func inconsistentTensorsAreRefused() throws {
    var context = TensorContext(file: "m.onnx", directory: "/tmp")
    var proto = Onnx_TensorProto()
    proto.name = "t"
    proto.dataType = 1
    proto.dims = [2, 3]
    proto.floatData = [1, 2, 3]
    #expect(throws: ONNXError.self) {
      try ONNXLoader.convertTensor(proto, fallbackName: "x", context: &context)
    }
    proto.floatData = []
    proto.rawData = Data([0, 0, 128])
    #expect(throws: ONNXError.self) {
      try ONNXLoader.convertTensor(proto, fallbackName: "x", context: &context)
    }
    proto.dims = [-1]
    #expect(throws: ONNXError.self) {
      try ONNXLoader.convertTensor(proto, fallbackName: "x", context: &context)
    }
    proto.dims = [Int64.max, 4]
    #expect(throws: ONNXError.self) {
      try ONNXLoader.convertTensor(proto, fallbackName: "x", context: &context)
    }
    var external = Onnx_TensorProto()
    external.name = "e"
    external.dataType = 1
    external.dims = [1]
    external.dataLocation = .external
    var location = Onnx_StringStringEntryProto()
    location.key = "location"
    location.value = "../secret.bin"
    external.externalData = [location]
    #expect {
      try ONNXLoader.convertTensor(external, fallbackName: "x", context: &context)
    } throws: { error in
      guard case .badExternalDataReference(_, "e", _) = error as? ONNXError else { return false }
      return true
    }
  }
}

/// Seeded byte corruption of a real model: loading and summarising must throw or succeed, never trap.
@Suite struct CorruptionTests {
  /// SplitMix64, so the corrupted positions are the same on every run.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// Small files are mostly structure (names, dims, attributes), so most flips hit it.
  @Test(arguments: ["one_conv.onnx", "typed_fields.onnx", "smallnet_opset17.onnx"])
  func corruptedBytesNeverCrash(file: String) throws {
    let path = try Fixture.path(file)
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var generator = SplitMix64(state: 20_240_601)
    var loaded = 0
    var refused = 0
    for _ in 0..<400 {
      var bytes = original
      for _ in 0..<3 {
        let position = Int.random(in: 0..<bytes.count, using: &generator)
        bytes[position] = UInt8.random(in: 0...255, using: &generator)
      }
      do {
        let model = try ONNXLoader.load(bytes: bytes, directory: nil, path: "corrupt.onnx")
        _ = ModelSummary(model: model).renderText(modelName: "corrupt.onnx")
        loaded += 1
      } catch {
        #expect(error.description.contains("corrupt.onnx"))
        refused += 1
      }
    }
    #expect(loaded + refused == 400)
    #expect(refused > 0)
  }

  @Test func hugeAttributesAreRefusedNotOverflowed() {
    let node = ONNXNode(
      opType: "MaxPool", name: "p", inputs: ["x"], outputs: ["y"],
      attributes: ["kernel_shape": .ints([2, 2]), "pads": .ints([Int.max, 0, Int.max, 0])])
    let slice = ONNXNode(opType: "Slice", name: "s", inputs: ["x", "st", "en", "ax", "sp"], outputs: ["z"])
    let graph = ONNXGraph(
      name: "g", nodes: [node, slice],
      initializers: [
        "st": ONNXTensor(name: "st", dataType: .int64, shape: [1], ints: [0]),
        "en": ONNXTensor(name: "en", dataType: .int64, shape: [1], ints: [Int64.max]),
        "ax": ONNXTensor(name: "ax", dataType: .int64, shape: [1], ints: [3]),
        "sp": ONNXTensor(name: "sp", dataType: .int64, shape: [1], ints: [Int64.max]),
      ],
      inputs: [
        ONNXValueInfo(name: "x", dataType: .float, shape: [.fixed(1), .fixed(1), .fixed(4), .fixed(4)])
      ],
      outputs: [])
    let result = ShapeInference.infer(graph)
    #expect(result.shapes["y"] == nil)
    #expect(result.failures.map(\.nodeName) == ["p"])
    // numpy: x[..., 0:huge:huge] keeps one element.
    #expect(result.shapes["z"] == [1, 1, 4, 1])
  }
}
