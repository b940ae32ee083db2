import ArgumentParser
import ChexInference
import ChexONNX

/// `chexstats run MODEL.onnx --input X.npy --output Y.npy [--threads N]`: runs an ONNX classifier
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

  @Option(help: "Worker threads across the images of the batch.")
  var threads: Int = 1

  func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
  }

  /// Errors (unreadable files, unsupported ops, wrong input shape) print as one sentence and
  /// exit with status 1.
  func run() throws {
    let loaded = try ONNXLoader.load(path: model)
    let batch = try NumPy.read(path: input)
    let session = try InferenceSession(model: loaded, threads: threads)
    guard let result = try session.run(batch).first else {
      throw InferenceError.invalidModel(detail: "'\(model)' produced no output")
    }
    try NumPy.write(result, path: output)
  }
}
