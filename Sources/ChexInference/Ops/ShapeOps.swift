import ChexONNX

// Ops that only rename, reshape or describe tensors (no arithmetic). On runtime values they
// become views (no copy); on constants they are folded.
// Identity https://onnx.ai/onnx/operators/onnx__Identity.html
// Dropout https://onnx.ai/onnx/operators/onnx__Dropout.html (inference: identity; mask output refused)
// Flatten https://onnx.ai/onnx/operators/onnx__Flatten.html (axis default 1)
// Reshape https://onnx.ai/onnx/operators/onnx__Reshape.html (allowzero default 0, opset 14)
// Unsqueeze / Squeeze (axes attribute before opset 13, input from 13)
// Shape https://onnx.ai/onnx/operators/onnx__Shape.html (start/end from opset 15)
// Constant, ConstantOfShape, Cast (to float is a no-op at run time).

enum ShapeOps {
  /// Gives `value` a new shape: a view for runtime values, a relabelled constant otherwise.
  static func reshaped(_ value: Value, _ shape: [Int], _ context: NodeContext) -> Value {
    switch value {
    case .constant(var c):
      c.shape = shape
      return .constant(c)
    case .runtime(let id):
      return .runtime(context.builder.alias(id, shape: shape))
    }
  }

  static func identity(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    return [try context.input(0)]
  }

  static func dropout(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["ratio", "seed", "is_test"])
    try context.allowOutputs(1)
    if let training = try context.optionalConstant(2, "training_mode"),
      training.values.contains(where: { $0 != 0 })
    {
      throw context.unsupported("training_mode = true is not implemented (inference only)")
    }
    return [try context.input(0)]
  }

  static func flatten(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axis"])
    let shape = try context.shape(0)
    let axisAttribute = try context.int("axis", default: 1)
    guard
      let axis = axisAttribute == shape.count ? shape.count : normalizeAxis(axisAttribute, rank: shape.count)
    else {
      throw context.invalid("axis \(axisAttribute) is out of range for shape \(shape)")
    }
    let out = [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]
    return [reshaped(try context.input(0), out, context)]
  }

  static func reshape(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["allowzero"])
    let shape = try context.shape(0)
    let allowZero = try context.int("allowzero", default: 0) != 0
    let requested = try context.integers(1, "shape")
    var out = requested
    var inferred: Int?
    for (axis, size) in requested.enumerated() {
      if size == 0 && !allowZero {
        guard axis < shape.count else {
          throw context.invalid("0 at axis \(axis) has no input dimension to copy")
        }
        out[axis] = shape[axis]
      } else if size == -1 {
        guard inferred == nil else { throw context.invalid("shape \(requested) has more than one -1") }
        inferred = axis
      } else if size < 0 {
        throw context.invalid("shape \(requested) has a negative size")
      }
    }
    let total = shape.reduce(1, *)
    if let axis = inferred {
      var rest = out
      rest[axis] = 1
      let known = try context.checkSize(rest, "requested")
      guard known > 0, total % known == 0 else {
        throw context.invalid("cannot reshape \(shape) to \(requested)")
      }
      out[axis] = total / known
    }
    guard try context.checkSize(out, "requested") == total else {
      throw context.invalid("cannot reshape \(shape) to \(requested)")
    }
    return [reshaped(try context.input(0), out, context)]
  }

  static func axesArgument(_ context: NodeContext) throws(InferenceError) -> [Int]? {
    context.opset >= 13 ? try context.optionalIntegers(1, "axes") : try context.ints("axes")
  }

  static func unsqueeze(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axes"])
    let shape = try context.shape(0)
    guard let axes = try axesArgument(context) else { throw context.invalid("axes are required") }
    let rank = shape.count + axes.count
    try context.checkRank(rank, "output")
    var normalized: [Int] = []
    for axis in axes {
      guard let a = normalizeAxis(axis, rank: rank), !normalized.contains(a) else {
        throw context.invalid("axes \(axes) are out of range or repeated for output rank \(rank)")
      }
      normalized.append(a)
    }
    var out: [Int] = []
    var source = shape.makeIterator()
    for axis in 0..<rank {
      if normalized.contains(axis) {
        out.append(1)
      } else if let size = source.next() {
        out.append(size)
      }
    }
    return [reshaped(try context.input(0), out, context)]
  }

  static func squeeze(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axes"])
    let shape = try context.shape(0)
    var remove = Set<Int>()
    if let axes = try axesArgument(context) {
      for axis in axes {
        guard let a = normalizeAxis(axis, rank: shape.count), shape[a] == 1 else {
          throw context.invalid("axis \(axis) of shape \(shape) is not a dimension of size 1")
        }
        remove.insert(a)
      }
    } else {
      remove = Set(shape.indices.filter { shape[$0] == 1 })
    }
    let out = shape.indices.filter { !remove.contains($0) }.map { shape[$0] }
    return [reshaped(try context.input(0), out, context)]
  }

  static func shape(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["start", "end"])
    let shape = try context.shape(0)
    let rank = shape.count
    func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
    let start = clamp(try context.int("start", default: 0))
    let end = clamp(try context.int("end", default: rank))
    return [.constant(Constant(ints: start < end ? Array(shape[start..<end]) : []))]
  }

  static func constant(_ context: NodeContext) throws(InferenceError) -> [Value] {
    guard let (key, attribute) = context.node.attributes.first, context.node.attributes.count == 1 else {
      throw context.invalid("exactly one value attribute is required")
    }
    switch (key, attribute) {
    case ("value", .tensor(let t)): return [.constant(Constant(t))]
    case ("value_float", .float(let v)):
      return [.constant(Constant(shape: [], values: [Double(v)], isInteger: false))]
    case ("value_floats", .floats(let v)):
      return [.constant(Constant(shape: [v.count], values: v.map { Double($0) }, isInteger: false))]
    case ("value_int", .int(let v)): return [.constant(Constant(ints: [v], shape: []))]
    case ("value_ints", .ints(let v)): return [.constant(Constant(ints: v))]
    default: throw context.unsupported("attribute '\(key)' is not implemented")
    }
  }

  static func constantOfShape(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["value"])
    let shape = try context.integers(0, "shape")
    guard shape.allSatisfy({ $0 >= 0 }) else { throw context.invalid("shape \(shape) has a negative size") }
    let count = try context.checkSize(shape, folded: true)
    var fill = 0.0
    var isInteger = false
    if case .tensor(let t) = context.node.attributes["value"] {
      let c = Constant(t)
      guard c.count == 1 else { throw context.invalid("value must hold one element") }
      fill = c[0]
      isInteger = c.isInteger
    }
    return [
      .constant(
        Constant(shape: shape, values: .init(repeating: fill, count: count), isInteger: isInteger))
    ]
  }

  static func cast(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["to", "saturate"])
    let to = try context.int("to", default: 0)
    guard let type = ONNXDataType(rawValue: to) else {
      throw context.unsupported("cast to ONNX type \(to) is not implemented")
    }
    let toInteger = !(type == .float || type == .double)
    switch try context.input(0) {
    case .constant(let c):
      let values: [Double]
      if type == .bool {
        values = c.values.map { $0 != 0 ? 1 : 0 }
      } else if toInteger {
        values = c.values.map { $0.rounded(.towardZero) }
      } else {
        values = c.values.map { Double(Float($0)) }
      }
      return [.constant(Constant(shape: c.shape, values: values, isInteger: toInteger))]
    case .runtime(let id):
      guard type == .float else {
        throw context.unsupported("casting a run-time tensor to \(type) is not implemented")
      }
      return [.runtime(id)]
    }
  }
}
