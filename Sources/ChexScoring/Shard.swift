/// A fixed slice of the image list, so that N jobs of an array score disjoint parts.
///
/// Shard `index` of `count` (0-based, as Slurm's `SLURM_ARRAY_TASK_ID` and Kubernetes'
/// `JOB_COMPLETION_INDEX`) holds the contiguous rows `index * n / count ..< (index + 1) * n /
/// count` of a list of n rows: the slices are disjoint, cover the list in order, and differ in size
/// by at most one row. Contiguous slices keep a study's images together and let `merge`
/// concatenate shards in order.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public init(index: Int, count: Int) throws(ScoringError) {
    guard (1...ScoringLimits.maxShards).contains(count) else {
      throw .shard("the shard count must be between 1 and \(ScoringLimits.maxShards), got \(count)")
    }
    guard (0..<count).contains(index) else {
      throw .shard(
        "shard index \(index) is outside 0...\(count - 1) for \(count) shards (indices start at 0)")
    }
    self.init(checkedIndex: index, count: count)
  }

  /// Decodes `{"index": K, "count": N}`, checking it as `init(index:count:)` does.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let index = try container.decode(Int.self, forKey: .index)
    let count = try container.decode(Int.self, forKey: .count)
    do {
      try self.init(index: index, count: count)
    } catch {
      throw DecodingError.dataCorruptedError(
        forKey: .index, in: container, debugDescription: error.description)
    }
  }

  enum CodingKeys: String, CodingKey { case index, count }

  /// The whole list as one shard.
  public static let whole = Shard(checkedIndex: 0, count: 1)

  private init(checkedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// `K/N`, as `--shard` takes it.
  public var description: String { "\(index)/\(count)" }

  /// The rows of a list of `rows` rows this shard holds.
  public func range(rows: Int) -> Range<Int> {
    // rows <= ScoringLimits.maxImages and count <= maxShards: the products fit in Int.
    (index * rows / count)..<((index + 1) * rows / count)
  }

  /// The shard to score, from `--shard K/N`, else from the job-array environment.
  ///
  /// - `option` (`--shard K/N`) wins when given.
  /// - Slurm: `SLURM_ARRAY_TASK_ID`, minus `SLURM_ARRAY_TASK_MIN` when set (an `--array=1-4`
  ///   job), of `SLURM_ARRAY_TASK_COUNT` tasks; `shards` (`--shards N`), when given, must agree.
  /// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` with `shards` (the count is in the Job's
  ///   spec, not in the environment).
  /// - Otherwise the whole list (`shards` given alone is an error: which shard is unknown).
  public static func resolve(option: String?, shards: Int?, environment: [String: String])
    throws(ScoringError)
    -> Shard
  {
    if let option {
      let parts = option.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
        throw .shard("--shard expects K/N with 0 <= K < N (for example 0/4), got '\(option)'")
      }
      if let shards, shards != count {
        throw .shard("--shard \(option) and --shards \(shards) disagree on the number of shards")
      }
      return try Shard(index: index, count: count)
    }
    func integer(_ name: String) throws(ScoringError) -> Int? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      guard let value = Int(text) else { throw .shard("\(name)='\(text)' is not an integer") }
      return value
    }
    if let task = try integer("SLURM_ARRAY_TASK_ID") {
      let minimum = try integer("SLURM_ARRAY_TASK_MIN") ?? 0
      guard let count = try integer("SLURM_ARRAY_TASK_COUNT") ?? shards else {
        throw .shard("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give --shards N")
      }
      if let shards, shards != count {
        throw .shard("--shards \(shards) disagrees with SLURM_ARRAY_TASK_COUNT=\(count)")
      }
      guard task - minimum < count else {
        throw .shard(
          "SLURM_ARRAY_TASK_ID=\(task) (minus SLURM_ARRAY_TASK_MIN=\(minimum)) is not below "
            + "SLURM_ARRAY_TASK_COUNT=\(count): an array with gaps or a step (--array=0-9:2) cannot be "
            + "mapped to shards; use --array=0-\(count - 1), or --shard K/N")
      }
      return try Shard(index: task - minimum, count: count)
    }
    if let index = try integer("JOB_COMPLETION_INDEX") {
      guard let shards else {
        throw .shard("JOB_COMPLETION_INDEX is set; give the number of shards with --shards N")
      }
      return try Shard(index: index, count: shards)
    }
    if let shards {
      throw .shard(
        "--shards \(shards) needs a shard index: --shard K/\(shards), SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX"
      )
    }
    return .whole
  }
}
