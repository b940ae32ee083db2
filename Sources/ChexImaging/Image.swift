/// A decoded radiograph: its pixels exactly as the file stores them, before any resampling.
///
/// Samples are interleaved and row-major (`width * height * layout.channels` values, the first
/// row first). Files with 8 bits per sample keep them as `UInt8`; files with 9 to 16 bits
/// (16-bit PNG, 12- or 15-bit DICOM) as `UInt16`, never reduced to 8 bits: preprocessing scales
/// them by ``maxValue`` in floating point.
public struct Image: Sendable, Equatable {
  /// What each pixel holds, and so how many samples it has.
  public enum Layout: Int, Sendable, Equatable, CaseIterable {
    case gray = 1
    case grayAlpha = 2
    case rgb = 3
    case rgba = 4

    /// Samples per pixel.
    public var channels: Int { rawValue }

    /// Pillow's name of the mode (`L`, `LA`, `RGB`, `RGBA`), for messages.
    public var name: String {
      switch self {
      case .gray: "L"
      case .grayAlpha: "LA"
      case .rgb: "RGB"
      case .rgba: "RGBA"
      }
    }
  }

  /// The samples, at the depth the file stores them.
  public enum Samples: Sendable, Equatable {
    case uint8([UInt8])
    case uint16([UInt16])

    /// The number of samples.
    public var count: Int {
      switch self {
      case .uint8(let values): values.count
      case .uint16(let values): values.count
      }
    }
  }

  public let width: Int
  public let height: Int
  public let layout: Layout
  public let samples: Samples
  /// The value of white: 255 for 8-bit samples; `2^bits - 1` for deeper ones, with `bits` the
  /// PNG's bit depth (or its `sBIT` chunk) or the DICOM `BitsStored`.
  public let maxValue: Int

  /// An image from its samples.
  ///
  /// - Precondition: `width` and `height` are positive, `samples.count` is
  ///   `width * height * layout.channels`, and `maxValue` is positive and fits the sample type
  ///   (decoders check what a file says before they call this).
  public init(width: Int, height: Int, layout: Layout, samples: Samples, maxValue: Int) {
    precondition(width > 0 && height > 0, "an image has at least one pixel")
    precondition(
      samples.count == width * height * layout.channels,
      "\(samples.count) samples for a \(width) x \(height) \(layout.name) image")
    switch samples {
    case .uint8: precondition(maxValue > 0 && maxValue <= 255, "8-bit white \(maxValue)")
    case .uint16: precondition(maxValue > 0 && maxValue <= 65535, "16-bit white \(maxValue)")
    }
    self.width = width
    self.height = height
    self.layout = layout
    self.samples = samples
    self.maxValue = maxValue
  }

  /// Bits per stored sample: 8 or 16.
  public var storageBits: Int {
    switch samples {
    case .uint8: 8
    case .uint16: 16
    }
  }
}
