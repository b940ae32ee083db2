import ChexONNX

/// The structural rules of an ONNX graph that onnxruntime's checker enforces
/// (https://onnx.ai/onnx/repo-docs/IR.html#graphs: single static assignment, topological order),
/// checked before a graph is compiled so that an invalid model is refused rather than run with
/// a guess:
/// - every value has one producer: no two nodes (or a node and a graph input or initializer)
///   produce the same name; otherwise the last one would silently win;
/// - every node input is a graph input, an initializer, or the output of an earlier node: a value
///   used before its producer means the nodes are not topologically sorted, and a value nobody
///   produces is dangling;
/// - every graph output is produced.
///
/// Empty input names (omitted optional inputs) are skipped here; an op whose required input is
/// empty is refused when it is lowered (`NodeContext.input`), since only the op knows which of
/// its inputs are required.
enum GraphValidation {
  /// Throws `InferenceError.invalidNode` naming the node and the value, or `.invalidModel` for a
  /// graph output nobody produces.
  /// - Complexity: O(nodes + edges).
  static func check(_ graph: ONNXGraph) throws(InferenceError) {
    var available = Set(graph.initializers.keys)
    for input in graph.inputs { available.insert(input.name) }
    var producer: [String: Int] = [:]
    for (index, node) in graph.nodes.enumerated() {
      for output in node.outputs where !output.isEmpty {
        if let first = producer[output] {
          throw invalid(
            node,
            "output '\(output)' is already produced by node '\(name(of: graph.nodes[first]))'; "
              + "a value must have exactly one producer")
        }
        if available.contains(output) {
          throw invalid(node, "output '\(output)' is also a graph input or initializer")
        }
        producer[output] = index
      }
    }
    for node in graph.nodes {
      for input in node.inputs where !input.isEmpty && !available.contains(input) {
        if let later = producer[input] {
          throw invalid(
            node,
            "input '\(input)' is used before node '\(name(of: graph.nodes[later]))' produces it "
              + "(the nodes are not in topological order)")
        }
        throw invalid(
          node, "input '\(input)' is neither a graph input, an initializer nor the output of any node")
      }
      for output in node.outputs where !output.isEmpty { available.insert(output) }
    }
    for output in graph.outputs where !available.contains(output.name) {
      throw .invalidModel(detail: "graph output '\(output.name)' is never produced")
    }
  }

  private static func name(of node: ONNXNode) -> String {
    node.name.isEmpty ? (node.outputs.first ?? "?") : node.name
  }

  private static func invalid(_ node: ONNXNode, _ detail: String) -> InferenceError {
    .invalidNode(op: node.opType, node: name(of: node), detail: detail)
  }
}
