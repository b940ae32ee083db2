/// A dense float32 tensor in row-major (C) order; images are NCHW.
///
/// A plain value: `shape` lists the dimensions, `data` holds `shape.reduce(1, *)` elements with
/// the last dimension varying fastest.
public struct Tensor: Sendable, Equatable {
  public var shape: [Int]
  public var data: [Float]

  /// Wraps `data` with `shape`.
  ///
  /// - Precondition: `data.count` equals the product of `shape` and no dimension is negative.
  public init(shape: [Int], data: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor.init: negative dimension in \(shape)")
    precondition(
      data.count == shape.reduce(1, *),
      "Tensor.init: \(data.count) elements do not fill shape \(shape)")
    self.shape = shape
    self.data = data
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  /// The number of elements.
  public var count: Int { data.count }
}
