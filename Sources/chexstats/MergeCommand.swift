import ArgumentParser
import ChexFiles
import ChexScoring
import Foundation

/// `chexstats merge SHARD_DIRS... --out RUN_DIR`: the shards of one scoring job as one run.
struct MergeShards: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract:
      "Join the shard runs of one score job (score --shard K/N) into the run an unsharded job writes.",
    discussion: """
      Every shard 0..N-1 must be given once, all from the same models, list, preprocessing and outputs. A \
      shard folder of a multi-model job holds one folder per model: merge each model's shard folders \
      (shards/*/densenet121) into its own run.
      """
  )

  @Argument(help: "The shard run folders (each with predictions.csv and run.json).")
  var shards: [String]

  @Option(help: "The merged run's folder (new or empty).")
  var out: String

  func run() throws {
    try reportingFailures {
      let loaded = try shards.map(Self.load)
      let merged = try Merge.merge(loaded)
      let folder = try ScoreFolder.emptyFolder(out)
      try OutputFile(path: folder + "/predictions.csv", option: "--out", inputs: []).write(merged.predictions)
      if let failures = merged.failures {
        try OutputFile(path: folder + "/failures.csv", option: "--out", inputs: []).write(failures)
      }
      try OutputFile(path: folder + "/run.json", option: "--out", inputs: []).write(merged.record.json)
      Output.note("chexstats merge: \(loaded.count) shards, \(merged.record.images) images; wrote '\(out)'")
    }
  }

  /// A shard folder's run.json, predictions.csv and failures.csv (when there is one).
  static func load(_ folder: String) throws -> Merge.ShardRun {
    func read(_ name: String) throws -> [UInt8]? {
      let path = folder + "/" + name
      do {
        return [UInt8](try InputFile.read(path: path))
      } catch .missing where name == "failures.csv" {
        return nil
      } catch {
        throw CommandFailure("shard '\(folder)': '\(path)' cannot be read: \(error.reason)")
      }
    }
    let record = try ScoreRecord.decode(Data(try read("run.json") ?? []), path: folder + "/run.json")
    return Merge.ShardRun(
      folder: folder, record: record, predictions: try read("predictions.csv") ?? [],
      failures: try read("failures.csv"))
  }
}
