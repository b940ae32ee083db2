import ArgumentParser
import ChexImaging
import ChexInference
import ChexScoring
import Foundation

/// `chexstats preprocess --images ROOT --list LIST.csv --output X.npy`: the tensor `score` feeds.
struct Preprocess: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preprocess",
    abstract:
      "Write the float32 NCHW batch score would feed the models, as .npy, to compare with another pipeline."
  )

  /// At most 2^28 floats (1 GiB; 873 images at 3 x 320 x 320): the batch is built in memory, and
  /// this command is for checking a pipeline on some images; `score` streams any number.
  static let maxElements = 1 << 28

  @OptionGroup(title: "Images")
  var images: ImageListArguments

  @Option(help: "Where to write the batch as float32 .npy (replaced atomically; - is standard output).")
  var output: String

  @OptionGroup(title: "Preprocessing")
  var preprocessing: PreprocessingArguments

  @Option(help: "Threads decoding images (1 to \(Limits.maxThreads); default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func validate() throws {
    guard (1...Limits.maxThreads).contains(threads) else {
      throw ValidationError("--threads must be between 1 and \(Limits.maxThreads), got \(threads).")
    }
  }

  func run() throws {
    try reportingFailures {
      let destination = try OutputFile(path: output, option: "--output", inputs: [images.list])
      let list = try images.load()
      let preprocessing = try preprocessing.resolve()
      let perImage = preprocessing.elementCount
      let (total, overflow) = list.entries.count.multipliedReportingOverflow(by: perImage)
      guard !overflow, total <= Self.maxElements else {
        throw CommandFailure(
          "\(list.entries.count) images of \(preprocessing.tensorShape) are more than the \(Self.maxElements) floats "
            + "preprocess holds in memory; give a shorter list (score streams any number)")
      }
      let preparation = ImagePreparation(preprocessing: preprocessing)
      let (data, errors) = ImagePreparation.prepare(list.entries[...], perImage: perImage, threads: threads) {
        entry, slot throws(ScoringError) in try preparation.prepare(entry, into: slot)
      }
      if let first = errors.keys.min(), let error = errors[first] {
        throw CommandFailure("\(error) (list '\(list.path)', line \(list.entries[first].line))")
      }
      try destination.write(
        NumPy.encode(Tensor(shape: [list.entries.count] + preprocessing.tensorShape, data: data)))
    }
  }
}
