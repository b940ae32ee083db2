import ChexLinalg

// Gemm: https://onnx.ai/onnx/operators/onnx__Gemm.html (opsets 7, 9, 11, 13):
//   Y = alpha * op(A) * op(B) + beta * C, transA/transB default 0, alpha/beta default 1,
//   C optional (opset 11+) and unidirectionally broadcast to [M, N].
// MatMul: https://onnx.ai/onnx/operators/onnx__MatMul.html (opsets 1, 9, 13): NumPy matmul.

/// `Y = alpha * op(A) * op(B) + C'` where `C'` is `beta * C` broadcast to `[M, N]` at compile time.
/// - Complexity: O(M N K).
struct GemmKernel: Kernel {
  let m, n, k: Int
  let transA, transB: Bool
  let alpha: Float
  let scaledC: [Float]?

  func run(_ io: KernelIO) {
    let out = UnsafeMutableBufferPointer(start: io.outputs[0], count: m * n)
    var beta: Float = 0
    if let scaledC {
      _ = out.update(from: scaledC)
      beta = 1
    }
    BLAS.sgemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
      a: UnsafeBufferPointer(start: io.inputs[0], count: m * k), lda: transA ? m : k,
      b: UnsafeBufferPointer(start: io.inputs[1], count: k * n), ldb: transB ? k : n, beta: beta, c: out,
      ldc: n)
  }
}

/// Batched `[.., M, K] x [.., K, N]` with broadcast batch axes; one `sgemm` per batch entry.
struct MatMulKernel: Kernel {
  let batchShape: [Int]
  let aStrides: [Int]
  let bStrides: [Int]
  let m, n, k: Int

  func run(_ io: KernelIO) {
    var index = 0
    forEachIndex(batchShape, strides: [aStrides, bStrides]) { offsets in
      BLAS.sgemm(
        m: m, n: n, k: k, a: UnsafeBufferPointer(start: io.inputs[0] + offsets[0], count: m * k), lda: k,
        b: UnsafeBufferPointer(start: io.inputs[1] + offsets[1], count: k * n), ldb: n,
        c: UnsafeMutableBufferPointer(start: io.outputs[0] + index * m * n, count: m * n), ldc: n)
      index += 1
    }
  }
}

enum Gemm {
  static func lower(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly(["alpha", "beta", "transA", "transB", "broadcast"])
    let alpha = try context.float("alpha", default: 1)
    let beta = try context.float("beta", default: 1)
    let transA = try context.int("transA", default: 0) != 0
    let transB = try context.int("transB", default: 0) != 0
    let sa = try context.requireRank(0, 2)
    let sb = try context.requireRank(1, 2)
    let (m, k) = transA ? (sa[1], sa[0]) : (sa[0], sa[1])
    let (kb, n) = transB ? (sb[1], sb[0]) : (sb[0], sb[1])
    guard k == kb else {
      throw context.invalid(
        "A \(sa) and B \(sb) (transA \(transA), transB \(transB)) have inner sizes \(k) and \(kb)")
    }
    try context.checkSize([m, n])
    var scaledC: [Float]?
    if let c = try context.optionalConstant(2, "C") {
      guard let shape = broadcastShapes([m, n], c.shape), shape == [m, n] else {
        throw context.invalid("C with shape \(c.shape) does not broadcast to [\(m), \(n)]")
      }
      var values = [Float](repeating: 0, count: m * n)
      var position = 0
      forEachIndex([m, n], strides: [broadcastStrides(c.shape, to: [m, n])]) { o in
        values[position] = beta * Float(c[o[0]])
        position += 1
      }
      scaledC = values
    }
    let a = context.builder.runtime(try context.input(0))
    let b = context.builder.runtime(try context.input(1))
    let kernel = GemmKernel(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, scaledC: scaledC)
    let out = try context.emit(kernel, inputs: [a, b], outputShapes: [[m, n]])
    return [.runtime(out[0])]
  }
}

enum MatMul {
  static func lower(_ context: NodeContext) throws(InferenceError) -> [Value] {
    try context.allowOnly([])
    var sa = try context.shape(0)
    var sb = try context.shape(1)
    guard !sa.isEmpty, !sb.isEmpty else { throw context.invalid("operands must have rank >= 1") }
    let vectorA = sa.count == 1
    let vectorB = sb.count == 1
    if vectorA { sa = [1] + sa }
    if vectorB { sb = sb + [1] }
    let (m, k) = (sa[sa.count - 2], sa[sa.count - 1])
    let (kb, n) = (sb[sb.count - 2], sb[sb.count - 1])
    guard k == kb else { throw context.invalid("inner sizes differ: \(sa) x \(sb)") }
    let ba = Array(sa.dropLast(2))
    let bb = Array(sb.dropLast(2))
    guard let batch = broadcastShapes(ba, bb) else {
      throw context.invalid("batch shapes \(ba) and \(bb) do not broadcast")
    }
    let aStrides = broadcastStrides(ba, to: batch).map { $0 * m * k }
    let bStrides = broadcastStrides(bb, to: batch).map { $0 * k * n }
    var outShape = batch
    if !vectorA { outShape.append(m) }
    if !vectorB { outShape.append(n) }
    let a = context.builder.runtime(try context.input(0))
    let b = context.builder.runtime(try context.input(1))
    let kernel = MatMulKernel(batchShape: batch, aStrides: aStrides, bStrides: bStrides, m: m, n: n, k: k)
    let out = try context.emit(kernel, inputs: [a, b], outputShapes: [outShape])
    return [.runtime(out[0])]
  }
}
