/// The key that joins a row of labels to a row of predictions.
///
/// Files from different releases spell the same study differently
/// (`CheXpert-v1.0/test/patient64741/study1`, `CheXpert-v1.0-small/test/patient64741/study1/`,
/// `test/patient64741/study1/view1_frontal.jpg`), so keys are compared after normalisation:
/// 1. surrounding whitespace is dropped, `\` counts as `/`, empty and `.` path components go (so
///    trailing and doubled slashes do not matter);
/// 2. a CheXpert path (a `patientNNNNN` component followed by a `studyN` component) keeps only
///    its tail from `patientNNNNN`, which drops the release prefix (`CheXpert-v1.0/`,
///    `CheXpert-v1.0-small/`, any folder above it) and the split (patient numbers are unique
///    across CheXpert's train, valid and test splits: the reference notes say to join on this
///    tail); any other path only loses everything up to a release-prefix component;
/// 3. unless the aggregation is `image`, an image path (last component ending in `.jpg`, `.jpeg`,
///    `.png`, `.dcm`, `.dicom`, `.tif`, `.tiff` or `.bmp`, any letter case) reduces to its
///    folder, the study; a bare file name without a folder stays whole.
///
/// Keys that are not paths (for example MIMIC-CXR study ids) only lose surrounding whitespace.
/// Two different paths that share a `patientN/studyN` tail (say, two sites numbering patients
/// alike) become the same key; the readers then refuse the file with a duplicate-key error
/// rather than merge them silently.
public enum StudyKey {
  /// The normalised key of `raw` (see the type's documentation).
  ///
  /// - Complexity: O(n) in the length of `raw`.
  public static func normalize(_ raw: String, aggregation: Aggregation) -> String {
    let parsed = parse(raw)
    return aggregation == .image ? parsed.exact : parsed.study
  }

  /// Whether `raw` names an image file (its last component has an image extension).
  ///
  /// - Complexity: O(n) in the length of `raw`.
  public static func isImagePath(_ raw: String) -> Bool { parse(raw).isImage }

  /// A key normalised both ways at once.
  struct Parsed {
    /// The key with image file names kept (the `.image` aggregation).
    let exact: String
    /// The key with an image file name dropped (the study aggregations).
    let study: String
    /// Whether the last component is an image file name.
    let isImage: Bool
  }

  /// Normalises `raw` in one pass over its UTF-8 bytes.
  ///
  /// - Complexity: O(n) in the length of `raw`.
  static func parse(_ raw: String) -> Parsed {
    if let parsed = raw.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) }) {
      return parsed
    }
    return Array(raw.utf8).withUnsafeBufferPointer { parse(bytes: $0) }
  }

  private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Parsed {
    // Step 1: the components, as byte ranges, without empty and "." ones.
    var lower = 0
    var upper = bytes.count
    while lower < upper && isSpace(bytes[lower]) { lower += 1 }
    while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
    var parts: [Range<Int>] = []
    var start = lower
    for index in lower...upper {
      if index == upper || bytes[index] == slash || bytes[index] == backslash {
        let length = index - start
        if length > 0 && !(length == 1 && bytes[start] == dot) { parts.append(start..<index) }
        start = index + 1
      }
    }
    // Step 2: the CheXpert tail, or what follows a release prefix.
    var first = 0
    if let patient = parts.indices.dropLast().last(where: { index in
      isNumbered(bytes, parts[index], prefix: patientWord)
        && isNumbered(bytes, parts[index + 1], prefix: studyWord)
    }) {
      first = patient
    } else if let prefix = parts.lastIndex(where: { part in
      releasePrefixes.contains { equalsIgnoringCase(bytes, part, $0) }
    }) {
      first = prefix + 1
    }
    // Step 3: an image file name at the end.
    var isImage = false
    if first < parts.count, let last = parts.last,
      let dot = bytes[last].lastIndex(of: dot), dot > last.lowerBound
    {
      let suffix = (dot + 1)..<last.upperBound
      isImage = imageExtensions.contains { equalsIgnoringCase(bytes, suffix, $0) }
    }
    let kept = parts[first...]
    let exact = join(bytes, kept)
    // A bare file name (NIH's `00000001_000.png`) has no folder to reduce to: it stays whole.
    let study = isImage && kept.count > 1 ? join(bytes, kept.dropLast()) : exact
    return Parsed(exact: exact, study: study, isImage: isImage)
  }

  private static let slash = UInt8(ascii: "/")
  private static let backslash = UInt8(ascii: "\\")
  private static let dot = UInt8(ascii: ".")
  private static let patientWord = Array("patient".utf8)
  private static let studyWord = Array("study".utf8)
  private static let releasePrefixes = ["chexpert-v1.0", "chexpert-v1.0-small"].map {
    Array($0.utf8)
  }
  private static let imageExtensions = ["jpg", "jpeg", "png", "dcm", "dicom", "tif", "tiff", "bmp"]
    .map { Array($0.utf8) }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
      || byte == UInt8(ascii: "\r")
  }

  /// Whether the bytes in `part` are `prefix` followed by one or more decimal digits.
  private static func isNumbered(
    _ bytes: UnsafeBufferPointer<UInt8>, _ part: Range<Int>, prefix: [UInt8]
  ) -> Bool {
    guard part.count > prefix.count else { return false }
    for (offset, byte) in prefix.enumerated() where bytes[part.lowerBound + offset] != byte {
      return false
    }
    return bytes[(part.lowerBound + prefix.count)..<part.upperBound].allSatisfy {
      $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")
    }
  }

  /// Whether the bytes in `part` equal the lower-case ASCII `word`, ignoring ASCII case.
  private static func equalsIgnoringCase(
    _ bytes: UnsafeBufferPointer<UInt8>, _ part: Range<Int>, _ word: [UInt8]
  ) -> Bool {
    guard part.count == word.count else { return false }
    for (offset, byte) in word.enumerated() {
      let actual = bytes[part.lowerBound + offset]
      let folded = actual >= UInt8(ascii: "A") && actual <= UInt8(ascii: "Z") ? actual + 32 : actual
      if folded != byte { return false }
    }
    return true
  }

  /// The components joined with `/`.
  private static func join(_ bytes: UnsafeBufferPointer<UInt8>, _ parts: ArraySlice<Range<Int>>)
    -> String
  {
    guard let first = parts.first else { return "" }
    if parts.count == 1 {
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[first]), as: UTF8.self)
    }
    var joined: [UInt8] = []
    joined.reserveCapacity(parts.reduce(parts.count) { $0 + $1.count })
    for part in parts {
      if !joined.isEmpty { joined.append(slash) }
      joined.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[part]))
    }
    return String(decoding: joined, as: UTF8.self)
  }
}
