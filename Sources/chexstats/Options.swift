import ArgumentParser
import ChexData
import ChexReport
import ChexStats

extension Aggregation: ExpressibleByArgument {}
extension UncertainPolicy: ExpressibleByArgument {}
extension BlankPolicy: ExpressibleByArgument {}

/// How labels and predictions are read and joined; shared by the commands that evaluate runs.
/// Each flag is one field of `ChexData.EvaluationOptions`.
struct EvaluationArguments: ParsableArguments {
  @Option(name: .long, help: "Ground-truth CSV (CheXpert style: Study or Path key, observation columns).")
  var labels: String

  @Option(name: .long, help: "Key column in every file (default: Study, else Path).")
  var key: String?

  @Option(
    help: ArgumentHelp(
      "How image rows combine into studies: study-max, study-mean or image.",
      valueName: "policy"))
  var aggregate: Aggregation = .studyMax

  @Option(
    help: ArgumentHelp(
      "Uncertain (-1) labels: ignore (drop from that task), zeros or ones.", valueName: "policy"))
  var uncertain: UncertainPolicy = .ignore

  @Option(help: ArgumentHelp("Blank labels: ignore (drop from that task) or zeros.", valueName: "policy"))
  var blank: BlankPolicy = .zeros

  @Option(
    help: ArgumentHelp("Tasks: competition (the 5 CheXpert tasks), all, or NAME,NAME.", valueName: "tasks"))
  var tasks: String = "competition"

  @Flag(
    help:
      "Evaluate only the studies common to the labels and every run (the report says how many were dropped).")
  var intersect = false

  func taskSelection() throws -> TaskSelection {
    do {
      return try TaskSelection(parsing: tasks)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// The flags as library options (`validate()` has already checked `--tasks`).
  func options() throws -> EvaluationOptions {
    EvaluationOptions(
      keyColumn: key, aggregation: aggregate, tasks: try taskSelection(), uncertain: uncertain,
      blank: blank, intersect: intersect)
  }
}

/// The bootstrap's replicates, seed and stratification.
struct BootstrapArguments: ParsableArguments {
  @Option(help: "Bootstrap replicates (1 to \(BootstrapDesign.maxReplicates)).")
  var replicates: Int = 1000

  @Option(help: "Seed of the bootstrap's random number generator (printed in the report).")
  var seed: UInt64 = BootstrapDesign.defaultSeed

  @Flag(help: "Resample positives and negatives separately (single task only).")
  var stratified = false

  @Option(
    help:
      "Worker threads, 1 to \(BootstrapDesign.maxThreads) (default: all cores); results do not depend on it.")
  var threads: Int?

  func validate() throws {
    guard (1...BootstrapDesign.maxReplicates).contains(replicates) else {
      throw ValidationError(
        "--replicates must be between 1 and \(BootstrapDesign.maxReplicates), got \(replicates).")
    }
    if let threads, !(1...BootstrapDesign.maxThreads).contains(threads) {
      throw ValidationError("--threads must be between 1 and \(BootstrapDesign.maxThreads), got \(threads).")
    }
  }

  /// Refuses a bootstrap whose replicate AUROCs (replicates x models x tasks doubles) would
  /// exceed `BootstrapDesign.maxStorageBytes`, before anything is drawn.
  func checkStorage(models: Int, tasks: Int) throws {
    let limit = BootstrapDesign.maxStorageBytes
    let bytes = design.storageBytes(models: models, tasks: tasks)
    guard let bytes, bytes <= limit else {
      let size = bytes.map { "\($0) bytes" } ?? "more than 2^63 bytes"
      throw CommandFailure(
        "--replicates \(replicates) with \(models) runs and \(tasks) tasks needs \(size) of bootstrap "
          + "storage (replicates x runs x tasks x 8 bytes), more than the limit of \(limit) bytes; "
          + "use fewer replicates or tasks")
    }
  }

  var design: BootstrapDesign {
    BootstrapDesign(replicates: replicates, seed: seed, stratified: stratified)
  }
}

/// The formats `compare` renders.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case markdown, csv, json

  func render(_ report: ComparisonReport) -> String {
    switch self {
    case .markdown: return ComparisonMarkdown.render(report)
    case .csv: return ComparisonCSV.render(report)
    case .json: return ComparisonJSON.render(report)
    }
  }

  func render(_ report: LeaderboardReport) -> String {
    switch self {
    case .markdown: return LeaderboardMarkdown.render(report)
    case .csv: return LeaderboardCSV.render(report)
    case .json: return LeaderboardJSON.render(report)
    }
  }
}
