/// One label cell: positive, negative or uncertain; a blank cell (not mentioned) is `nil`.
public enum LabelValue: Int8, Sendable {
  case negative = 0
  case positive = 1
  case uncertain = -1

  /// Parses a label cell: `1`, `0`, `-1` as integers or decimals (`1.0`, `-1.00`, `+1`),
  /// surrounding whitespace allowed. Returns `.some(nil)` for a blank cell and `nil` for
  /// anything else.
  static func parse(_ text: String) -> LabelValue?? {
    switch text {  // the common spellings, without allocating
    case "": return .some(nil)
    case "1", "1.0": return .positive
    case "0", "0.0": return .negative
    case "-1", "-1.0": return .uncertain
    default: break
    }
    let trimmed = text.trimmingWhitespace()
    if trimmed.isEmpty { return .some(nil) }
    guard let number = Double(trimmed) else { return nil }
    switch number {
    case 1: return .positive
    case 0: return .negative
    case -1: return .uncertain
    default: return nil
    }
  }
}

/// A CheXpert-style label file: one row per study (or per image, reduced to studies), a key
/// column and some of the 14 observations coded 1 / 0 / -1 / blank.
///
/// Works for the test set's study-level `groundtruth.csv` (`Study` key, integer 0/1), the
/// image-level `train.csv` / `valid.csv` (`Path` key, extra columns such as `Sex` and `Age`
/// ignored, float coding `1.0` / `0.0` / `-1.0` / blank) and report-labeler output. Columns are
/// matched by name (see `Observations.canonicalName`), so their order does not matter.
public struct LabelFile: Sendable, Equatable {
  /// The path as given.
  public let path: String
  /// The key column's header as written in the file.
  public let keyColumn: String
  /// Normalised keys (see `StudyKey`), unique, in file order, after aggregation.
  public let keys: [String]
  /// Canonical names of the observations present, in file order.
  public let tasks: [String]
  /// For each task, the label of each key (parallel to `keys`); `nil` is blank.
  public let values: [String: [LabelValue?]]
  /// Whether the keys were image paths reduced to studies (or kept, under `.image`).
  public let imageLevel: Bool
  /// How image rows were combined into studies when the file was read.
  public let aggregation: Aggregation

  public init(
    path: String, keyColumn: String, keys: [String], tasks: [String],
    values: [String: [LabelValue?]], imageLevel: Bool, aggregation: Aggregation = .studyMax
  ) {
    precondition(
      tasks.allSatisfy { values[$0]?.count == keys.count },
      "LabelFile.init: every task needs one value per key")
    self.path = path
    self.keyColumn = keyColumn
    self.keys = keys
    self.tasks = tasks
    self.values = values
    self.imageLevel = imageLevel
    self.aggregation = aggregation
  }

  /// Reads a label file.
  ///
  /// - Parameters:
  ///   - path: The CSV file.
  ///   - keyColumn: The key column's name; nil means `Study`, else `Path`.
  ///   - aggregation: Under `.studyMax` and `.studyMean` image rows are reduced to their study
  ///     and the images of one study must carry the same labels; under `.image` each image is
  ///     its own key.
  /// - Throws: `DataError` naming the file and the line, column or key: any CSV error, no rows,
  ///   no key column, no observation column, an empty or duplicate key, a value outside
  ///   1 / 0 / -1 / blank, images of one study that disagree.
  /// - Complexity: O(rows x columns).
  public static func read(path: String, keyColumn: String?, aggregation: Aggregation)
    throws(DataError) -> LabelFile
  {
    let keyed = try KeyedTable(path: path, keyColumn: keyColumn, aggregation: aggregation)
    let table = keyed.table
    let columns = keyed.taskColumns
    // Row by row, so that the first bad cell in reading order is the one reported.
    var perTask = [[LabelValue?]](
      repeating: [LabelValue?](repeating: nil, count: keyed.keys.count), count: columns.count)
    for (row, fields) in table.rows.enumerated() {
      let group = keyed.groupOfRow[row]
      let firstRow = keyed.firstRowOfGroup[group]
      for (number, column) in columns.enumerated() {
        let text = fields[column.index]
        guard let value = LabelValue.parse(text) else {
          throw .invalidLabel(
            path: path, line: table.lineNumbers[row], column: column.header, found: text)
        }
        if firstRow == row {
          perTask[number][group] = value
        } else if perTask[number][group] != value {
          throw .conflictingLabels(
            path: path, study: keyed.keys[group], task: column.name,
            line: table.lineNumbers[row], firstLine: table.lineNumbers[firstRow])
        }
      }
    }
    var values: [String: [LabelValue?]] = [:]
    for (number, column) in columns.enumerated() { values[column.name] = perTask[number] }
    return LabelFile(
      path: path, keyColumn: keyed.keyColumn, keys: keyed.keys,
      tasks: keyed.taskColumns.map(\.name), values: values, imageLevel: keyed.imageLevel,
      aggregation: aggregation)
  }
}
