import ChexFiles
import Foundation
import SwiftProtobuf

/// Reads `.onnx` files into the plain values of `Model.swift`.
///
/// The file is decoded with the SwiftProtobuf runtime into the internal types generated from
/// `onnx.proto` (see `Generated/onnx.pb.swift` and `notebooks-export/generate_onnx_swift.sh`), then
/// converted: initializers and `Constant` tensors get their data from `raw_data` (little-endian),
/// the typed fields (`float_data`, `double_data`, `int32_data`, `int64_data`) or an external file
/// next to the model (`data_location = EXTERNAL`). Doubles become `Float`; int8, uint8, int32 and
/// bool become `Int64`.
///
/// What is not carried over: sub-graphs (graph-valued attributes of `If`/`Loop`/`Scan`), sparse
/// tensors, type-proto attributes, lists of tensors, model-local functions, training info and
/// metadata. Attributes of those kinds are left out of `ONNXNode.attributes`; an engine refuses
/// the ops that need them.
///
/// Reference: ONNX IR specification, https://onnx.ai/onnx/repo-docs/IR.html, and the
/// external-data convention, https://onnx.ai/onnx/repo-docs/ExternalData.html.
public enum ONNXLoader {
  /// Reads a `.onnx` file, and any external data files next to it, into plain values.
  ///
  /// - Parameter path: the model file; external data locations are resolved against its folder.
  /// - Throws: `ONNXError` naming the file and the problem; never traps on file contents.
  /// - Complexity: O(file size + external data size).
  public static func load(path: String) throws(ONNXError) -> ONNXModel {
    let data = try readFile(path) { reason throws(ONNXError) in
      throw reason == nil ? .fileNotFound(file: path) : .unreadable(file: path, reason: reason ?? "")
    }
    return try decode(data, directory: directoryOf(path), path: path)
  }

  /// Decodes the bytes of the `.onnx` file at `path`, already read (or mapped) by the caller,
  /// which needs them for something else too (`chexstats score` hashes them); external data
  /// locations are resolved against the file's folder, as `load(path:)` does.
  ///
  /// - Throws: `ONNXError` naming `path` and the problem.
  /// - Complexity: O(`data.count` + external data size).
  public static func load(data: Data, path: String) throws(ONNXError) -> ONNXModel {
    try decode(data, directory: directoryOf(path), path: path)
  }

  /// Decodes the bytes of a `.onnx` file into plain values.
  ///
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - directory: the folder against which external data locations are resolved; `nil` when
  ///     there is none, in which case a tensor with external data is an error.
  ///   - path: the name used in error messages.
  /// - Throws: `ONNXError` naming `path` and the problem.
  /// - Complexity: O(`bytes.count` + external data size).
  public static func load(bytes: [UInt8], directory: String?, path: String) throws(ONNXError)
    -> ONNXModel
  {
    try decode(bytes, directory: directory, path: path)
  }

  // MARK: - Decoding

  static func decode<Bytes: SwiftProtobufContiguousBytes>(
    _ bytes: Bytes, directory: String?, path: String
  ) throws(ONNXError) -> ONNXModel {
    if bytes.count == 0 { throw .emptyFile(file: path) }
    if let problem = bytes.withUnsafeBytes({ firstFieldProblem(Array($0.prefix(10))) }) {
      throw .notProtobuf(file: path, detail: problem)
    }
    let proto: Onnx_ModelProto
    do {
      proto = try Onnx_ModelProto(serializedBytes: bytes)
    } catch let error as BinaryDecodingError {
      if case .truncated = error { throw .truncated(file: path) }
      throw .notProtobuf(file: path, detail: decodingDetail(error))
    } catch {
      throw .notProtobuf(file: path, detail: "\(error)")
    }
    guard proto.hasGraph else { throw .noGraph(file: path) }
    guard
      let opset = proto.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })
    else { throw .noDefaultOpset(file: path) }

    var context = TensorContext(file: path, directory: directory)
    let graph = try convertGraph(proto.graph, context: &context)
    let producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }
      .joined(separator: " ")
    var metadata: [String: String] = [:]
    for entry in proto.metadataProps { metadata[entry.key] = entry.value }
    return ONNXModel(opsetVersion: Int(opset.version), producer: producer, graph: graph, metadata: metadata)
  }

  static func convertGraph(_ proto: Onnx_GraphProto, context: inout TensorContext) throws(ONNXError)
    -> ONNXGraph
  {
    var initializers: [String: ONNXTensor] = [:]
    for tensorProto in proto.initializer {
      let tensor = try convertTensor(tensorProto, fallbackName: "initializer", context: &context)
      initializers[tensor.name] = tensor
    }
    var nodes: [ONNXNode] = []
    nodes.reserveCapacity(proto.node.count)
    for (index, nodeProto) in proto.node.enumerated() {
      nodes.append(try convertNode(nodeProto, index: index, context: &context))
    }
    // Before IR version 4 initializers were also listed as graph inputs; keep only real inputs.
    let inputs = proto.input.filter { initializers[$0.name] == nil }.map(convertValueInfo)
    let outputs = proto.output.map(convertValueInfo)
    return ONNXGraph(
      name: proto.name, nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs)
  }

  static func convertNode(_ proto: Onnx_NodeProto, index: Int, context: inout TensorContext)
    throws(ONNXError) -> ONNXNode
  {
    let label = proto.name.isEmpty ? "\(proto.opType) node #\(index)" : proto.name
    var attributes: [String: ONNXAttribute] = [:]
    for attribute in proto.attribute {
      if let value = try convertAttribute(attribute, node: label, context: &context) {
        attributes[attribute.name] = value
      }
    }
    return ONNXNode(
      opType: proto.opType, name: proto.name, inputs: proto.input, outputs: proto.output,
      attributes: attributes, domain: proto.domain == "ai.onnx" ? "" : proto.domain)
  }

  /// Converts one attribute; `nil` for the kinds `ONNXAttribute` cannot hold (graphs, sparse
  /// tensors, type protos, tensor lists).
  static func convertAttribute(
    _ proto: Onnx_AttributeProto, node: String, context: inout TensorContext
  ) throws(ONNXError) -> ONNXAttribute? {
    var type = proto.type
    if type == .undefined {
      // Files older than IR version 3 may omit the discriminator; infer it from the set field.
      if proto.hasF {
        type = .float
      } else if proto.hasI {
        type = .int
      } else if proto.hasS {
        type = .string
      } else if proto.hasT {
        type = .tensor
      } else if !proto.floats.isEmpty {
        type = .floats
      } else if !proto.ints.isEmpty {
        type = .ints
      } else if !proto.strings.isEmpty {
        type = .strings
      }
    }
    switch type {
    case .float: return .float(proto.f)
    case .int: return .int(Int(proto.i))
    case .string: return .string(String(decoding: proto.s, as: UTF8.self))
    case .floats: return .floats(proto.floats)
    case .ints: return .ints(proto.ints.map { Int($0) })
    case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
    case .tensor:
      let fallback = "attribute '\(proto.name)' of node '\(node)'"
      return .tensor(try convertTensor(proto.t, fallbackName: fallback, context: &context))
    default: return nil
    }
  }

  static func convertValueInfo(_ proto: Onnx_ValueInfoProto) -> ONNXValueInfo {
    guard case .tensorType(let tensorType) = proto.type.value else {
      return ONNXValueInfo(name: proto.name, dataType: nil, shape: [])
    }
    let dataType = ONNXDataType(rawValue: Int(tensorType.elemType))
    let shape: [ONNXDimension] = tensorType.shape.dim.map { dimension in
      switch dimension.value {
      case .dimValue(let value) where value >= 0: return .fixed(Int(value))
      case .dimParam(let name) where !name.isEmpty: return .symbolic(name)
      default: return .symbolic("?")
      }
    }
    return ONNXValueInfo(name: proto.name, dataType: dataType, shape: shape)
  }

  // MARK: - Files

  /// The folder of `path`, `.` for a bare file name.
  static func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = String(path[..<slash])
    return folder.isEmpty ? "/" : folder
  }

  /// Reads a whole file (a regular file, mapped, or a stream; see ``InputFile/map(path:limit:)``:
  /// the model's bytes are only kept while decoding). Calls `failure(nil)` when the file does not
  /// exist and `failure(reason)` when it cannot be read.
  static func readFile(
    _ path: String, failure: (String?) throws(ONNXError) -> Never
  ) throws(ONNXError) -> Data {
    do {
      return try InputFile.map(path: path)
    } catch .missing {
      try failure(nil)
    } catch {
      try failure(error.reason)
    }
  }

  /// The fields of `ModelProto` by number, with their wire types (0 varint, 2 length-delimited).
  static let modelFieldWireTypes: [UInt64: UInt64] = [
    1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2,
  ]

  /// Why the first bytes cannot start a `ModelProto`, or `nil` if they can. Lets random or
  /// foreign bytes be called "not protobuf" instead of "truncated" when they happen to look like
  /// a cut-off field further on.
  static func firstFieldProblem(_ head: [UInt8]) -> String? {
    var tag: UInt64 = 0
    var shift: UInt64 = 0
    for byte in head {
      tag |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 {
        let field = tag >> 3
        let wireType = tag & 7
        if modelFieldWireTypes[field] == wireType { return nil }
        return "it begins with field \(field) of wire type \(wireType), which a ModelProto does not have"
      }
      shift += 7
    }
    return "it does not begin with a protobuf field tag"
  }

  static func decodingDetail(_ error: BinaryDecodingError) -> String {
    switch error {
    case .malformedProtobuf: return "malformed field encoding"
    case .invalidUTF8: return "a string field is not valid UTF-8"
    case .messageDepthLimit: return "messages nested too deeply"
    default: return "\(error)"
    }
  }
}
