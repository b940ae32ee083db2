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
      let pa = a + offsets[0]
      let pb = b + offsets[1]
      let po = out + position
      if sa == 1 && sb == 1 {
        for i in 0..<inner { po[i] = op(pa[i], pb[i]) }
      } else if sa == 1 && sb == 0 {
        let s = pb[0]
        for i in 0..<inner { po[i] = op(pa[i], s) }
      } else if sa == 0 && sb == 1 {
        let s = pa[0]
        for i in 0..<inner { po[i] = op(s, pb[i]) }
      } else {
        for i in 0..<inner { po[i] = op(pa[i * sa], pb[i * sb]) }
      }
      position += inner
    }
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
      if case .constant(let ca) = a, case .constant(let cb) = b {
        let integer = ca.isInteger && cb.isInteger
        var values = [Double](repeating: 0, count: out.reduce(1, *))
        var position = 0
        forEachIndex(out, strides: [broadcastStrides(sa, to: out), broadcastStrides(sb, to: out)]) { o in
          values[position] = operation.folded(ca.values[o[0]], cb.values[o[1]], integer: integer)
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
      let result = context.builder.emit(
        kernel, inputs: [ia, ib], outputShapes: [out], inPlace: inPlace, node: context.name)
      return [.runtime(result[0])]
    }
  }
}
