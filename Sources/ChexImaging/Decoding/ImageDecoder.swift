import ChexFiles
import Foundation

/// Decodes a radiograph file (JPEG, PNG or DICOM) into an ``Image``, the format told by the
/// file's first bytes, never by its name.
///
/// - JPEG (`FF D8 FF`): libjpeg, as Pillow decodes it (see `JPEGDecoder`).
/// - PNG (the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`): libpng (see `PNGDecoder`).
/// - DICOM (`DICM` at byte 128, after the preamble, PS3.10 7.1): chexstats' own reader of
///   uncompressed and JPEG Baseline files (see `DICOMDecoder`).
///
/// Every failure is an ``ImageError`` naming the file and the reason; no input makes the
/// decoders trap, and every size a file declares is checked against ``ImageLimits`` before
/// memory is allocated for it.
public enum ImageDecoder {
  /// The file formats, as told by their first bytes.
  enum Format: String, Sendable, Equatable {
    case jpeg = "JPEG"
    case png = "PNG"
    case dicom = "DICOM"
  }

  /// Reads and decodes the file at `path`.
  ///
  /// - Throws: ``ImageError``: `.missing`, `.unreadable`, `.empty`, `.tooLarge` for a file over
  ///   `limits.fileBytes`, then whatever ``decode(bytes:path:limits:)`` throws.
  /// - Complexity: O(file size + pixels).
  public static func decode(path: String, limits: ImageLimits = .standard) throws(ImageError) -> Image {
    let bytes: Data
    do {
      bytes = try InputFile.read(path: path, limit: limits.fileBytes)
    } catch {
      switch error {
      case .missing: throw .missing(path: path)
      case .folder, .unreadable:
        if case .unreadable(let reason) = error, reason.hasPrefix("it is larger than") {
          throw .tooLarge(
            path: path, detail: "the file is larger than the limit of \(limits.fileBytes) bytes")
        }
        throw .unreadable(path: path, reason: error.reason)
      }
    }
    return try decode(bytes: bytes, path: path, limits: limits)
  }

  /// Decodes the content of a file; `path` is used in messages only.
  ///
  /// - Throws: ``ImageError``: `.empty`, `.unrecognised` (naming what the first bytes look
  ///   like), `.truncated`, `.corrupt` (with libjpeg's or libpng's message), `.unsupported`
  ///   (naming the variant), `.tooLarge`.
  public static func decode(bytes: Data, path: String, limits: ImageLimits = .standard) throws(ImageError)
    -> Image
  {
    guard !bytes.isEmpty else { throw .empty(path: path) }
    guard bytes.count <= limits.fileBytes else {
      throw .tooLarge(
        path: path, detail: "it has \(bytes.count) bytes, more than the limit of \(limits.fileBytes)")
    }
    let result: Result<Image, ImageError> = bytes.withUnsafeBytes { raw in
      do throws(ImageError) {
        switch format(of: raw) {
        case .jpeg: return .success(try JPEGDecoder.decode(raw, path: path, limits: limits))
        case .png: return .success(try PNGDecoder.decode(raw, path: path, limits: limits))
        case .dicom: return .success(try DICOMDecoder.decode(raw, path: path, limits: limits))
        case nil: throw .unrecognised(path: path, looksLike: describe(raw))
        }
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The format whose signature `bytes` start with, or nil.
  static func format(of bytes: UnsafeRawBufferPointer) -> Format? {
    func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
      guard bytes.count >= offset + prefix.count else { return false }
      return prefix.indices.allSatisfy { bytes[offset + $0] == prefix[$0] }
    }
    if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
    if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
    if starts(with: Array("DICM".utf8), at: 128) { return .dicom }
    return nil
  }

  /// What the first bytes of an unrecognised file look like, completing "its first bytes ...".
  static func describe(_ bytes: UnsafeRawBufferPointer) -> String {
    func starts(with text: String, at offset: Int = 0) -> Bool {
      let prefix = Array(text.utf8)
      guard bytes.count >= offset + prefix.count else { return false }
      return prefix.indices.allSatisfy { bytes[offset + $0] == prefix[$0] }
    }
    let hex = bytes.prefix(8).map { String($0, radix: 16, uppercase: true) }
      .map { $0.count == 1 ? "0" + $0 : $0 }.joined(separator: " ")
    let kind: String? =
      if starts(with: "GIF87a") || starts(with: "GIF89a") {
        "a GIF image"
      } else if starts(with: "BM") {
        "a BMP image"
      } else if starts(with: "II*\u{0}") || starts(with: "MM\u{0}*") {
        "a TIFF image"
      } else if starts(with: "RIFF") && starts(with: "WEBP", at: 8) {
        "a WebP image"
      } else if starts(with: "\u{0}\u{0}\u{0}\u{0C}jP  ")
        || (bytes.count >= 4 && bytes[0] == 0xFF && bytes[1] == 0x4F)
      {
        "a JPEG 2000 image"
      } else if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 {
        "a JPEG start-of-image marker not followed by a marker"
      } else if starts(with: "\u{89}PNG")
        || (bytes.count >= 4 && bytes[0] == 0x89 && starts(with: "PNG", at: 1))
      {
        "a damaged PNG signature"
      } else if starts(with: "%PDF") {
        "a PDF document"
      } else if starts(with: "PK\u{3}\u{4}") {
        "a ZIP archive"
      } else if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
        "a gzip stream"
      } else if bytes.count >= 6 && bytes[0] == 0x93 && starts(with: "NUMPY", at: 1) {
        "a NumPy .npy array"
      } else if looksLikeBareDICOM(bytes) {
        "a DICOM data set without its 128-byte preamble and DICM prefix (PS3.10 7.1)"
      } else if bytes.prefix(64).allSatisfy({
        $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20...0x7E).contains($0)
      }) {
        "text"
      } else {
        nil
      }
    let shown = "(\(hex)\(bytes.count > 8 ? " ..." : ""))"
    if let kind { return "look like \(kind) \(shown)" }
    return "are \(shown.dropFirst().dropLast()), no known signature"
  }

  /// Whether the bytes begin like a DICOM data set written without the file preamble: a group
  /// 0002 or 0008 element tag, little-endian (as old ACR-NEMA and some exporters write).
  private static func looksLikeBareDICOM(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= 8 else { return false }
    return (bytes[0] == 0x02 || bytes[0] == 0x08) && bytes[1] == 0x00 && bytes[3] == 0x00
  }
}
