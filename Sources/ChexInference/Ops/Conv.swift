// Conv: https://onnx.ai/onnx/operators/onnx__Conv.html (opsets 1, 11, 22).
// 2-D only. Attributes: auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER), dilations, group,
// kernel_shape, pads, strides, with the spec defaults (pads 0, strides 1, dilations 1, group 1).

/// Resolves per-side pads for a 2-D window op from `pads` or `auto_pad`.
/// Returns (top, left, bottom, right).
func resolvePads(
  _ context: NodeContext, input: (Int, Int), kernel: (Int, Int), strides: (Int, Int),
  dilations: (Int, Int)
) throws(InferenceError) -> (Int, Int, Int, Int) {
  let autoPad = try context.string("auto_pad", default: "NOTSET")
  switch autoPad {
  case "NOTSET":
    let pads = try context.ints("pads") ?? [0, 0, 0, 0]
    guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else {
      throw context.unsupported("pads \(pads) must be 4 non-negative values for a 2-D op")
    }
    return (pads[0], pads[1], pads[2], pads[3])
  case "VALID":
    return (0, 0, 0, 0)
  case "SAME_UPPER", "SAME_LOWER":
    func split(_ size: Int, _ k: Int, _ s: Int, _ d: Int) throws(InferenceError) -> (Int, Int) {
      let out = try context.sum(size, s - 1, what: "input size plus stride") / s
      let reach = try context.sum(
        try context.product(out - 1, s, what: "strided output extent"),
        try context.product(k - 1, d, what: "dilated kernel extent"), 1, what: "padded extent")
      let total = max(0, reach - size)
      return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
    }
    let (t, b) = try split(input.0, kernel.0, strides.0, dilations.0)
    let (l, r) = try split(input.1, kernel.1, strides.1, dilations.1)
    return (t, l, b, r)
  default:
    throw context.unsupported("auto_pad '\(autoPad)' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
  }
}

/// Reads a 2-element attribute (strides, dilations), defaulting to [1, 1].
func pair(_ context: NodeContext, _ key: String) throws(InferenceError) -> (Int, Int) {
  let values = try context.ints(key) ?? [1, 1]
  guard values.count == 2, values.allSatisfy({ $0 >= 1 }) else {
    throw context.unsupported("\(key) \(values) must be two positive values (2-D only)")
  }
  for value in values where value > Limits.maxTensorElements {
    throw .limit(
      op: context.op, node: context.name,
      detail: "\(key) \(values) exceed the limit of \(Limits.maxTensorElements) (Limits.maxTensorElements)")
  }
  return (values[0], values[1])
}

/// The padded input and dilated kernel sizes of a 2-D window op, overflow-checked: the padded
/// planes (`planes` of them) must fit `Limits.maxTensorElements`, since the depthwise and pooling
/// paths copy them.
func windowGeometry(
  _ context: NodeContext, input: (Int, Int), kernel: (Int, Int), pads: (Int, Int, Int, Int),
  dilations: (Int, Int), planes: Int
) throws(InferenceError) -> (height: Int, width: Int, kernelHeight: Int, kernelWidth: Int) {
  let height = try context.sum(input.0, pads.0, pads.2, what: "padded height")
  let width = try context.sum(input.1, pads.1, pads.3, what: "padded width")
  try context.checkSize([planes, height, width], "padded input")
  let kernelHeight = try context.sum(
    try context.product(kernel.0 - 1, dilations.0, what: "dilated kernel height"), 1,
    what: "dilated kernel height")
  let kernelWidth = try context.sum(
    try context.product(kernel.1 - 1, dilations.1, what: "dilated kernel width"), 1,
    what: "dilated kernel width")
  return (height, width, kernelHeight, kernelWidth)
}

enum Conv {
  static func lower(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
    let x = try context.shape(0)
    guard x.count == 4 else {
      throw context.unsupported("only 2-D convolution (rank-4 input) is implemented, input has shape \(x)")
    }
    guard case .runtime(let input) = try context.input(0) else {
      throw context.unsupported("a constant input image is not implemented")
    }
    let weight = try context.constant(1, "the weight W")
    guard weight.shape.count == 4 else {
      throw context.invalid("weight W must have rank 4, found shape \(weight.shape)")
    }
    let group = try context.int("group", default: 1)
    let (n, cin, h, w) = (x[0], x[1], x[2], x[3])
    let (cout, cinPerGroup, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    guard group >= 1, cin % group == 0, cout % group == 0, cinPerGroup * group == cin else {
      throw context.invalid(
        "input has \(cin) channels and W has shape \(weight.shape) with group \(group); "
          + "expected W[1] * group = input channels and output channels divisible by group")
    }
    if let kernelShape = try context.ints("kernel_shape"), kernelShape != [kh, kw] {
      throw context.invalid("kernel_shape \(kernelShape) differs from W's spatial shape [\(kh), \(kw)]")
    }
    let strides = try pair(context, "strides")
    let dilations = try pair(context, "dilations")
    let pads = try resolvePads(
      context, input: (h, w), kernel: (kh, kw), strides: strides, dilations: dilations)
    let window = try windowGeometry(
      context, input: (h, w), kernel: (kh, kw), pads: pads, dilations: dilations, planes: n * cin)
    let oh = (window.height - window.kernelHeight) / strides.0 + 1
    let ow = (window.width - window.kernelWidth) / strides.1 + 1
    guard window.height >= window.kernelHeight, window.width >= window.kernelWidth else {
      throw context.invalid("the \(kh)x\(kw) kernel does not fit the padded \(h)x\(w) input")
    }
    var bias = [Float](repeating: 0, count: cout)
    if let b = try context.optionalConstant(2, "the bias B") {
      guard b.count == cout else {
        throw context.invalid("bias B has \(b.count) values, expected \(cout)")
      }
      bias = b.floats
    }
    let geometry = ConvGeometry(
      batch: n, inChannels: cin, height: h, width: w, outChannels: cout, kernelHeight: kh,
      kernelWidth: kw, strideY: strides.0, strideX: strides.1, dilationY: dilations.0,
      dilationX: dilations.1, padTop: pads.0, padLeft: pads.1, outHeight: oh, outWidth: ow, group: group)
    let kernel = ConvKernel(geometry: geometry, weights: weight.floats, bias: bias)
    let out = try context.emit(
      kernel, inputs: [input], outputShapes: [[n, cout, oh, ow]])
    return [.runtime(out[0])]
  }
}
