/// Joins the shard runs of one scoring job into the run an unsharded job writes.
public enum Merge {
  /// One shard run as read from its folder.
  public struct ShardRun: Sendable {
    public let folder: String
    public let record: ScoreRecord
    /// `predictions.csv` as bytes.
    public let predictions: [UInt8]
    /// `failures.csv` as bytes, when the shard has one.
    public let failures: [UInt8]?

    public init(folder: String, record: ScoreRecord, predictions: [UInt8], failures: [UInt8]?) {
      self.folder = folder
      self.record = record
      self.predictions = predictions
      self.failures = failures
    }
  }

  /// The merged run's files.
  public struct Result: Sendable {
    public let record: ScoreRecord
    public let predictions: [UInt8]
    public let failures: [UInt8]?
  }

  /// Checks that `shards` are all the shards of one job, each once, and concatenates them in
  /// shard order. The tables are joined as bytes (one header, then each shard's rows), so the
  /// merged `predictions.csv` is byte for byte the one the unsharded job writes.
  ///
  /// - Throws: `ScoringError.merge` for a run that is not a shard, shards of different models,
  ///   lists, preprocessing, outputs or shard counts, a shard given twice (overlap), a missing one
  ///   (gap), a shard whose rows do not match its record, or tables whose headers differ.
  public static func merge(_ shards: [ShardRun]) throws(ScoringError) -> Result {
    guard let first = shards.first else { throw .merge("no shard folders were given") }
    var byIndex: [Int: ShardRun] = [:]
    for shard in shards {
      guard let range = shard.record.shard else {
        throw .merge("'\(shard.folder)' is a whole run, not a shard (its run.json has no 'shard')")
      }
      let record = shard.record
      let reference = first.record
      let differences: [(Bool, String)] = [
        (record.models.map(\.sha256) != reference.models.map(\.sha256), "models (SHA-256)"),
        (record.labelNames != reference.labelNames, "output names"),
        (
          record.list.sha256 != reference.list.sha256 || record.list.rows != reference.list.rows,
          "image lists"
        ),
        (record.preprocessing != reference.preprocessing, "preprocessing"),
        (record.outputs != reference.outputs, "outputs"),
        (record.ensemble != reference.ensemble, "ensembling"),
        (range.count != reference.shard?.count, "shard counts"),
      ]
      if let (_, what) = differences.first(where: { $0.0 }) {
        throw .merge(
          "'\(shard.folder)' and '\(first.folder)' differ in their \(what): they are not shards of one job")
      }
      if let other = byIndex.updateValue(shard, forKey: range.index) {
        throw .merge(
          "'\(other.folder)' and '\(shard.folder)' are both shard \(range.index)/\(range.count) (overlap)")
      }
      let expected = try Shard(index: range.index, count: range.count).range(rows: record.list.rows)
      guard range.firstRow == expected.lowerBound, range.endRow == expected.upperBound else {
        throw .merge(
          "'\(shard.folder)': shard \(range.index)/\(range.count) should hold rows \(expected), its run.json says \(range.firstRow)..<\(range.endRow)"
        )
      }
    }
    let count = first.record.shard?.count ?? 0
    let missing = (0..<count).filter { byIndex[$0] == nil }
    guard missing.isEmpty else {
      let shown = missing.prefix(10).map { "\($0)/\(count)" }.joined(separator: ", ")
      throw .merge(
        "shard\(missing.count == 1 ? "" : "s") \(shown)\(missing.count > 10 ? ", ..." : "") missing (gap)")
    }
    let ordered = (0..<count).compactMap { byIndex[$0] }
    let predictions = try concatenate(ordered, table: "predictions.csv", rowsExpected: { $0.record.images }) {
      $0.predictions
    }
    // A shard that counts failures must have its failures.csv (an absent one has no header).
    let withFailures = ordered.filter { $0.failures != nil || $0.record.failures > 0 }
    let failures =
      withFailures.isEmpty
      ? nil
      : try concatenate(withFailures, table: "failures.csv", rowsExpected: { $0.record.failures }) {
        $0.failures ?? []
      }

    var record = first.record
    record.shard = nil
    record.images = ordered.reduce(0) { $0 + $1.record.images }
    record.failures = ordered.reduce(0) { $0 + $1.record.failures }
    record.wallSeconds = ordered.reduce(0) { $0 + $1.record.wallSeconds }
    record.imagesPerSecond = record.wallSeconds > 0 ? Double(record.images) / record.wallSeconds : 0
    var hosts: [String] = []
    for shard in ordered where !hosts.contains(shard.record.host) { hosts.append(shard.record.host) }
    record.host = hosts.joined(separator: ", ")
    return Result(record: record, predictions: predictions, failures: failures)
  }

  /// The first shard's header line and every shard's rows, checking headers and row counts.
  private static func concatenate(
    _ shards: [ShardRun], table: String, rowsExpected: (ShardRun) -> Int, bytes: (ShardRun) -> [UInt8]
  ) throws(ScoringError) -> [UInt8] {
    var header: [UInt8]?
    var merged: [UInt8] = []
    for shard in shards {
      let content = bytes(shard)
      guard let end = content.firstIndex(of: UInt8(ascii: "\n")) else {
        throw .merge("'\(shard.folder)/\(table)' has no header line")
      }
      let head = Array(content[...end])
      if let header {
        guard head == header else {
          throw .merge("'\(shard.folder)/\(table)' has another header than the first shard's")
        }
      } else {
        header = head
        merged += head
      }
      let body = content[(end + 1)...]
      let lines = body.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
      guard lines == rowsExpected(shard), body.last.map({ $0 == UInt8(ascii: "\n") }) ?? true else {
        throw .merge(
          "'\(shard.folder)/\(table)' has \(lines) rows but its run.json counts \(rowsExpected(shard)): the shard is incomplete or was edited"
        )
      }
      merged += body
    }
    return merged
  }
}
