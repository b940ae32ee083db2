/// A DICOM transfer syntax (PS3.5 section 10, PS3.6 table A-1): how the data set after the File
/// Meta Information is encoded, named by the UID in (0002,0010).
struct TransferSyntax: Equatable {
  /// How the pixel data is stored, for the transfer syntaxes chexstats decodes.
  enum Kind: Equatable {
    /// Native pixel data, VR implicit (from the data dictionary; PS3.5 7.1.3), little endian.
    case implicitLittle
    /// Native pixel data, VR explicit (PS3.5 7.1.2), little endian.
    case explicitLittle
    /// Encapsulated JPEG (PS3.5 A.4, 8.2.1) decodable by libjpeg, VR explicit, little endian.
    case jpeg
  }

  let uid: String
  let name: String
  /// nil for a transfer syntax chexstats refuses.
  let kind: Kind?

  /// The transfer syntax of `uid` (trailing NUL or space padding removed by the caller).
  init(uid: String) {
    self.uid = uid
    let known = TransferSyntax.table[uid]
    name = known?.name ?? "an unknown transfer syntax"
    kind = known?.kind
  }

  /// PS3.6 table A-1: the transfer syntaxes a radiograph may come in. Only the first four are
  /// decoded: JPEG Extended is included because its 8-bit process 2 is what libjpeg decodes
  /// (its 12-bit process 4 is refused by the JPEG decoder by name).
  private static let table: [String: (name: String, kind: Kind?)] = [
    "1.2.840.10008.1.2": ("Implicit VR Little Endian", .implicitLittle),
    "1.2.840.10008.1.2.1": ("Explicit VR Little Endian", .explicitLittle),
    "1.2.840.10008.1.2.4.50": ("JPEG Baseline (Process 1)", .jpeg),
    "1.2.840.10008.1.2.4.51": ("JPEG Extended (Process 2 & 4)", .jpeg),
    "1.2.840.10008.1.2.1.98": ("Encapsulated Uncompressed Explicit VR Little Endian", nil),
    "1.2.840.10008.1.2.1.99": ("Deflated Explicit VR Little Endian", nil),
    "1.2.840.10008.1.2.2": ("Explicit VR Big Endian", nil),
    "1.2.840.10008.1.2.4.57": ("JPEG Lossless, Non-Hierarchical (Process 14)", nil),
    "1.2.840.10008.1.2.4.70": (
      "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", nil
    ),
    "1.2.840.10008.1.2.4.80": ("JPEG-LS Lossless Image Compression", nil),
    "1.2.840.10008.1.2.4.81": ("JPEG-LS Lossy (Near-Lossless) Image Compression", nil),
    "1.2.840.10008.1.2.4.90": ("JPEG 2000 Image Compression (Lossless Only)", nil),
    "1.2.840.10008.1.2.4.91": ("JPEG 2000 Image Compression", nil),
    "1.2.840.10008.1.2.4.92": ("JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", nil),
    "1.2.840.10008.1.2.4.93": ("JPEG 2000 Part 2 Multi-component Image Compression", nil),
    "1.2.840.10008.1.2.4.201": ("High-Throughput JPEG 2000 Image Compression (Lossless Only)", nil),
    "1.2.840.10008.1.2.4.202": (
      "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", nil
    ),
    "1.2.840.10008.1.2.4.203": ("High-Throughput JPEG 2000 Image Compression", nil),
    "1.2.840.10008.1.2.5": ("RLE Lossless", nil),
  ]

  /// What to say when refusing it: "the DICOM transfer syntax NAME (UID)".
  var refusal: String { "the DICOM transfer syntax \(name) (\(uid))" }

  /// The hint that goes with a refusal.
  static let hint =
    "chexstats reads Implicit and Explicit VR Little Endian and JPEG Baseline DICOM files; "
    + "convert others first (for example `gdcmconv --raw` or `dcmdjpeg`)"
}
