import ArgumentParser
import ChexFiles
import ChexImaging
import ChexScoring

extension Preprocessing.Preset: ExpressibleByArgument {}
extension Preprocessing.Resize: ExpressibleByArgument {}
extension Preprocessing.Interpolation: ExpressibleByArgument {}

/// How radiographs become the model's input; shared by `score` and `preprocess`. A preset alone,
/// a preset with some fields changed (then recorded as custom), fully custom fields, or the
/// `preprocessing` of an earlier run's `run.json`.
struct PreprocessingArguments: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "chexpert (shorter side to 320, Pillow bilinear, center crop 320, 3 channels, ImageNet mean/std) or xrv "
        + "(torchxrayvision: 1 channel, square center crop, 224, [-1024, 1024]).",
      valueName: "chexpert|xrv"))
  var preset: Preprocessing.Preset?

  @Option(help: "Output side in pixels (1 to \(Preprocessing.maxSize)); makes the preprocessing custom.")
  var size: Int?

  @Option(
    help: ArgumentHelp(
      "Geometry: short-side-crop (shorter side to --size, center crop), squash (both sides to --size), pad "
        + "(longer side to --size, zero padding centred) or crop-resize (square center crop, then --size).",
      valueName: "mode"))
  var resize: Preprocessing.Resize?

  @Option(help: ArgumentHelp("Resampling filter, both exactly as Pillow's.", valueName: "bilinear|nearest"))
  var interpolation: Preprocessing.Interpolation?

  @Option(help: ArgumentHelp("Per-channel mean subtracted from values in [0, 1].", valueName: "a,b,c"))
  var mean: String?

  @Option(help: ArgumentHelp("Per-channel standard deviation the values are divided by.", valueName: "a,b,c"))
  var std: String?

  @Option(help: ArgumentHelp("Channels of the model's input.", valueName: "1|3"))
  var channels: Int?

  @Option(
    name: .customLong("preprocessing-from"),
    help: ArgumentHelp(
      "Use the preprocessing recorded in an earlier run's run.json.", valueName: "RUN_DIR/run.json"))
  var preprocessingFrom: String?

  var isCustomised: Bool {
    size != nil || resize != nil || interpolation != nil || mean != nil || std != nil || channels != nil
  }

  func validate() throws {
    if preprocessingFrom != nil, preset != nil || isCustomised {
      throw ValidationError(
        "--preprocessing-from takes the whole preprocessing; give no --preset, --size, ... with it")
    }
  }

  /// The preprocessing the options describe.
  func resolve() throws -> Preprocessing {
    if let path = preprocessingFrom {
      let data: [UInt8]
      do {
        data = [UInt8](try InputFile.read(path: path, limit: 1 << 24))
      } catch {
        throw CommandFailure("--preprocessing-from '\(path)' cannot be read: \(error.reason)")
      }
      do {
        return try ScoreRecord.preprocessing(of: .init(data), path: path)
      } catch {
        throw CommandFailure("--preprocessing-from \(error)")
      }
    }
    let base = Preprocessing(preset: preset ?? .chexpert)
    guard isCustomised else { return base }
    let channels = self.channels ?? base.channels
    func numbers(_ text: String?, option: String, default fallback: [Double]) throws -> [Double] {
      guard let text else {
        // A preset's mean/std fit its channels; with another channel count they must be given.
        guard fallback.count == channels else {
          throw ValidationError(
            "--\(option) needs \(channels) value\(channels == 1 ? "" : "s") for --channels \(channels)")
        }
        return fallback
      }
      let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
        Double($0.trimmingSpaces)
      }
      guard values.allSatisfy({ $0 != nil }) else {
        throw ValidationError("--\(option) expects comma-separated numbers, got '\(text)'")
      }
      return values.compactMap { $0 }
    }
    do {
      return try Preprocessing(
        size: size ?? base.size, resize: resize ?? base.resize,
        interpolation: interpolation ?? base.interpolation,
        channels: channels, intensity: base.intensity,
        mean: try numbers(mean, option: "mean", default: base.mean),
        std: try numbers(std, option: "std", default: base.std))
    } catch let error as PreprocessingError {
      throw ValidationError(error.description)
    }
  }
}

extension Substring {
  fileprivate var trimmingSpaces: String {
    var text = self
    while text.first == " " { text = text.dropFirst() }
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
