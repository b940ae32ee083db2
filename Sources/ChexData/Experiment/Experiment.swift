import Foundation

/// An experiment as loaded: many runs scored on one labels file (16 architectures x pretrained
/// or random x seeds x truncations, in CheXtransfer), each run placed by its resolved metadata,
/// and the labels and scores joined. The input of `ExperimentAnalysis` and of `report`.
public struct Experiment: Sendable {
  /// The studies, tasks, labels and every run's scores (runs in ``runs`` order), with their
  /// provenance.
  public let evaluation: EvaluationSet
  /// The runs with their resolved metadata and its sources.
  public let runs: [ExperimentRun]
  /// The architecture table used to fill metadata; nil when none was read.
  public let architectureTable: ArchitectureTable?

  public init(evaluation: EvaluationSet, runs: [ExperimentRun], architectureTable: ArchitectureTable?) {
    precondition(
      evaluation.runNames.count == runs.count, "Experiment.init: one ExperimentRun per run of the set")
    self.evaluation = evaluation
    self.runs = runs
    self.architectureTable = architectureTable
  }

  /// Loads an experiment, in this order: finds the runs `paths` stand for
  /// (``discoverRuns(_:)``), reads each, checks that their names are unique, reads the
  /// architecture table, resolves every run's metadata
  /// (``ExperimentRun/resolve(_:table:)``), reads the labels and joins them with the runs
  /// under `options`. The first error stops it.
  ///
  /// - Throws: `DataError` from whichever step failed, naming the file and what is wrong.
  public static func load(
    runs paths: [String], labels: String, options: EvaluationOptions,
    architectureTable: ArchitectureTable.Source
  ) throws(DataError) -> Experiment {
    let loaded = try discoverRuns(paths).map { path throws(DataError) in
      try Run.load(path: path, keyColumn: options.keyColumn, aggregation: options.aggregation)
    }
    try checkNames(loaded)
    let table = try ArchitectureTable.read(architectureTable)
    let resolved = try ExperimentRun.resolve(loaded, table: table)
    let labelFile = try LabelFile.read(
      path: labels, keyColumn: options.keyColumn, aggregation: options.aggregation)
    let evaluation = try EvaluationSet.join(labels: labelFile, runs: loaded, options: options)
    return Experiment(evaluation: evaluation, runs: resolved, architectureTable: table)
  }

  /// The run paths that `paths` stand for: a predictions CSV or a run folder (one holding
  /// `predictions.csv`) stands for itself; any other folder stands for the run folders directly
  /// inside it, in name order.
  ///
  /// - Throws: `DataError.fileNotFound`, or `.noRunsFound` for a folder with no run in it.
  public static func discoverRuns(_ paths: [String]) throws(DataError) -> [String] {
    let files = FileManager.default
    var found: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw .fileNotFound(path: path)
      }
      let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
      if !isDirectory.boolValue || files.fileExists(atPath: folder + "/predictions.csv") {
        found.append(path)
        continue
      }
      let children = ((try? files.contentsOfDirectory(atPath: folder)) ?? []).sorted()
      let runs = children.map { folder + "/" + $0 }.filter {
        files.fileExists(atPath: $0 + "/predictions.csv")
      }
      guard !runs.isEmpty else { throw .noRunsFound(path: path) }
      found.append(contentsOf: runs)
    }
    return found
  }

  /// Checks that run names are unique.
  public static func checkNames(_ runs: [Run]) throws(DataError) {
    var seen: [String: String] = [:]
    for run in runs {
      if let first = seen[run.name] {
        throw .duplicateRunName(name: run.name, firstPath: first, secondPath: run.path)
      }
      seen[run.name] = run.path
    }
  }
}
