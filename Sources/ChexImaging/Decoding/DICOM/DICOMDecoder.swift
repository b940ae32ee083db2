/// DICOM files (PS3.10 section 7): chexstats' own reader of one-frame grayscale (and
/// uncompressed RGB) images, written from the standard.
///
/// - File: a 128-byte preamble, `DICM`, then the File Meta Information (group 0002, always
///   Explicit VR Little Endian, PS3.10 7.1), whose (0002,0010) names the transfer syntax of the
///   rest (see ``TransferSyntax``): Implicit or Explicit VR Little Endian, or encapsulated JPEG
///   Baseline (PS3.5 A.4: a Basic Offset Table item, then fragments; the frame is their
///   concatenation, decoded by `JPEGDecoder`). Everything else is refused by name and UID.
/// - Data elements (PS3.5 7.1): tag, VR (explicit syntaxes), length; OB, OD, OF, OL, OV, OW,
///   SQ, SV, UC, UN, UR, UT and UV have a 4-byte length after 2 reserved bytes, other VRs a
///   2-byte one (PS3.5 table 7.1-1). Sequences of defined length are skipped whole; those of
///   undefined length item by item to their delimiters (PS3.5 7.5), an undefined-length UN as
///   Implicit VR Little Endian (PS3.5 6.2.2). Only top-level attributes are read, so an icon
///   image inside a sequence never stands in for the image.
/// - Image Pixel module (PS3.3 C.7.6.3): Rows, Columns, SamplesPerPixel (1, or 3 with
///   PhotometricInterpretation RGB and PlanarConfiguration 0 or 1, uncompressed), BitsAllocated
///   8 or 16, BitsStored, PixelRepresentation 0, NumberOfFrames 1, MONOCHROME1 or MONOCHROME2.
/// - Samples: bits above BitsStored are masked off (`v & (2^BitsStored - 1)`), as pydicom 3's
///   `pixel_array` does whatever HighBit says; MONOCHROME1 (white is 0) is inverted to
///   `2^BitsStored - 1 - v`, as torchxrayvision's `read_xray_dcm`; ``Image/maxValue`` is
///   `2^BitsStored - 1`. Rescale Slope/Intercept and VOI LUT / windowing are not applied: the
///   image is the stored values, as `pixel_array` and torchxrayvision give them to models.
enum DICOMDecoder {
  /// Decodes the DICOM file in `bytes` (which starts with the preamble), the content of `path`.
  static func decode(_ bytes: UnsafeRawBufferPointer, path: String, limits: ImageLimits) throws(ImageError)
    -> Image
  {
    var reader = DICOMReader(bytes: bytes, path: path, limits: limits, offset: 132, explicit: true)
    let syntax = try reader.readFileMeta()
    guard let kind = syntax.kind else {
      throw .unsupported(path: path, what: syntax.refusal, hint: TransferSyntax.hint)
    }
    reader.explicit = kind != .implicitLittle
    let (attributes, pixelData) = try reader.readDataSet()
    let pixel = try PixelModule(attributes, path: path, kind: kind, limits: limits)
    switch kind {
    case .implicitLittle, .explicitLittle:
      return try pixel.native(reader: reader, element: pixelData)
    case .jpeg:
      return try pixel.encapsulated(reader: &reader, element: pixelData, limits: limits)
    }
  }
}

/// The attributes of the Image Pixel module the decoder needs, checked.
private struct PixelModule {
  let path: String
  let rows: Int
  let columns: Int
  let pixels: Int
  let samplesPerPixel: Int
  let planar: Bool
  let bitsAllocated: Int
  let bitsStored: Int
  let monochrome1: Bool

  /// The white value, `2^BitsStored - 1`.
  var white: Int { (1 << bitsStored) - 1 }

  init(
    _ attributes: [UInt32: DICOMReader.Value], path: String, kind: TransferSyntax.Kind, limits: ImageLimits
  )
    throws(ImageError)
  {
    self.path = path
    func required(_ tag: UInt32, _ name: String) throws(ImageError) -> Int {
      guard let value = attributes[tag] else {
        throw .corrupt(path: path, format: "DICOM", detail: "it has no \(name) \(DICOMReader.name(tag))")
      }
      guard let number = value.integer else {
        throw .corrupt(
          path: path, format: "DICOM", detail: "its \(name) \(DICOMReader.name(tag)) is not a number")
      }
      return number
    }
    let photometric = attributes[DICOMReader.photometricInterpretation]?.text ?? ""
    guard !photometric.isEmpty else {
      throw .corrupt(path: path, format: "DICOM", detail: "it has no PhotometricInterpretation (0028,0004)")
    }
    samplesPerPixel = try required(DICOMReader.samplesPerPixel, "SamplesPerPixel")
    rows = try required(DICOMReader.rows, "Rows")
    columns = try required(DICOMReader.columns, "Columns")
    bitsAllocated = try required(DICOMReader.bitsAllocated, "BitsAllocated")
    bitsStored = try required(DICOMReader.bitsStored, "BitsStored")
    let representation = attributes[DICOMReader.pixelRepresentation]?.integer ?? 0
    // An empty NumberOfFrames (written by some converters) means one frame, as in pydicom.
    if let frames = attributes[DICOMReader.numberOfFrames], frames.text?.isEmpty == false {
      guard let count = frames.integer else {
        throw .corrupt(path: path, format: "DICOM", detail: "its NumberOfFrames (0028,0008) is not a number")
      }
      if count > 1 {
        throw .unsupported(
          path: path, what: "a DICOM with \(count) frames", hint: "chexstats decodes one-frame images")
      }
    }
    guard representation == 0 else {
      throw .unsupported(
        path: path, what: "signed pixel values (PixelRepresentation \(representation))",
        hint: "chexstats decodes unsigned radiographs")
    }
    guard bitsAllocated == 8 || bitsAllocated == 16 else {
      throw .unsupported(
        path: path, what: "BitsAllocated \(bitsAllocated)", hint: "chexstats decodes 8- and 16-bit pixel data"
      )
    }
    guard (1...bitsAllocated).contains(bitsStored) else {
      throw .corrupt(
        path: path, format: "DICOM",
        detail: "its BitsStored is \(bitsStored) with BitsAllocated \(bitsAllocated)")
    }
    switch (samplesPerPixel, photometric) {
    case (1, "MONOCHROME1"): monochrome1 = true
    case (1, "MONOCHROME2"): monochrome1 = false
    case (3, "RGB") where kind != .jpeg: monochrome1 = false
    default:
      throw .unsupported(
        path: path,
        what:
          "PhotometricInterpretation \(photometric) with \(samplesPerPixel) samples per pixel"
          + (kind == .jpeg ? " in a JPEG DICOM" : ""),
        hint: "chexstats decodes MONOCHROME1 and MONOCHROME2 (and uncompressed RGB) images")
    }
    let configuration = attributes[DICOMReader.planarConfiguration]?.integer ?? 0
    guard samplesPerPixel == 1 || configuration == 0 || configuration == 1 else {
      throw .corrupt(path: path, format: "DICOM", detail: "its PlanarConfiguration is \(configuration)")
    }
    planar = samplesPerPixel == 3 && configuration == 1
    pixels = try limits.checkSize(width: columns, height: rows, format: "DICOM Rows and Columns", path: path)
  }

  /// Native (uncompressed) pixel data: `rows * columns * samplesPerPixel` values of
  /// `bitsAllocated` bits, little endian, the first row first (PS3.5 8.1.1).
  func native(reader: DICOMReader, element: DICOMReader.Element) throws(ImageError) -> Image {
    guard let length = element.length else {
      throw .corrupt(
        path: path, format: "DICOM",
        detail: "its Pixel Data has undefined length (encapsulated) in an uncompressed transfer syntax")
    }
    guard length <= reader.bytes.count - element.valueOffset else {
      throw .truncated(path: path, format: "DICOM", atByte: reader.bytes.count)
    }
    let count = pixels * samplesPerPixel  // at most 3 * 2^27
    let needed = count * (bitsAllocated / 8)
    guard length >= needed else {
      throw .corrupt(
        path: path, format: "DICOM",
        detail:
          "its Pixel Data (7FE0,0010) holds \(length) bytes, but \(rows) Rows x \(columns) Columns x "
          + "\(samplesPerPixel) samples of \(bitsAllocated) bits need \(needed)")
    }
    let layout: Image.Layout = samplesPerPixel == 3 ? .rgb : .gray
    let mask = white
    let start = element.valueOffset
    let bytes = reader.bytes
    // Sample i of the image (interleaved order) is stored at index source(i).
    let plane = pixels
    func source(_ index: Int) -> Int { planar ? (index % 3) * plane + index / 3 : index }
    if bitsAllocated == 8 {
      let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let mask8 = UInt8(mask)
        for index in 0..<count {
          let value = bytes[start + source(index)] & mask8
          buffer[index] = monochrome1 ? mask8 - value : value
        }
        initialized = count
      }
      return Image(width: columns, height: rows, layout: layout, samples: .uint8(samples), maxValue: white)
    }
    let samples = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
      let mask16 = UInt16(mask)
      for index in 0..<count {
        let at = start + 2 * source(index)
        let value = (UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8) & mask16
        buffer[index] = monochrome1 ? mask16 - value : value
      }
      initialized = count
    }
    return Image(width: columns, height: rows, layout: layout, samples: .uint16(samples), maxValue: white)
  }

  /// Encapsulated JPEG pixel data (PS3.5 A.4): the fragments' concatenation is one JPEG
  /// stream, whose frame must match Rows, Columns and 8 bits; then masked and inverted as native
  /// data.
  func encapsulated(reader: inout DICOMReader, element: DICOMReader.Element, limits: ImageLimits)
    throws(ImageError) -> Image
  {
    guard bitsAllocated == 8 else {
      throw .unsupported(
        path: path, what: "JPEG pixel data with BitsAllocated \(bitsAllocated)",
        hint: "chexstats decodes 8-bit JPEG Baseline DICOM files")
    }
    let (stream, end) = try reader.readFragments(element)
    let result: Result<Image, ImageError> = stream.withUnsafeBytes { raw in
      Result { () throws(ImageError) -> Image in
        try JPEGDecoder.decode(
          raw, path: path, format: "JPEG (in the DICOM Pixel Data)", end: end, limits: limits)
      }
    }
    let image = try result.get()
    guard image.width == columns, image.height == rows, image.layout == .gray,
      case .uint8(let decoded) = image.samples
    else {
      throw .corrupt(
        path: path, format: "DICOM",
        detail:
          "its JPEG is \(image.width) x \(image.height) \(image.layout.name), but Rows and Columns say "
          + "\(columns) x \(rows) with \(samplesPerPixel) sample per pixel")
    }
    let mask = UInt8(white)
    if mask == 255 && !monochrome1 { return image }
    let samples = decoded.map { monochrome1 ? mask - ($0 & mask) : $0 & mask }
    return Image(width: columns, height: rows, layout: .gray, samples: .uint8(samples), maxValue: white)
  }
}
