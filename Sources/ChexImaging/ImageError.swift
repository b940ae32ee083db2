/// Why an image file could not be decoded: one case per reason, each printed as one sentence
/// that names the file and the reason.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Nothing exists at the path.
  case missing(path: String)
  /// The file exists but cannot be read (`reason` is ChexFiles' phrase: "permission denied",
  /// "it is a folder, not a file", ...).
  case unreadable(path: String, reason: String)
  /// The file has no bytes.
  case empty(path: String)
  /// The file, or a size it declares, is beyond ``ImageLimits``; `detail` says which and by how
  /// much.
  case tooLarge(path: String, detail: String)
  /// The data ends at byte `atByte` (the file's size, or the end of the stretch that should hold
  /// the image) before the image is complete.
  case truncated(path: String, format: String, atByte: Int)
  /// The data breaks the format's rules; `detail` is libjpeg's or libpng's message, or what the
  /// DICOM reader found.
  case corrupt(path: String, format: String, detail: String)
  /// Valid data of a kind chexstats does not decode; `what` names it ("a CMYK JPEG",
  /// "the DICOM transfer syntax JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)") and
  /// `hint` (possibly empty) says what is supported or how to convert the file.
  case unsupported(path: String, what: String, hint: String)
  /// The first bytes are not those of a JPEG, PNG or DICOM file; `looksLike` says what they look
  /// like.
  case unrecognised(path: String, looksLike: String)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .missing(let path), .unreadable(let path, _), .empty(let path), .tooLarge(let path, _),
      .truncated(let path, _, _), .corrupt(let path, _, _), .unsupported(let path, _, _),
      .unrecognised(let path, _):
      path
    }
  }

  public var description: String {
    switch self {
    case .missing(let path):
      "Cannot decode '\(path)': no such file."
    case .unreadable(let path, let reason):
      "Cannot decode '\(path)': it cannot be read: \(reason)."
    case .empty(let path):
      "Cannot decode '\(path)': the file is empty."
    case .tooLarge(let path, let detail):
      "Cannot decode '\(path)': it is too large: \(detail)."
    case .truncated(let path, let format, let atByte):
      "Cannot decode '\(path)': the file is truncated: its \(format) data ends at byte \(atByte) before the image is complete."
    case .corrupt(let path, let format, let detail):
      "Cannot decode '\(path)': it is not a valid \(format) file: \(detail)."
    case .unsupported(let path, let what, let hint):
      "Cannot decode '\(path)': \(what) is not supported\(hint.isEmpty ? "" : "; " + hint)."
    case .unrecognised(let path, let looksLike):
      "Cannot decode '\(path)': it is not a JPEG, PNG or DICOM file; its first bytes \(looksLike)."
    }
  }
}
