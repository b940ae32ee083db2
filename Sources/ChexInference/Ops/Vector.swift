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

/// Reads `count` (< 8) floats into the low lanes of a vector, the other lanes zero. (One block
/// copy: inserting lane by lane goes through memory once per lane.)
@inline(__always)
func partialVector(_ source: UnsafePointer<Float>, count: Int) -> FloatVector {
  var v = FloatVector.zero
  withUnsafeMutableBytes(of: &v) { bytes in
    bytes.baseAddress.unsafelyUnwrapped.copyMemory(
      from: UnsafeRawPointer(source), byteCount: count * MemoryLayout<Float>.stride)
  }
  return v
}

/// Writes the low `count` (< 8) lanes of `value`.
@inline(__always)
func storePartial(_ value: FloatVector, _ target: UnsafeMutablePointer<Float>, count: Int) {
  withUnsafeBytes(of: value) { bytes in
    UnsafeMutableRawPointer(target).copyMemory(
      from: bytes.baseAddress.unsafelyUnwrapped, byteCount: count * MemoryLayout<Float>.stride)
  }
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

/// A lane-wise function, as a type so that each activation gets its own specialised loop
/// (a switch per row instead of a call per vector).
protocol LaneFunction {
  func callAsFunction(_ x: FloatVector) -> FloatVector
}

private struct IdentityLanes: LaneFunction {
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x }
}

private struct ReluLanes: LaneFunction {
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
    x.replacing(with: 0, where: x .< 0)
  }
}

private struct ClipLanes: LaneFunction {
  let lo: FloatVector
  let hi: FloatVector
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { minimum(maximum(x, lo), hi) }
}

private struct SigmoidLanes: LaneFunction {
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { 1 / (1 + fastExp(-x)) }
}

private struct HardSigmoidLanes: LaneFunction {
  let alpha: Float
  let beta: Float
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
    minimum(maximum(alpha * x + beta, .zero), FloatVector(repeating: 1))
  }
}

private struct HardSwishLanes: LaneFunction {
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
    x * minimum(maximum(x * (1 / 6) + 0.5, .zero), FloatVector(repeating: 1))
  }
}

private struct SiLULanes: LaneFunction {
  @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x / (1 + fastExp(-x)) }
}

/// `destination[i] = f(source[i] * scale + bias + residual[i])` a vector at a time, the tail
/// padded into one vector; `residual` may be nil and `destination` may equal `source`.
@inline(__always)
private func mapLanes<F: LaneFunction>(
  _ f: F, _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
  scale: Float, bias: Float, residual: UnsafePointer<Float>?
) {
  let b = FloatVector(repeating: bias)
  let a = FloatVector(repeating: scale)
  if scale != 1 {
    var i = 0
    while i + 8 <= count {
      destination.setVector(f(source.vector(at: i) * a + b), at: i)
      i += 8
    }
    if i < count {
      storePartial(f(partialVector(source + i, count: count - i) * a + b), destination + i, count: count - i)
    }
    return
  }
  var i = 0
  if let residual {
    while i + 8 <= count {
      destination.setVector(f(source.vector(at: i) + b + residual.vector(at: i)), at: i)
      i += 8
    }
    if i < count {
      let v = partialVector(source + i, count: count - i) + b + partialVector(residual + i, count: count - i)
      storePartial(f(v), destination + i, count: count - i)
    }
  } else {
    while i + 8 <= count {
      destination.setVector(f(source.vector(at: i) + b), at: i)
      i += 8
    }
    if i < count {
      storePartial(f(partialVector(source + i, count: count - i) + b), destination + i, count: count - i)
    }
  }
}

extension Activation {
  /// The activation of each lane; `.sigmoid` and `.silu` use `fastExp`.
  func callAsFunction(_ x: FloatVector) -> FloatVector {
    switch self {
    case .none: return IdentityLanes()(x)
    case .relu: return ReluLanes()(x)
    case .clip(let lo, let hi):
      return ClipLanes(lo: FloatVector(repeating: lo), hi: FloatVector(repeating: hi))(x)
    case .sigmoid: return SigmoidLanes()(x)
    case .hardSigmoid(let alpha, let beta): return HardSigmoidLanes(alpha: alpha, beta: beta)(x)
    case .hardSwish: return HardSwishLanes()(x)
    case .silu: return SiLULanes()(x)
    }
  }

  /// `destination[i] = act(source[i] * scale + bias + residual[i])` for `count` values (the
  /// residual term left out when nil, and only allowed with `scale == 1`); `destination` may be
  /// `source`.
  /// - Complexity: O(count).
  func map(
    _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1,
    bias: Float = 0, residual: UnsafePointer<Float>? = nil
  ) {
    precondition(scale == 1 || residual == nil, "Activation.map: a residual needs scale 1")
    switch self {
    case .none:
      mapLanes(
        IdentityLanes(), source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .relu:
      mapLanes(ReluLanes(), source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .clip(let lo, let hi):
      let f = ClipLanes(lo: FloatVector(repeating: lo), hi: FloatVector(repeating: hi))
      mapLanes(f, source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .sigmoid:
      mapLanes(
        SigmoidLanes(), source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .hardSigmoid(let alpha, let beta):
      let f = HardSigmoidLanes(alpha: alpha, beta: beta)
      mapLanes(f, source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .hardSwish:
      mapLanes(
        HardSwishLanes(), source, destination, count: count, scale: scale, bias: bias, residual: residual)
    case .silu:
      mapLanes(SiLULanes(), source, destination, count: count, scale: scale, bias: bias, residual: residual)
    }
  }

  /// Applies the activation from `source` to `destination` (which may be the same memory).
  /// - Complexity: O(count).
  func apply(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int) {
    if self == .none {
      if UnsafePointer(destination) != source { destination.update(from: source, count: count) }
      return
    }
    map(source, destination, count: count)
  }

  /// `values[i] = act(values[i] + bias + residual[i])` for `count` values, in place; the
  /// residual term is left out when `residual` is nil.
  /// - Complexity: O(count).
  func applyWithBias(
    _ values: UnsafeMutablePointer<Float>, count: Int, bias: Float, residual: UnsafePointer<Float>? = nil
  ) {
    map(values, values, count: count, bias: bias, residual: residual)
  }
}
