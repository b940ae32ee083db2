/// Everything that can go wrong while compiling or running a model, or reading a `.npy` file.
///
/// Each case prints as one sentence that names the op and node, or the file, what was expected
/// and what was found.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The model uses an op, attribute or attribute value the engine does not implement.
  case unsupported(op: String, node: String, detail: String)
  /// The model is malformed at this node (missing input, wrong rank, inconsistent shapes).
  case invalidNode(op: String, node: String, detail: String)
  /// The model as a whole is unusable (no input, several inputs, an output never produced).
  case invalidModel(detail: String)
  /// The tensor given to `run` does not fit the model's declared input.
  case inputShape(name: String, expected: String, found: [Int])
  /// A `.npy` file could not be read or written.
  case npy(file: String, detail: String)
  /// A size computed from the model (a tensor, a pad, the working memory) exceeds one of the
  /// `Limits`; `node` is empty for the plan as a whole.
  case limit(op: String, node: String, detail: String)

  public var description: String {
    switch self {
    case .unsupported(let op, let node, let detail):
      return "Unsupported \(op) at node '\(node)': \(detail)."
    case .invalidNode(let op, let node, let detail):
      return "Invalid \(op) at node '\(node)': \(detail)."
    case .invalidModel(let detail):
      return "Invalid model: \(detail)."
    case .inputShape(let name, let expected, let found):
      return "Input '\(name)' expects shape \(expected), found \(found)."
    case .npy(let file, let detail):
      return "NumPy file '\(file)': \(detail)."
    case .limit(let op, let node, let detail):
      return node.isEmpty
        ? "Model too large: \(detail)." : "Model too large at \(op) node '\(node)': \(detail)."
    }
  }
}
