import ArgumentParser
import ChexImaging
import ChexInference
import ChexScoring
import Dispatch
import Foundation
import Synchronization

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

  @Option(help: "The folder the list's paths are relative to.")
  var images: String

  @Option(help: "A CSV with a Path column.")
  var list: String

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
      let destination = try OutputFile(path: output, option: "--output", inputs: [list])
      let list = try ImageList.load(path: list, root: images)
      let preprocessing = try preprocessing.resolve()
      let perImage = preprocessing.elementCount
      let (total, overflow) = list.entries.count.multipliedReportingOverflow(by: perImage)
      guard !overflow, total <= Self.maxElements else {
        throw CommandFailure(
          "\(list.entries.count) images of \(preprocessing.tensorShape) are more than the \(Self.maxElements) floats "
            + "preprocess holds in memory; give a shorter list (score streams any number)")
      }
      var data = [Float](repeating: 0, count: total)
      let failure = Mutex<(Int, String)?>(nil)
      data.withUnsafeMutableBufferPointer { buffer in
        let shared = SharedBuffer(buffer: buffer)
        let workers = min(threads, list.entries.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          for index in stride(from: worker, to: list.entries.count, by: workers) {
            let slot = UnsafeMutableBufferPointer(
              rebasing: shared.buffer[(index * perImage)..<((index + 1) * perImage)])
            do throws(ImageError) {
              preprocessing.apply(try ImageDecoder.decode(path: list.entries[index].file), into: slot)
            } catch {
              failure.withLock { first in
                if let earlier = first, earlier.0 < index { return }
                first = (index, error.description)
              }
            }
          }
        }
      }
      if let (index, reason) = failure.withLock({ $0 }) {
        throw CommandFailure("\(reason) (list '\(list.path)', line \(list.entries[index].line))")
      }
      try destination.write(
        NumPy.encode(Tensor(shape: [list.entries.count] + preprocessing.tensorShape, data: data)))
    }
  }
}

/// A buffer whose disjoint slots the workers of `concurrentPerform` fill.
private struct SharedBuffer: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Float>
}
