/// What label files and prediction files share: a CSV table with a resolved key column, its
/// observation columns, and its rows grouped by normalised key.
struct KeyedTable {
  /// An observation column of the file.
  struct TaskColumn {
    /// The canonical observation name.
    let name: String
    /// The header cell as written in the file (for messages).
    let header: String
    /// The column's index in each row.
    let index: Int
  }

  let table: CSVTable
  let keyColumn: String
  let keyIndex: Int
  let taskColumns: [TaskColumn]
  /// Normalised keys after aggregation, unique, in order of first appearance.
  let keys: [String]
  /// For each row, the index of its key in `keys`.
  let groupOfRow: [Int]
  /// For each key, the first row that has it.
  let firstRowOfGroup: [Int]
  /// Whether some key was an image path.
  let imageLevel: Bool

  /// Reads `path`, resolves the key column (`keyColumn`, else `Study`, else `Path`, matched
  /// case-insensitively after trimming), finds the observation columns, normalises the keys,
  /// refuses empty and duplicate keys, and groups rows by study under `aggregation`.
  ///
  /// - Complexity: O(rows x columns).
  init(path: String, keyColumn requested: String?, aggregation: Aggregation) throws(DataError) {
    let table = try CSVTable.read(path: path)
    guard !table.rows.isEmpty else { throw .noRows(path: path) }
    let folded = table.header.map { $0.trimmingWhitespace().lowercased() }
    let candidates = requested.map { [$0.trimmingWhitespace().lowercased()] } ?? ["study", "path"]
    guard let keyIndex = candidates.lazy.compactMap({ folded.firstIndex(of: $0) }).first else {
      throw .missingKeyColumn(path: path, requested: requested, found: table.header)
    }
    var taskColumns: [TaskColumn] = []
    for (index, header) in table.header.enumerated() where index != keyIndex {
      guard let name = Observations.canonicalName(header) else { continue }
      if let earlier = taskColumns.first(where: { $0.name == name }) {
        throw .duplicateColumn(path: path, column: header, sameAs: earlier.header)
      }
      taskColumns.append(TaskColumn(name: name, header: header, index: index))
    }
    guard !taskColumns.isEmpty else { throw .noObservationColumns(path: path) }

    let keyHeader = table.header[keyIndex]
    var keys: [String] = []
    var groupOfKey: [String: Int] = [:]
    var lineOfImage: [String: Int] = [:]
    var groupOfRow: [Int] = []
    var firstRowOfGroup: [Int] = []
    var imageLevel = false
    var groupFromStudyRow: [Bool] = []
    groupOfRow.reserveCapacity(table.rows.count)
    groupOfKey.reserveCapacity(table.rows.count)
    for (row, fields) in table.rows.enumerated() {
      let raw = fields[keyIndex]
      let line = table.lineNumbers[row]
      let parsed = StudyKey.parse(raw)
      let exact = parsed.exact
      guard !exact.isEmpty else { throw .emptyKey(path: path, line: line, column: keyHeader) }
      let isImage = parsed.isImage
      imageLevel = imageLevel || isImage
      let key = aggregation == .image ? exact : parsed.study
      // Only images reduced to their study need a check of their own; other keys are their
      // group's key, checked below.
      if isImage && aggregation != .image,
        let firstLine = lineOfImage.updateValue(line, forKey: exact)
      {
        throw .duplicateKey(path: path, key: exact, line: line, firstLine: firstLine)
      }
      if let group = groupOfKey[key] {
        // A repeated key, or a study row beside the image rows of that study (counted twice).
        if !isImage || aggregation == .image || groupFromStudyRow[group] {
          throw .duplicateKey(
            path: path, key: key, line: line,
            firstLine: table.lineNumbers[firstRowOfGroup[group]])
        }
        groupOfRow.append(group)
      } else {
        groupOfKey[key] = keys.count
        groupOfRow.append(keys.count)
        firstRowOfGroup.append(row)
        groupFromStudyRow.append(!isImage)
        keys.append(key)
      }
    }
    self.table = table
    self.keyColumn = keyHeader
    self.keyIndex = keyIndex
    self.taskColumns = taskColumns
    self.keys = keys
    self.groupOfRow = groupOfRow
    self.firstRowOfGroup = firstRowOfGroup
    self.imageLevel = imageLevel
  }
}
