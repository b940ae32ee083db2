import ArgumentParser
import ChexInference
import ChexONNX
import Foundation

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

  /// Errors (unreadable files, unsupported ops, wrong input shape) print as one line on standard
  /// error that names the file, and exit with status 1.
  func run() throws {
    do {
      try execute()
    } catch let failure as CommandFailure {
      FileHandle.standardError.write(Data("chexstats run: \(failure.description.singleLine)\n".utf8))
      throw ExitCode(1)
    }
  }

  /// Loads, runs and writes; every error comes back as a `CommandFailure` whose sentence names the
  /// file it is about (the loader's and the .npy reader's errors already do).
  private func execute() throws {
    let loaded: ONNXModel
    let batch: Tensor
    do {
      loaded = try ONNXLoader.load(path: model)
      batch = try NumPy.read(path: input)
    } catch {
      throw CommandFailure(String(describing: error))
    }
    let session: InferenceSession
    do {
      session = try InferenceSession(model: loaded, threads: threads)
    } catch {
      throw CommandFailure("ONNX model '\(model)' cannot be run: \(error)")
    }
    let result: Tensor
    do {
      guard let first = try session.run(batch).first else {
        throw CommandFailure("ONNX model '\(model)' produced no output")
      }
      result = first
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      throw CommandFailure("ONNX model '\(model)' on input '\(input)': \(error)")
    }
    do {
      try NumPy.write(result, path: output)
    } catch {
      throw CommandFailure(String(describing: error))
    }
  }
}

extension String {
  /// The text on one line: each line trimmed, the lines joined by one space. Error sentences may
  /// quote text from the user's file (a NumPy header ends in a newline; ONNX names can hold any
  /// character), and the CLI promises one line on standard error.
  var singleLine: String {
    split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: " ")
  }
}
