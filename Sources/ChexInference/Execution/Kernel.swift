import Dispatch
import Foundation
import Synchronization

/// Pointers a kernel reads and writes during one step. Inputs may alias the output when the
/// memory plan runs the step in place (only elementwise kernels allow that).
struct KernelIO {
  let inputs: [UnsafeMutablePointer<Float>]
  let outputs: [UnsafeMutablePointer<Float>]
  /// Scratch space of at least `scratchCount` floats for work done on the calling thread.
  let scratch: UnsafeMutablePointer<Float>
  /// The threads a kernel may split its work across (each with its own scratch).
  let workers: Workers

  init(
    inputs: [UnsafeMutablePointer<Float>], outputs: [UnsafeMutablePointer<Float>],
    scratch: UnsafeMutablePointer<Float>, workers: Workers? = nil
  ) {
    self.inputs = inputs
    self.outputs = outputs
    self.scratch = scratch
    self.workers = workers ?? Workers(count: 1, scratch: scratch, scratchStride: 0)
  }
}

/// Threads that run the chunks of one kernel (intra-op parallelism for a single image).
///
/// A kernel chooses how many chunks to cut its work into from its shapes alone, and each chunk
/// does the same arithmetic whichever thread takes it, so results do not depend on the number
/// of threads. Chunks are handed out dynamically (a shared counter), which keeps both cores busy
/// when one of them is slowed by other load.
struct Workers {
  let count: Int
  /// `count` scratch areas of `scratchStride` floats, one per thread.
  let scratch: UnsafeMutablePointer<Float>
  let scratchStride: Int
  /// Persistent helper threads for `count` > 1 (without one, `DispatchQueue.concurrentPerform`).
  var team: ThreadTeam? = nil

  /// Runs `body(chunk, scratch)` for every chunk in `0..<chunks`, on up to `count` threads.
  /// - Complexity: the sum of the chunks' costs divided by the threads, plus one dispatch.
  func forEach(chunks: Int, _ body: (_ chunk: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
    let threads = min(count, chunks)
    if threads <= 1 {
      for chunk in 0..<chunks { body(chunk, scratch) }
      return
    }
    let next = Atomic<Int>(0)
    let stride = scratchStride
    withoutActuallyEscaping(body) { body in
      // The kernels' closures capture raw pointers into memory that this call owns until it
      // returns, and each chunk writes a disjoint part of it.
      let shared = UncheckedSendable((body, scratch))
      // Each thread takes the next chunk until none is left, with its own scratch area.
      let drain: @Sendable (Int) -> Void = { thread in
        let (body, scratch) = shared.value
        let own = scratch + thread * stride
        while true {
          let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
          if chunk >= chunks { break }
          body(chunk, own)
        }
      }
      if let team, team.count == count {
        team.run(drain)
      } else {
        DispatchQueue.concurrentPerform(iterations: threads, execute: drain)
      }
    }
  }
}

/// A value handed to other threads under a safety argument made where it is created.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// When a kernel splits its work: below these sizes one dispatch to the other threads costs
/// more than it saves, so the kernel runs as one chunk.
enum Parallelism {
  /// Chunks a large step is cut into; fixed, so that the arithmetic does not depend on the
  /// thread count.
  static let parts = 4
  /// Multiply-adds of a matrix product (sgemm) below which it stays one chunk.
  static let minimumMultiplyAdds = 1 << 21
  /// Values touched by a memory-bound step (elementwise, pooling, depthwise taps) below which
  /// it stays one chunk.
  static let minimumValues = 1 << 16
}

/// Splits `0..<count` into `parts` nearly equal ranges whose bounds (except the last) are
/// multiples of `alignment`; returns range `index`.
func chunkRange(_ index: Int, of parts: Int, count: Int, alignment: Int = 1) -> Range<Int> {
  let size = (count + parts - 1) / parts
  let aligned = (size + alignment - 1) / alignment * alignment
  let lower = min(index * aligned, count)
  return lower..<min(lower + aligned, count)
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
