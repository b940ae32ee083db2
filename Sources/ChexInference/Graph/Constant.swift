import ChexONNX

/// A tensor known when the model is compiled: an initializer, a `Constant` node, or the result
/// of folding shape arithmetic (`Shape`, `Gather`, `Concat`, `Div`, ...) for a fixed input size.
///
/// Values read as `Double` (`values`, `self[i]`), which represents every float32 and every
/// integer up to 2^53 exactly; `isInteger` remembers whether the ONNX type was an integer or
/// boolean type, so that `Div` truncates and `Cast` rounds as ONNX does. A float32 tensor from
/// the file keeps its `[Float]` as it is (`floats` hands the same buffer on, no copy): weights
/// are most of a model's bytes, and widening ResNet50's 23.5 million to `Double` and back took a
/// quarter of its load time. Folded results are held as `Double`.
struct Constant: Sendable {
  var shape: [Int]
  var isInteger: Bool
  private var storage: Storage

  private enum Storage: Sendable {
    case doubles([Double])
    case floats([Float])
  }

  init(shape: [Int], values: [Double], isInteger: Bool) {
    precondition(values.count == shape.reduce(1, *), "Constant.init: \(values.count) values for \(shape)")
    self.shape = shape
    self.storage = .doubles(values)
    self.isInteger = isInteger
  }

  /// A float32 tensor, held as given.
  init(shape: [Int], floats: [Float]) {
    precondition(floats.count == shape.reduce(1, *), "Constant.init: \(floats.count) floats for \(shape)")
    self.shape = shape
    self.storage = .floats(floats)
    self.isInteger = false
  }

  init(_ tensor: ONNXTensor) {
    switch tensor.dataType {
    case .float, .double: self.init(shape: tensor.shape, floats: tensor.floats)
    default: self.init(shape: tensor.shape, values: tensor.ints.map { Double($0) }, isInteger: true)
    }
  }

  /// A rank-0 or rank-1 integer constant.
  init(ints: [Int], shape: [Int]? = nil) {
    self.init(shape: shape ?? [ints.count], values: ints.map { Double($0) }, isInteger: true)
  }

  var count: Int {
    switch storage {
    case .doubles(let values): return values.count
    case .floats(let values): return values.count
    }
  }

  /// Element `index` (row-major) as a `Double`.
  subscript(index: Int) -> Double {
    switch storage {
    case .doubles(let values): return values[index]
    case .floats(let values): return Double(values[index])
    }
  }

  /// All values as `Double`: a new array for a float32 tensor (O(count)), so loops read
  /// elements through the subscript instead.
  var values: [Double] {
    switch storage {
    case .doubles(let values): return values
    case .floats(let values): return values.map { Double($0) }
    }
  }

  /// The values as float32: the tensor's own buffer when it came as float32.
  var floats: [Float] {
    switch storage {
    case .doubles(let values): return values.map { Float($0) }
    case .floats(let values): return values
    }
  }

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
