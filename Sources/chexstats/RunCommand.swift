import ArgumentParser
import ChexInference
import ChexONNX
import Foundation

/// `chexstats run MODEL.onnx --input X.npy --output Y.npy [--threads N] [--kernels K]`: runs an ONNX classifier
/// on a float32 NCHW batch stored as `.npy` and writes the first graph output as `.npy`.
struct RunModel: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run an ONNX image classifier on a float32 .npy batch and write its output as .npy."
  )

  @Argument(help: "The .onnx model file.")
  var model: String

  @Option(help: "Input batch: float32 .npy in C order, shape [N, C, H, W].")
  var input: String

  @Option(help: "Where to write the output (first graph output) as float32 .npy.")
  var output: String

  @Option(help: "Worker threads across the images of the batch (1 to \(Limits.maxThreads)).")
  var threads: Int = 1

  @Option(
    help: ArgumentHelp(
      "Convolution kernels: automatic (chexstats' own AVX-512 kernels where the CPU has them), fast (the same "
        + "with Winograd F(4x4, 3x3): 2-10% faster on ResNets and DenseNets, float32 rounding 4-7x larger in "
        + "those layers) or openblas.",
      valueName: "automatic|fast|openblas"))
  var kernels: ConvolutionKernels = .automatic

  func validate() throws {
    guard (1...Limits.maxThreads).contains(threads) else {
      throw ValidationError("--threads must be between 1 and \(Limits.maxThreads), got \(threads).")
    }
  }

  /// Load, compute, write. Errors (unreadable files, unsupported ops, wrong input shape) are
  /// one line on standard error naming the file: the loader's and the .npy reader's errors
  /// already do; the engine's name the op and node, so the model and input are added.
  func run() throws {
    try reportingFailures {
      let loaded = try ONNXLoader.load(path: model)
      let batch = try NumPy.read(path: input)
      let session = try inContext("ONNX model '\(model)' cannot be run") {
        try InferenceSession(model: loaded, threads: threads, kernels: kernels)
      }
      let outputs = try inContext("ONNX model '\(model)' on input '\(input)'") { try session.run(batch) }
      guard let result = outputs.first else {
        throw CommandFailure("ONNX model '\(model)' produced no output")
      }
      try NumPy.write(result, path: output)
    }
  }
}

extension ConvolutionKernels: ExpressibleByArgument {}
