import ChexONNX

/// A value flowing between nodes while compiling: known now, or produced at run time.
enum Value {
  case constant(Constant)
  /// An index into `GraphBuilder.values`.
  case runtime(Int)
}

/// What an op's lowering function sees: the node, its inputs as values, the opset, and helpers
/// that read attributes with the ONNX spec defaults and turn problems into errors that name the
/// op and the node.
struct NodeContext {
  let node: ONNXNode
  let inputs: [Value?]
  let opset: Int
  let builder: GraphBuilder

  var op: String { node.opType }
  var name: String { node.name.isEmpty ? (node.outputs.first ?? "?") : node.name }

  func unsupported(_ detail: String) -> InferenceError {
    .unsupported(op: op, node: name, detail: detail)
  }

  func invalid(_ detail: String) -> InferenceError {
    .invalidNode(op: op, node: name, detail: detail)
  }

  // MARK: Inputs

  /// The required input at `index`.
  func input(_ index: Int) throws(InferenceError) -> Value {
    guard index < inputs.count, let value = inputs[index] else {
      throw invalid("required input \(index) is missing (absent or an empty name)")
    }
    return value
  }

  /// The optional input at `index`, nil when omitted.
  func optionalInput(_ index: Int) -> Value? {
    index < inputs.count ? inputs[index] : nil
  }

  /// The input at `index`, which must be known at compile time (a weight or folded shape).
  func constant(_ index: Int, _ what: String) throws(InferenceError) -> Constant {
    switch try input(index) {
    case .constant(let c): return c
    case .runtime: throw unsupported("\(what) (input \(index)) must be a constant or foldable")
    }
  }

  func optionalConstant(_ index: Int, _ what: String) throws(InferenceError) -> Constant? {
    guard optionalInput(index) != nil else { return nil }
    return try constant(index, what)
  }

  /// The shape of an input value.
  func shape(_ index: Int) throws(InferenceError) -> [Int] {
    builder.shape(of: try input(index))
  }

  /// True when every present input is a constant (the node can be folded).
  var allInputsConstant: Bool {
    inputs.allSatisfy { value in
      if case .runtime = value { return false }
      return true
    }
  }

  /// Requires the input at `index` to have `rank` dimensions.
  func requireRank(_ index: Int, _ rank: Int) throws(InferenceError) -> [Int] {
    let s = try shape(index)
    guard s.count == rank else {
      throw invalid("input \(index) must have rank \(rank), found shape \(s)")
    }
    return s
  }

  // MARK: Limits

  /// Checks a shape this node computes from model data against `Limits.maxTensorElements`, or
  /// `Limits.maxConstantElements` when it is `folded` at compile time; returns its element count.
  /// The product is overflow-checked, so this is safe before any other arithmetic on `shape`.
  @discardableResult
  func checkSize(_ shape: [Int], _ what: String = "output", folded: Bool = false) throws(InferenceError)
    -> Int
  {
    let (limit, name) =
      folded
      ? (Limits.maxConstantElements, "maxConstantElements") : (Limits.maxTensorElements, "maxTensorElements")
    try checkRank(shape.count, "\(what) shape")
    guard let count = Limits.elementCount(shape, limit: limit) else {
      throw .limit(
        op: op, node: self.name,
        detail:
          "\(what) shape \(shape) has \(Limits.describeCount(shape)) elements, more than the limit of "
          + "\(limit) (Limits.\(name))")
    }
    return count
  }

  /// Refuses a rank above `Limits.maxRank`, naming `what`.
  func checkRank(_ rank: Int, _ what: String) throws(InferenceError) {
    guard rank <= Limits.maxRank else {
      throw .limit(
        op: op, node: name,
        detail: "\(what) has rank \(rank), more than the limit of \(Limits.maxRank) (Limits.maxRank)")
    }
  }

  /// `terms` summed, for a size computed from model data (a dimension plus its pads); throws
  /// when the sum overflows or exceeds `Limits.maxTensorElements`, naming `what`.
  func sum(_ terms: Int..., what: String) throws(InferenceError) -> Int {
    var total = 0
    for term in terms {
      let (next, overflow) = total.addingReportingOverflow(term)
      guard !overflow, next <= Limits.maxTensorElements else { throw sizeLimit(what, terms, "+") }
      total = next
    }
    return total
  }

  /// `a * b`, for a size computed from model data (a dilated kernel extent, a window's span);
  /// throws when the product overflows or exceeds `Limits.maxTensorElements`, naming `what`.
  func product(_ a: Int, _ b: Int, what: String) throws(InferenceError) -> Int {
    let (result, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow, result <= Limits.maxTensorElements else { throw sizeLimit(what, [a, b], " x ") }
    return result
  }

  private func sizeLimit(_ what: String, _ terms: [Int], _ operation: String) -> InferenceError {
    .limit(
      op: op, node: name,
      detail:
        "\(what) \(terms.map(String.init).joined(separator: operation)) exceeds the limit of "
        + "\(Limits.maxTensorElements) (Limits.maxTensorElements)")
  }

  /// Appends a step for this node after checking each output shape with `checkSize`.
  @discardableResult
  func emit(_ kernel: any Kernel, inputs: [Int], outputShapes: [[Int]], inPlace: [Int] = [])
    throws(InferenceError) -> [Int]
  {
    for shape in outputShapes { try checkSize(shape) }
    return builder.emit(kernel, inputs: inputs, outputShapes: outputShapes, inPlace: inPlace, node: name)
  }

  // MARK: Attributes

  func int(_ key: String, default value: Int) throws(InferenceError) -> Int {
    switch node.attributes[key] {
    case nil: return value
    case .int(let v): return v
    default: throw invalid("attribute '\(key)' must be an int")
    }
  }

  func float(_ key: String, default value: Float) throws(InferenceError) -> Float {
    switch node.attributes[key] {
    case nil: return value
    case .float(let v): return v
    case .int(let v): return Float(v)
    default: throw invalid("attribute '\(key)' must be a float")
    }
  }

  func ints(_ key: String) throws(InferenceError) -> [Int]? {
    switch node.attributes[key] {
    case nil: return nil
    case .ints(let v): return v
    case .int(let v): return [v]
    default: throw invalid("attribute '\(key)' must be a list of ints")
    }
  }

  func string(_ key: String, default value: String) throws(InferenceError) -> String {
    switch node.attributes[key] {
    case nil: return value
    case .string(let v): return v
    default: throw invalid("attribute '\(key)' must be a string")
    }
  }

  /// Refuses attributes other than `known`, so that a model never runs with a setting the
  /// engine silently ignores.
  func allowOnly(_ known: Set<String>) throws(InferenceError) {
    for key in node.attributes.keys.sorted() where !known.contains(key) {
      throw unsupported("attribute '\(key)' is not implemented")
    }
  }

  /// Refuses outputs beyond the first `count` (optional outputs such as MaxPool's Indices).
  func allowOutputs(_ count: Int) throws(InferenceError) {
    if node.outputs.count > count, node.outputs[count...].contains(where: { !$0.isEmpty }) {
      throw unsupported("only the first \(count) output(s) are implemented")
    }
  }
}
