// Ops that move elements without arithmetic; folded on constants, kernels on runtime tensors.
// Gather https://onnx.ai/onnx/operators/onnx__Gather.html (axis default 0, negative indices allowed)
// Slice https://onnx.ai/onnx/operators/onnx__Slice.html (attributes before opset 10, inputs from 10)
// Concat https://onnx.ai/onnx/operators/onnx__Concat.html (axis required)
// Transpose https://onnx.ai/onnx/operators/onnx__Transpose.html (perm default: reversed axes)
// Pad https://onnx.ai/onnx/operators/onnx__Pad.html (opsets 2, 11, 13, 18, 19, 21, 23): mode
// constant (default), reflect, edge, wrap (opset 19+ in the spec, taken at any opset); pads as an
// attribute before opset 11, an input from 11; negative pads crop; the axes input from opset 18.

/// Copies `output[i] = input[base + sum(index_d * strides_d)]`: Slice and Transpose.
/// - Complexity: O(output count).
struct StridedCopyKernel: Kernel {
  let shape: [Int]
  let strides: [Int]
  let base: Int

  func run(_ io: KernelIO) {
    let source = io.inputs[0] + base
    let target = io.outputs[0]
    guard let inner = shape.last else {
      target[0] = source[0]
      return
    }
    let step = strides[strides.count - 1]
    var position = 0
    forEachIndex(Array(shape.dropLast()), strides: [Array(strides.dropLast())]) { offsets in
      let row = source + offsets[0]
      for i in 0..<inner { target[position + i] = row[i * step] }
      position += inner
    }
  }
}

/// Gathers slices along one axis of an `[outer, axis, inner]` view.
struct GatherKernel: Kernel {
  let outer, axisSize, inner: Int
  let indices: [Int]
  func run(_ io: KernelIO) {
    var target = io.outputs[0]
    for o in 0..<outer {
      for index in indices {
        target.update(from: io.inputs[0] + (o * axisSize + index) * inner, count: inner)
        target += inner
      }
    }
  }
}

/// Concatenates inputs along one axis of `[outer, axis_i, inner]` views.
struct ConcatKernel: Kernel {
  let outer: Int
  /// `axis_i * inner` for each input.
  let chunks: [Int]
  /// Inputs are copied in parallel (each input is one chunk of work) when the output is large.
  func run(_ io: KernelIO) {
    let total = chunks.reduce(0, +)
    var offsets: [Int] = []
    var offset = 0
    for chunk in chunks {
      offsets.append(offset)
      offset += chunk
    }
    let parts = outer * total < Parallelism.minimumValues ? 1 : chunks.count
    let output = io.outputs[0]
    let inputs = io.inputs
    io.workers.forEach(chunks: parts) { part, _ in
      let range = parts == 1 ? 0..<chunks.count : part..<(part + 1)
      for k in range {
        for o in 0..<outer {
          let target = output + o * total + offsets[k]
          let source = inputs[k] + o * chunks[k]
          // Already in place when the memory plan placed this input inside the output.
          if source != target { target.update(from: source, count: chunks[k]) }
        }
      }
    }
  }
}

/// How `Pad` fills an output position outside the kept values of an axis.
enum PadMode: String, Sendable {
  case constant, reflect, edge, wrap
}

/// Padding in any mode. Axis `a` keeps `kept[a]` input values from `starts[a]` (negative pads
/// crop), preceded by `before[a]` padded positions; output index `i` then reads the input index
/// `source(i, a)`, or is `value` when that is nil (constant mode). Each output row (the last axis)
/// copies its contiguous interior at once and computes the few padded values one by one; nothing
/// is stored per output position, so a pad as long as the tensor limit costs no memory here.
/// - Complexity: O(output count).
struct PadKernel: Kernel {
  let mode: PadMode
  let outputShape: [Int]
  let inputStrides: [Int]
  let starts: [Int]
  let kept: [Int]
  let before: [Int]
  let value: Float

  /// The input index output index `i` of `axis` reads, nil for the constant fill.
  @inline(__always)
  func source(_ i: Int, _ axis: Int) -> Int? {
    let (start, count) = (starts[axis], kept[axis])
    let j = i - before[axis]  // the position within the kept values
    if j >= 0 && j < count { return start + j }
    switch mode {
    case .constant: return nil
    case .reflect: return start + (j < 0 ? -j : 2 * (count - 1) - j)
    case .edge: return start + (j < 0 ? 0 : count - 1)
    case .wrap: return start + ((j % count) + count) % count
    }
  }

  func run(_ io: KernelIO) {
    guard let width = outputShape.last, outputShape.allSatisfy({ $0 > 0 }) else { return }
    let last = outputShape.count - 1
    let input = io.inputs[0]
    var target = io.outputs[0]
    let interior = before[last]..<(before[last] + kept[last])
    let outer = Array(outputShape.dropLast())
    var index = [Int](repeating: 0, count: outer.count)
    for _ in 0..<outer.reduce(1, *) {
      var offset: Int? = 0
      for axis in outer.indices {
        guard let current = offset, let source = source(index[axis], axis) else {
          offset = nil
          break
        }
        offset = current + source * inputStrides[axis]
      }
      if let offset {
        let row = input + offset
        for x in 0..<interior.lowerBound { target[x] = source(x, last).map { row[$0] } ?? value }
        (target + interior.lowerBound).update(from: row + starts[last], count: interior.count)
        for x in interior.upperBound..<width { target[x] = source(x, last).map { row[$0] } ?? value }
      } else {
        target.update(repeating: value, count: width)
      }
      target += width
      var axis = outer.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < outer[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

enum Indexing {
  /// Reads `input` (constant) through a strided view.
  static func foldStrided(_ c: Constant, shape: [Int], strides: [Int], base: Int) -> Constant {
    var values: [Double] = []
    values.reserveCapacity(shape.reduce(1, *))
    forEachIndex(shape, strides: [strides]) { values.append(c[base + $0[0]]) }
    return Constant(shape: shape, values: values, isInteger: c.isInteger)
  }

  static func emitStrided(
    _ context: NodeContext, _ value: Value, shape: [Int], strides: [Int], base: Int
  ) throws(InferenceError) -> Value {
    if case .constant(let c) = value {
      return .constant(foldStrided(c, shape: shape, strides: strides, base: base))
    }
    let input = context.builder.runtime(value)
    let out = try context.emit(
      StridedCopyKernel(shape: shape, strides: strides, base: base), inputs: [input], outputShapes: [shape])
    return .runtime(out[0])
  }

  static func gather(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axis"])
    let shape = try context.shape(0)
    let indices = try context.constant(1, "indices")
    let axisAttribute = try context.int("axis", default: 0)
    guard let axis = normalizeAxis(axisAttribute, rank: shape.count) else {
      throw context.invalid("axis \(axisAttribute) is out of range for shape \(shape)")
    }
    var normalized: [Int] = []
    for index in try context.integers(of: indices, "indices") {
      let i = index < 0 ? index + shape[axis] : index
      guard (0..<shape[axis]).contains(i) else {
        throw context.invalid("index \(index) is out of range for axis \(axis) of size \(shape[axis])")
      }
      normalized.append(i)
    }
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let outShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
    let input = try context.input(0)
    if case .constant = input { try context.checkSize(outShape, folded: true) }
    switch input {
    case .constant(let c):
      let all = c.values
      var values: [Double] = []
      for o in 0..<outer {
        for i in normalized {
          values += all[((o * shape[axis] + i) * inner)..<((o * shape[axis] + i + 1) * inner)]
        }
      }
      return [.constant(Constant(shape: outShape, values: values, isInteger: c.isInteger))]
    case .runtime(let id):
      let out = try context.emit(
        GatherKernel(outer: outer, axisSize: shape[axis], inner: inner, indices: normalized), inputs: [id],
        outputShapes: [outShape])
      return [.runtime(out[0])]
    }
  }

  static func slice(_ context: NodeContext) throws(InferenceError) -> [Value] {
    let shape = try context.shape(0)
    var starts: [Int]
    var ends: [Int]
    var axes: [Int]?
    var steps: [Int]?
    if context.opset < 10 {
      try context.allowOnly(["starts", "ends", "axes"])
      guard let s = try context.ints("starts"), let e = try context.ints("ends") else {
        throw context.invalid("starts and ends are required")
      }
      (starts, ends, axes) = (s, e, try context.ints("axes"))
    } else {
      try context.allowOnly([])
      starts = try context.integers(1, "starts")
      ends = try context.integers(2, "ends")
      axes = try context.optionalIntegers(3, "axes")
      steps = try context.optionalIntegers(4, "steps")
    }
    let axisList = axes ?? Array(0..<starts.count)
    let stepList = steps ?? [Int](repeating: 1, count: starts.count)
    guard starts.count == ends.count, axisList.count == starts.count, stepList.count == starts.count else {
      throw context.invalid("starts, ends, axes and steps must have the same length")
    }
    var outShape = shape
    let inStrides = stridesOf(shape)
    var strides = inStrides
    var base = 0
    for (i, axisValue) in axisList.enumerated() {
      guard let axis = normalizeAxis(axisValue, rank: shape.count) else {
        throw context.invalid("axis \(axisValue) is out of range for shape \(shape)")
      }
      let size = shape[axis]
      guard stepList[i] != 0 else { throw context.invalid("a step of 0") }
      // A step longer than the axis takes at most one element, so clamping it to the axis size
      // changes nothing but keeps `-step` and the stride product from overflowing (INT64_MIN).
      let magnitude = min(stepList[i] == Int.min ? Int.max : abs(stepList[i]), max(size, 1))
      let step = stepList[i] > 0 ? magnitude : -magnitude
      func clampIndex(_ v: Int, _ lo: Int, _ hi: Int) -> Int {
        let adjusted = v < 0 ? (v == Int.min ? lo : v + size) : v
        return min(max(adjusted, lo), hi)
      }
      let start = step > 0 ? clampIndex(starts[i], 0, size) : clampIndex(starts[i], 0, size - 1)
      let end = step > 0 ? clampIndex(ends[i], 0, size) : clampIndex(ends[i], -1, size - 1)
      let count = step > 0 ? max(0, ceilDiv(end - start, step)) : max(0, ceilDiv(start - end, -step))
      outShape[axis] = count
      strides[axis] = inStrides[axis] * step
      base += start * inStrides[axis]
    }
    return [try emitStrided(context, try context.input(0), shape: outShape, strides: strides, base: base)]
  }

  static func transpose(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["perm"])
    let shape = try context.shape(0)
    let perm = try context.ints("perm") ?? Array((0..<shape.count).reversed())
    guard perm.sorted() == Array(0..<shape.count) else {
      throw context.invalid("perm \(perm) is not a permutation of the \(shape.count) axes")
    }
    let inStrides = stridesOf(shape)
    return [
      try emitStrided(
        context, try context.input(0), shape: perm.map { shape[$0] }, strides: perm.map { inStrides[$0] },
        base: 0)
    ]
  }

  static func concat(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["axis"])
    guard !context.inputs.isEmpty else { throw context.invalid("at least one input is required") }
    let first = try context.shape(0)
    guard let axisAttribute = try context.ints("axis")?.first,
      let axis = normalizeAxis(axisAttribute, rank: first.count)
    else {
      throw context.invalid("axis is required and must be within the input rank \(first.count)")
    }
    var values: [Value] = []
    var outShape = first
    outShape[axis] = 0
    for index in context.inputs.indices {
      let value = try context.input(index)
      let shape = context.builder.shape(of: value)
      guard shape.count == first.count,
        shape.indices.allSatisfy({ $0 == axis || shape[$0] == first[$0] })
      else {
        throw context.invalid(
          "input \(index) has shape \(shape), which does not match \(first) off axis \(axis)")
      }
      outShape[axis] = try context.sum(outShape[axis], shape[axis], what: "concatenated axis \(axis)")
      values.append(value)
    }
    try context.checkSize(outShape, folded: context.allInputsConstant)
    let outer = first[..<axis].reduce(1, *)
    let inner = first[(axis + 1)...].reduce(1, *)
    let chunks = values.map { context.builder.shape(of: $0)[axis] * inner }
    if context.allInputsConstant {
      var result: [Double] = []
      var parts: [[Double]] = []
      var isInteger = true
      for case .constant(let c) in values {
        parts.append(c.values)
        isInteger = isInteger && c.isInteger
      }
      for o in 0..<outer {
        for (part, chunk) in zip(parts, chunks) {
          result += part[(o * chunk)..<((o + 1) * chunk)]
        }
      }
      return [.constant(Constant(shape: outShape, values: result, isInteger: isInteger))]
    }
    let inputs = values.map { context.builder.runtime($0) }
    let out = try context.emit(
      ConcatKernel(outer: outer, chunks: chunks), inputs: inputs, outputShapes: [outShape])
    return [.runtime(out[0])]
  }

  /// Pad, as onnxruntime runs it: negative pads first crop the axis, then the cropped axis is
  /// padded, so `reflect`, `edge` and `wrap` repeat values of the cropped tensor. `reflect`
  /// mirrors without repeating the edge value and needs each pad smaller than the (cropped) axis;
  /// `edge` and `wrap` need a non-empty axis, `wrap` takes any pad (repeating the axis).
  static func pad(_ context: NodeContext) throws(InferenceError) -> [Value] {
    let shape = try context.shape(0)
    let modeName = try context.string("mode", default: "constant")
    guard let mode = PadMode(rawValue: modeName) else {
      throw context.unsupported("mode '\(modeName)' is not one of constant, reflect, edge, wrap")
    }
    var given: [Int]
    var value: Float = 0
    var axes = Array(shape.indices)
    if context.opset < 11 {
      try context.allowOnly(["mode", "pads", "value"])
      given = try context.ints("pads") ?? []
      value = try context.float("value", default: 0)
    } else {
      try context.allowOnly(["mode"])
      given = try context.integers(1, "pads")
      if let c = try context.optionalConstant(2, "constant_value"), c.count > 0 {
        value = Float(c[0])
      }
      if let list = try context.optionalIntegers(3, "axes") {
        axes = []
        for axis in list {
          guard let normalized = normalizeAxis(axis, rank: shape.count), !axes.contains(normalized) else {
            throw context.invalid("axes \(list) must be distinct axes of the rank-\(shape.count) input")
          }
          axes.append(normalized)
        }
      }
    }
    guard given.count == 2 * axes.count else {
      throw context.invalid("pads \(given) must hold 2 x \(axes.count) values (begin and end for each axis)")
    }
    var begins = [Int](repeating: 0, count: shape.count)
    var ends = [Int](repeating: 0, count: shape.count)
    for (position, axis) in axes.enumerated() {
      (begins[axis], ends[axis]) = (given[position], given[position + axes.count])
    }
    // Crop first: axis a keeps `kept[a]` values from `starts[a]`, then gets `before[a]` and
    // `after[a]` padded values.
    var outShape = shape
    var (starts, kept) = ([Int](repeating: 0, count: shape.count), shape)
    var (before, after) = ([Int](repeating: 0, count: shape.count), [Int](repeating: 0, count: shape.count))
    for axis in shape.indices {
      let (begin, end, size) = (begins[axis], ends[axis], shape[axis])
      let cropBegin = begin < 0 ? (begin == Int.min ? Int.max : -begin) : 0
      let cropEnd = end < 0 ? (end == Int.min ? Int.max : -end) : 0
      guard cropBegin <= size, cropEnd <= size - cropBegin else {
        throw context.invalid("pads \(begin), \(end) crop more than the \(size) values of axis \(axis)")
      }
      starts[axis] = cropBegin
      kept[axis] = size - cropBegin - cropEnd
      (before[axis], after[axis]) = (max(begin, 0), max(end, 0))
      outShape[axis] = try context.sum(kept[axis], before[axis], after[axis], what: "padded axis \(axis)")
      guard before[axis] > 0 || after[axis] > 0 else { continue }
      if mode == .reflect, before[axis] >= kept[axis] || after[axis] >= kept[axis] {
        throw context.invalid(
          "mode 'reflect' pads axis \(axis) by \(before[axis]) and \(after[axis]), but each pad must be "
            + "smaller than the axis' \(kept[axis]) values (after cropping)")
      }
      if mode == .edge || mode == .wrap, kept[axis] == 0 {
        throw context.invalid("mode '\(modeName)' cannot pad axis \(axis): it has no values to repeat")
      }
    }
    try context.checkSize(outShape)
    guard !shape.isEmpty else {
      return [try emitStrided(context, try context.input(0), shape: [], strides: [], base: 0)]
    }
    let kernel = PadKernel(
      mode: mode, outputShape: outShape, inputStrides: stridesOf(shape), starts: starts, kept: kept,
      before: before, value: value)
    let input = context.builder.runtime(try context.input(0))
    let out = try context.emit(kernel, inputs: [input], outputShapes: [outShape])
    return [.runtime(out[0])]
  }
}
