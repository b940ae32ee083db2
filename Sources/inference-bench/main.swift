// Times ChexInference on one model (CHEXBENCH_TIMES=1 also prints every run, in order;
// CHEXBENCH_PROFILE=1 then the mean time of every step of the plan, from `InferenceSession.profile`):
// `inference-bench MODEL.onnx INPUT.npy [threads] [runs] [OUTPUT.npy] [automatic|fast|openblas]`.
// Prints the median and minimum milliseconds per batch and images per second. Run with
// `swift run -c release inference-bench ...`; notebooks-export/bench_inference.py runs the
// onnxruntime anchor in the same session.
import ChexInference
import ChexONNX
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  print("usage: inference-bench MODEL.onnx INPUT.npy [threads] [runs]")
  exit(2)
}
let threads = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
let runs = arguments.count > 4 ? Int(arguments[4]) ?? 10 : 10
let kernels = arguments.count > 6 ? ConvolutionKernels(rawValue: arguments[6]) ?? .automatic : .automatic
do {
  let model = try ONNXLoader.load(path: arguments[1])
  let input = try NumPy.read(path: arguments[2])
  let session = try InferenceSession(model: model, threads: threads, kernels: kernels)
  let compileStart = Date()
  try session.prepare(inputShape: input.shape)
  let compile = Date().timeIntervalSince(compileStart)
  let first = try session.run(input)
  // Warm-up for at least 0.3 s: a new helper thread starts on the caller's core, and the
  // scheduler takes some tens of milliseconds to move it to the other one.
  let warmStart = Date()
  while Date().timeIntervalSince(warmStart) < 0.3 { _ = try session.run(input) }
  if arguments.count > 5, !arguments[5].isEmpty, let output = first.first {
    try NumPy.write(output, path: arguments[5])
  }
  var times: [Double] = []
  for _ in 0..<runs {
    let start = Date()
    _ = try session.run(input)
    times.append(Date().timeIntervalSince(start) * 1000)
  }
  if ProcessInfo.processInfo.environment["CHEXBENCH_TIMES"] != nil {
    print(times.map { String(format: "%.1f", $0) }.joined(separator: " "))
  }
  if ProcessInfo.processInfo.environment["CHEXBENCH_PROFILE"] != nil {
    let steps = try session.profile(input, runs: runs)
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
  let images = Double(input.shape.first ?? 1)
  print(
    String(
      format: "chexstats %@ threads=%d kernels=%@ compile=%.0fms median=%.2fms min=%.2fms images/s=%.1f",
      (arguments[1] as NSString).lastPathComponent, threads, kernels.engineDescription, compile * 1000,
      median,
      times[0], images / median * 1000))
} catch {
  print("error: \(error)")
  exit(1)
}
