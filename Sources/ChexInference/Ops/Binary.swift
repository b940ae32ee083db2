// Elementwise arithmetic with NumPy broadcasting:
// Add https://onnx.ai/onnx/operators/onnx__Add.html, Sub, Mul, Div (opsets 7, 13, 14).
// Constant operands are folded at compile time; integer Div truncates toward zero.

enum BinaryOperation: Sendable {
  case add, sub, mul, div

  @inline(__always)
  func callAsFunction(_ a: Float, _ b: Float) -> Float {
    switch self {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    }
  }

  func folded(_ a: Double, _ b: Double, integer: Bool) -> Double {
    switch self {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return integer ? (a / b).rounded(.towardZero) : Double(Float(a) / Float(b))
    }
  }
}

/// `out = a op b` with broadcasting. Axes are merged where both operands are contiguous or both
/// broadcast, so `[N,C,H,W] * [1,C,1,1]` runs as `[N*C]` rows of `H*W` with one scalar each.
/// - Complexity: O(output count).
struct BinaryKernel: Kernel {
  let operation: BinaryOperation
  /// Merged output shape (at least rank 1) and each operand's strides over it.
  let shape: [Int]
  let aStrides: [Int]
  let bStrides: [Int]

  init(operation: BinaryOperation, a: [Int], b: [Int], out: [Int]) {
    self.operation = operation
    var shape = out.isEmpty ? [1] : out
    var sa = out.isEmpty ? [0] : broadcastStrides(a, to: out)
    var sb = out.isEmpty ? [0] : broadcastStrides(b, to: out)
    var axis = shape.count - 2
    while axis >= 0 {
      let next = axis + 1
      if sa[axis] == sa[next] * shape[next] && sb[axis] == sb[next] * shape[next] {
        shape[axis] *= shape[next]
        sa[axis] = sa[next]
        sb[axis] = sb[next]
        shape.remove(at: next)
        sa.remove(at: next)
        sb.remove(at: next)
      }
      axis -= 1
    }
    self.shape = shape
    self.aStrides = sa
    self.bStrides = sb
  }

  func run(_ io: KernelIO) {
    if shape.count <= 2 {
      runRows(io)
      return
    }
    let a = io.inputs[0]
    let b = io.inputs[1]
    let out = io.outputs[0]
    let inner = shape[shape.count - 1]
    let sa = aStrides[shape.count - 1]
    let sb = bStrides[shape.count - 1]
    let outer = Array(shape.dropLast())
    var position = 0
    let op = operation
    forEachIndex(outer, strides: [Array(aStrides.dropLast()), Array(bStrides.dropLast())]) { offsets in
      row(op, a + offsets[0], sa, b + offsets[1], sb, out + position, inner)
      position += inner
    }
  }

  /// The common merged shapes `[outer, inner]` and `[inner]` (for example
  /// `[N*C, H*W] * [N*C, 1]`): rows split into chunks across the threads.
  private func runRows(_ io: KernelIO) {
    let (outer, inner) = shape.count == 2 ? (shape[0], shape[1]) : (1, shape[0])
    let (ra, ca) = shape.count == 2 ? (aStrides[0], aStrides[1]) : (0, aStrides[0])
    let (rb, cb) = shape.count == 2 ? (bStrides[0], bStrides[1]) : (0, bStrides[0])
    let a = io.inputs[0]
    let b = io.inputs[1]
    let out = io.outputs[0]
    let op = operation
    let total = outer * inner
    if outer == 1 {
      // One long row: cut it into aligned pieces.
      let parts = total < Parallelism.minimumValues ? 1 : Parallelism.parts
      io.workers.forEach(chunks: parts) { chunk, _ in
        let piece = chunkRange(chunk, of: parts, count: inner, alignment: 8)
        guard !piece.isEmpty else { return }
        let start = piece.lowerBound
        row(op, a + start * ca, ca, b + start * cb, cb, out + start, piece.count)
      }
      return
    }
    let parts = total < Parallelism.minimumValues ? 1 : min(outer, Parallelism.parts)
    io.workers.forEach(chunks: parts) { chunk, _ in
      for r in chunkRange(chunk, of: parts, count: outer) {
        row(op, a + r * ra, ca, b + r * rb, cb, out + r * inner, inner)
      }
    }
  }
}

/// `out[i] = op(a[i * sa], b[i * sb])` for `count` values; contiguous and scalar operands go
/// through vector loops.
@inline(__always)
private func row(
  _ op: BinaryOperation, _ a: UnsafeMutablePointer<Float>, _ sa: Int, _ b: UnsafeMutablePointer<Float>,
  _ sb: Int, _ out: UnsafeMutablePointer<Float>, _ count: Int
) {
  switch (op, sa, sb) {
  case (.add, 1, 1): vectorRow(a, 1, b, 1, out, count, +)
  case (.mul, 1, 1): vectorRow(a, 1, b, 1, out, count, *)
  case (.mul, 1, 0): vectorRow(a, 1, b, 0, out, count, *)
  case (.mul, 0, 1): vectorRow(a, 0, b, 1, out, count, *)
  case (.add, 1, 0): vectorRow(a, 1, b, 0, out, count, +)
  case (.add, 0, 1): vectorRow(a, 0, b, 1, out, count, +)
  default:
    for i in 0..<count { out[i] = op(a[i * sa], b[i * sb]) }
  }
}

/// `out[i] = f(a[i], b[i])` with each operand contiguous (stride 1) or a scalar (stride 0).
@inline(__always)
private func vectorRow(
  _ a: UnsafeMutablePointer<Float>, _ sa: Int, _ b: UnsafeMutablePointer<Float>, _ sb: Int,
  _ out: UnsafeMutablePointer<Float>, _ count: Int, _ f: (FloatVector, FloatVector) -> FloatVector
) {
  let scalarA = FloatVector(repeating: a[0])
  let scalarB = FloatVector(repeating: b[0])
  var i = 0
  while i + 8 <= count {
    let va = sa == 0 ? scalarA : a.vector(at: i)
    let vb = sb == 0 ? scalarB : b.vector(at: i)
    out.setVector(f(va, vb), at: i)
    i += 8
  }
  while i < count {
    out[i] = f(FloatVector(repeating: a[i * sa]), FloatVector(repeating: b[i * sb]))[0]
    i += 1
  }
}

enum Binary {
  static func lowering(_ operation: BinaryOperation) -> OpLowering {
    return { (context: NodeContext) throws(InferenceError) -> [Value] in
      try context.allowOnly([])
      let a = try context.input(0)
      let b = try context.input(1)
      let sa = context.builder.shape(of: a)
      let sb = context.builder.shape(of: b)
      guard let out = broadcastShapes(sa, sb) else {
        throw context.invalid("shapes \(sa) and \(sb) do not broadcast")
      }
      let isFolded: Bool
      if case .constant = a, case .constant = b { isFolded = true } else { isFolded = false }
      try context.checkSize(out, folded: isFolded)
      if case .constant(let ca) = a, case .constant(let cb) = b {
        let integer = ca.isInteger && cb.isInteger
        var values = [Double](repeating: 0, count: out.reduce(1, *))
        var position = 0
        forEachIndex(out, strides: [broadcastStrides(sa, to: out), broadcastStrides(sb, to: out)]) { o in
          values[position] = operation.folded(ca[o[0]], cb[o[1]], integer: integer)
          position += 1
        }
        if !integer { values = values.map { Double(Float($0)) } }
        return [.constant(Constant(shape: out, values: values, isInteger: integer))]
      }
      let ia = context.builder.runtime(a)
      let ib = context.builder.runtime(b)
      var inPlace: [Int] = []
      if case .runtime = a, sa == out { inPlace.append(0) }
      if case .runtime = b, sb == out { inPlace.append(1) }
      let kernel = BinaryKernel(operation: operation, a: sa, b: sb, out: out)
      let result = try context.emit(
        kernel, inputs: [ia, ib], outputShapes: [out], inPlace: inPlace)
      return [.runtime(result[0])]
    }
  }
}
