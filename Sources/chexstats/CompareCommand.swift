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

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var bootstrap: BootstrapOptions

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
    try reportingErrors {
      let labels = try LabelFile.read(
        path: evaluation.labels, keyColumn: evaluation.key, aggregation: evaluation.aggregate)
      let runs = try [runA, runB].map { path throws(DataError) in
        try Run.load(path: path, keyColumn: evaluation.key, aggregation: evaluation.aggregate)
      }
      let set = try EvaluationSet.join(
        labels: labels, runs: runs, tasks: evaluation.taskSelection(),
        uncertain: evaluation.uncertain, blank: evaluation.blank, intersect: evaluation.intersect)
      let report = ComparisonReport(
        set: set, runs: runs, labelsPath: evaluation.labels, aggregation: evaluation.aggregate,
        intersect: evaluation.intersect, design: bootstrap.design, threads: bootstrap.threads)
      let text: String
      switch format {
      case .markdown: text = MarkdownRenderer.render(report)
      case .csv: text = CSVRenderer.render(report)
      case .json: text = JSONRenderer.render(report)
      }
      try Output.write(text, to: output)
    }
  }
}
