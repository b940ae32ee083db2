/// PNG files (ISO/IEC 15948, the W3C PNG specification) through libpng, with the samples Pillow
/// (8-bit files) and pypng (16-bit files) read from them.
///
/// - Gray, gray + alpha, RGB and RGBA at 8 or 16 bits keep their samples; 16-bit samples become
///   native `UInt16` values (PNG stores them big-endian). Pillow reads 16-bit gray as `I;16`
///   with the same values, but cuts 16-bit RGB, RGBA and gray + alpha to 8 bits; chexstats
///   keeps all 16.
/// - Gray of 1, 2 or 4 bits is scaled to 8 bits (v x 255, 85 or 17), as Pillow's `L` (and
///   `convert('L')` of a 1-bit image).
/// - Palette images become RGB, or RGBA when a tRNS chunk gives the palette alpha: Pillow's
///   `convert('RGB')` and `convert('RGBA')`. tRNS of gray and RGB images is not applied (Pillow
///   keeps it aside in `info["transparency"]`).
/// - Interlaced (Adam7) images are deinterlaced.
///
/// White (``Image/maxValue``) is 255 or 65535, except for a gray image with an sBIT chunk
/// (PNG 11.3.3.4) of `s` significant bits whose samples are all at most 2^s - 1: its white is
/// then 2^s - 1. Such files (12-bit detector values in a 16-bit PNG) store the values unscaled;
/// a file that scaled its samples to the full range as the specification asks keeps 65535 (its
/// samples exceed 2^s - 1), so white is never below a sample.
enum PNGDecoder {
  /// The largest ancillary chunk libpng may allocate (text, ICC profile): 16 MiB. Ancillary
  /// chunks are never used for the pixels; the bound only keeps a crafted one from exhausting
  /// memory (libpng's own default is 8 MB).
  static let maxChunkBytes = 16 << 20

  /// Decodes the PNG in `bytes`, the content of `path`.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String, limits: ImageLimits) throws(ImageError)
    -> Image
  {
    guard let reader = Codecs.PNGReader(maxChunkBytes: maxChunkBytes) else {
      throw .tooLarge(path: path, detail: "libpng's reader could not be allocated")
    }
    var header: Codecs.PNGHeader
    do {
      header = try reader.readHeader(bytes)
    } catch {
      throw error.imageError(path: path, format: "PNG", library: "libpng", end: bytes.count)
    }
    let pixels = try limits.checkSize(
      width: header.width, height: header.height, format: "PNG IHDR", path: path)
    do {
      header = try reader.prepare()
    } catch {
      throw error.imageError(path: path, format: "PNG", library: "libpng", end: bytes.count)
    }
    guard let layout = Image.Layout(rawValue: header.channels),
      header.outputBitDepth == 8 || header.outputBitDepth == 16
    else {
      throw .corrupt(
        path: path, format: "PNG",
        detail: "libpng gives \(header.channels) channels of \(header.outputBitDepth) bits")
    }
    let bytesPerSample = header.outputBitDepth / 8
    let rowBytes = header.width * layout.channels * bytesPerSample
    guard header.rowBytes == rowBytes else {
      throw .corrupt(
        path: path, format: "PNG", detail: "libpng's rows are \(header.rowBytes) bytes, not \(rowBytes)")
    }
    let count = pixels * layout.channels  // at most 4 * 2^27 with the standard limits
    var failure: CodecFailure?
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
      do {
        try reader.decode(into: buffer, rowBytes: rowBytes)
        return true
      } catch {
        failure = error
        return false
      }
    }
    let image: Image
    if bytesPerSample == 1 {
      let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = fill(UnsafeMutableRawBufferPointer(buffer)) ? count : 0
      }
      if let failure {
        throw failure.imageError(path: path, format: "PNG", library: "libpng", end: bytes.count)
      }
      let white = whiteValue(header: header, depth: 8, largest: { samples.max() ?? 0 })
      image = Image(
        width: header.width, height: header.height, layout: layout, samples: .uint8(samples), maxValue: white)
    } else {
      let samples = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = fill(UnsafeMutableRawBufferPointer(buffer)) ? count : 0
      }
      if let failure {
        throw failure.imageError(path: path, format: "PNG", library: "libpng", end: bytes.count)
      }
      let white = whiteValue(header: header, depth: 16, largest: { Int(samples.max() ?? 0) })
      image = Image(
        width: header.width, height: header.height, layout: layout, samples: .uint16(samples), maxValue: white
      )
    }
    return image
  }

  /// 2^depth - 1, or 2^s - 1 for a gray image with an sBIT chunk of `s` < `depth` bits whose
  /// largest sample fits in `s` bits (see the type's documentation).
  private static func whiteValue<T: BinaryInteger>(header: Codecs.PNGHeader, depth: Int, largest: () -> T)
    -> Int
  {
    let full = (1 << depth) - 1
    let bits = header.significantGrayBits
    guard header.colorType == 0, header.bitDepth == depth, bits > 0, bits < depth else { return full }
    let significant = (1 << bits) - 1
    return Int(largest()) <= significant ? significant : full
  }
}
