import ArgumentParser
import ChexImaging
import ChexInference
import Foundation

/// `chexstats-bench preprocess RAW WIDTH HEIGHT [bits] [preset] [runs] [OUTPUT.npy]`: times
/// ``Preprocessing/apply(_:into:)`` on one gray film given as raw samples (8-bit, or 16-bit
/// little-endian), one thread. Prints the median and minimum milliseconds.
/// `notebooks-export/bench_preprocess.py` writes the film and times Pillow + torchvision on it in
/// the same session.
struct PreprocessBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preprocess",
    abstract: "Time the preprocessing of one raw gray film (use a release build).")

  @Argument(help: "Raw samples, row-major: one byte each, or two (little-endian) with bits > 8.")
  var raw: String

  @Argument(help: "Width in pixels.")
  var width: Int

  @Argument(help: "Height in pixels.")
  var height: Int

  @Argument(help: "Bits per sample (8 to 16).")
  var bits: Int = 8

  @Argument(help: "Preset: chexpert or xrv.")
  var preset: String = "chexpert"

  @Argument(help: "Timed runs (after 0.3 s of warm-up).")
  var runs: Int = 50

  @Argument(help: "Where to write the tensor as float32 .npy (empty: nowhere).")
  var output: String = ""

  func validate() throws {
    guard width > 0, height > 0, (8...16).contains(bits), runs >= 1 else {
      throw ValidationError("width and height must be positive, bits 8 to 16, runs at least 1.")
    }
    guard Preprocessing.Preset(rawValue: preset) != nil else {
      throw ValidationError("preset must be chexpert or xrv, got '\(preset)'.")
    }
  }

  func run() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    let count = width * height
    let samples: Image.Samples
    if bits == 8 {
      guard bytes.count == count else {
        throw ValidationError("\(raw): \(bytes.count) bytes, expected \(count)")
      }
      samples = .uint8(bytes)
    } else {
      guard bytes.count == 2 * count else {
        throw ValidationError("\(raw): \(bytes.count) bytes, expected \(2 * count)")
      }
      samples = .uint16((0..<count).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 })
    }
    let image = Image(
      width: width, height: height, layout: .gray, samples: samples, maxValue: (1 << bits) - 1)
    guard let kind = Preprocessing.Preset(rawValue: preset) else { return }
    let preprocessing = Preprocessing(preset: kind)
    var tensor = [Float](repeating: 0, count: preprocessing.elementCount)
    let warmStart = Date()
    while Date().timeIntervalSince(warmStart) < 0.3 {
      tensor.withUnsafeMutableBufferPointer { preprocessing.apply(image, into: $0) }
    }
    var times: [Double] = []
    for _ in 0..<runs {
      let start = Date()
      tensor.withUnsafeMutableBufferPointer { preprocessing.apply(image, into: $0) }
      times.append(Date().timeIntervalSince(start) * 1000)
    }
    if !output.isEmpty {
      let encoded = NumPy.encode(Tensor(shape: preprocessing.tensorShape, data: tensor))
      try Data(encoded).write(to: URL(fileURLWithPath: output), options: .atomic)
    }
    times.sort()
    let median = times[times.count / 2]
    print(
      String(
        format: "preprocess %@ %dx%d %d-bit: median %.3f ms, min %.3f ms (%d runs)", preset, width, height,
        bits,
        median, times[0], runs))
  }
}
