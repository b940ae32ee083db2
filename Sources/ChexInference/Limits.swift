/// The sizes the engine accepts from a model or a `.npy` file, in one place.
///
/// Every size computed from file data (a tensor shape, a pad, a folded constant, the plan's
/// working memory) is checked against these with overflow-checked arithmetic before anything is
/// allocated; exceeding one is an `InferenceError.limit` naming the node or file, the size asked
/// for and the limit. The README's "What chexstats refuses and why" lists them.
public enum Limits {
  /// Elements in one tensor: 2^31 - 1 (just under 8 GiB of float32).
  ///
  /// OpenBLAS's `sgemm` and chexstats' own kernels index with 32-bit integers, so no larger
  /// tensor could be computed anyway; the largest activation of the classifiers this tool runs
  /// (DenseNet-121 at 224 x 224, batch 1: 256 x 56 x 56 = 802,816) is 2,600 times smaller.
  public static let maxTensorElements = Int(Int32.max)

  /// Elements of a constant folded while compiling: 2^28 (2 GiB, since folded values are held as
  /// `Double`). Folding only meets shape arithmetic, masks and weights; the largest weight of
  /// the supported classifiers (VGG-16's first fully connected layer) has 102.8 million.
  public static let maxConstantElements = 1 << 28

  /// Floats of working memory (activation arena plus every thread's scratch) one plan may use:
  /// 2^32 (16 GiB), two thirds of this project's 24 GB machines. A classifier keeps a few
  /// activations alive at once, each under a million floats at 224 x 224.
  public static let maxWorkingElements = 1 << 32

  /// At most 64 dimensions per tensor, NumPy's own limit (`NPY_MAXDIMS` since NumPy 2.0); the
  /// classifiers this tool runs use at most 4, and a rank from a model's axes list must not turn
  /// shape bookkeeping quadratic in the file's size.
  public static let maxRank = 64

  /// At most 256 worker threads per session: each thread keeps its own scratch and the arena
  /// is per image, so threads beyond the cores only multiply memory (40,000 threads took 2.2 GB
  /// and 35 s for a tiny model); 256 is above the core count of any machine this runs on.
  public static let maxThreads = 256

  /// The product of `shape`, or nil when it overflows `Int` or exceeds `limit`.
  /// - Complexity: O(rank).
  public static func elementCount(_ shape: [Int], limit: Int = maxTensorElements) -> Int? {
    var count = 1
    for size in shape {
      guard size >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow else { return nil }
      count = product
    }
    return count <= limit ? count : nil
  }

  /// `shape`'s element count in words for an error: the exact product, or "more than 2^63"
  /// when it overflows.
  static func describeCount(_ shape: [Int]) -> String {
    var count = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      if overflow { return "more than 2^63" }
      count = product
    }
    return String(count)
  }
}
