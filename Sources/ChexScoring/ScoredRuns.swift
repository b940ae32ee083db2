import ChexData

/// The runs a finished scoring job writes, as files' texts: one run per model (in a folder named
/// by the model file's stem when there are several), or one run for an ensemble. Each run is
/// `predictions.csv`, `failures.csv` when images were left out, and `run.json`.
public enum ScoredRuns {
  /// How the job ran, recorded in `run.json`.
  public struct Execution: Sendable, Equatable {
    public var chexstatsVersion: String
    public var host: String
    public var threads: Int
    public var batch: Int
    public var wallSeconds: Double
    public var imagesPerSecond: Double

    public init(
      chexstatsVersion: String, host: String, threads: Int, batch: Int, wallSeconds: Double,
      imagesPerSecond: Double
    ) {
      self.chexstatsVersion = chexstatsVersion
      self.host = host
      self.threads = threads
      self.batch = batch
      self.wallSeconds = wallSeconds
      self.imagesPerSecond = imagesPerSecond
    }
  }

  /// One run's files.
  public struct Run: Sendable, Equatable {
    /// The folder inside the output folder, nil for the output folder itself.
    public let subfolder: String?
    /// File names and texts, in the order to write them (`run.json` last, so a run folder with a
    /// `run.json` has its tables).
    public let files: [File]
  }

  public struct File: Sendable, Equatable {
    public let name: String
    public let text: String
  }

  /// Images scored and left out.
  public static func counts(_ outcomes: [ScoringPipeline.Outcome]) -> (scored: Int, failed: Int) {
    let scored = outcomes.reduce(0) { count, outcome in
      if case .scored = outcome { return count + 1 }
      return count
    }
    return (scored, outcomes.count - scored)
  }

  /// The runs of `job` from its journal's `outcomes` (one per row of its shard of `list`), with
  /// what the user says of the models in `metadata` (its name, architecture, family, pretrained,
  /// truncated blocks and seed; the other fields come from the models).
  public static func render(
    job: ScoreJob, models: [ScoringModel], list: ImageList, outcomes: [ScoringPipeline.Outcome],
    metadata: RunMetadata, execution: Execution
  ) -> [Run] {
    let rows = job.shard.range(rows: list.entries.count)
    let (scored, failed) = counts(outcomes)
    let failures = RunTables.failures(list: list, rows: rows, outcomes: outcomes)
    func run(_ source: RunTables.Source, members: [ScoringModel], subfolder: String?) -> Run {
      let parameters = Set(members.map(\.parameters))
      let record = ScoreRecord(
        name: metadata.name ?? subfolder, architecture: metadata.architecture,
        family: metadata.family,
        pretrained: metadata.pretrained, truncatedBlocks: metadata.truncatedBlocks,
        seed: metadata.seed,
        parameters: parameters.count == 1 ? parameters.first : nil, model: members[0].path,
        modelSHA256: members[0].sha256,
        models: members.map { .init(path: $0.path, sha256: $0.sha256, parameters: $0.parameters) },
        ensemble: job.ensemble, inputShape: job.preprocessing.tensorShape, preprocessing: job.preprocessing,
        outputs: job.outputs, labelNames: members[0].labelNames,
        list: .init(path: list.path, imagesRoot: list.root, sha256: list.sha256, rows: list.entries.count),
        shard: job.shard.count > 1 ? .init(shard: job.shard, rows: rows) : nil, images: scored,
        failures: failed,
        chexstatsVersion: execution.chexstatsVersion, host: execution.host, threads: execution.threads,
        batch: execution.batch, wallSeconds: execution.wallSeconds, imagesPerSecond: execution.imagesPerSecond
      )
      var files = [
        File(
          name: "predictions.csv",
          text: RunTables.predictions(
            list: list, rows: rows, outcomes: outcomes, names: members[0].labelNames, source: source,
            transform: job.outputs))
      ]
      if let failures { files.append(File(name: "failures.csv", text: failures)) }
      files.append(File(name: "run.json", text: record.json))
      return Run(subfolder: subfolder, files: files)
    }
    if job.ensemble != nil { return [run(.ensembleMean, members: models, subfolder: nil)] }
    if models.count == 1 { return [run(.model(0), members: models, subfolder: nil)] }
    return models.enumerated().map { index, model in
      run(.model(index), members: [model], subfolder: model.stem)
    }
  }
}
