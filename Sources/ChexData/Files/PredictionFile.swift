/// A prediction file: a key column like the labels' and some of the 14 observations, one score
/// (a probability or a logit) per cell, columns in any order.
public struct PredictionFile: Sendable, Equatable {
  /// The path as given.
  public let path: String
  /// The key column's header as written in the file.
  public let keyColumn: String
  /// Normalised keys (see `StudyKey`), unique, in order of first appearance, after aggregation.
  public let keys: [String]
  /// Canonical names of the observations present, in file order.
  public let tasks: [String]
  /// For each task, the score of each key (parallel to `keys`), after aggregation.
  public let scores: [String: [Double]]
  /// Whether the keys were image paths reduced to studies (or kept, under `.image`).
  public let imageLevel: Bool

  public init(
    path: String, keyColumn: String, keys: [String], tasks: [String], scores: [String: [Double]],
    imageLevel: Bool
  ) {
    precondition(
      tasks.allSatisfy { scores[$0]?.count == keys.count },
      "PredictionFile.init: every task needs one score per key")
    self.path = path
    self.keyColumn = keyColumn
    self.keys = keys
    self.tasks = tasks
    self.scores = scores
    self.imageLevel = imageLevel
  }

  /// Reads a prediction file.
  ///
  /// - Parameters:
  ///   - path: The CSV file.
  ///   - keyColumn: The key column's name; nil means `Study`, else `Path`.
  ///   - aggregation: Under `.studyMax` (`.studyMean`) the score of a study is the maximum
  ///     (mean, summed as x / n so that it cannot overflow) of its images' scores; under `.image` each image is its own key. Study-level
  ///     files are unchanged. The maximum commutes with the sigmoid, so it does not matter
  ///     whether the scores are logits or probabilities; the mean does not.
  /// - Throws: `DataError` naming the file and the line, column or key: any CSV error, no rows,
  ///   no key column, no observation column, an empty or duplicate key, a cell that is not a
  ///   finite number (`nan`, `inf` and empty cells included).
  /// - Complexity: O(rows x columns).
  public static func read(path: String, keyColumn: String?, aggregation: Aggregation)
    throws(DataError) -> PredictionFile
  {
    let keyed = try KeyedTable(path: path, keyColumn: keyColumn, aggregation: aggregation)
    let table = keyed.table
    let groups = keyed.keys.count
    var counts = [Int](repeating: 0, count: groups)
    for group in keyed.groupOfRow { counts[group] += 1 }
    let columns = keyed.taskColumns
    // Row by row, so that the first bad cell in reading order is the one reported.
    var perTask = [[Double]](
      repeating: [Double](repeating: 0, count: groups), count: columns.count)
    for (row, fields) in table.rows.enumerated() {
      let group = keyed.groupOfRow[row]
      let isFirst = keyed.firstRowOfGroup[group] == row
      for (number, column) in columns.enumerated() {
        let text = fields[column.index]
        guard let score = parseScore(text) else {
          throw .invalidScore(
            path: path, line: table.lineNumbers[row], column: column.header, found: text)
        }
        if aggregation == .studyMean {
          // Summing x / n rather than dividing the sum keeps every partial sum within the
          // largest score's magnitude, so finite scores (even near 1e308) give a finite mean.
          let share = score / Double(counts[group])
          perTask[number][group] = isFirst ? share : perTask[number][group] + share
        } else if isFirst {
          perTask[number][group] = score
        } else {
          perTask[number][group] = max(perTask[number][group], score)
        }
      }
    }
    var scores: [String: [Double]] = [:]
    for (number, column) in columns.enumerated() {
      scores[column.name] = perTask[number]
    }
    return PredictionFile(
      path: path, keyColumn: keyed.keyColumn, keys: keyed.keys,
      tasks: keyed.taskColumns.map(\.name), scores: scores, imageLevel: keyed.imageLevel)
  }

  /// A finite number written in decimal or scientific notation, surrounding whitespace allowed.
  static func parseScore(_ text: String) -> Double? {
    guard let value = Double(text) ?? Double(text.trimmingWhitespace()), value.isFinite else {
      return nil
    }
    return value
  }
}
