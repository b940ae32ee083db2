import ArgumentParser
import ChexData
import ChexReport
import ChexStats

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The CheXtransfer analysis of many runs: tables, CSVs, JSON and figures.",
    discussion: """
      RUNS are run folders (predictions.csv + run.json), prediction CSVs NAME.csv with their \
      run.json fields in a sidecar NAME.run.json beside them, or folders of run folders. All \
      runs must score the studies in the labels. Writes report.md, report.json, \
      one CSV per table, a tidy runs.csv and SVG figures into --out.
      """)

  @Argument(help: "Runs, or folders of runs.")
  var runs: [String]

  @OptionGroup var evaluation: EvaluationArguments
  @OptionGroup var bootstrap: BootstrapArguments

  @Option(help: "Output folder (created if needed; files in it are replaced atomically).")
  var out: String

  @Option(
    help: ArgumentHelp(
      "Architecture reference table, used where run.json lacks family, parameters or ImageNet top-1 (default: data/architectures.csv when present).",
      valueName: "file"))
  var architectures: String?

  func validate() throws {
    guard !bootstrap.stratified else {
      throw ValidationError(
        "--stratified applies to one task of one comparison; the study bootstrap resamples studies as a whole."
      )
    }
    _ = try evaluation.taskSelection()
  }

  func run() throws {
    try reportingFailures {
      let experiment = try Experiment.load(
        runs: runs, labels: evaluation.labels, options: evaluation.options(),
        architectureTable: ArchitectureTable.Source(option: architectures))
      try bootstrap.checkStorage(
        models: experiment.evaluation.runNames.count, tasks: experiment.evaluation.tasks.count)
      let analysis = ExperimentAnalysis(experiment, design: bootstrap.design, threads: bootstrap.threads)
      let report = ExperimentReport(experiment: experiment, analysis: analysis)
      try Output.writeFolder(report.files, to: out)
      let set = experiment.evaluation
      Output.note(
        "chexstats report: \(set.runNames.count) runs, \(set.keys.count) studies, \(set.tasks.count) tasks, \(bootstrap.replicates) replicates (seed \(bootstrap.seed)) -> \(out)/report.md"
      )
    }
  }
}
