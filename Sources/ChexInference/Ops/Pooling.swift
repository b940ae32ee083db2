import ChexKernels

// Pooling over 2-D windows of NCHW tensors:
// MaxPool https://onnx.ai/onnx/operators/onnx__MaxPool.html (opsets 8, 10, 11, 12, 22)
// AveragePool https://onnx.ai/onnx/operators/onnx__AveragePool.html (opsets 7, 10, 11, 19, 22)
// GlobalAveragePool https://onnx.ai/onnx/operators/onnx__GlobalAveragePool.html (opsets 1, 22)
// Defaults: pads 0, strides 1, dilations 1, ceil_mode 0, count_include_pad 0, auto_pad NOTSET.

/// Max or average pooling with per-side pads.
///
/// With `ceil_mode` a last, partial window is kept only if it starts inside the input or the
/// leading pad. For averages, `count_include_pad = 1` divides by the window clipped to the
/// padded input, `0` by the number of real input values in the window.
///
/// Planes are split into chunks across the threads. Within a plane, each output row is built by
/// sweeping every kernel tap over the run of output columns whose tap lies inside the input
/// (bounds worked out once per tap), so the inner loop has no bounds checks; values are combined
/// in the same tap order as a window-by-window loop.
/// - Complexity: O(N * C * OH * OW * kh * kw).
struct PoolKernel: Kernel {
  enum Mode: Sendable { case max, average(countIncludePad: Bool) }
  let mode: Mode
  let planes: Int
  let height, width, outHeight, outWidth: Int
  let kernelHeight, kernelWidth, strideY, strideX, dilationY, dilationX: Int
  let padTop, padLeft, padBottom, padRight: Int
  /// chexstats' AVX-512 pooling kernel, set by `GraphBuilder.selectKernels` where it runs.
  var native: Pooling2D?

  /// One output row of partial results and one of in-input column counts.
  var scratchCount: Int { 2 * outWidth }

  /// The same pooling as a `Pooling2D` (the native kernel's description of it).
  var native2D: Pooling2D {
    let nativeMode: Pooling2D.Mode
    switch mode {
    case .max: nativeMode = .max
    case .average(let includePad): nativeMode = .average(countIncludePad: includePad)
    }
    return Pooling2D(
      mode: nativeMode, planes: planes, height: height, width: width, outHeight: outHeight,
      outWidth: outWidth,
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideY: strideY, strideX: strideX,
      dilationY: dilationY, dilationX: dilationX, padTop: padTop, padLeft: padLeft, padBottom: padBottom,
      padRight: padRight)
  }

  func run(_ io: KernelIO) {
    let work = planes * outHeight * outWidth * kernelHeight * kernelWidth
    let parts = work < Parallelism.minimumValues ? 1 : min(planes, Parallelism.parts)
    let source = io.inputs[0]
    let target = io.outputs[0]
    if let native {
      io.workers.forEach(chunks: parts) { chunk, _ in
        native.run(input: source, output: target, planes: chunkRange(chunk, of: parts, count: planes))
      }
      return
    }
    io.workers.forEach(chunks: parts) { chunk, scratch in
      for p in chunkRange(chunk, of: parts, count: planes) {
        pool(source + p * height * width, target + p * outHeight * outWidth, scratch: scratch)
      }
    }
  }

  /// Output columns whose tap `kx` falls inside the input row, and the tap's column offset.
  @inline(__always)
  private func columns(_ kx: Int) -> (range: ClosedRange<Int>?, offset: Int) {
    let offset = kx * dilationX - padLeft
    let lo = max(0, ceilDiv(-offset, strideX))
    let hi = min(outWidth - 1, floorDiv(width - 1 - offset, strideX))
    return (lo <= hi ? lo...hi : nil, offset)
  }

  private func pool(
    _ source: UnsafeMutablePointer<Float>, _ target: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let acc = scratch
    let validColumns = scratch + outWidth
    validColumns.update(repeating: 0, count: outWidth)
    for kx in 0..<kernelWidth {
      if let range = columns(kx).range { for ox in range { validColumns[ox] += 1 } }
    }
    let isMax: Bool
    if case .max = mode { isMax = true } else { isMax = false }
    for oy in 0..<outHeight {
      let y0 = oy * strideY - padTop
      acc.update(repeating: isMax ? -Float.infinity : 0, count: outWidth)
      var rows = 0
      for ky in 0..<kernelHeight {
        let iy = y0 + ky * dilationY
        if iy < 0 || iy >= height { continue }
        rows += 1
        let sourceRow = source + iy * width
        for kx in 0..<kernelWidth {
          let (range, offset) = columns(kx)
          guard let range else { continue }
          if isMax {
            for ox in range { acc[ox] = max(acc[ox], sourceRow[ox * strideX + offset]) }
          } else {
            for ox in range { acc[ox] += sourceRow[ox * strideX + offset] }
          }
        }
      }
      let row = target + oy * outWidth
      switch mode {
      case .max:
        row.update(from: acc, count: outWidth)
      case .average(let includePad):
        let yEnd = min(y0 + (kernelHeight - 1) * dilationY + 1, height + padBottom)
        let windowRows = (yEnd - y0 + dilationY - 1) / dilationY
        for ox in 0..<outWidth {
          var divisor = rows * Int(validColumns[ox])
          if includePad {
            let x0 = ox * strideX - padLeft
            let xEnd = min(x0 + (kernelWidth - 1) * dilationX + 1, width + padRight)
            divisor = windowRows * ((xEnd - x0 + dilationX - 1) / dilationX)
          }
          row[ox] = divisor > 0 ? acc[ox] / Float(divisor) : 0
        }
      }
    }
  }
}

/// Mean over the trailing `inner` values of each of `rows` rows.
///
/// Each row is summed in 8 interleaved partial sums (lanes of a vector), then the lanes are
/// added; rows are split into chunks across the threads.
/// - Complexity: O(rows * inner).
struct RowMeanKernel: Kernel {
  let rows: Int
  let inner: Int
  func run(_ io: KernelIO) {
    let scale = 1 / Float(inner)
    let parts = rows * inner < Parallelism.minimumValues ? 1 : min(rows, Parallelism.parts)
    let source = UnsafePointer(io.inputs[0])
    let target = io.outputs[0]
    io.workers.forEach(chunks: parts) { chunk, _ in
      for r in chunkRange(chunk, of: parts, count: rows) {
        let row = source + r * inner
        var sums = FloatVector.zero
        var i = 0
        while i + 8 <= inner {
          sums += row.vector(at: i)
          i += 8
        }
        if i < inner { sums += partialVector(row + i, count: inner - i) }
        target[r] = sums.sum() * scale
      }
    }
  }
}

enum Pool {
  static func maxPool(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([
      "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides",
    ])
    try context.allowOutputs(1)
    return try lower(context, mode: .max)
  }

  static func averagePool(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([
      "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides",
    ])
    let include = try context.int("count_include_pad", default: 0)
    return try lower(context, mode: .average(countIncludePad: include != 0))
  }

  static func lower(_ context: NodeContext, mode: PoolKernel.Mode) throws(InferenceError) -> [Value] {
    let x = try context.shape(0)
    guard x.count == 4 else {
      throw context.unsupported("only 2-D pooling (rank-4 input) is implemented, input has shape \(x)")
    }
    guard let kernelShape = try context.ints("kernel_shape"), kernelShape.count == 2,
      kernelShape.allSatisfy({ $0 >= 1 })
    else {
      throw context.invalid("kernel_shape must list two positive sizes")
    }
    let strides = try pair(context, "strides")
    let dilations = try pair(context, "dilations")
    let ceilMode = try context.int("ceil_mode", default: 0) != 0
    let (h, w) = (x[2], x[3])
    let pads = try resolvePads(
      context, input: (h, w), kernel: (kernelShape[0], kernelShape[1]), strides: strides,
      dilations: dilations)
    let window = try windowGeometry(
      context, input: (h, w), kernel: (kernelShape[0], kernelShape[1]), pads: pads, dilations: dilations,
      planes: x[0] * x[1])
    // Every term below is at most Limits.maxTensorElements, so nothing overflows.
    func outSize(_ span: Int, _ sizeAndBefore: Int, _ s: Int) -> Int {
      if !ceilMode { return floorDiv(span, s) + 1 }
      var out = ceilDiv(span, s) + 1
      if (out - 1) * s >= sizeAndBefore { out -= 1 }
      return out
    }
    let oh = outSize(window.height - window.kernelHeight, h + pads.0, strides.0)
    let ow = outSize(window.width - window.kernelWidth, w + pads.1, strides.1)
    guard oh >= 1, ow >= 1 else {
      throw context.invalid("the \(kernelShape) window does not fit the padded \(h)x\(w) input")
    }
    let kernel = PoolKernel(
      mode: mode, planes: x[0] * x[1], height: h, width: w, outHeight: oh, outWidth: ow,
      kernelHeight: kernelShape[0], kernelWidth: kernelShape[1], strideY: strides.0, strideX: strides.1,
      dilationY: dilations.0, dilationX: dilations.1, padTop: pads.0, padLeft: pads.1, padBottom: pads.2,
      padRight: pads.3)
    let input = context.builder.runtime(try context.input(0))
    let out = try context.emit(
      kernel, inputs: [input], outputShapes: [[x[0], x[1], oh, ow]])
    return [.runtime(out[0])]
  }

  static func globalAveragePool(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    let x = try context.shape(0)
    guard x.count >= 3 else { throw context.invalid("input must have rank >= 3, found \(x)") }
    let input = context.builder.runtime(try context.input(0))
    let outShape = [x[0], x[1]] + [Int](repeating: 1, count: x.count - 2)
    let kernel = RowMeanKernel(rows: x[0] * x[1], inner: x.dropFirst(2).reduce(1, *))
    let out = try context.emit(kernel, inputs: [input], outputShapes: [outShape])
    return [.runtime(out[0])]
  }
}
