/// Why scoring, resuming or merging cannot go on. Every case is one sentence naming the file (and
/// the line, option or key) at fault, what was expected and what was found.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The image list cannot be used: a CSV error, a missing `Path` column, an empty or escaping path.
  case list(path: String, line: Int?, reason: String)
  /// One image cannot be decoded or preprocessed (`--skip-unreadable` turns this into a failure
  /// row); `reason` is the decoder's sentence, which names the file.
  case image(path: String, reason: String)
  /// A model cannot be scored with these options (output shape, names, input size).
  case model(path: String, reason: String)
  /// `--shard`, `--shards` or the job-array variables are inconsistent.
  case shard(String)
  /// The output folder cannot take this job (not empty without `--resume`, a journal of another job).
  case output(path: String, reason: String)
  /// A journal or a run to merge does not read as one.
  case journal(path: String, line: Int?, reason: String)
  /// Shards that cannot be merged into one run.
  case merge(String)
  /// A size beyond a limit of `ScoringLimits`.
  case limit(String)

  public var description: String {
    switch self {
    case .list(let path, let line, let reason):
      return "image list '\(path)'\(line.map { ", line \($0)" } ?? ""): \(reason)"
    case .image(_, let reason):
      return reason
    case .model(let path, let reason):
      return "model '\(path)': \(reason)"
    case .shard(let reason):
      return reason
    case .output(let path, let reason):
      return "output folder '\(path)': \(reason)"
    case .journal(let path, let line, let reason):
      return "'\(path)'\(line.map { ", line \($0)" } ?? ""): \(reason)"
    case .merge(let reason):
      return "cannot merge: \(reason)"
    case .limit(let reason):
      return reason
    }
  }
}
