import ArgumentParser
import ChexData
import ChexImaging
import ChexInference
import ChexReport
import ChexScoring
import Foundation

/// `chexstats score MODEL.onnx... --images ROOT --list LIST.csv --out DIR`: radiographs to runs.
struct Score: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score a list of radiographs with ONNX models and write runs that compare and report read.",
    discussion: """
      Each image is decoded (JPEG, PNG 8/16-bit, DICOM) and preprocessed once, and every model scores it. \
      One model: DIR is the run (predictions.csv, run.json). Several: DIR/<model stem>/ per model, or one run \
      with --ensemble mean. Results are journaled as batches finish; after a kill, --resume continues.
      """
  )

  @Argument(help: "The .onnx models (one run each, or one ensemble).")
  var models: [String]

  @OptionGroup(title: "Images")
  var images: ImageListArguments

  @Option(help: "The output folder: the run, or one run folder per model.")
  var out: String

  @OptionGroup(title: "Preprocessing")
  var preprocessing: PreprocessingArguments

  @Option(help: ArgumentHelp("Average the models' outputs into one run.", valueName: "mean"))
  var ensemble: Ensemble?

  @Option(
    help: ArgumentHelp(
      "Write the models' values as they are, or through the sigmoid.", valueName: "logits|probabilities"))
  var outputs: OutputTransform = .logits

  @Option(
    name: .customLong("label-names"),
    help: ArgumentHelp(
      "Names of the outputs (default: the model's 'labels' metadata, else CheXpert's 14 or 5).",
      valueName: "a,b,..."))
  var labelNames: String?

  @Option(
    help:
      "Threads for inference, and for decoding the next batch meanwhile (1 to \(Limits.maxThreads); default: all cores)."
  )
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Images per batch (1 to \(ScoringLimits.maxBatch)).")
  var batch: Int = 16

  @Option(
    help: ArgumentHelp("Convolution kernels, as for chexstats run.", valueName: "automatic|fast|openblas"))
  var kernels: ConvolutionKernels = .automatic

  @Flag(help: "Leave out images that cannot be read or decoded (listed in failures.csv) instead of stopping.")
  var skipUnreadable = false

  @Flag(help: "Continue the job whose journal is in --out (after a kill or a failure).")
  var resume = false

  @Option(
    help: ArgumentHelp("Score only shard K of N (0 <= K < N): a fixed slice of the list.", valueName: "K/N"))
  var shard: String?

  @Option(
    help:
      "The number of shards when the index comes from JOB_COMPLETION_INDEX (or to check SLURM_ARRAY_TASK_COUNT)."
  )
  var shards: Int?

  @Flag(help: "No progress lines.")
  var quiet = false

  /// With several models (no ensemble) these apply to every run; score models of different
  /// architectures in separate calls, or set the fields in each run.json afterwards.
  @OptionGroup(title: "What report reads from run.json")
  var metadata: ScoreMetadataArguments

  func validate() throws {
    guard (1...ScoringLimits.maxModels).contains(models.count) else {
      throw ValidationError("give 1 to \(ScoringLimits.maxModels) models, got \(models.count)")
    }
    guard (1...Limits.maxThreads).contains(threads) else {
      throw ValidationError("--threads must be between 1 and \(Limits.maxThreads), got \(threads).")
    }
    guard (1...ScoringLimits.maxBatch).contains(batch) else {
      throw ValidationError("--batch must be between 1 and \(ScoringLimits.maxBatch), got \(batch).")
    }
    if ensemble != nil, models.count < 2 {
      throw ValidationError("--ensemble mean needs at least two models")
    }
    if metadata.name != nil, models.count > 1, ensemble == nil {
      throw ValidationError(
        "--name names one run, but \(models.count) models make \(models.count) runs (named by their files); "
          + "drop --name, or score them one by one")
    }
  }

  func run() throws {
    try reportingFailures {
      let started = Date()
      let shard = try Shard.resolve(
        option: shard, shards: shards, environment: ProcessInfo.processInfo.environment)
      let list = try images.load()
      let preprocessing = try preprocessing.resolve()
      let names = labelNames.map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
      let loaded = try models.map { path throws in
        try ScoringModel.load(
          path: path, inputShape: preprocessing.tensorShape, threads: threads, kernels: kernels,
          labelNames: names)
      }
      try checkTogether(loaded)
      let job = ScoreJob(
        models: loaded.map { .init(stem: $0.stem, sha256: $0.sha256, labelNames: $0.labelNames) },
        listSHA256: list.sha256, listRows: list.entries.count, shard: shard, preprocessing: preprocessing,
        outputs: outputs, ensemble: ensemble)
      let rows = shard.range(rows: list.entries.count)
      let (folder, done) = try ScoreFolder.open(path: out, job: job, resume: resume)

      let progress = Progress(label: "chexstats score", total: rows.count, done: done.count, quiet: quiet)
      let pipeline = ScoringPipeline(
        models: loaded, inputShape: preprocessing.tensorShape, batch: batch, threads: threads,
        skipUnreadable: skipUnreadable)
      let preparation = ImagePreparation(preprocessing: preprocessing)
      let prepare: ScoringPipeline.Prepare = { entry, slot throws(ScoringError) in
        try preparation.prepare(entry, into: slot)
      }
      try pipeline.run(list: list, range: (rows.lowerBound + done.count)..<rows.upperBound, prepare: prepare)
      {
        batch in
        try folder.append(Journal.records(batch))
        progress.advance(by: batch.outcomes.count)
      }
      progress.finish()

      let outcomes = try Journal.parse(try folder.readAll(), path: folder.journalPath).outcomes
      guard outcomes.count == rows.count else {
        throw CommandFailure(
          "'\(folder.journalPath)' holds \(outcomes.count) of \(rows.count) records after scoring")
      }
      let (scored, failed) = ScoredRuns.counts(outcomes)
      let seconds = Date().timeIntervalSince(started)
      let execution = ScoredRuns.Execution(
        chexstatsVersion: ChexstatsVersion.current, host: ProcessInfo.processInfo.hostName, threads: threads,
        batch: batch, wallSeconds: (seconds * 1000).rounded() / 1000,
        imagesPerSecond: (progress.rate * 100).rounded() / 100)
      let runs = ScoredRuns.render(
        job: job, models: loaded, list: list, outcomes: outcomes, metadata: metadata.runMetadata,
        execution: execution)
      for run in runs {
        for file in run.files { try folder.write(file.text, to: file.name, in: run.subfolder) }
      }
      if !quiet {
        Output.note(
          "chexstats score: \(scored) images scored\(failed > 0 ? ", \(failed) left out (failures.csv)" : "") "
            + "by \(loaded.count) model\(loaded.count == 1 ? "" : "s") in \(Progress.clock(seconds)); wrote '\(out)'"
        )
      }
    }
  }

  /// Several models: distinct run folder names, or for an ensemble the same outputs.
  private func checkTogether(_ loaded: [ScoringModel]) throws {
    guard loaded.count > 1 else { return }
    if ensemble != nil {
      for model in loaded.dropFirst() where model.labelNames != loaded[0].labelNames {
        throw CommandFailure(
          "--ensemble mean needs the same outputs from every model: '\(model.path)' names "
            + "\(model.labelNames.count) outputs differently from '\(loaded[0].path)'")
      }
      return
    }
    var seen: [String: String] = [:]
    for model in loaded {
      if let other = seen.updateValue(model.path, forKey: model.stem) {
        throw CommandFailure(
          "'\(other)' and '\(model.path)' would both be written to the run folder '\(model.stem)'; rename one"
        )
      }
    }
  }
}

extension Ensemble: ExpressibleByArgument {}
extension OutputTransform: ExpressibleByArgument {}

/// The fields of `run.json` that `report` reads and a model file does not say.
struct ScoreMetadataArguments: ParsableArguments {
  @Option(help: "The run's name (default: the folder's).")
  var name: String?

  @Option(help: "The architecture, as spelled in data/architectures.csv (e.g. DenseNet121).")
  var architecture: String?

  @Option(help: "The architecture family (e.g. DenseNet).")
  var family: String?

  @Option(help: ArgumentHelp("Whether training started from ImageNet weights.", valueName: "true|false"))
  var pretrained: Bool?

  @Option(name: .customLong("truncated-blocks"), help: "Final blocks cut off (0 = the full model).")
  var truncatedBlocks: Int?

  @Option(help: "The training seed.")
  var seed: Int?

  var runMetadata: RunMetadata {
    RunMetadata(
      name: name, architecture: architecture, family: family, pretrained: pretrained,
      truncatedBlocks: truncatedBlocks, seed: seed)
  }
}
