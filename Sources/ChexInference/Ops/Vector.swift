import Foundation

// Eight-lane float arithmetic for the kernels' inner loops: unaligned loads and stores, a
// polynomial exp, and activations applied a vector at a time. Every element goes through the
// same vector code (tails are padded into a vector), so a value does not depend on where it
// sits in a buffer.

/// The vector type of the kernels' inner loops.
typealias FloatVector = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
  /// Reads 8 consecutive floats from `self + offset` (no alignment needed).
  @inline(__always)
  func vector(at offset: Int) -> FloatVector {
    UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
  }
}

extension UnsafeMutablePointer where Pointee == Float {
  /// Reads 8 consecutive floats from `self + offset` (no alignment needed).
  @inline(__always)
  func vector(at offset: Int) -> FloatVector {
    UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
  }

  /// Writes 8 consecutive floats at `self + offset` (no alignment needed).
  @inline(__always)
  func setVector(_ value: FloatVector, at offset: Int) {
    UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: FloatVector.self)
  }
}

/// The lane-wise larger of `a` and `b` (`b` where either is NaN). Written with a compare and a
/// blend because the generic `pointwiseMax` is not inlined into the kernels.
@inline(__always)
func maximum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
  a.replacing(with: b, where: .!(a .> b))
}

/// The lane-wise smaller of `a` and `b` (`b` where either is NaN).
@inline(__always)
func minimum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
  a.replacing(with: b, where: .!(a .< b))
}

/// Reads `count` (< 8) floats into the low lanes of a vector, the other lanes zero.
@inline(__always)
func partialVector(_ source: UnsafePointer<Float>, count: Int) -> FloatVector {
  var v = FloatVector.zero
  for i in 0..<count { v[i] = source[i] }
  return v
}

/// Writes the low `count` (< 8) lanes of `value`.
@inline(__always)
func storePartial(_ value: FloatVector, _ target: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { target[i] = value[i] }
}

/// `e^x` for each lane, to within about 2 ulp (relative error < 3e-7) for x in [-87, 88];
/// inputs outside are clamped to that range (so results stay finite and normal).
///
/// Method (Cody & Waite range reduction, Cody & Waite 1980, ch. 6): x = n ln2 + r with n the
/// nearest integer to x / ln2, found by adding and subtracting 1.5 * 2^23, and |r| <= ln2 / 2;
/// ln2 is split into a short high part (exact in n * ln2Hi) and a correction. e^r comes from
/// its Taylor polynomial of degree 7 (truncation error below 6e-9 relative on that interval),
/// and 2^n is built in the exponent bits.
/// - Complexity: O(1), about 20 vector operations.
@inline(__always)
func fastExp(_ x: FloatVector) -> FloatVector {
  let shifter: Float = 12_582_912  // 1.5 * 2^23: adding it rounds to an integer
  let clamped = minimum(maximum(x, FloatVector(repeating: -87)), FloatVector(repeating: 88))
  let shifted = clamped * 1.442_695_04 + shifter
  let n = shifted - shifter
  let r = (clamped - n * 0.693_359_375) - n * -2.121_944_4e-4
  var p = r * (1 / 5040) + (1 / 720)
  p = p * r + (1 / 120)
  p = p * r + (1 / 24)
  p = p * r + (1 / 6)
  p = p * r + 0.5
  p = p * r + 1
  p = p * r + 1
  let n32 = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- shifter.bitPattern
  return p * unsafeBitCast((n32 &+ 127) &<< 23, to: FloatVector.self)
}

extension Activation {
  /// The activation of each lane; `.sigmoid` and `.silu` use `fastExp`.
  @inline(__always)
  func callAsFunction(_ x: FloatVector) -> FloatVector {
    switch self {
    case .none: return x
    case .relu: return x.replacing(with: 0, where: x .< 0)
    case .clip(let lo, let hi):
      return minimum(maximum(x, FloatVector(repeating: lo)), FloatVector(repeating: hi))
    case .sigmoid: return 1 / (1 + fastExp(-x))
    case .hardSigmoid(let alpha, let beta):
      return minimum(maximum(alpha * x + beta, .zero), FloatVector(repeating: 1))
    case .hardSwish:
      return x * minimum(maximum(x * (1 / 6) + 0.5, .zero), FloatVector(repeating: 1))
    case .silu: return x / (1 + fastExp(-x))
    }
  }

  /// Runs `body` on `count` values a vector at a time, the tail padded into one vector.
  @inline(__always)
  private func forEachVector(
    count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void
  ) {
    var i = 0
    while i + 8 <= count {
      body(i, 8)
      i += 8
    }
    if i < count { body(i, count - i) }
  }

  /// Applies the activation from `source` to `destination` (which may be the same memory).
  /// - Complexity: O(count).
  func apply(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int) {
    if self == .none {
      if UnsafePointer(destination) != source { destination.update(from: source, count: count) }
      return
    }
    forEachVector(count: count) { i, lanes in
      if lanes == 8 {
        destination.setVector(self(source.vector(at: i)), at: i)
      } else {
        storePartial(self(partialVector(source + i, count: lanes)), destination + i, count: lanes)
      }
    }
  }

  /// `values[i] = act(values[i] + bias + residual[i])` for `count` values, in place; the
  /// residual term is left out when `residual` is nil.
  /// - Complexity: O(count).
  func applyWithBias(
    _ values: UnsafeMutablePointer<Float>, count: Int, bias: Float, residual: UnsafePointer<Float>? = nil
  ) {
    let b = FloatVector(repeating: bias)
    if let residual {
      forEachVector(count: count) { i, lanes in
        if lanes == 8 {
          values.setVector(self(values.vector(at: i) + b + residual.vector(at: i)), at: i)
        } else {
          let v = partialVector(values + i, count: lanes) + b + partialVector(residual + i, count: lanes)
          storePartial(self(v), values + i, count: lanes)
        }
      }
    } else {
      forEachVector(count: count) { i, lanes in
        if lanes == 8 {
          values.setVector(self(values.vector(at: i) + b), at: i)
        } else {
          storePartial(self(partialVector(values + i, count: lanes) + b), values + i, count: lanes)
        }
      }
    }
  }
}
