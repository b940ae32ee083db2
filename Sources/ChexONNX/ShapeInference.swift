/// Static shape inference: the concrete shape of every value in a graph, computed from the graph
/// inputs' declared shapes, the initializers and the operators' shape rules, without running
/// anything.
///
/// Symbolic dimensions of graph inputs (for example `batch`) are replaced by one value
/// (`symbolicDimension`, 1 by default) and listed in `ShapeInferenceResult.assumedDimensions`, so
/// that callers can say so. Small integer tensors that decide shapes (Reshape's `shape`,
/// ReduceMean's `axes`, Unsqueeze's `axes`, the output of `Shape`) are followed through
/// `Constant`, `Shape`, `Gather`, `Concat`, `Unsqueeze`, `Squeeze` and `Cast`.
///
/// A node whose rule is missing, or whose inputs do not fit its rule, gets no output shapes; the
/// first reason is kept per node in `ShapeInferenceResult.failures`, and nodes downstream of it
/// are skipped without a failure of their own.
///
/// Rules follow the operator pages of https://onnx.ai/onnx/operators/ (opsets 7 to 22).
///
/// - Complexity: O(nodes + total rank), plus O(elements) of the small integer tensors followed.
public enum ShapeInference {
  /// Infers the shape of every value of `graph` that can be inferred.
  ///
  /// - Parameters:
  ///   - graph: a graph whose nodes are in topological order (as ONNX requires).
  ///   - symbolicDimension: the size used for symbolic or unknown input dimensions.
  public static func infer(_ graph: ONNXGraph, symbolicDimension: Int = 1) -> ShapeInferenceResult {
    precondition(symbolicDimension >= 0, "ShapeInference.infer: symbolicDimension must be >= 0")
    var state = InferenceState()
    var assumed: [String] = []
    for (name, tensor) in graph.initializers {
      state.shapes[name] = tensor.shape
      if isInteger(tensor.dataType), tensor.ints.count <= InferenceState.maxTrackedElements {
        state.values[name] = tensor.ints
      }
    }
    for input in graph.inputs where state.shapes[input.name] == nil {
      state.shapes[input.name] = input.shape.map { dimension in
        switch dimension {
        case .fixed(let size): return size
        case .symbolic(let name):
          if !assumed.contains(name) { assumed.append(name) }
          return symbolicDimension
        }
      }
    }
    var failures: [ShapeInferenceFailure] = []
    for (index, node) in graph.nodes.enumerated() {
      let present = node.inputs.filter { !$0.isEmpty }
      guard present.allSatisfy({ state.shapes[$0] != nil }) else { continue }
      do {
        let outputs = try inferNode(node, state: &state)
        for (name, shape) in zip(node.outputs, outputs) where !name.isEmpty {
          state.shapes[name] = shape
        }
      } catch {
        failures.append(
          ShapeInferenceFailure(
            nodeIndex: index, nodeName: node.name, opType: node.opType, reason: error.reason))
      }
    }
    return ShapeInferenceResult(shapes: state.shapes, assumedDimensions: assumed, failures: failures)
  }

  static func isInteger(_ type: ONNXDataType) -> Bool {
    switch type {
    case .float, .double: return false
    case .int8, .uint8, .int32, .int64, .bool: return true
    }
  }
}

/// The outcome of `ShapeInference.infer`.
public struct ShapeInferenceResult: Sendable {
  /// Concrete shapes by value name (graph inputs, initializers and inferred node outputs).
  public var shapes: [String: [Int]]
  /// The names of symbolic input dimensions that were given the `symbolicDimension` size.
  public var assumedDimensions: [String]
  /// Nodes whose output shapes could not be inferred although their inputs were known.
  public var failures: [ShapeInferenceFailure]

  public init(shapes: [String: [Int]], assumedDimensions: [String], failures: [ShapeInferenceFailure]) {
    self.shapes = shapes
    self.assumedDimensions = assumedDimensions
    self.failures = failures
  }
}

/// One node whose output shapes could not be inferred, and why.
public struct ShapeInferenceFailure: Sendable, Equatable, CustomStringConvertible {
  /// The node's position in `ONNXGraph.nodes`.
  public var nodeIndex: Int
  public var nodeName: String
  public var opType: String
  public var reason: String

  public init(nodeIndex: Int, nodeName: String, opType: String, reason: String) {
    self.nodeIndex = nodeIndex
    self.nodeName = nodeName
    self.opType = opType
    self.reason = reason
  }

  public var description: String {
    let node = nodeName.isEmpty ? "node #\(nodeIndex)" : "node '\(nodeName)'"
    return "\(opType) \(node): \(reason)"
  }
}

/// Why one node's shapes could not be inferred (internal; becomes `ShapeInferenceFailure`).
struct ShapeRuleError: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Shapes known so far, and the values of small integer tensors that decide shapes.
struct InferenceState {
  static let maxTrackedElements = 64
  var shapes: [String: [Int]] = [:]
  var values: [String: [Int64]] = [:]
}
