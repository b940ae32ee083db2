/// Every bound the decoders put on what a file may ask for, with the reason for each value.
///
/// Every size read from a file (dimensions, sample counts, DICOM element lengths) is checked
/// against these and against the bytes actually present, with overflow-checked arithmetic,
/// before anything is allocated from it: a 40-byte file cannot make chexstats reserve gigabytes.
/// ``standard`` serves radiographs; the fuzz targets pass smaller ones.
public struct ImageLimits: Sendable, Equatable {
  /// The largest file read, in bytes. Standard: 1 GiB. The largest single chest film is an
  /// uncompressed 16-bit DICOM of about 4300 x 4300 pixels (37 MB); multi-frame files, which can
  /// be larger, are refused anyway. 1 GiB is well below ChexFiles' 4 GiB input limit.
  public var fileBytes: Int
  /// The widest image, in pixels. Standard: 65,535, the most a JPEG frame header (16 bits) or a
  /// DICOM `Columns` (US) can say; PNG allows 2^31 - 1, which no radiograph approaches.
  public var width: Int
  /// The tallest image, in pixels. Standard: 65,535, as ``width`` (DICOM `Rows` is US).
  public var height: Int
  /// The most pixels of one image. Standard: 2^27 (134 million): 7 times the largest flat-panel
  /// detectors (43 x 43 cm at 100 um, 18.5 million) and 5 times a mammogram (4096 x 5625); with at
  /// most 4 samples of 2 bytes it bounds one decoded image to 1 GiB.
  public var pixels: Int
  /// The most scans of one JPEG. Standard: 1,000. A progressive JPEG passes over the whole image
  /// once per scan; encoders write about 10 (libjpeg's default script: 6 for gray, 10 for
  /// colour), so a file of thousands of tiny scans is built to exhaust the CPU (libjpeg-turbo's
  /// own fuzzers stop at 500 for that reason).
  public var jpegScans: Int
  /// The longest DICOM value read into memory (an attribute such as `Rows` or a UID; pixel data
  /// is bounded by ``pixels`` and skipped values by the file's size). Standard: 1 MiB, far more
  /// than any attribute the decoder reads (UIDs are at most 64 bytes, code strings 16).
  public var dicomValueBytes: Int
  /// The deepest nesting of DICOM sequences walked while skipping them. Standard: 32. Real
  /// files nest a handful of levels (a referenced image inside a procedure code inside a
  /// request); the bound keeps a crafted file from exhausting the stack.
  public var dicomDepth: Int

  /// Limits given one by one (see each property for its meaning).
  public init(
    fileBytes: Int, width: Int, height: Int, pixels: Int, jpegScans: Int, dicomValueBytes: Int,
    dicomDepth: Int
  ) {
    precondition(
      fileBytes > 0 && width > 0 && height > 0 && pixels > 0 && jpegScans > 0 && dicomValueBytes > 0
        && dicomDepth > 0,
      "ImageLimits: every limit is positive")
    self.jpegScans = jpegScans
    self.fileBytes = fileBytes
    self.width = width
    self.height = height
    self.pixels = pixels
    self.dicomValueBytes = dicomValueBytes
    self.dicomDepth = dicomDepth
  }

  /// The limits for radiographs (see each property for its value and reason).
  public static let standard = ImageLimits(
    fileBytes: 1 << 30, width: 65535, height: 65535, pixels: 1 << 27, jpegScans: 1000,
    dicomValueBytes: 1 << 20,
    dicomDepth: 32)

  /// Throws ``ImageError/tooLarge(path:detail:)`` unless a `width` x `height` image is within
  /// these limits; returns its pixel count. `format` names where the size was read ("JPEG frame
  /// header", "PNG IHDR", "DICOM Rows and Columns").
  func checkSize(width: Int, height: Int, format: String, path: String) throws(ImageError) -> Int {
    guard width > 0, height > 0 else {
      throw .corrupt(path: path, format: format, detail: "the image is \(width) x \(height) pixels")
    }
    guard width <= self.width, height <= self.height else {
      throw .tooLarge(
        path: path,
        detail:
          "its \(format) says \(width) x \(height) pixels, beyond the limit of \(self.width) x \(self.height)"
      )
    }
    let (count, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, count <= pixels else {
      throw .tooLarge(
        path: path, detail: "its \(format) says \(width) x \(height) pixels, more than the limit of \(pixels)"
      )
    }
    return count
  }
}
