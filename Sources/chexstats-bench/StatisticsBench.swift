import ArgumentParser
import ChexLinalg
import ChexStats
import Dispatch
import Foundation

/// `chexstats-bench statistics`: the sort, DeLong and the paired bootstrap on seeded data.
struct StatisticsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "statistics",
    abstract: "Time chexstats's statistics on synthetic data (use a release build).",
    discussion: """
      Generates seeded binormal data (2 correlated models, T tasks, prevalence 0.3, 2 decimal \
      scores so that ties occur), then times one sort per model and task, DeLong for every task, \
      and the paired bootstrap (the same resamples for every task and both models), at each n. \
      notebooks-export/bench_bootstrap.py runs scikit-learn and pROC on the same job in the same \
      run and prints the ratios.
      """)

  @Option(parsing: .upToNextOption, help: "Study counts to time.")
  var n: [Int] = [500, 5_000, 50_000]

  @Option(help: "Tasks per model.")
  var tasks: Int = 14

  @Option(help: "Bootstrap replicates.")
  var replicates: Int = 1000

  @Option(parsing: .upToNextOption, help: "Thread counts to time.")
  var threads: [Int] = [1, ProcessInfo.processInfo.activeProcessorCount]

  @Option(help: "Timed repetitions per configuration (the median is reported).")
  var repeats: Int = 3

  /// At most 10^7 studies per configuration: the benchmark's sizes go by decades to 10^6, and
  /// the synthetic data (two models' scores and the labels: 24 bytes per study and task) must fit
  /// the same memory budget as the bootstrap's storage.
  static let maxStudies = 10_000_000
  /// At most 1,000 tasks (CheXpert has 14) and 1,000 timed repetitions (the median of 3 is the
  /// documented protocol).
  static let maxTasks = 1_000
  static let maxRepeats = 1_000

  func validate() throws {
    func check(_ option: String, _ values: [Int], _ range: ClosedRange<Int>) throws {
      for value in values where !range.contains(value) {
        throw ValidationError(
          "--\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value).")
      }
    }
    try check("n", n, 2...Self.maxStudies)
    try check("tasks", [tasks], 1...Self.maxTasks)
    try check("replicates", [replicates], 1...BootstrapDesign.maxReplicates)
    try check("repeats", [repeats], 1...Self.maxRepeats)
    try check("threads", threads, 1...BootstrapDesign.maxThreads)
    let limit = BootstrapDesign.maxStorageBytes
    let storage = BootstrapDesign(replicates: replicates).storageBytes(models: 2, tasks: tasks) ?? .max
    guard storage <= limit else {
      throw ValidationError(
        "--replicates \(replicates) with 2 models and \(tasks) tasks needs \(storage) bytes of bootstrap "
          + "storage, more than the limit of \(limit) bytes.")
    }
    // Within the bounds above, 24 x n x tasks is at most 2.4 x 10^11: no overflow.
    for size in n where 24 * size * tasks > limit {
      throw ValidationError(
        "--n \(size) with \(tasks) tasks needs \(24 * size * tasks) bytes of synthetic data, more than the "
          + "limit of \(limit) bytes.")
    }
  }

  func run() throws {
    print(
      "chexstats-bench statistics: paired bootstrap of AUROC, 2 models x \(tasks) tasks, \(replicates) replicates"
    )
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; OpenBLAS kernels \(BLAS.coreName)")
    print("")
    print(
      "| n | threads | sort + DeLong (ms) | bootstrap (ms) | per replicate (us) | ns per study-task-model |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in n {
      let data = Synthetic(n: size, tasks: tasks, seed: 1)
      for t in threads {
        var setupTimes: [Double] = []
        var bootTimes: [Double] = []
        for _ in 0..<repeats {
          let start = DispatchTime.now()
          let rankedA = (0..<tasks).map { RankedScores(labels: data.labels[$0], scores: data.a[$0]) }
          let rankedB = (0..<tasks).map { RankedScores(labels: data.labels[$0], scores: data.b[$0]) }
          var checksum = 0.0
          for k in 0..<tasks { checksum += DeLong.compare(rankedA[k], rankedB[k])?.z ?? 0 }
          let middle = DispatchTime.now()
          let boot = Bootstrap.aurocs(
            [rankedA, rankedB], design: BootstrapDesign(replicates: replicates, seed: 2), threads: t)
          let end = DispatchTime.now()
          checksum += boot.values[0]
          precondition(checksum.isFinite || checksum.isNaN)
          setupTimes.append(Double(middle.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
          bootTimes.append(Double(end.uptimeNanoseconds - middle.uptimeNanoseconds) / 1e6)
        }
        let setup = median(setupTimes)
        let boot = median(bootTimes)
        let perReplicate = boot * 1000 / Double(replicates)
        let perUnit = boot * 1e6 / Double(replicates * size * tasks * 2)
        print(
          "| \(size) | \(t) | \(String(format: "%.2f", setup)) | \(String(format: "%.1f", boot)) | \(String(format: "%.1f", perReplicate)) | \(String(format: "%.2f", perUnit)) |"
        )
      }
    }
  }

  func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
  }
}

/// Seeded binormal benchmark data: two models sharing a per-study component, scores rounded
/// to 2 decimals so that ties occur as in real probability files.
struct Synthetic {
  var labels: [[Bool?]] = []
  var a: [[Double]] = []
  var b: [[Double]] = []

  init(n: Int, tasks: Int, seed: UInt64) {
    var rng = Xoshiro256StarStar(seed: seed)
    func uniform() -> Double { (Double(rng.next() >> 11) + 0.5) / Double(1 << 53) }
    func normal() -> Double { Normal.quantile(uniform()) }
    for _ in 0..<tasks {
      var y: [Bool?] = []
      var x1: [Double] = []
      var x2: [Double] = []
      for _ in 0..<n {
        let positive = uniform() < 0.3
        let shared = normal()
        let shift = positive ? 1.2 : 0
        y.append(positive)
        x1.append(((shift + shared + normal()) * 25).rounded() / 100)
        x2.append(((0.9 * shift + shared + normal()) * 25).rounded() / 100)
      }
      labels.append(y)
      a.append(x1)
      b.append(x2)
    }
  }
}
