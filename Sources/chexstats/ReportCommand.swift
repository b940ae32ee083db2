import ArgumentParser
import ChexData
import ChexReport
import ChexStats
import Foundation

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The CheXtransfer analysis of many runs: tables, CSVs, JSON and figures.",
    discussion: """
      RUNS are run folders (predictions.csv + run.json), prediction CSVs, or folders of run \
      folders. All runs must score the studies in the labels. Writes report.md, report.json, \
      one CSV per table, a tidy runs.csv and SVG figures into --out.
      """)

  @Argument(help: "Runs, or folders of runs.")
  var runs: [String]

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var bootstrap: BootstrapOptions

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
    try reportingErrors {
      let paths = try StudyRuns.discover(runs)
      let loaded = try paths.map { path throws(DataError) in
        try Run.load(path: path, keyColumn: evaluation.key, aggregation: evaluation.aggregate)
      }
      try StudyRuns.checkNames(loaded)
      let tablePath =
        architectures
        ?? (FileManager.default.fileExists(atPath: "data/architectures.csv")
          ? "data/architectures.csv" : nil)
      let table = try tablePath.map { path throws(DataError) in try ArchitectureTable.read(path: path) }
      let resolved = try StudyRun.resolve(loaded, table: table)
      let labels = try LabelFile.read(
        path: evaluation.labels, keyColumn: evaluation.key, aggregation: evaluation.aggregate)
      let set = try EvaluationSet.join(
        labels: labels, runs: loaded, tasks: evaluation.taskSelection(),
        uncertain: evaluation.uncertain, blank: evaluation.blank, intersect: evaluation.intersect)
      let report = StudyReport(
        set: set, runs: resolved, labelsPath: evaluation.labels, architectureTablePath: tablePath,
        aggregation: evaluation.aggregate, design: bootstrap.design, threads: bootstrap.threads,
        architectureOrder: table?.entries.map(\.architecture) ?? [])
      var files = StudyCSV.render(report)
      files.append(("report.md", StudyMarkdown.render(report)))
      files.append(("report.json", StudyJSON.render(report)))
      files.append(contentsOf: StudyFigures.render(report))
      try Output.writeFolder(files, to: out)
      FileHandle.standardError.write(
        Data(
          "chexstats report: \(loaded.count) runs, \(set.keys.count) studies, \(set.tasks.count) tasks, \(bootstrap.replicates) replicates (seed \(bootstrap.seed)) -> \(out)/report.md\n"
            .utf8))
    }
  }
}
