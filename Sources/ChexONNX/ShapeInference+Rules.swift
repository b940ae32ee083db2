/// The per-operator shape rules of `ShapeInference`: one table from op type to rule.
extension ShapeInference {
  typealias Rule = @Sendable (ONNXNode, inout InferenceState) throws(ShapeRuleError) -> [[Int]]

  /// Ops whose single output has the shape of their first input.
  static let sameShapeOps: Set<String> = [
    "Abs", "BatchNormalization", "Cast", "Ceil", "Celu", "Clip", "Cos", "Dropout", "Elu", "Erf", "Exp",
    "Floor", "Gelu", "HardSigmoid", "HardSwish", "Identity", "InstanceNormalization", "IsNaN",
    "LayerNormalization", "LeakyRelu", "Log", "LogSoftmax", "LRN", "Mish", "Neg", "Not", "Reciprocal",
    "Relu", "Round", "Selu", "Sigmoid", "Sign", "Sin", "Softmax", "Softplus", "Softsign", "Sqrt", "Tan",
    "Tanh", "ThresholdedRelu",
  ]

  /// Ops whose output is the multidirectional (numpy) broadcast of all inputs.
  static let broadcastOps: Set<String> = [
    "Add", "And", "BitShift", "Div", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Max",
    "Mean", "Min", "Mod", "Mul", "Or", "Pow", "PRelu", "Sub", "Sum", "Where", "Xor",
  ]

  /// Reductions sharing ReduceMean's axes/keepdims rule.
  static let reduceOps: Set<String> = [
    "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin",
    "ReduceProd", "ReduceSum", "ReduceSumSquare",
  ]

  /// The rule table: op type -> rule. Ops not here, nor in the sets above, are not inferred.
  static let rules: [String: Rule] = [
    "AveragePool": { node, state throws(ShapeRuleError) in [try pool(node, state, hasDilations: false)] },
    "Concat": { node, state throws(ShapeRuleError) in [try concat(node, &state)] },
    "Constant": { node, state throws(ShapeRuleError) in [try constant(node, &state)] },
    "ConstantOfShape": { node, state throws(ShapeRuleError) in
      var shape: [Int] = []
      for size in try intValues(node, input: 0, state) { shape.append(try nonNegative(size)) }
      return [shape]
    },
    "Conv": { node, state throws(ShapeRuleError) in [try conv(node, state)] },
    "Flatten": { node, state throws(ShapeRuleError) in [try flatten(node, state)] },
    "Gather": { node, state throws(ShapeRuleError) in [try gather(node, &state)] },
    "Gemm": { node, state throws(ShapeRuleError) in [try gemm(node, state)] },
    "GlobalAveragePool": { node, state throws(ShapeRuleError) in [try globalPool(node, state)] },
    "GlobalMaxPool": { node, state throws(ShapeRuleError) in [try globalPool(node, state)] },
    "MatMul": { node, state throws(ShapeRuleError) in [try matMul(node, state)] },
    "MaxPool": { node, state throws(ShapeRuleError) in
      let shape = try pool(node, state, hasDilations: true)
      return [shape, shape]
    },
    "Pad": { node, state throws(ShapeRuleError) in [try pad(node, state)] },
    "Reshape": { node, state throws(ShapeRuleError) in [try reshape(node, state)] },
    "Shape": { node, state throws(ShapeRuleError) in [try shapeOp(node, &state)] },
    "Slice": { node, state throws(ShapeRuleError) in [try slice(node, state)] },
    "Squeeze": { node, state throws(ShapeRuleError) in [try squeeze(node, &state)] },
    "Transpose": { node, state throws(ShapeRuleError) in [try transpose(node, state)] },
    "Unsqueeze": { node, state throws(ShapeRuleError) in [try unsqueeze(node, &state)] },
  ]

  static func inferNode(_ node: ONNXNode, state: inout InferenceState) throws(ShapeRuleError) -> [[Int]] {
    guard node.domain.isEmpty else {
      throw ShapeRuleError("operators of domain '\(node.domain)' are not inferred")
    }
    if let rule = rules[node.opType] { return try rule(node, &state) }
    if sameShapeOps.contains(node.opType) {
      let shape = try inputShape(node, 0, state)
      if node.opType == "Cast", let values = state.values[node.inputs[0]] {
        state.values[node.outputs[0]] = values
      }
      // Dropout's optional mask has the input's shape too.
      return node.opType == "Dropout" ? [shape, shape] : [shape]
    }
    if broadcastOps.contains(node.opType) {
      var shape: [Int] = []
      for index in node.inputs.indices where !node.inputs[index].isEmpty {
        shape = try broadcast(shape, try inputShape(node, index, state))
      }
      return [shape]
    }
    if reduceOps.contains(node.opType) { return [try reduce(node, state)] }
    throw ShapeRuleError("no shape rule for this operator")
  }

  // MARK: - Helpers

  static func inputShape(_ node: ONNXNode, _ index: Int, _ state: InferenceState) throws(ShapeRuleError)
    -> [Int]
  {
    guard index < node.inputs.count, !node.inputs[index].isEmpty, let shape = state.shapes[node.inputs[index]]
    else { throw ShapeRuleError("input \(index) is missing") }
    return shape
  }

  /// The values of a constant integer input (an initializer, a Constant, or a followed Shape).
  static func intValues(_ node: ONNXNode, input index: Int, _ state: InferenceState) throws(ShapeRuleError)
    -> [Int]
  {
    guard index < node.inputs.count, !node.inputs[index].isEmpty else {
      throw ShapeRuleError("input \(index) is missing")
    }
    guard let values = state.values[node.inputs[index]] else {
      throw ShapeRuleError("input '\(node.inputs[index])' is not a constant integer tensor")
    }
    return values.map { Int($0) }
  }

  static func optionalIntValues(_ node: ONNXNode, input index: Int, _ state: InferenceState)
    throws(ShapeRuleError) -> [Int]?
  {
    guard index < node.inputs.count, !node.inputs[index].isEmpty else { return nil }
    return try intValues(node, input: index, state)
  }

  /// Integers from an attribute (older opsets) or else from a constant input (newer opsets).
  static func attributeOrInput(
    _ node: ONNXNode, _ attribute: String, input index: Int, _ state: InferenceState
  )
    throws(ShapeRuleError) -> [Int]?
  {
    if let found = intsAttribute(node, attribute) { return found }
    return try optionalIntValues(node, input: index, state)
  }

  static func requiredAttributeOrInput(
    _ node: ONNXNode, _ attribute: String, input index: Int, _ state: InferenceState
  ) throws(ShapeRuleError) -> [Int] {
    guard let found = try attributeOrInput(node, attribute, input: index, state) else {
      throw ShapeRuleError("neither the '\(attribute)' attribute nor input \(index) is given")
    }
    return found
  }

  static func intAttribute(_ node: ONNXNode, _ name: String, default value: Int) -> Int {
    if case .int(let found) = node.attributes[name] { return found }
    return value
  }

  static func intsAttribute(_ node: ONNXNode, _ name: String) -> [Int]? {
    if case .ints(let found) = node.attributes[name] { return found }
    return nil
  }

  static func stringAttribute(_ node: ONNXNode, _ name: String, default value: String) -> String {
    if case .string(let found) = node.attributes[name] { return found }
    return value
  }

  static func nonNegative(_ value: Int) throws(ShapeRuleError) -> Int {
    guard value >= 0 else { throw ShapeRuleError("dimension \(value) is negative") }
    return value
  }

  /// The largest dimension or attribute value the rules compute with (2^40): far beyond any real
  /// tensor, and small enough that sums and products of a few such values cannot overflow.
  static let maxDimension = 1 << 40

  /// Refuses values whose arithmetic could overflow (they come from the file).
  static func checkBounded(_ values: [Int]) throws(ShapeRuleError) {
    guard values.allSatisfy({ $0.magnitude <= UInt(maxDimension) }) else {
      throw ShapeRuleError("a dimension or attribute exceeds \(maxDimension)")
    }
  }

  /// `axis` in [-rank, rank) mapped to [0, rank).
  static func normalizedAxis(_ axis: Int, rank: Int) throws(ShapeRuleError) -> Int {
    guard axis >= -rank, axis < rank else {
      throw ShapeRuleError("axis \(axis) is out of range for rank \(rank)")
    }
    return axis < 0 ? axis + rank : axis
  }

  /// The product of `dims`, refusing overflow.
  static func product(_ dims: some Sequence<Int>) throws(ShapeRuleError) -> Int {
    var result = 1
    for dim in dims {
      let (next, overflow) = result.multipliedReportingOverflow(by: dim)
      guard !overflow else { throw ShapeRuleError("the element count overflows") }
      result = next
    }
    return result
  }

  /// Multidirectional broadcasting: align trailing dimensions; each pair equal, or one is 1.
  static func broadcast(_ a: [Int], _ b: [Int]) throws(ShapeRuleError) -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for offset in 0..<rank {
      let x = offset < a.count ? a[a.count - 1 - offset] : 1
      let y = offset < b.count ? b[b.count - 1 - offset] : 1
      guard x == y || x == 1 || y == 1 else {
        throw ShapeRuleError("shapes \(a) and \(b) do not broadcast")
      }
      result[rank - 1 - offset] = x == 1 ? y : x
    }
    return result
  }

  // MARK: - Convolution and pooling

  /// Output spatial sizes of a sliding window, per the Conv/MaxPool/AveragePool pages.
  static func windowOutput(
    input: [Int], kernel: [Int], node: ONNXNode, dilations: [Int], ceilMode: Bool
  ) throws(ShapeRuleError) -> [Int] {
    let rank = input.count
    guard kernel.count == rank else {
      throw ShapeRuleError("kernel \(kernel) does not match \(rank) spatial dimensions")
    }
    let strides = intsAttribute(node, "strides") ?? [Int](repeating: 1, count: rank)
    let pads = intsAttribute(node, "pads") ?? [Int](repeating: 0, count: 2 * rank)
    try checkBounded(input + kernel + strides + pads + dilations)
    guard strides.count == rank, pads.count == 2 * rank, dilations.count == rank,
      strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 }),
      kernel.allSatisfy({ $0 > 0 })
    else {
      throw ShapeRuleError(
        "strides \(strides), pads \(pads) or dilations \(dilations) do not fit rank \(rank)")
    }
    let autoPad = stringAttribute(node, "auto_pad", default: "NOTSET")
    var output: [Int] = []
    for axis in 0..<rank {
      let extent = dilations[axis] * (kernel[axis] - 1) + 1
      let size: Int
      switch autoPad {
      case "SAME_UPPER", "SAME_LOWER":
        size = (input[axis] + strides[axis] - 1) / strides[axis]
      case "VALID":
        size = (input[axis] - extent) / strides[axis] + 1
        guard input[axis] >= extent else {
          throw ShapeRuleError("window \(extent) is larger than input \(input[axis]) on axis \(axis)")
        }
      case "NOTSET":
        let padded = input[axis] + pads[axis] + pads[axis + rank]
        guard padded >= extent else {
          throw ShapeRuleError("window \(extent) is larger than padded input \(padded) on axis \(axis)")
        }
        var count = (padded - extent) / strides[axis] + 1
        if ceilMode, (padded - extent) % strides[axis] != 0 {
          count += 1
          // A last window that would start inside the end padding is dropped.
          if (count - 1) * strides[axis] >= input[axis] + pads[axis] { count -= 1 }
        }
        size = count
      default:
        throw ShapeRuleError("auto_pad '\(autoPad)' is not a valid value")
      }
      output.append(size)
    }
    return output
  }

  static func conv(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let w = try inputShape(node, 1, state)
    guard x.count >= 3, w.count == x.count else {
      throw ShapeRuleError("input rank \(x.count) and weight rank \(w.count) do not fit a convolution")
    }
    let group = intAttribute(node, "group", default: 1)
    try checkBounded(x + w + [group])
    guard group > 0, x[1] == w[1] * group, w[0] % group == 0 else {
      throw ShapeRuleError("input channels \(x[1]) ≠ weight channels \(w[1]) × group \(group)")
    }
    let spatial = x.count - 2
    let kernel = intsAttribute(node, "kernel_shape") ?? Array(w[2...])
    let dilations = intsAttribute(node, "dilations") ?? [Int](repeating: 1, count: spatial)
    let out = try windowOutput(
      input: Array(x[2...]), kernel: kernel, node: node, dilations: dilations, ceilMode: false)
    return [x[0], w[0]] + out
  }

  static func pool(_ node: ONNXNode, _ state: InferenceState, hasDilations: Bool) throws(ShapeRuleError)
    -> [Int]
  {
    let x = try inputShape(node, 0, state)
    guard x.count >= 3 else { throw ShapeRuleError("input rank \(x.count) is below 3") }
    guard let kernel = intsAttribute(node, "kernel_shape") else {
      throw ShapeRuleError("the kernel_shape attribute is missing")
    }
    let spatial = x.count - 2
    let dilations =
      hasDilations
      ? intsAttribute(node, "dilations") ?? [Int](repeating: 1, count: spatial)
      : [Int](
        repeating: 1, count: spatial)
    let ceilMode = intAttribute(node, "ceil_mode", default: 0) != 0
    let out = try windowOutput(
      input: Array(x[2...]), kernel: kernel, node: node, dilations: dilations, ceilMode: ceilMode)
    return [x[0], x[1]] + out
  }

  static func globalPool(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    guard x.count >= 3 else { throw ShapeRuleError("input rank \(x.count) is below 3") }
    return [x[0], x[1]] + [Int](repeating: 1, count: x.count - 2)
  }

  // MARK: - Linear algebra

  static func gemm(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let a = try inputShape(node, 0, state)
    let b = try inputShape(node, 1, state)
    guard a.count == 2, b.count == 2 else {
      throw ShapeRuleError("Gemm needs 2-D inputs, found \(a) and \(b)")
    }
    let transA = intAttribute(node, "transA", default: 0) != 0
    let transB = intAttribute(node, "transB", default: 0) != 0
    let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
    let (kb, n) = transB ? (b[1], b[0]) : (b[0], b[1])
    guard k == kb else { throw ShapeRuleError("inner dimensions \(k) and \(kb) differ") }
    if node.inputs.count > 2, !node.inputs[2].isEmpty {
      let c = try inputShape(node, 2, state)
      guard (try broadcast(c, [m, n])) == [m, n] else {
        throw ShapeRuleError("bias \(c) does not broadcast to [\(m), \(n)]")
      }
    }
    return [m, n]
  }

  /// numpy.matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast.
  static func matMul(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    var a = try inputShape(node, 0, state)
    var b = try inputShape(node, 1, state)
    guard !a.isEmpty, !b.isEmpty else { throw ShapeRuleError("MatMul operands cannot be scalars") }
    let promoteA = a.count == 1
    let promoteB = b.count == 1
    if promoteA { a = [1] + a }
    if promoteB { b = b + [1] }
    guard a[a.count - 1] == b[b.count - 2] else {
      throw ShapeRuleError("inner dimensions of \(a) and \(b) differ")
    }
    var result = try broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)))
    if !promoteA { result.append(a[a.count - 2]) }
    if !promoteB { result.append(b[b.count - 1]) }
    return result
  }

  // MARK: - Shape manipulation

  static func concat(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    var shapes: [[Int]] = []
    for index in node.inputs.indices where !node.inputs[index].isEmpty {
      shapes.append(try inputShape(node, index, state))
    }
    guard var result = shapes.first else { throw ShapeRuleError("Concat has no inputs") }
    let axis = try normalizedAxis(intAttribute(node, "axis", default: 0), rank: result.count)
    for shape in shapes.dropFirst() {
      guard shape.count == result.count,
        shape.indices.allSatisfy({ $0 == axis || shape[$0] == result[$0] })
      else { throw ShapeRuleError("inputs \(result) and \(shape) differ outside axis \(axis)") }
      try checkBounded([result[axis], shape[axis]])
      result[axis] += shape[axis]
    }
    if result.count == 1 {
      var joined: [Int64] = []
      for name in node.inputs where !name.isEmpty {
        guard let values = state.values[name] else { return result }
        joined += values
      }
      if joined.count <= InferenceState.maxTrackedElements { state.values[node.outputs[0]] = joined }
    }
    return result
  }

  static func constant(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    guard let output = node.outputs.first else { throw ShapeRuleError("Constant has no output") }
    switch node.attributes["value"] ?? node.attributes["value_int"] ?? node.attributes["value_ints"]
      ?? node.attributes["value_float"] ?? node.attributes["value_floats"]
    {
    case .tensor(let tensor):
      if isInteger(tensor.dataType), tensor.ints.count <= InferenceState.maxTrackedElements {
        state.values[output] = tensor.ints
      }
      return tensor.shape
    case .int(let value):
      state.values[output] = [Int64(value)]
      return []
    case .ints(let values):
      state.values[output] = values.map { Int64($0) }
      return [values.count]
    case .float: return []
    case .floats(let values): return [values.count]
    default: throw ShapeRuleError("Constant has no value attribute that shape inference reads")
    }
  }

  static func flatten(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    var axis = intAttribute(node, "axis", default: 1)
    guard axis >= -x.count, axis <= x.count else {
      throw ShapeRuleError("axis \(axis) is out of range for rank \(x.count)")
    }
    if axis < 0 { axis += x.count }
    return [try product(x[..<axis]), try product(x[axis...])]
  }

  static func gather(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    let data = try inputShape(node, 0, state)
    let indices = try inputShape(node, 1, state)
    guard !data.isEmpty else { throw ShapeRuleError("Gather data cannot be a scalar") }
    let axis = try normalizedAxis(intAttribute(node, "axis", default: 0), rank: data.count)
    let shape = Array(data[..<axis]) + indices + Array(data[(axis + 1)...])
    // Follow Gather on a tracked 1-D tensor (typically Shape -> Gather).
    if data.count == 1, let values = state.values[node.inputs[0]], let picks = state.values[node.inputs[1]] {
      var picked: [Int64] = []
      for pick in picks {
        let index = Int(pick) < 0 ? Int(pick) + values.count : Int(pick)
        guard index >= 0, index < values.count else {
          throw ShapeRuleError("index \(pick) is out of range for \(values.count) elements")
        }
        picked.append(values[index])
      }
      state.values[node.outputs[0]] = picked
    }
    return shape
  }

  static func pad(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let pads = try requiredAttributeOrInput(node, "pads", input: 1, state)
    var axes = Array(x.indices)
    if let given = try optionalIntValues(node, input: 3, state) {
      axes = []
      for axis in given { axes.append(try normalizedAxis(axis, rank: x.count)) }
    }
    guard pads.count == 2 * axes.count else {
      throw ShapeRuleError("pads \(pads) do not fit \(axes.count) axes")
    }
    var result = x
    for (position, axis) in axes.enumerated() {
      try checkBounded([x[axis], pads[position], pads[position + axes.count]])
      result[axis] = try nonNegative(x[axis] + pads[position] + pads[position + axes.count])
    }
    return result
  }

  /// Reduce* ops: axes from the attribute (ReduceMean before opset 18) or the second input.
  static func reduce(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let keep = intAttribute(node, "keepdims", default: 1) != 0
    let given = try attributeOrInput(node, "axes", input: 1, state) ?? []
    if given.isEmpty, intAttribute(node, "noop_with_empty_axes", default: 0) != 0 { return x }
    var axes = Set<Int>()
    for axis in given { axes.insert(try normalizedAxis(axis, rank: x.count)) }
    if given.isEmpty { axes = Set(x.indices) }
    var result: [Int] = []
    for axis in x.indices {
      if !axes.contains(axis) {
        result.append(x[axis])
      } else if keep {
        result.append(1)
      }
    }
    return result
  }

  /// Reshape: 0 copies the input dimension (unless `allowzero` = 1), -1 is inferred.
  static func reshape(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let requested = try intValues(node, input: 1, state)
    let allowZero = intAttribute(node, "allowzero", default: 0) != 0
    var result: [Int] = []
    var inferred: Int?
    for (axis, size) in requested.enumerated() {
      switch size {
      case -1:
        guard inferred == nil else { throw ShapeRuleError("shape \(requested) has more than one -1") }
        inferred = axis
        result.append(1)
      case 0 where !allowZero:
        guard axis < x.count else { throw ShapeRuleError("shape \(requested) copies a missing axis \(axis)") }
        result.append(x[axis])
      default:
        result.append(try nonNegative(size))
      }
    }
    let total = try product(x)
    let known = try product(result)
    if let inferred {
      guard known > 0, total % known == 0 else {
        throw ShapeRuleError("cannot reshape \(x) (\(total) elements) to \(requested)")
      }
      result[inferred] = total / known
    } else if known != total {
      throw ShapeRuleError("cannot reshape \(x) (\(total) elements) to \(requested)")
    }
    return result
  }

  static func shapeOp(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let rank = x.count
    func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
    let start = clamp(intAttribute(node, "start", default: 0))
    let end = clamp(intAttribute(node, "end", default: rank))
    let values = start < end ? Array(x[start..<end]) : []
    state.values[node.outputs[0]] = values.map { Int64($0) }
    return [values.count]
  }

  /// Slice with starts/ends/axes/steps as inputs (opset 10+) or attributes (before).
  static func slice(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let starts = try requiredAttributeOrInput(node, "starts", input: 1, state)
    let ends = try requiredAttributeOrInput(node, "ends", input: 2, state)
    let axes = try attributeOrInput(node, "axes", input: 3, state) ?? Array(starts.indices)
    let steps =
      try attributeOrInput(node, "steps", input: 4, state) ?? [Int](repeating: 1, count: starts.count)
    guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
      throw ShapeRuleError("starts, ends, axes and steps differ in length")
    }
    var result = x
    for position in starts.indices {
      let axis = try normalizedAxis(axes[position], rank: x.count)
      let size = x[axis]
      try checkBounded([size])
      // Steps beyond the axis length select one element, like a step of the axis length.
      let step = max(-size - 1, min(size + 1, steps[position]))
      guard step != 0 else { throw ShapeRuleError("a step is 0") }
      func resolve(_ value: Int, low: Int, high: Int) -> Int {
        let shifted = value < 0 ? value + size : value
        return min(max(shifted, low), high)
      }
      if step > 0 {
        let start = resolve(starts[position], low: 0, high: size)
        let end = resolve(ends[position], low: 0, high: size)
        result[axis] = end > start ? (end - start + step - 1) / step : 0
      } else {
        let start = resolve(starts[position], low: -1, high: size - 1)
        let end = resolve(ends[position], low: -1, high: size - 1)
        result[axis] = start > end ? (start - end - step - 1) / -step : 0
      }
    }
    return result
  }

  static func squeeze(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let given = try attributeOrInput(node, "axes", input: 1, state)
    var axes = Set<Int>()
    if let given {
      for axis in given {
        let normalized = try normalizedAxis(axis, rank: x.count)
        guard x[normalized] == 1 else { throw ShapeRuleError("axis \(axis) of \(x) is not 1") }
        axes.insert(normalized)
      }
    } else {
      axes = Set(x.indices.filter { x[$0] == 1 })
    }
    if let values = state.values[node.inputs[0]] { state.values[node.outputs[0]] = values }
    return x.indices.filter { !axes.contains($0) }.map { x[$0] }
  }

  static func transpose(_ node: ONNXNode, _ state: InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let perm = intsAttribute(node, "perm") ?? Array(x.indices.reversed())
    guard perm.sorted() == Array(x.indices) else {
      throw ShapeRuleError("perm \(perm) does not fit rank \(x.count)")
    }
    return perm.map { x[$0] }
  }

  static func unsqueeze(_ node: ONNXNode, _ state: inout InferenceState) throws(ShapeRuleError) -> [Int] {
    let x = try inputShape(node, 0, state)
    let given = try requiredAttributeOrInput(node, "axes", input: 1, state)
    let rank = x.count + given.count
    var axes = Set<Int>()
    for axis in given { axes.insert(try normalizedAxis(axis, rank: rank)) }
    guard axes.count == given.count else { throw ShapeRuleError("axes \(given) repeat an axis") }
    var source = x.makeIterator()
    var result: [Int] = []
    for axis in 0..<rank {
      if axes.contains(axis) {
        result.append(1)
      } else if let next = source.next() {
        result.append(next)
      }
    }
    if let values = state.values[node.inputs[0]] { state.values[node.outputs[0]] = values }
    return result
  }
}
