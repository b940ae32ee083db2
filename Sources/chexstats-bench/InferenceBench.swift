import ArgumentParser
import ChexInference
import ChexONNX
import Foundation

/// `chexstats-bench inference MODEL.onnx INPUT.npy [threads] [runs] [OUTPUT.npy] [kernels]`: times
/// ChexInference on one model and batch. Prints the median and minimum milliseconds per batch
/// and images per second; `CHEXBENCH_TIMES=1` also prints every run, in order, and
/// `CHEXBENCH_PROFILE=1` the mean time of every step of the plan (`InferenceSession.profile`).
/// `notebooks-export/bench_inference.py` runs the onnxruntime anchor in the same session.
struct InferenceBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inference",
    abstract: "Time the ONNX engine on one model and one .npy batch (use a release build).")

  @Argument(help: "The .onnx model.")
  var model: String

  @Argument(help: "The input batch: float32 .npy, [N, C, H, W].")
  var input: String

  @Argument(help: "Worker threads across the images of the batch.")
  var threads: Int = 1

  @Argument(help: "Timed runs (after 0.3 s of warm-up).")
  var runs: Int = 10

  @Argument(help: "Where to write the first run's output as .npy (empty: nowhere).")
  var output: String = ""

  @Argument(help: "Convolution kernels: automatic, fast or openblas.")
  var kernels: ConvolutionKernels = .automatic

  func validate() throws {
    guard (1...Limits.maxThreads).contains(threads), runs >= 1 else {
      throw ValidationError("threads must be between 1 and \(Limits.maxThreads), and runs at least 1.")
    }
  }

  func run() throws {
    let loaded = try ONNXLoader.load(path: model)
    let batch = try NumPy.read(path: input)
    let session = try InferenceSession(model: loaded, threads: threads, kernels: kernels)
    let compileStart = Date()
    try session.prepare(inputShape: batch.shape)
    let compile = Date().timeIntervalSince(compileStart)
    let first = try session.run(batch)
    // Warm-up for at least 0.3 s: a new helper thread starts on the caller's core, and the
    // scheduler takes some tens of milliseconds to move it to the other one.
    let warmStart = Date()
    while Date().timeIntervalSince(warmStart) < 0.3 { _ = try session.run(batch) }
    if !output.isEmpty, let result = first.first {
      try NumPy.write(result, path: output)
    }
    var times: [Double] = []
    for _ in 0..<runs {
      let start = Date()
      _ = try session.run(batch)
      times.append(Date().timeIntervalSince(start) * 1000)
    }
    let environment = ProcessInfo.processInfo.environment
    if environment["CHEXBENCH_TIMES"] != nil {
      print(times.map { String(format: "%.1f", $0) }.joined(separator: " "))
    }
    if environment["CHEXBENCH_PROFILE"] != nil {
      let steps = try session.profile(batch, runs: runs)
      let total = steps.reduce(0) { $0 + $1.seconds }
      for step in steps {
        let rate = step.flopsPerSecond.map { String(format: " %5.0f GFLOP/s", $0 / 1e9) } ?? ""
        print(
          String(format: "%4d %8.3f ms %5.1f %%", step.index, step.seconds * 1000, 100 * step.seconds / total)
            + rate + "  " + step.operation)
      }
      print(String(format: "steps %.2f ms", total * 1000))
    }
    times.sort()
    let median = times[times.count / 2]
    let images = Double(batch.shape.first ?? 1)
    print(
      String(
        format: "chexstats %@ threads=%d kernels=%@ compile=%.0fms median=%.2fms min=%.2fms images/s=%.1f",
        (model as NSString).lastPathComponent, threads, kernels.engineDescription, compile * 1000,
        median, times[0], images / median * 1000))
  }
}

extension ConvolutionKernels: ExpressibleByArgument {}
