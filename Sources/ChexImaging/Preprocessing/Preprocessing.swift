/// How a decoded radiograph becomes a model's input tensor: geometry, filter, channels and
/// intensity, as one value recorded whole in a run's `run.json` (its JSON form is described in
/// `Preprocessing+Codable.swift`; applying it in `Preprocessing+Apply.swift`).
///
/// There is no single "CheXpert preprocessing": each model family was trained with its own, and
/// switching conventions moves logits by several units, so the convention is part of the model
/// and is always written down. Two presets name the common ones:
///
/// - ``chexpert`` (the default): the CheXpert group's torchvision transform
///   `Compose([Resize(320), CenterCrop(320), ToTensor(), Normalize(ImageNet)])` on
///   `Image.open(p).convert('RGB')`, reproduced bit for bit on 8-bit images.
/// - ``xrv``: torchxrayvision's convention, one channel, square center crop, 224 x 224,
///   intensities `(2 v / maxval - 1) * 1024`, resampled with Pillow's bilinear filter instead of
///   scikit-image's (`notebooks-export/xrv_vs_skimage.md` measures the difference).
///
/// Any other combination is a custom preprocessing (``init(size:resize:interpolation:channels:intensity:mean:std:)``).
///
/// References: `stanfordmlgroup/MoCo-CXR` (`chexpert_supervised`), `mlmed/torchxrayvision`
/// (`datasets.py`: `normalize`, `XRayCenterCrop`, `XRayResizer`), `rajpurkarlab/CheXzero`
/// (`data_process.py`: `preprocess`), `python-pillow/Pillow` (`src/libImaging/Resample.c`,
/// `Geometry.c`), torchvision 0.28 (`transforms/functional.py`).
public struct Preprocessing: Sendable, Hashable, CustomStringConvertible {
  /// A named convention whose fields are fixed.
  public enum Preset: String, Sendable, Hashable, CaseIterable {
    /// The CheXpert group's transform: 3 x 320 x 320, ImageNet statistics.
    case chexpert
    /// torchxrayvision's: 1 x 224 x 224, `(2 v / maxval - 1) * 1024`.
    case xrv
  }

  /// How the image is brought to `size x size`.
  public enum Resize: String, Sendable, Hashable, CaseIterable {
    /// torchvision's `Resize(size)` then `CenterCrop(size)`: the shorter side becomes `size`
    /// and the longer `int(size * long / short)` (truncated, as `_compute_resized_output_size`);
    /// an image already that size is not resampled at all. The crop starts at
    /// `round((new - size) / 2)` on each axis with Python's round-half-to-even
    /// (`functional.center_crop`: 34.5 -> 34, 35.5 -> 36).
    case shortSideCrop = "short-side-crop"
    /// Resized to `size x size` ignoring the aspect ratio (Keras' `load_img(target_size=)`).
    case squash
    /// The longer side becomes `size` and the shorter `floor(size * short / long)`, at least 1
    /// (torchvision's `max_size` rule, in exact integers), placed at
    /// `((size - w) / 2, (size - h) / 2)` (floor, as CheXzero's `paste`) on zero pixels. CheXzero computes `int(x * (size / long))` in
    /// floating point, which gives the longer side `size - 1` for some lengths (77 at 320);
    /// chexstats keeps the longer side at `size`.
    case pad
    /// torchxrayvision's `XRayCenterCrop` then resize: the square of side `c = min(H, W)` at
    /// row `H / 2 - c / 2`, column `W / 2 - c / 2` (integer division), resized to `size x size`.
    case cropResize = "crop-resize"
  }

  /// The resampling filter, both exactly as Pillow's `Image.resize`.
  public enum Interpolation: String, Sendable, Hashable, CaseIterable {
    /// Pillow's `BILINEAR`: a triangle filter widened by the scale when reducing (antialiased),
    /// separable, horizontal pass first; 22-bit fixed point on 8-bit images.
    case bilinear
    /// Pillow's `NEAREST` (Keras' default): source index `int(x0 + (i + 1/2) * in / out)` with the
    /// position accumulated step by step in double precision, as Pillow's affine scaling does.
    case nearest
  }

  /// How sample values become the floats the model reads, before `(x - mean) / std`.
  public enum Intensity: String, Sendable, Hashable, CaseIterable {
    /// `x = v / maxval` on [0, 1] (torchvision's `ToTensor` for 8-bit images: `v / 255`).
    case unit
    /// torchxrayvision's `normalize`: `x = (2 (v / maxval) - 1) * 1024` on [-1024, 1024],
    /// evaluated in float32 in that order.
    case xrv
  }

  /// The largest output side: 4096.
  ///
  /// Above every chest X-ray classifier's input (224 for torchxrayvision, 320 for CheXpert
  /// models, 512 to 1024 for the high-resolution ones) while keeping one tensor at most
  /// 3 x 4096 x 4096 floats (192 MiB), so a mistyped size in a `run.json` cannot ask for
  /// gigabytes per image.
  public static let maxSize = 4096

  /// The preset this value is, or `nil` for a custom preprocessing (`"preset": "custom"`).
  public let preset: Preset?
  /// The output side: the tensor is `channels x size x size`.
  public let size: Int
  public let resize: Resize
  public let interpolation: Interpolation
  /// 1 (gray) or 3 (gray replicated, or the file's RGB).
  public let channels: Int
  public let intensity: Intensity
  /// Subtracted per channel after ``intensity`` (on its scale: [0, 1] for ``Intensity/unit``).
  public let mean: [Double]
  /// Divided per channel after subtracting ``mean``; finite and positive.
  public let std: [Double]

  /// The CheXpert group's transform (the default).
  public static let chexpert = Preprocessing(preset: .chexpert)
  /// torchxrayvision's convention, resampled with Pillow's bilinear filter.
  public static let xrv = Preprocessing(preset: .xrv)

  /// ImageNet's channel means, as torchvision's models document them.
  public static let imageNetMean = [0.485, 0.456, 0.406]
  /// ImageNet's channel standard deviations.
  public static let imageNetStd = [0.229, 0.224, 0.225]

  /// The preset `preset`'s fixed fields.
  public init(preset: Preset) {
    self.preset = preset
    switch preset {
    case .chexpert:
      size = 320
      resize = .shortSideCrop
      interpolation = .bilinear
      channels = 3
      intensity = .unit
      mean = Self.imageNetMean
      std = Self.imageNetStd
    case .xrv:
      size = 224
      resize = .cropResize
      interpolation = .bilinear
      channels = 1
      intensity = .xrv
      mean = [0]
      std = [1]
    }
  }

  /// A custom preprocessing, validated.
  ///
  /// - Parameters:
  ///   - size: the output side, 1 to ``maxSize``.
  ///   - channels: 1 or 3.
  ///   - mean, std: one value per channel (default: 0 and 1, no change); `std` finite and
  ///     positive, `mean` finite.
  /// - Throws: ``PreprocessingError/invalidValue(key:found:expected:)`` naming the field.
  public init(
    size: Int, resize: Resize, interpolation: Interpolation = .bilinear, channels: Int,
    intensity: Intensity = .unit, mean: [Double]? = nil, std: [Double]? = nil
  ) throws(PreprocessingError) {
    try self.init(
      preset: nil, size: size, resize: resize, interpolation: interpolation, channels: channels,
      intensity: intensity, mean: mean ?? Array(repeating: 0, count: max(channels, 0)),
      std: std ?? Array(repeating: 1, count: max(channels, 0)))
  }

  /// Validates every field (the one check for both the custom initializer and decoding).
  init(
    preset: Preset?, size: Int, resize: Resize, interpolation: Interpolation, channels: Int,
    intensity: Intensity, mean: [Double], std: [Double]
  ) throws(PreprocessingError) {
    guard (1...Self.maxSize).contains(size) else {
      throw .invalidValue(key: "size", found: String(size), expected: "an integer from 1 to \(Self.maxSize)")
    }
    guard channels == 1 || channels == 3 else {
      throw .invalidValue(key: "channels", found: String(channels), expected: "1 or 3")
    }
    for (key, values) in [("mean", mean), ("std", std)] {
      guard values.count == channels else {
        throw .invalidValue(
          key: key, found: "\(values.count) value\(values.count == 1 ? "" : "s")",
          expected: "one value per channel (\(channels))")
      }
      for value in values where !value.isFinite || (key == "std" && value <= 0) {
        throw .invalidValue(
          key: key, found: String(value), expected: key == "std" ? "finite and positive" : "finite")
      }
    }
    self.preset = preset
    self.size = size
    self.resize = resize
    self.interpolation = interpolation
    self.channels = channels
    self.intensity = intensity
    self.mean = mean
    self.std = std
  }

  /// The tensor this writes: `[channels, size, size]` (CHW; a batch adds the leading axis).
  public var tensorShape: [Int] { [channels, size, size] }

  /// The number of floats ``apply(_:into:)`` writes: `channels * size * size`.
  public var elementCount: Int { channels * size * size }

  /// The preset's name, or `custom`.
  public var presetName: String { preset?.rawValue ?? "custom" }

  /// One line for logs and reports, e.g. `chexpert: 3x320x320, short-side-crop, Pillow bilinear,
  /// v/maxval, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]`.
  public var description: String {
    let scale =
      switch intensity {
      case .unit: "v/maxval"
      case .xrv: "(2 v/maxval - 1) * 1024"
      }
    let numbers = { (values: [Double]) in "[" + values.map { String($0) }.joined(separator: ", ") + "]" }
    return
      "\(presetName): \(channels)x\(size)x\(size), \(resize.rawValue), Pillow \(interpolation.rawValue), "
      + "\(scale), mean \(numbers(mean)), std \(numbers(std))"
  }
}
