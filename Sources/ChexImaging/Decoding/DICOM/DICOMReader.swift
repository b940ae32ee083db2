/// Walks the data elements of a DICOM file (PS3.5 section 7), little endian, with explicit or
/// implicit VRs; reads the few attributes the decoder needs and skips everything else. Every
/// length is checked against the bytes left before it is used.
struct DICOMReader {
  /// An element's position: where its value starts, and its length (nil: undefined, FFFFFFFFH).
  struct Element {
    var tag: UInt32
    var vr: String
    var valueOffset: Int
    var length: Int?
  }

  /// A short value read from the file: an unsigned integer (US, UL) or text (CS, IS, UI, ...).
  struct Value {
    var integer: Int?
    var text: String?
  }

  // The attributes read (tags as group << 16 | element).
  static let transferSyntaxUID: UInt32 = 0x0002_0010
  static let samplesPerPixel: UInt32 = 0x0028_0002
  static let photometricInterpretation: UInt32 = 0x0028_0004
  static let planarConfiguration: UInt32 = 0x0028_0006
  static let numberOfFrames: UInt32 = 0x0028_0008
  static let rows: UInt32 = 0x0028_0010
  static let columns: UInt32 = 0x0028_0011
  static let bitsAllocated: UInt32 = 0x0028_0100
  static let bitsStored: UInt32 = 0x0028_0101
  static let highBit: UInt32 = 0x0028_0102
  static let pixelRepresentation: UInt32 = 0x0028_0103
  static let pixelData: UInt32 = 0x7FE0_0010
  static let item: UInt32 = 0xFFFE_E000
  static let itemDelimitation: UInt32 = 0xFFFE_E00D
  static let sequenceDelimitation: UInt32 = 0xFFFE_E0DD

  /// The VRs whose length has 4 bytes, after 2 reserved ones (PS3.5 table 7.1-1).
  static let longVRs: Set<String> = [
    "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV",
  ]

  let bytes: UnsafeRawBufferPointer
  let path: String
  let limits: ImageLimits
  var offset: Int
  var explicit: Bool

  /// `(gggg,eeee)`, as the standard writes a tag.
  static func name(_ tag: UInt32) -> String {
    func hex(_ value: UInt32) -> String {
      let digits = String(value, radix: 16, uppercase: true)
      return String(repeating: "0", count: 4 - digits.count) + digits
    }
    return "(\(hex(tag >> 16)),\(hex(tag & 0xFFFF)))"
  }

  private func corrupt(_ detail: String) -> ImageError {
    .corrupt(path: path, format: "DICOM", detail: detail)
  }
  private var truncated: ImageError { .truncated(path: path, format: "DICOM", atByte: bytes.count) }

  private func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
  private func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }

  /// The element header at `offset`, which is moved to the element's value. Item and delimiter
  /// tags (group FFFE) have no VR in either syntax (PS3.5 7.5).
  mutating func readElementHeader(explicit: Bool) throws(ImageError) -> Element {
    guard bytes.count - offset >= 8 else { throw truncated }
    let tag = UInt32(u16(offset)) << 16 | UInt32(u16(offset + 2))
    var vr = ""
    var length: UInt32
    if tag >> 16 == 0xFFFE || !explicit {
      length = u32(offset + 4)
      offset += 8
    } else {
      let first = bytes[offset + 4]
      let second = bytes[offset + 5]
      guard (0x41...0x5A).contains(first), (0x41...0x5A).contains(second) else {
        throw corrupt("the element \(Self.name(tag)) at byte \(offset) has no valid VR")
      }
      vr = String(decoding: [first, second], as: UTF8.self)
      if Self.longVRs.contains(vr) {
        guard bytes.count - offset >= 12 else { throw truncated }
        length = u32(offset + 8)
        offset += 12
      } else {
        length = UInt32(u16(offset + 6))
        offset += 8
      }
    }
    if length == 0xFFFF_FFFF {
      return Element(tag: tag, vr: vr, valueOffset: offset, length: nil)
    }
    return Element(tag: tag, vr: vr, valueOffset: offset, length: Int(length))
  }

  /// Moves past a defined-length value, checking that the file holds it.
  private mutating func skip(_ length: Int) throws(ImageError) {
    guard length <= bytes.count - offset else { throw truncated }
    offset += length
  }

  /// The value of a defined-length element as a short value (bounded by
  /// `limits.dicomValueBytes`); moves past it.
  private mutating func readValue(_ element: Element, explicit: Bool) throws(ImageError) -> Value {
    guard let length = element.length else {
      throw corrupt("the attribute \(Self.name(element.tag)) has undefined length")
    }
    guard length <= limits.dicomValueBytes else {
      throw .tooLarge(
        path: path,
        detail:
          "its attribute \(Self.name(element.tag)) is \(length) bytes long, beyond the limit of \(limits.dicomValueBytes)"
      )
    }
    guard length <= bytes.count - offset else { throw truncated }
    let start = offset
    offset += length
    // In Implicit VR (and for a VR of UN, which converters write for attributes they do not know)
    // the VR is the data dictionary's (PS3.6): the integer attributes read here are all US, the
    // others strings.
    let vr =
      explicit && element.vr != "UN" ? element.vr : (Self.stringTags.contains(element.tag) ? "CS" : "US")
    switch vr {
    case "US", "SS":
      guard length >= 2 else {
        throw corrupt("the US attribute \(Self.name(element.tag)) is \(length) bytes long")
      }
      return Value(integer: Int(u16(start)), text: nil)
    case "UL", "SL":
      guard length >= 4 else {
        throw corrupt("the UL attribute \(Self.name(element.tag)) is \(length) bytes long")
      }
      return Value(integer: Int(u32(start)), text: nil)
    default:
      let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
      let text = String(decoding: raw, as: UTF8.self).trimmingPadding()
      return Value(integer: Int(text), text: text)
    }
  }

  /// The attributes read as strings (the others read here are US).
  private static let stringTags: Set<UInt32> = [transferSyntaxUID, photometricInterpretation, numberOfFrames]

  /// The File Meta Information (group 0002, Explicit VR Little Endian whatever the transfer
  /// syntax, PS3.10 7.1): returns the transfer syntax; `offset` ends at the data set.
  mutating func readFileMeta() throws(ImageError) -> TransferSyntax {
    var uid: String?
    while bytes.count - offset >= 2, u16(offset) == 0x0002 {
      let element = try readElementHeader(explicit: true)
      if element.tag == Self.transferSyntaxUID {
        uid = try readValue(element, explicit: true).text
      } else {
        guard let length = element.length else {
          throw corrupt("the File Meta element \(Self.name(element.tag)) has undefined length")
        }
        try skip(length)
      }
    }
    guard let uid, !uid.isEmpty else {
      if offset >= bytes.count { throw truncated }
      throw corrupt("its File Meta Information has no TransferSyntaxUID (0002,0010)")
    }
    return TransferSyntax(uid: uid)
  }

  /// The top-level data set up to Pixel Data: the Image Pixel attributes found, and the Pixel
  /// Data element (with `offset` at its value).
  mutating func readDataSet() throws(ImageError) -> (attributes: [UInt32: Value], pixelData: Element) {
    var attributes: [UInt32: Value] = [:]
    let wanted: Set<UInt32> = [
      Self.samplesPerPixel, Self.photometricInterpretation, Self.planarConfiguration, Self.numberOfFrames,
      Self.rows, Self.columns, Self.bitsAllocated, Self.bitsStored, Self.highBit, Self.pixelRepresentation,
    ]
    while true {
      if offset == bytes.count {
        throw corrupt(
          "it ends at byte \(offset) without Pixel Data (7FE0,0010), so it holds no image (or is truncated)")
      }
      let element = try readElementHeader(explicit: explicit)
      if element.tag == Self.pixelData { return (attributes, element) }
      if wanted.contains(element.tag) {
        attributes[element.tag] = try readValue(element, explicit: explicit)
      } else {
        try skipValue(element, explicit: explicit, depth: 0)
      }
    }
  }

  /// Moves past an element's value: a defined length directly; an undefined one as a sequence
  /// of items (an undefined-length UN is Implicit VR Little Endian inside, PS3.5 6.2.2).
  private mutating func skipValue(_ element: Element, explicit: Bool, depth: Int) throws(ImageError) {
    if let length = element.length {
      try skip(length)
      return
    }
    guard element.vr == "SQ" || element.vr == "UN" || !explicit else {
      throw corrupt("the element \(Self.name(element.tag)) of VR \(element.vr) has undefined length")
    }
    try skipSequence(explicit: explicit && element.vr != "UN", depth: depth + 1)
  }

  /// Moves past the items of an undefined-length sequence and its Sequence Delimitation Item
  /// (PS3.5 7.5.2): each item of defined length directly, of undefined length element by element
  /// to its Item Delimitation Item.
  private mutating func skipSequence(explicit: Bool, depth: Int) throws(ImageError) {
    guard depth <= limits.dicomDepth else {
      throw .tooLarge(path: path, detail: "its sequences nest deeper than the limit of \(limits.dicomDepth)")
    }
    while true {
      let item = try readElementHeader(explicit: explicit)
      switch item.tag {
      case Self.sequenceDelimitation:
        return
      case Self.item:
        if let length = item.length {
          try skip(length)
          continue
        }
        while true {
          let element = try readElementHeader(explicit: explicit)
          if element.tag == Self.itemDelimitation { break }
          try skipValue(element, explicit: explicit, depth: depth)
        }
      default:
        throw corrupt(
          "a sequence holds the element \(Self.name(item.tag)) at byte \(item.valueOffset - 8) where an item should be"
        )
      }
    }
  }

  /// The fragments of encapsulated pixel data (PS3.5 A.4): after the Basic Offset Table item,
  /// items up to the Sequence Delimitation Item; returns their concatenation (one frame) and the
  /// byte where the last one ends.
  mutating func readFragments(_ element: Element) throws(ImageError) -> (stream: [UInt8], end: Int) {
    guard element.length == nil else {
      throw corrupt("its Pixel Data has a defined length in an encapsulated (JPEG) transfer syntax")
    }
    var ranges: [Range<Int>] = []
    var total = 0
    var first = true
    while true {
      let item = try readElementHeader(explicit: true)
      if item.tag == Self.sequenceDelimitation { break }
      guard item.tag == Self.item, let length = item.length else {
        throw corrupt(
          "its encapsulated Pixel Data holds \(Self.name(item.tag)) where a fragment item should be")
      }
      guard length <= bytes.count - offset else { throw truncated }
      if !first { ranges.append(offset..<offset + length) }
      total += first ? 0 : length  // bounded by the file's size
      first = false
      offset += length
    }
    guard !ranges.isEmpty else { throw corrupt("its encapsulated Pixel Data holds no fragment") }
    var stream: [UInt8] = []
    stream.reserveCapacity(total)
    for range in ranges { stream.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range])) }
    return (stream, ranges[ranges.count - 1].upperBound)
  }
}

extension String {
  /// Without the trailing spaces and NULs that pad DICOM values to an even length (PS3.5 6.2),
  /// and without leading spaces (allowed in IS, DS and CS).
  fileprivate func trimmingPadding() -> String {
    var scalars = Substring(self)
    while let last = scalars.last, last == " " || last == "\u{0}" { scalars = scalars.dropLast() }
    while let first = scalars.first, first == " " { scalars = scalars.dropFirst() }
    return String(scalars)
  }
}
