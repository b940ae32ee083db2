import ChexData
import ChexFiles

/// The images to score: the `Path` column of a CSV (a CheXpert labels file works as it is),
/// resolved under an images root.
///
/// A list path is relative to the root, as CheXpert's `valid.csv` paths
/// (`CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg`) are relative to the folder
/// holding the dataset. Paths are resolved lexically: `.` and `..` components are applied to the
/// text, and a path that would leave the root (`../x`, `a/../../x`) or is absolute is refused
/// naming its line, so a list cannot make the scorer read files outside the folder it was given.
/// Symbolic links inside the root are followed (datasets are often assembled from links).
public struct ImageList: Sendable, Equatable {
  /// One image: the path as the list spells it (the key of `predictions.csv`), the file it
  /// names, and the list's line for messages.
  public struct Entry: Sendable, Equatable {
    public let path: String
    public let file: String
    public let line: Int

    public init(path: String, file: String, line: Int) {
      self.path = path
      self.file = file
      self.line = line
    }
  }

  /// The list file as given.
  public let path: String
  /// The images root as given.
  public let root: String
  /// SHA-256 of the list file's bytes: `--resume` and `merge` refuse runs of another list.
  public let sha256: String
  public let entries: [Entry]

  public init(path: String, root: String, sha256: String, entries: [Entry]) {
    self.path = path
    self.root = root
    self.sha256 = sha256
    self.entries = entries
  }

  /// Reads the list at `path`, resolving its `Path` column under `root`.
  ///
  /// - Throws: `ScoringError.list` for an unreadable or malformed CSV, a missing `Path` column,
  ///   an empty, absolute or escaping path, a path listed twice, or more than
  ///   `ScoringLimits.maxImages` rows.
  public static func load(path: String, root: String) throws(ScoringError) -> ImageList {
    let bytes: [UInt8]
    do {
      bytes = try [UInt8](InputFile.read(path: path))
    } catch {
      throw .list(path: path, line: nil, reason: "cannot be read: \(error.reason)")
    }
    let table: CSVTable
    do {
      table = try CSVTable.parse(bytes, path: path)
    } catch {
      throw .list(path: path, line: nil, reason: "\(error)")
    }
    guard let column = table.header.firstIndex(of: "Path") else {
      throw .list(
        path: path, line: 1,
        reason:
          "expected a 'Path' column, found the columns \(table.header.map { "'\($0)'" }.joined(separator: ", "))"
      )
    }
    guard !table.rows.isEmpty else { throw .list(path: path, line: nil, reason: "no images are listed") }
    guard table.rows.count <= ScoringLimits.maxImages else {
      throw .list(
        path: path, line: nil,
        reason:
          "\(table.rows.count) images, more than the limit of \(ScoringLimits.maxImages) (ScoringLimits.maxImages)"
      )
    }
    var entries: [Entry] = []
    entries.reserveCapacity(table.rows.count)
    var firstLine: [String: Int] = [:]
    for (row, line) in zip(table.rows, table.lineNumbers) {
      let listed = row[column]
      let file = try resolve(listed, under: root, list: path, line: line)
      if let first = firstLine.updateValue(line, forKey: listed) {
        throw .list(path: path, line: line, reason: "'\(listed)' is listed twice (first on line \(first))")
      }
      entries.append(Entry(path: listed, file: file, line: line))
    }
    return ImageList(path: path, root: root, sha256: SHA256.hex(bytes), entries: entries)
  }

  /// `root/listed` with `.` and `..` applied, or an error when `listed` is empty, absolute or
  /// leaves the root.
  static func resolve(_ listed: String, under root: String, list: String, line: Int) throws(ScoringError)
    -> String
  {
    guard !listed.isEmpty else { throw .list(path: list, line: line, reason: "the Path field is empty") }
    guard !listed.contains(where: \.isNewline) else {
      throw .list(path: list, line: line, reason: "the path holds a line break; no image path does")
    }
    guard !listed.hasPrefix("/") else {
      throw .list(
        path: list, line: line,
        reason: "'\(listed)' is an absolute path; list paths are relative to the images root '\(root)'")
    }
    var parts: [Substring] = []
    for part in listed.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..":
        guard parts.popLast() != nil else {
          throw .list(
            path: list, line: line, reason: "'\(listed)' leads outside the images root '\(root)'; refused")
        }
      default: parts.append(part)
      }
    }
    guard !parts.isEmpty else {
      throw .list(path: list, line: line, reason: "'\(listed)' names the images root itself, not a file")
    }
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    return (base.isEmpty ? "" : base + "/") + parts.joined(separator: "/")
  }
}
