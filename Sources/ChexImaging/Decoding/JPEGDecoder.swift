/// JPEG files (ITU-T T.81) through libjpeg, decoded exactly as Pillow decodes them.
///
/// Pillow (`src/libImaging/JpegDecode.c`) leaves libjpeg's defaults in place when it does not
/// draft: the islow integer DCT (`JDCT_ISLOW`), fancy (triangle-filter) upsampling of subsampled
/// chroma, and the output colour space of its mode, `JCS_GRAYSCALE` for `L` and `JCS_RGB` for
/// `RGB` (libjpeg picks the file's colour space from its JFIF or Adobe marker). The same
/// settings here give the same samples: libjpeg-turbo's islow DCT and upsampling are exact
/// integer arithmetic, the same in every version and on every CPU.
///
/// Decoded: 8-bit baseline, extended sequential and progressive Huffman-coded JPEGs, with or
/// without restart markers, one component (gray, `L`) or three (YCbCr or RGB, `RGB`).
/// Refused by name: 12-bit, lossless, hierarchical and arithmetic-coded JPEGs, CMYK and YCCK.
/// EXIF orientation is not applied (nor is it by `Image.open`). A JPEG whose data ends early is
/// an error, never an image padded with gray: libjpeg's "Premature end of JPEG file" warning is
/// turned into ``ImageError/truncated(path:format:atByte:)``. Because libjpeg's Huffman decoder
/// reads ahead, a file that lacks only its final EOI marker is reported truncated too.
enum JPEGDecoder {
  /// The frame header (SOFn marker) as found by ``frameMarker(_:)``.
  struct Frame {
    var marker: UInt8
    var precision: Int
    var components: Int
  }

  /// Decodes the JPEG in `bytes`, which are the `format` data of `path` ending at byte `end` of
  /// the file (for a DICOM, the end of its pixel data; for a JPEG file, its size).
  static func decode(
    _ bytes: UnsafeRawBufferPointer, path: String, format: String = "JPEG", end: Int? = nil,
    limits: ImageLimits
  ) throws(ImageError) -> Image {
    let end = end ?? bytes.count
    if let frame = frameMarker(bytes) {
      if let process = unsupportedProcess(frame.marker) {
        throw .unsupported(
          path: path, what: "a \(process) JPEG (frame marker SOF\(frame.marker & 0x0F))",
          hint: "chexstats decodes baseline, extended sequential and progressive Huffman JPEGs")
      }
      if frame.precision != 8 {
        throw .unsupported(
          path: path, what: "a \(frame.precision)-bit JPEG", hint: "chexstats decodes 8-bit JPEGs")
      }
    }
    // libjpeg's own working memory: the coefficients of a progressive image (2 bytes per sample
    // and component) and row buffers; bounded so that a header's claim cannot exhaust memory.
    guard
      let decompressor = Codecs.JPEGDecompressor(
        maxMemory: limits.pixels * 8 + (64 << 20), maxScans: limits.jpegScans)
    else {
      throw .tooLarge(path: path, detail: "libjpeg's decompressor could not be allocated")
    }
    let header: Codecs.JPEGHeader
    do {
      header = try decompressor.readHeader(bytes)
    } catch {
      throw error.imageError(path: path, format: format, library: "libjpeg", end: end)
    }
    if header.arithmetic {
      throw .unsupported(
        path: path, what: "an arithmetic-coded JPEG",
        hint: "chexstats decodes Huffman-coded JPEGs, as almost every JPEG is")
    }
    let layout: Image.Layout
    switch (header.components, header.color) {
    case (1, .gray): layout = .gray
    case (3, .yCbCr), (3, .rgb): layout = .rgb
    case (4, .cmyk): throw .unsupported(path: path, what: "a CMYK JPEG", hint: "convert it to gray or RGB")
    case (4, .ycck): throw .unsupported(path: path, what: "a YCCK JPEG", hint: "convert it to gray or RGB")
    default:
      throw .unsupported(
        path: path, what: "a JPEG with \(header.components) components in an unknown colour space",
        hint: "chexstats decodes gray, YCbCr and RGB JPEGs")
    }
    let pixels = try limits.checkSize(
      width: header.width, height: header.height, format: "\(format) frame header", path: path)
    let count = pixels * layout.channels  // at most 3 * 2^27 with the standard limits
    var failure: CodecFailure?
    let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      do throws(CodecFailure) {
        try decompressor.decode(
          gray: layout == .gray, into: UnsafeMutableRawBufferPointer(buffer),
          rowBytes: header.width * layout.channels)
        initialized = count
      } catch {
        failure = error
        initialized = 0
      }
    }
    if let failure { throw failure.imageError(path: path, format: format, library: "libjpeg", end: end) }
    return Image(
      width: header.width, height: header.height, layout: layout, samples: .uint8(samples), maxValue: 255)
  }

  /// The first frame header of a JPEG: its SOFn marker, sample precision and component count,
  /// found by walking the marker segments from SOI (T.81 B.1.1: a segment is FF, a marker code,
  /// and, except for SOI, EOI, RSTn and TEM, a 2-byte big-endian length that counts itself);
  /// nil when the data ends or breaks that structure first (libjpeg then says why).
  static func frameMarker(_ bytes: UnsafeRawBufferPointer) -> Frame? {
    guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var at = 2
    while at + 1 < bytes.count {
      guard bytes[at] == 0xFF else { return nil }
      var code = bytes[at + 1]
      while code == 0xFF {  // fill bytes before a marker (B.1.1.2)
        at += 1
        guard at + 1 < bytes.count else { return nil }
        code = bytes[at + 1]
      }
      at += 2
      if code == 0x01 || (0xD0...0xD7).contains(code) { continue }  // TEM, RSTn: no length
      if code == 0xD9 || code == 0xDA { return nil }  // EOI or a scan before any frame header
      guard at + 1 < bytes.count else { return nil }
      let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
      guard length >= 2 else { return nil }
      if (0xC0...0xCF).contains(code), code != 0xC4, code != 0xC8, code != 0xCC {
        guard at + 7 < bytes.count else { return nil }
        return Frame(marker: code, precision: Int(bytes[at + 2]), components: Int(bytes[at + 7]))
      }
      at += length
    }
    return nil
  }

  /// The name of the coding process of a frame marker chexstats does not decode (T.81 table
  /// B.1), or nil for SOF0 (baseline), SOF1 (extended sequential) and SOF2 (progressive).
  static func unsupportedProcess(_ marker: UInt8) -> String? {
    switch marker {
    case 0xC0, 0xC1, 0xC2: nil
    case 0xC3: "lossless"
    case 0xC5: "hierarchical (differential sequential)"
    case 0xC6: "hierarchical (differential progressive)"
    case 0xC7: "hierarchical (differential lossless)"
    case 0xC9: "arithmetic-coded (extended sequential)"
    case 0xCA: "arithmetic-coded (progressive)"
    case 0xCB: "arithmetic-coded (lossless)"
    default: "arithmetic-coded hierarchical"
    }
  }
}
