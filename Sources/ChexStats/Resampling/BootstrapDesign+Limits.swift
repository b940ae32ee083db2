/// The sizes a bootstrap accepts, in one place; the command-line tools check `--replicates` and
/// `--threads` against them before loading anything, and the storage before computing. The
/// README's "What chexstats refuses and why" lists them.
extension BootstrapDesign {
  /// At most 1,000,000 replicates: at 10^6 the Monte Carlo standard error of a 95% percentile
  /// limit, sqrt(0.025 x 0.975 / B) / phi(1.96), is 0.3% of the bootstrap standard deviation
  /// (0.00005 AUROC for an SD of 0.02), far below the sampling error of any test set, so more
  /// buys nothing; and 10^6 is where the storage budget below still admits a `compare` on every
  /// CheXpert task (10^6 x 2 models x 14 tasks x 8 bytes = 224 MB).
  public static let maxReplicates = 1_000_000

  /// At most 4 GiB of replicate AUROCs (`BootstrapAUROCs.values`: replicates x models x tasks
  /// doubles), a sixth of this project's 24 GB machines, which other builds share.
  public static let maxStorageBytes = 1 << 32

  /// At most 256 worker threads: the bootstrap splits replicates into one block per thread, so
  /// threads beyond the cores only add stacks and scheduling; 256 is above the core count of any
  /// machine this runs on.
  public static let maxThreads = 256

  /// The bytes of `BootstrapAUROCs.values` for this design with `models` models and `tasks`
  /// tasks, or nil when the product overflows `Int`.
  /// - Complexity: O(1).
  public func storageBytes(models: Int, tasks: Int) -> Int? {
    var bytes = 8
    for factor in [replicates, models, tasks] {
      let (product, overflow) = bytes.multipliedReportingOverflow(by: factor)
      guard !overflow else { return nil }
      bytes = product
    }
    return bytes
  }
}
