import ArgumentParser
import ChexImaging
import Foundation

/// `chexstats-bench decode FILE [runs]`: times `ImageDecoder.decode(path:)` (reading the file, from
/// the page cache after the first run, and decoding it) on one image. Prints the median and
/// minimum milliseconds, then every run's time in order after `times`. `notebooks-export/bench_decoding.py` times Pillow's
/// `Image.open(p).load()` on the same files in the same session.
struct DecodeBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Time the image decoders on one JPEG, PNG or DICOM file (use a release build).")

  @Argument(help: "The image file.")
  var file: String

  @Argument(help: "Timed runs (after one untimed decode).")
  var runs: Int = 20

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("runs must be at least 1.") }
  }

  func run() throws {
    let image = try ImageDecoder.decode(path: file)
    var times: [Double] = []
    for _ in 0..<runs {
      let start = Date()
      _ = try ImageDecoder.decode(path: file)
      times.append(Date().timeIntervalSince(start) * 1000)
    }
    let order = times.map { String(format: "%.3f", $0) }.joined(separator: " ")
    times.sort()
    print(
      String(
        format: "%@: %d x %d %@ %d-bit, median %.2f ms, min %.2f ms over %d runs", file, image.width,
        image.height, image.layout.name, image.storageBits, times[times.count / 2], times[0], runs)
        + "; times " + order)
  }
}
