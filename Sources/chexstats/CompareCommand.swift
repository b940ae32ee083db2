import ArgumentParser
import ChexData
import ChexReport
import ChexStats

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Compare runs: two side by side, or a leaderboard of many, with readers, decisions and curves.",
    discussion: """
      A run is a predictions CSV (a Study or Path key and observation columns, probabilities \
      or logits) or a folder holding predictions.csv and an optional run.json. Every run and \
      reader must score exactly the studies in the labels (see --intersect).

      Two score runs give the side-by-side comparison (AUROC per task and mean, paired \
      bootstrap and DeLong). More runs, readers, decisions, thresholds or curves give the \
      leaderboard: AUROC, AUPRC and rank with bootstrap intervals, every pair's difference \
      with Holm-adjusted p-values, readers against each model's ROC curve ("Num Rads Below \
      Curve"), and sensitivity, specificity, PPV, NPV, F1, MCC and kappa of every decision \
      maker, all on one set of paired resamples. A run whose values are all 0 or 1 is a \
      decision run.
      """)

  @Argument(help: "Runs (predictions CSVs or run folders): two to compare, or any number for a leaderboard.")
  var runs: [String]

  @OptionGroup var evaluation: EvaluationArguments
  @OptionGroup var bootstrap: BootstrapArguments

  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp(
      "Human readers' binary reads: CSVs with a Study key and 0/1 per observation (columns matched by name); takes every file up to the next option, so give the runs first.",
      valueName: "file"))
  var readers: [String] = []

  @Flag(help: "Treat every run as binary decisions (each value must be 0 or 1).")
  var decisions = false

  @Option(
    help: ArgumentHelp(
      "Turn score runs into decisions (score >= threshold): VALUE, youden, sensitivity=S or specificity=S.",
      valueName: "rule"))
  var threshold: ThresholdRule?

  @Option(
    name: .customLong("threshold-from"), parsing: .upToNextOption,
    help: ArgumentHelp(
      "Where a data-chosen threshold is fixed: a labels CSV, then one run per score run, in the same order (never the evaluated studies); takes every file up to the next option.",
      valueName: "labels run"))
  var thresholdFrom: [String] = []

  @Option(
    help: "Write each run's ROC and precision-recall points (CSV) and one SVG per task into this folder.")
  var curves: String?

  @Option(help: "Output format: markdown, csv or json.")
  var format: OutputFormat = .markdown

  @Option(
    help:
      "Write the report to this file (replaced atomically; a FIFO or device is written in place; - is standard output)."
  )
  var output: String?

  /// Whether this is the two-run comparison whose output predates the leaderboard.
  var isPairwise: Bool {
    runs.count == 2 && readers.isEmpty && !decisions && threshold == nil && curves == nil
  }

  func validate() throws {
    let selection = try evaluation.taskSelection()
    if runs.isEmpty {
      throw ValidationError("Give at least one run to compare.")
    }
    if runs.count == 1 && readers.isEmpty && !decisions && threshold == nil && curves == nil {
      throw ValidationError(
        "compare takes two or more runs, or one run with --readers, --threshold, --decisions or --curves.")
    }
    if bootstrap.stratified {
      guard case .named(let names) = selection, names.count == 1 else {
        throw ValidationError(
          "--stratified resamples the positives and negatives of one task; give a single task with --tasks NAME."
        )
      }
    }
    if let threshold {
      try Self.check(threshold)
      if threshold.isChosenFromData && thresholdFrom.isEmpty {
        throw ValidationError(
          "--threshold \(threshold.description) chooses the threshold from labelled data; give the set to choose it on with --threshold-from LABELS RUN..., never the evaluated studies."
        )
      }
      if !threshold.isChosenFromData && !thresholdFrom.isEmpty {
        throw ValidationError(
          "--threshold \(threshold.description) is a fixed value; --threshold-from is not used with it.")
      }
    } else if !thresholdFrom.isEmpty {
      throw ValidationError("--threshold-from needs --threshold youden, sensitivity=S or specificity=S.")
    }
    if !thresholdFrom.isEmpty && thresholdFrom.count < 2 {
      throw ValidationError("--threshold-from takes a labels CSV and then at least one run.")
    }
  }

  static func check(_ rule: ThresholdRule) throws {
    switch rule {
    case .value(let t) where !t.isFinite:
      throw ValidationError("--threshold must be a finite number, got \(t).")
    case .sensitivity(let s) where !(0...1).contains(s), .specificity(let s) where !(0...1).contains(s):
      throw ValidationError("--threshold \(rule.description): the target must lie between 0 and 1.")
    default: return
    }
  }

  func run() throws {
    try reportingFailures {
      let inputs = [evaluation.labels] + (runs + readers + thresholdFrom).flatMap(runFiles)
      let destination = try OutputFile(path: output, option: "--output", inputs: inputs)
      let curvesFolder = try curves.map {
        try ReportFolder(path: $0, inputs: inputs, option: "--curves", marker: "curves.json")
      }
      let set = try EvaluationSet.load(
        labels: evaluation.labels, runs: runs + readers, options: evaluation.options())
      if isPairwise && !set.isBinary(run: 0) && !set.isBinary(run: 1) {
        try bootstrap.checkStorage(models: 2, tasks: set.tasks.count)
        let comparison = ModelComparison(set, design: bootstrap.design, threads: bootstrap.threads)
        let report = ComparisonReport(comparison: comparison, provenance: set.provenance)
        try destination.write(format.render(report))
        return
      }
      try bootstrap.checkStorage(
        models: CompareAnalysis.bootstrapWidth(runs: runs.count, readers: readers.count),
        tasks: set.tasks.count)
      let analysis = try CompareAnalysis(
        set: set, runCount: runs.count, allDecisions: decisions, threshold: threshold,
        thresholdSet: try loadThresholdSet(tasks: set.tasks.map(\.name)), curves: curves != nil,
        design: bootstrap.design, threads: bootstrap.threads)
      try destination.write(format.render(LeaderboardReport(analysis, curvesFolder: curves)))
      try curvesFolder?.publish(CurveFiles.files(analysis))
    }
  }

  /// The labelled set `--threshold-from` names, joined under the same options on the evaluated
  /// tasks.
  func loadThresholdSet(tasks: [String]) throws -> EvaluationSet? {
    guard let labels = thresholdFrom.first else { return nil }
    var options = try evaluation.options()
    options.tasks = .named(tasks)
    return try EvaluationSet.load(labels: labels, runs: Array(thresholdFrom.dropFirst()), options: options)
  }
}

extension ThresholdRule: ExpressibleByArgument {
  /// `0.5`, `youden`, `sensitivity=0.9`, `specificity=0.9`.
  public init?(argument: String) {
    let text = argument.lowercased()
    if text == "youden" {
      self = .youden
    } else if let value = Double(argument) {
      self = .value(value)
    } else if text.hasPrefix("sensitivity="), let s = Double(text.dropFirst("sensitivity=".count)) {
      self = .sensitivity(s)
    } else if text.hasPrefix("specificity="), let s = Double(text.dropFirst("specificity=".count)) {
      self = .specificity(s)
    } else {
      return nil
    }
  }
}

/// The files a run argument names: a CSV itself, or a run folder's `predictions.csv` and
/// `run.json` (what `Run.load` reads), so `--output` can refuse to overwrite them.
func runFiles(_ run: String) -> [String] {
  let folder = run.hasSuffix("/") ? String(run.dropLast()) : run
  return [run, folder + "/predictions.csv", folder + "/run.json"]
}
