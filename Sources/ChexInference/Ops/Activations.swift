import Foundation

// Pointwise activations:
// Relu https://onnx.ai/onnx/operators/onnx__Relu.html (opsets 6, 13, 14)
// Clip https://onnx.ai/onnx/operators/onnx__Clip.html (opsets 6 with min/max attributes;
//   11, 12, 13 with min/max as optional inputs)
// Sigmoid https://onnx.ai/onnx/operators/onnx__Sigmoid.html (opsets 6, 13)
// HardSigmoid https://onnx.ai/onnx/operators/onnx__HardSigmoid.html (opsets 6, 22; alpha 0.2, beta 0.5)
// HardSwish https://onnx.ai/onnx/operators/onnx__HardSwish.html (opsets 14, 22)
// Ceil, Floor, Sqrt, Neg: folded when their input is constant (shape arithmetic only).

/// Applies an activation elementwise; may run in place.
struct UnaryKernel: Kernel {
  let activation: Activation
  let count: Int
  func run(_ io: KernelIO) {
    activation.apply(io.inputs[0], io.outputs[0], count: count)
  }
}

enum Unary {
  static func relu(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    return try lower(context, .relu)
  }

  static func sigmoid(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    return try lower(context, .sigmoid)
  }

  static func hardSigmoid(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["alpha", "beta"])
    let alpha = try context.float("alpha", default: 0.2)
    let beta = try context.float("beta", default: 0.5)
    return try lower(context, .hardSigmoid(alpha: alpha, beta: beta))
  }

  static func hardSwish(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    return try lower(context, .hardSwish)
  }

  static func clip(_ context: NodeContext) throws(InferenceError) -> [Value] {
    var lo = -Float.greatestFiniteMagnitude
    var hi = Float.greatestFiniteMagnitude
    if context.opset < 11 {
      try context.allowOnly(["min", "max"])
      lo = try context.float("min", default: lo)
      hi = try context.float("max", default: hi)
    } else {
      try context.allowOnly([])
      if let c = try context.optionalConstant(1, "min") {
        guard c.count == 1 else { throw context.invalid("min must be a scalar, found shape \(c.shape)") }
        lo = Float(c[0])
      }
      if let c = try context.optionalConstant(2, "max") {
        guard c.count == 1 else { throw context.invalid("max must be a scalar, found shape \(c.shape)") }
        hi = Float(c[0])
      }
    }
    return try lower(context, .clip(min: lo, max: hi))
  }

  /// Folds a constant input, otherwise emits an in-place-capable kernel.
  static func lower(_ context: NodeContext, _ activation: Activation) throws(InferenceError) -> [Value] {
    switch try context.input(0) {
    case .constant(let c):
      let values = c.values.map { Double(activation(Float($0))) }
      return [.constant(Constant(shape: c.shape, values: values, isInteger: c.isInteger))]
    case .runtime(let id):
      let shape = context.builder.values[id].shape
      let out = try context.emit(
        UnaryKernel(activation: activation, count: shape.reduce(1, *)), inputs: [id],
        outputShapes: [shape], inPlace: [0])
      return [.runtime(out[0])]
    }
  }

  /// Ceil, Floor, Sqrt, Neg: only for constant inputs (shape arithmetic).
  static func foldOnly(_ function: @escaping @Sendable (Double) -> Double) -> OpLowering {
    return { (context: NodeContext) throws(InferenceError) -> [Value] in
      try context.allowOnly([])
      guard case .constant(let c) = try context.input(0) else {
        throw context.unsupported("only constant (foldable) inputs are implemented")
      }
      return [.constant(Constant(shape: c.shape, values: c.values.map(function), isInteger: c.isInteger))]
    }
  }
}
