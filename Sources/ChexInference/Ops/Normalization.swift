// BatchNormalization (inference form): https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
// (opsets 7, 9, 14, 15). y = (x - mean) / sqrt(var + epsilon) * scale + B, epsilon default 1e-5,
// training_mode must be 0. Lowered to a per-channel scale and shift; the fusion pass folds it
// into a preceding Conv when that Conv feeds nothing else, or fuses a following Relu into it.

/// `y = act(x * scale[c] + shift[c])` over axis 1 of an `[N, C, ...]` tensor.
struct ScaleShiftKernel: Kernel {
  let batch: Int
  let channels: Int
  let inner: Int
  /// Per-channel factors in double precision, kept for folding into a Conv's weights.
  let scale: [Double]
  let shift: [Double]
  let scaleF: [Float]
  let shiftF: [Float]
  var activation: Activation = .none

  init(batch: Int, channels: Int, inner: Int, scale: [Double], shift: [Double]) {
    self.batch = batch
    self.channels = channels
    self.inner = inner
    self.scale = scale
    self.shift = shift
    self.scaleF = scale.map { Float($0) }
    self.shiftF = shift.map { Float($0) }
  }

  /// Channels are split into chunks across the threads; each plane is one vector pass.
  func run(_ io: KernelIO) {
    let x = io.inputs[0]
    let y = io.outputs[0]
    let planes = batch * channels
    let parts = planes * inner < Parallelism.minimumValues ? 1 : min(planes, Parallelism.parts)
    io.workers.forEach(chunks: parts) { chunk, _ in
      for p in chunkRange(chunk, of: parts, count: planes) {
        let c = p % channels
        activation.map(x + p * inner, y + p * inner, count: inner, scale: scaleF[c], bias: shiftF[c])
      }
    }
  }
}

enum BatchNormalization {
  static func lower(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["epsilon", "momentum", "training_mode", "spatial"])
    try context.allowOutputs(1)
    guard try context.int("training_mode", default: 0) == 0 else {
      throw context.unsupported("training_mode = 1 is not implemented (inference only)")
    }
    guard try context.int("spatial", default: 1) == 1 else {
      throw context.unsupported("spatial = 0 is not implemented")
    }
    let epsilon = Double(try context.float("epsilon", default: 1e-5))
    let shape = try context.shape(0)
    guard shape.count >= 2 else { throw context.invalid("input must have rank >= 2, found \(shape)") }
    let channels = shape[1]
    let gamma = try context.constant(1, "scale")
    let beta = try context.constant(2, "B")
    let mean = try context.constant(3, "input_mean")
    let variance = try context.constant(4, "input_var")
    for (label, c) in [("scale", gamma), ("B", beta), ("input_mean", mean), ("input_var", variance)]
    where c.count != channels {
      throw context.invalid("\(label) has \(c.count) values, expected \(channels) channels")
    }
    var scale = [Double](repeating: 0, count: channels)
    var shift = [Double](repeating: 0, count: channels)
    for c in 0..<channels {
      scale[c] = gamma[c] / (variance[c] + epsilon).squareRoot()
      shift[c] = beta[c] - mean[c] * scale[c]
    }
    let inner = shape.dropFirst(2).reduce(1, *)
    let kernel = ScaleShiftKernel(
      batch: shape[0], channels: channels, inner: inner, scale: scale, shift: shift)
    switch try context.input(0) {
    case .constant(let x):
      var values = x.values
      for i in 0..<values.count {
        let c = (i / inner) % channels
        values[i] = Double(Float(values[i]) * kernel.scaleF[c] + kernel.shiftF[c])
      }
      return [.constant(Constant(shape: shape, values: values, isInteger: false))]
    case .runtime(let id):
      let out = try context.emit(
        kernel, inputs: [id], outputShapes: [shape], inPlace: [0])
      return [.runtime(out[0])]
    }
  }
}
