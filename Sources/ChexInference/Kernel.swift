import Foundation

/// Pointers a kernel reads and writes during one step. Inputs may alias the output when the
/// memory plan runs the step in place (only elementwise kernels allow that).
struct KernelIO {
  let inputs: [UnsafeMutablePointer<Float>]
  let outputs: [UnsafeMutablePointer<Float>]
  /// Per-thread scratch space of at least `scratchCount` floats.
  let scratch: UnsafeMutablePointer<Float>
}

/// A compiled operation with every shape fixed: the unit the executor runs.
protocol Kernel: Sendable {
  /// Floats of scratch space `run` needs (0 by default).
  var scratchCount: Int { get }
  func run(_ io: KernelIO)
}

extension Kernel {
  var scratchCount: Int { 0 }
}

/// A pointwise activation, as a standalone op or fused into a producer's epilogue.
enum Activation: Sendable, Equatable {
  case none
  case relu
  case clip(min: Float, max: Float)
  case sigmoid
  case hardSigmoid(alpha: Float, beta: Float)
  case hardSwish
  /// `x * sigmoid(x)`: a Sigmoid and a Mul fused (EfficientNet's SiLU).
  case silu

  /// The activation of one value (the same arithmetic as the vector form in Vector.swift).
  @inline(__always)
  func callAsFunction(_ x: Float) -> Float {
    switch self {
    case .none: return x
    case .relu: return x > 0 ? x : 0
    case .clip(let lo, let hi): return Swift.min(Swift.max(x, lo), hi)
    case .sigmoid, .silu: return self(FloatVector(repeating: x))[0]
    case .hardSigmoid(let alpha, let beta): return Swift.max(0, Swift.min(1, alpha * x + beta))
    case .hardSwish: return x * Swift.max(0, Swift.min(1, x * (1 / 6) + 0.5))
    }
  }
}

/// Copies a tensor (used when a graph output is a constant or must be duplicated).
struct CopyKernel: Kernel {
  let count: Int
  func run(_ io: KernelIO) {
    io.outputs[0].update(from: io.inputs[0], count: count)
  }
}
