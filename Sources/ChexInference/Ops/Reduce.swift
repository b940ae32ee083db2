// ReduceMean: https://onnx.ai/onnx/operators/onnx__ReduceMean.html
// Opsets 1, 11, 13 take `axes` as an attribute; opset 18 takes it as an optional input and adds
// `noop_with_empty_axes` (default 0: no axes means all axes). keepdims defaults to 1.
// The reduced axes must be adjacent (as in every exported classifier: [2, 3] or [-2, -1]).

/// Mean over the middle axis of an `[outer, reduced, inner]` view.
/// - Complexity: O(outer * reduced * inner).
struct MeanKernel: Kernel {
  let outer: Int
  let reduced: Int
  let inner: Int

  func run(_ io: KernelIO) {
    let scale = 1 / Float(reduced)
    for o in 0..<outer {
      let source = io.inputs[0] + o * reduced * inner
      let target = io.outputs[0] + o * inner
      if inner == 1 {
        var sum: Float = 0
        for r in 0..<reduced { sum += source[r] }
        target[0] = sum * scale
      } else {
        target.update(from: source, count: inner)
        for r in 1..<max(reduced, 1) {
          let row = source + r * inner
          for i in 0..<inner { target[i] += row[i] }
        }
        for i in 0..<inner { target[i] *= scale }
      }
    }
  }
}

enum ReduceMean {
  static func lower(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axes", "keepdims", "noop_with_empty_axes"])
    let shape = try context.shape(0)
    let keepDims = try context.int("keepdims", default: 1) != 0
    var axes: [Int]
    if context.opset >= 18 {
      axes = try context.optionalConstant(1, "axes")?.ints ?? []
    } else {
      axes = try context.ints("axes") ?? []
    }
    if axes.isEmpty {
      if try context.int("noop_with_empty_axes", default: 0) != 0 { return [try context.input(0)] }
      axes = Array(0..<shape.count)
    }
    var normalized: [Int] = []
    for axis in axes {
      guard let a = normalizeAxis(axis, rank: shape.count) else {
        throw context.invalid("axis \(axis) is out of range for shape \(shape)")
      }
      normalized.append(a)
    }
    normalized = Array(Set(normalized)).sorted()
    guard let first = normalized.first, let last = normalized.last, last - first + 1 == normalized.count
    else {
      throw context.unsupported("reducing non-adjacent axes \(axes) is not implemented")
    }
    let outer = shape[..<first].reduce(1, *)
    let reduced = shape[first...last].reduce(1, *)
    let inner = shape[(last + 1)...].reduce(1, *)
    var outShape: [Int] = []
    for (axis, size) in shape.enumerated() {
      if normalized.contains(axis) {
        if keepDims { outShape.append(1) }
      } else {
        outShape.append(size)
      }
    }
    let input = context.builder.runtime(try context.input(0))
    let out = try context.emit(
      MeanKernel(outer: outer, reduced: reduced, inner: inner), inputs: [input], outputShapes: [outShape])
    return [.runtime(out[0])]
  }
}
