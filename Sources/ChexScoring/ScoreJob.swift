import ChexImaging
import Foundation

/// Everything that decides a scoring job's numbers: a journal records it in its first line, and
/// `--resume` and `merge` refuse to mix results of jobs that differ in any of it. Threads, batch
/// size and paths are left out: they change neither the numbers nor which images are scored.
public struct ScoreJob: Sendable, Equatable, Codable {
  /// One model of the job.
  public struct Model: Sendable, Equatable, Codable {
    public let stem: String
    public let sha256: String
    public let labelNames: [String]

    public init(stem: String, sha256: String, labelNames: [String]) {
      self.stem = stem
      self.sha256 = sha256
      self.labelNames = labelNames
    }

    enum CodingKeys: String, CodingKey {
      case stem, sha256
      case labelNames = "label_names"
    }
  }

  public let models: [Model]
  /// SHA-256 of the list file.
  public let listSHA256: String
  /// Rows of the whole list (before sharding).
  public let listRows: Int
  public let shard: Shard
  public let preprocessing: Preprocessing
  public let outputs: OutputTransform
  /// `mean` when the models' outputs are averaged into one run, else nil.
  public let ensemble: Ensemble?

  public init(
    models: [Model], listSHA256: String, listRows: Int, shard: Shard, preprocessing: Preprocessing,
    outputs: OutputTransform, ensemble: Ensemble?
  ) {
    self.models = models
    self.listSHA256 = listSHA256
    self.listRows = listRows
    self.shard = shard
    self.preprocessing = preprocessing
    self.outputs = outputs
    self.ensemble = ensemble
  }

  enum CodingKeys: String, CodingKey {
    case models, shard, preprocessing, outputs, ensemble
    case listSHA256 = "list_sha256"
    case listRows = "list_rows"
  }

  /// The first field in which `other` differs from this job, in words, or nil when they agree.
  public func difference(from other: ScoreJob) -> String? {
    if models.map(\.sha256) != other.models.map(\.sha256) {
      return "the models differ (SHA-256 \(other.models.map { String($0.sha256.prefix(12)) }) there, "
        + "\(models.map { String($0.sha256.prefix(12)) }) here)"
    }
    if models.map(\.labelNames) != other.models.map(\.labelNames) { return "the output names differ" }
    if listSHA256 != other.listSHA256 || listRows != other.listRows {
      return "the image lists differ (\(other.listRows) rows, SHA-256 \(other.listSHA256.prefix(12)) there; "
        + "\(listRows) rows, \(listSHA256.prefix(12)) here)"
    }
    if shard != other.shard { return "the shards differ (\(other.shard) there, \(shard) here)" }
    if preprocessing != other.preprocessing {
      return "the preprocessing differs (\(other.preprocessing) there, \(preprocessing) here)"
    }
    if outputs != other.outputs { return "the outputs differ (\(other.outputs) there, \(outputs) here)" }
    if ensemble != other.ensemble {
      return
        "the ensembling differs (\(other.ensemble?.rawValue ?? "none") there, \(ensemble?.rawValue ?? "none") here)"
    }
    return nil
  }
}

/// What is written for each output: the model's values as they are, or passed through the
/// logistic function.
public enum OutputTransform: String, Sendable, Codable, CaseIterable {
  case logits
  case probabilities

  /// `value`, or `1 / (1 + e^-value)` computed in double precision and rounded once to float
  /// (so it equals scipy's `expit` in float64 cast to float32).
  public func apply(_ value: Float) -> Float {
    switch self {
    case .logits: return value
    case .probabilities: return Float(1 / (1 + exp(-Double(value))))
    }
  }
}

/// How several models' outputs become one run.
public enum Ensemble: String, Sendable, Codable, CaseIterable {
  /// The mean over models of each output (after the output transform), in double precision and
  /// rounded once to float: the CheXpert group's ensembles average their checkpoints' outputs.
  case mean
}
