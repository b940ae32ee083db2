import ArgumentParser
import ChexData
import ChexReport
import ChexStats

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two runs: AUROC per task and mean, paired bootstrap and DeLong tests.",
    discussion: """
      A run is a predictions CSV (a Study or Path key and observation columns, probabilities \
      or logits) or a folder holding predictions.csv and an optional run.json. Both runs must \
      score exactly the studies in the labels (see --intersect).
      """)

  @Argument(help: "Run A (predictions CSV or run folder).")
  var runA: String

  @Argument(help: "Run B (predictions CSV or run folder).")
  var runB: String

  @OptionGroup var evaluation: EvaluationArguments
  @OptionGroup var bootstrap: BootstrapArguments

  @Option(help: "Output format: markdown, csv or json.")
  var format: OutputFormat = .markdown

  @Option(help: "Write the report to this file (atomically) instead of standard output.")
  var output: String?

  func validate() throws {
    let selection = try evaluation.taskSelection()
    if bootstrap.stratified {
      guard case .named(let names) = selection, names.count == 1 else {
        throw ValidationError(
          "--stratified resamples the positives and negatives of one task; give a single task with --tasks NAME."
        )
      }
    }
  }

  func run() throws {
    try reportingFailures {
      let set = try EvaluationSet.load(
        labels: evaluation.labels, runs: [runA, runB], options: evaluation.options())
      try bootstrap.checkStorage(models: set.runNames.count, tasks: set.tasks.count)
      let comparison = ModelComparison(set, design: bootstrap.design, threads: bootstrap.threads)
      let report = ComparisonReport(comparison: comparison, provenance: set.provenance)
      try Output.write(format.render(report), to: output)
    }
  }
}
