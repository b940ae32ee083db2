/// The key that joins a row of labels to a row of predictions.
///
/// Files from different releases spell the same study differently
/// (`CheXpert-v1.0/test/patient64741/study1`, `CheXpert-v1.0-small/test/patient64741/study1/`,
/// `test/patient64741/study1/view1_frontal.jpg`), so keys are compared after normalisation:
/// 1. surrounding whitespace is dropped, `\` becomes `/`, empty and `.` path components go (so
///    trailing and doubled slashes do not matter);
/// 2. a CheXpert path (a `patientNNNNN` component followed by a `studyN` component) keeps only
///    its tail from `patientNNNNN`, which drops the release prefix (`CheXpert-v1.0/`,
///    `CheXpert-v1.0-small/`, any folder above it) and the split (patient numbers are unique
///    across CheXpert's train, valid and test splits); any other path only loses everything up
///    to a release-prefix component;
/// 3. unless the aggregation is `image`, an image path (last component ending in `.jpg`, `.jpeg`,
///    `.png`, `.dcm`, `.dicom`, `.tif`, `.tiff` or `.bmp`) reduces to its folder, the study.
///
/// Keys that are not paths (for example MIMIC-CXR study ids) only lose surrounding whitespace.
public enum StudyKey {
  /// The normalised key of `raw` (see the type's documentation).
  ///
  /// - Complexity: O(n) in the length of `raw`.
  public static func normalize(_ raw: String, aggregation: Aggregation) -> String {
    var parts = components(raw)
    if aggregation != .image, let last = parts.last, isImageFileName(last) {
      parts.removeLast()
    }
    return parts.joined(separator: "/")
  }

  /// Whether `raw` names an image file (its last component has an image extension).
  public static func isImagePath(_ raw: String) -> Bool {
    guard let last = components(raw).last else { return false }
    return isImageFileName(last)
  }

  private static let releasePrefixes: Set<String> = ["chexpert-v1.0", "chexpert-v1.0-small"]
  private static let imageExtensions: Set<String> = [
    "jpg", "jpeg", "png", "dcm", "dicom", "tif", "tiff", "bmp",
  ]

  /// The path components after steps 1 and 2.
  private static func components(_ raw: String) -> [Substring] {
    var parts = raw.trimmingWhitespace().split(
      whereSeparator: { $0 == "/" || $0 == "\\" }
    ).filter { $0 != "." }
    if let patient = parts.indices.last(where: { index in
      index + 1 < parts.count && isNumbered(parts[index], prefix: "patient")
        && isNumbered(parts[index + 1], prefix: "study")
    }) {
      parts.removeFirst(patient)
    } else if let prefix = parts.lastIndex(where: { releasePrefixes.contains($0.lowercased()) }) {
      parts.removeFirst(prefix + 1)
    }
    return parts
  }

  /// Whether `part` is `prefix` followed by one or more decimal digits.
  private static func isNumbered(_ part: Substring, prefix: String) -> Bool {
    guard part.hasPrefix(prefix) else { return false }
    let digits = part.dropFirst(prefix.count)
    return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
  }

  private static func isImageFileName(_ part: Substring) -> Bool {
    guard let dot = part.lastIndex(of: "."), dot != part.startIndex else { return false }
    return imageExtensions.contains(part[part.index(after: dot)...].lowercased())
  }
}
