import ArgumentParser
import ChexInference
import ChexONNX
import Foundation

/// `chexstats-bench load MODEL.onnx [--shape 1,3,320,320] [--repeats 7] [--kernels K]`: times
/// loading a model as a tool does before its first image: `ONNXLoader.load` (read, decode,
/// convert), `InferenceSession.init` (checks) and `prepare(inputShape:)` (lowering, folding,
/// fusion, kernel selection, weight packing, memory plan). One untimed load first (page cache,
/// first-touch of the allocator), then `repeats` timed ones; prints the median of each phase and
/// of the total, in seconds. `notebooks-export/bench_load.py` times onnxruntime's session creation
/// in the same run.
struct LoadBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract: "Time loading and compiling an ONNX model (use a release build).")

  @Argument(help: "The .onnx model.")
  var model: String

  @Option(help: "The input shape the plan is compiled for, comma-separated.")
  var shape: String = "1,3,320,320"

  @Option(help: "Timed loads after one untimed load.")
  var repeats: Int = 7

  @Option(help: "Convolution kernels: automatic, fast or openblas.")
  var kernels: ConvolutionKernels = .automatic

  func validate() throws {
    guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be between 1 and 1000.") }
    guard parsedShape != nil else {
      throw ValidationError("--shape must be positive integers separated by commas.")
    }
  }

  private var parsedShape: [Int]? {
    let parts = shape.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
    return parts.compactMap { $0 }
  }

  func run() throws {
    guard let inputShape = parsedShape else { return }
    var phases: [[Double]] = [[], [], [], []]
    for iteration in 0...repeats {
      let start = Date()
      let loaded = try ONNXLoader.load(path: model)
      let parsed = Date()
      let session = try InferenceSession(model: loaded, threads: 1, kernels: kernels)
      let checked = Date()
      try session.prepare(inputShape: inputShape)
      let prepared = Date()
      guard iteration > 0 else { continue }
      phases[0].append(parsed.timeIntervalSince(start))
      phases[1].append(checked.timeIntervalSince(parsed))
      phases[2].append(prepared.timeIntervalSince(checked))
      phases[3].append(prepared.timeIntervalSince(start))
    }
    let medians = phases.map { times in times.sorted()[times.count / 2] }
    print(
      String(
        format: "chexstats %@ kernels=%@ load=%.4fs session=%.4fs prepare=%.4fs median=%.4fs min=%.4fs",
        (model as NSString).lastPathComponent, kernels.engineDescription, medians[0], medians[1], medians[2],
        medians[3], phases[3].min() ?? 0))
  }
}
