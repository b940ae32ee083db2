import CChexCodecs

/// The one Swift door to CChexCodecs, chexstats' setjmp layer over libjpeg and libpng: every
/// call into C goes through this file, and no `UnsafePointer` leaves it except the byte buffers
/// the decoders lend for one call.
///
/// A failure is a ``CodecFailure`` carrying the library's own message; the format decoders
/// (`JPEGDecoder`, `PNGDecoder`) turn it into an ``ImageError`` naming the file.
enum Codecs {}

/// A libjpeg or libpng call that failed, with the library's message.
struct CodecFailure: Error {
  enum Kind {
    /// The data is invalid.
    case corrupt
    /// The data ended before the image was complete.
    case truncated
    /// Valid data that the library, as built, does not decode.
    case unsupported
    /// The library could not allocate, or hit the memory bound it was given.
    case noMemory
    /// The data goes beyond another bound given to the library (the message says which).
    case limit
  }

  let kind: Kind
  let message: String

  init(status: chex_codec_status, message: String) {
    switch status {
    case CHEX_CODEC_TRUNCATED: kind = .truncated
    case CHEX_CODEC_UNSUPPORTED: kind = .unsupported
    case CHEX_CODEC_NO_MEMORY: kind = .noMemory
    case CHEX_CODEC_LIMIT: kind = .limit
    default: kind = .corrupt
    }
    self.message = message
  }

  /// The failure as an ``ImageError`` about `path`, whose `format` data ended at byte `end`.
  func imageError(path: String, format: String, library: String, end: Int) -> ImageError {
    switch kind {
    case .truncated:
      return .truncated(path: path, format: format, atByte: end)
    case .corrupt:
      return .corrupt(path: path, format: format, detail: "\(library) says: \(message)")
    case .unsupported:
      return .unsupported(path: path, what: "a \(format) variant (\(library) says: \(message))", hint: "")
    case .noMemory:
      return .tooLarge(path: path, detail: "\(library) could not allocate its working memory (\(message))")
    case .limit:
      return .tooLarge(path: path, detail: message)
    }
  }
}

// MARK: - JPEG

extension Codecs {
  /// What libjpeg's `jpeg_read_header` found.
  struct JPEGHeader {
    enum Color {
      case gray, yCbCr, rgb, cmyk, ycck, other
    }

    var width: Int
    var height: Int
    var components: Int
    var color: Color
    var precision: Int
    var progressive: Bool
    var arithmetic: Bool
  }

  /// One libjpeg decompression (`jpeg_decompress_struct` with chexstats' error manager), used
  /// once: ``readHeader(_:)``, then ``decode(gray:into:rowBytes:)``. The bytes given to
  /// `readHeader` must stay valid until `decode` returns.
  final class JPEGDecompressor {
    private let decoder: OpaquePointer

    /// A decompressor whose libjpeg memory manager allocates at most `maxMemory` bytes
    /// (`max_memory_to_use`) and that stops at scan `maxScans + 1` (a progress monitor); nil when
    /// even that cannot be allocated.
    ///
    /// The corresponding C functions are `jpeg_create_decompress` and `jpeg_std_error`.
    init?(maxMemory: Int, maxScans: Int) {
      guard let decoder = chex_jpeg_create(maxMemory, Int32(clamping: maxScans)) else { return nil }
      self.decoder = decoder
    }

    deinit { chex_jpeg_destroy(decoder) }

    /// The markers up to the first scan.
    ///
    /// The corresponding C functions are `jpeg_mem_src` and `jpeg_read_header`.
    func readHeader(_ bytes: UnsafeRawBufferPointer) throws(CodecFailure) -> JPEGHeader {
      var header = chex_jpeg_header()
      let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
      let status = chex_jpeg_read_header(decoder, base, bytes.count, &header)
      guard status == CHEX_CODEC_OK else { throw failure(status) }
      let color: JPEGHeader.Color =
        switch header.color {
        case CHEX_JPEG_COLOR_GRAY: .gray
        case CHEX_JPEG_COLOR_YCBCR: .yCbCr
        case CHEX_JPEG_COLOR_RGB: .rgb
        case CHEX_JPEG_COLOR_CMYK: .cmyk
        case CHEX_JPEG_COLOR_YCCK: .ycck
        default: .other
        }
      return JPEGHeader(
        width: Int(header.width), height: Int(header.height), components: Int(header.components),
        color: color, precision: Int(header.precision), progressive: header.progressive != 0,
        arithmetic: header.arithmetic != 0)
    }

    /// Decodes the whole image, 8-bit gray or RGB, rows `rowBytes` apart into `pixels`, with the
    /// islow integer DCT and fancy upsampling (Pillow's settings). Warnings that mean lost pixels
    /// are failures (see `chex_jpeg_decode`).
    ///
    /// The corresponding C functions are `jpeg_start_decompress`, `jpeg_read_scanlines` and
    /// `jpeg_finish_decompress`.
    func decode(gray: Bool, into pixels: UnsafeMutableRawBufferPointer, rowBytes: Int) throws(CodecFailure) {
      let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self)
      let status = chex_jpeg_decode(decoder, gray ? 1 : 0, base, rowBytes)
      guard status == CHEX_CODEC_OK else { throw failure(status) }
    }

    private func failure(_ status: chex_codec_status) -> CodecFailure {
      CodecFailure(status: status, message: String(cString: chex_jpeg_message(decoder)))
    }
  }
}

// MARK: - PNG

extension Codecs {
  /// What the PNG's header chunks say, and the sample layout after the transformations.
  struct PNGHeader {
    var width: Int
    var height: Int
    var bitDepth: Int
    /// 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.
    var colorType: Int
    var interlaced: Bool
    var hasTransparency: Bool
    /// The sBIT chunk's gray value, 0 when absent (or not a gray image).
    var significantGrayBits: Int
    /// After ``PNGReader/prepare()``: samples per pixel, bits per sample and bytes per row.
    var channels = 0
    var outputBitDepth = 0
    var rowBytes = 0
  }

  /// One libpng read (`png_struct` with chexstats' error and read callbacks), used once:
  /// ``readHeader(_:)``, ``prepare()``, then ``decode(into:rowBytes:)``. The bytes given to
  /// `readHeader` must stay valid until `decode` returns.
  final class PNGReader {
    private let decoder: OpaquePointer
    private var header = chex_png_header()

    /// A reader whose ancillary chunks may hold at most `maxChunkBytes` bytes; nil when it
    /// cannot be allocated.
    ///
    /// The corresponding C functions are `png_create_read_struct`, `png_create_info_struct`,
    /// `png_set_chunk_malloc_max` and `png_set_read_fn`.
    init?(maxChunkBytes: Int) {
      guard let decoder = chex_png_create(maxChunkBytes) else { return nil }
      self.decoder = decoder
    }

    deinit { chex_png_destroy(decoder) }

    /// The chunks before the image data; nothing is allocated for the image yet.
    ///
    /// The corresponding C function is `png_read_info`.
    func readHeader(_ bytes: UnsafeRawBufferPointer) throws(CodecFailure) -> PNGHeader {
      let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
      let status = chex_png_read_header(decoder, base, bytes.count, &header)
      guard status == CHEX_CODEC_OK else { throw failure(status) }
      return converted()
    }

    /// Sets the transformations (see `chex_png_prepare`) and returns the header with the
    /// output layout filled in. Call only after the size was checked: libpng allocates its row
    /// buffers here.
    ///
    /// The corresponding C functions are `png_set_palette_to_rgb`, `png_set_tRNS_to_alpha`,
    /// `png_set_expand_gray_1_2_4_to_8`, `png_set_swap`, `png_set_interlace_handling` and
    /// `png_read_update_info`.
    func prepare() throws(CodecFailure) -> PNGHeader {
      let status = chex_png_prepare(decoder, &header)
      guard status == CHEX_CODEC_OK else { throw failure(status) }
      return converted()
    }

    /// Decodes the image into `pixels`, rows `rowBytes` apart, and reads the chunks after it up
    /// to IEND.
    ///
    /// The corresponding C functions are `png_read_image` and `png_read_end`.
    func decode(into pixels: UnsafeMutableRawBufferPointer, rowBytes: Int) throws(CodecFailure) {
      let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self)
      let status = chex_png_decode(decoder, base, rowBytes)
      guard status == CHEX_CODEC_OK else { throw failure(status) }
    }

    private func converted() -> PNGHeader {
      PNGHeader(
        width: Int(header.width), height: Int(header.height), bitDepth: Int(header.bit_depth),
        colorType: Int(header.color_type), interlaced: header.interlaced != 0,
        hasTransparency: header.has_transparency != 0,
        significantGrayBits: Int(header.significant_gray_bits), channels: Int(header.channels),
        outputBitDepth: Int(header.output_bit_depth), rowBytes: Int(header.row_bytes))
    }

    private func failure(_ status: chex_codec_status) -> CodecFailure {
      CodecFailure(status: status, message: String(cString: chex_png_message(decoder)))
    }
  }
}
