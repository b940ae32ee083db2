/// An ONNX model as plain Swift values: what the loader produces and what the inference
/// engine consumes. No protobuf types leak past the loader.
///
/// Names follow the ONNX IR (https://onnx.ai/onnx/repo-docs/IR.html).
public struct ONNXModel: Sendable {
  /// The default-domain opset the model was exported with (`ai.onnx`).
  public var opsetVersion: Int
  /// The producer named in the file (for example `pytorch 2.13.0`).
  public var producer: String
  /// The main graph.
  public var graph: ONNXGraph
  /// The model's `metadata_props` (key -> value; for a key given twice, the last value). The
  /// scorer reads output names from the key `labels` (comma-separated).
  public var metadata: [String: String]

  public init(opsetVersion: Int, producer: String, graph: ONNXGraph, metadata: [String: String] = [:]) {
    self.opsetVersion = opsetVersion
    self.producer = producer
    self.graph = graph
    self.metadata = metadata
  }
}

/// A computation graph: nodes in topological order, constant tensors, inputs and outputs.
public struct ONNXGraph: Sendable {
  public var name: String
  public var nodes: [ONNXNode]
  /// Initializers (weights) by name, with external data already read.
  public var initializers: [String: ONNXTensor]
  /// The graph inputs that are not initializers.
  public var inputs: [ONNXValueInfo]
  public var outputs: [ONNXValueInfo]

  public init(
    name: String, nodes: [ONNXNode], initializers: [String: ONNXTensor], inputs: [ONNXValueInfo],
    outputs: [ONNXValueInfo]
  ) {
    self.name = name
    self.nodes = nodes
    self.initializers = initializers
    self.inputs = inputs
    self.outputs = outputs
  }
}

/// One operator application.
public struct ONNXNode: Sendable {
  /// The operator, for example `Conv`.
  public var opType: String
  /// The node's name, possibly empty in the file; used in error messages.
  public var name: String
  /// Input value names; an empty string marks an omitted optional input.
  public var inputs: [String]
  public var outputs: [String]
  public var attributes: [String: ONNXAttribute]
  /// The operator domain; empty for the default `ai.onnx` domain.
  public var domain: String

  public init(
    opType: String, name: String, inputs: [String], outputs: [String],
    attributes: [String: ONNXAttribute] = [:], domain: String = ""
  ) {
    self.opType = opType
    self.name = name
    self.inputs = inputs
    self.outputs = outputs
    self.attributes = attributes
    self.domain = domain
  }
}

/// An attribute value of a node.
public enum ONNXAttribute: Sendable {
  case int(Int)
  case float(Float)
  case string(String)
  case ints([Int])
  case floats([Float])
  case strings([String])
  case tensor(ONNXTensor)
}

/// The element types chexstats handles (ONNX `TensorProto.DataType` values).
public enum ONNXDataType: Int, Sendable {
  case float = 1
  case uint8 = 2
  case int8 = 3
  case int32 = 6
  case int64 = 7
  case bool = 9
  case double = 11
}

/// A constant tensor. Floating-point data is held as `Float`, integer data as `Int64`.
public struct ONNXTensor: Sendable {
  public var name: String
  public var dataType: ONNXDataType
  public var shape: [Int]
  /// Element values when `dataType` is `.float` or `.double` (converted to Float).
  public var floats: [Float]
  /// Element values when `dataType` is an integer or boolean type.
  public var ints: [Int64]

  public init(name: String, dataType: ONNXDataType, shape: [Int], floats: [Float] = [], ints: [Int64] = []) {
    self.name = name
    self.dataType = dataType
    self.shape = shape
    self.floats = floats
    self.ints = ints
  }

  /// The number of elements, the product of the shape (1 for a scalar).
  public var elementCount: Int { shape.reduce(1, *) }
}

/// A dimension of a graph input or output: fixed, or symbolic (for example `batch`).
public enum ONNXDimension: Sendable, Hashable {
  case fixed(Int)
  case symbolic(String)
}

/// The declared name, element type and shape of a graph input or output.
public struct ONNXValueInfo: Sendable {
  public var name: String
  public var dataType: ONNXDataType?
  public var shape: [ONNXDimension]

  public init(name: String, dataType: ONNXDataType?, shape: [ONNXDimension]) {
    self.name = name
    self.dataType = dataType
    self.shape = shape
  }
}
