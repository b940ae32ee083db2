import ChexONNX

/// A tensor known when the model is compiled: an initializer, a `Constant` node, or the result
/// of folding shape arithmetic (`Shape`, `Gather`, `Concat`, `Div`, ...) for a fixed input size.
///
/// Values are held as `Double`, which represents every float32 and every integer up to 2^53
/// exactly; `isInteger` remembers whether the ONNX type was an integer or boolean type, so that
/// `Div` truncates and `Cast` rounds as ONNX does.
struct Constant: Sendable {
  var shape: [Int]
  var values: [Double]
  var isInteger: Bool

  init(shape: [Int], values: [Double], isInteger: Bool) {
    precondition(values.count == shape.reduce(1, *), "Constant.init: \(values.count) values for \(shape)")
    self.shape = shape
    self.values = values
    self.isInteger = isInteger
  }

  init(_ tensor: ONNXTensor) {
    let isInteger = !(tensor.dataType == .float || tensor.dataType == .double)
    let values = isInteger ? tensor.ints.map { Double($0) } : tensor.floats.map { Double($0) }
    self.init(shape: tensor.shape, values: values, isInteger: isInteger)
  }

  /// A rank-0 or rank-1 integer constant.
  init(ints: [Int], shape: [Int]? = nil) {
    self.init(shape: shape ?? [ints.count], values: ints.map { Double($0) }, isInteger: true)
  }

  var count: Int { values.count }

  /// The values as float32.
  var floats: [Float] { values.map { Float($0) } }

  /// The values as integers, saturating at the `Int` range (ONNX uses INT64_MAX for "to the end").
  ///
  /// - Precondition: no value is NaN (`NodeContext.integers` refuses those with an error naming
  ///   the node; read model inputs through it).
  var ints: [Int] {
    values.map { value in
      if value >= 9.2e18 { return Int.max }
      if value <= -9.2e18 { return Int.min }
      return Int(value.rounded(.towardZero))
    }
  }
}

/// Row-major strides of a shape.
func stridesOf(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var running = 1
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[axis] = running
    running *= shape[axis]
  }
  return strides
}

/// The NumPy broadcast of two shapes, or nil when they are incompatible.
func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = max(a.count, b.count)
  let pa = [Int](repeating: 1, count: rank - a.count) + a
  let pb = [Int](repeating: 1, count: rank - b.count) + b
  var out = [Int](repeating: 1, count: rank)
  for axis in 0..<rank {
    if pa[axis] == pb[axis] || pb[axis] == 1 {
      out[axis] = pa[axis]
    } else if pa[axis] == 1 {
      out[axis] = pb[axis]
    } else {
      return nil
    }
  }
  return out
}

/// Strides for reading an operand of shape `shape` broadcast to `outShape` (0 on broadcast axes).
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
  let padded = [Int](repeating: 1, count: outShape.count - shape.count) + shape
  let strides = stridesOf(padded)
  return (0..<outShape.count).map { padded[$0] == 1 && outShape[$0] != 1 ? 0 : strides[$0] }
}

/// Visits every index of `shape` in row-major order, passing the flat offsets given by each
/// stride set. Used by the constant folder and the generic (slow) kernels.
/// - Complexity: O(product of shape).
func forEachIndex(_ shape: [Int], strides: [[Int]], _ body: ([Int]) -> Void) {
  let count = shape.reduce(1, *)
  guard count > 0 else { return }
  let rank = shape.count
  var index = [Int](repeating: 0, count: rank)
  var offsets = [Int](repeating: 0, count: strides.count)
  for _ in 0..<count {
    body(offsets)
    var axis = rank - 1
    while axis >= 0 {
      index[axis] += 1
      for s in 0..<strides.count { offsets[s] += strides[s][axis] }
      if index[axis] < shape[axis] { break }
      for s in 0..<strides.count { offsets[s] -= strides[s][axis] * shape[axis] }
      index[axis] = 0
      axis -= 1
    }
  }
}

/// Normalises a possibly negative axis against `rank`, or nil when out of range.
func normalizeAxis(_ axis: Int, rank: Int) -> Int? {
  let a = axis < 0 ? axis + rank : axis
  return (0..<rank).contains(a) ? a : nil
}
