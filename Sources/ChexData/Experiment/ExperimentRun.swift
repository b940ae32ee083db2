import Foundation

/// A run placed in an experiment: the metadata the CheXtransfer analysis needs, each value
/// resolved from the run's own `run.json` first and from the architecture table second, with
/// its source. (A ``Run`` is what was read from disk; an ``ExperimentRun`` is what the
/// experiment knows of it.)
public struct ExperimentRun: Sendable, Equatable {
  public var name: String
  public var path: String
  /// The architecture as the run names it (a truncated run names its parent's architecture
  /// or says so in `truncated_from`).
  public var architecture: String
  public var family: Sourced<String>
  public var pretrained: Bool
  /// Final blocks cut off; 0 for the full model.
  public var truncatedBlocks: Int
  public var seed: Int?
  /// Parameters of the model as trained; nil when neither source has them.
  public var parameters: Sourced<Int>?
  /// ImageNet top-1 (%) of the architecture; nil when neither source has it.
  public var imagenetTop1: Sourced<Double>?

  public init(
    name: String, path: String, architecture: String, family: Sourced<String>, pretrained: Bool,
    truncatedBlocks: Int, seed: Int?, parameters: Sourced<Int>?, imagenetTop1: Sourced<Double>?
  ) {
    self.name = name
    self.path = path
    self.architecture = architecture
    self.family = family
    self.pretrained = pretrained
    self.truncatedBlocks = truncatedBlocks
    self.seed = seed
    self.parameters = parameters
    self.imagenetTop1 = imagenetTop1
  }

  /// Resolves every run's metadata.
  ///
  /// - `architecture` (or, for a truncated run, `truncated_from`) and `pretrained` must be in
  ///   `run.json`: without them a run cannot be placed in the experiment.
  /// - `family`, `parameters` and `imagenet_top1` come from `run.json` when present, else from
  ///   `table` (parameters for a head with as many outputs as the run has prediction columns,
  ///   5 or else 14). A truncated model's parameters must come from its `run.json`.
  /// - Runs of one architecture must agree on family and ImageNet top-1, and full models of
  ///   one architecture on parameters; a contradiction is an error naming both runs.
  ///
  /// - Throws: `DataError.missingMetadata`, `.invalidMetadataValue`, `.contradictoryMetadata`.
  public static func resolve(_ runs: [Run], table: ArchitectureTable?) throws(DataError)
    -> [ExperimentRun]
  {
    var resolved: [ExperimentRun] = []
    for run in runs {
      let m = run.metadata
      let metadataFile = run.metadataPath
      let truncated = m.truncatedBlocks ?? 0
      guard MetadataLimits.truncatedBlocks.contains(truncated) else {
        throw .invalidMetadataValue(
          runPath: metadataFile, field: "truncated_blocks", found: "\(truncated)",
          expected:
            "0 (the full model) or a number of blocks up to \(MetadataLimits.truncatedBlocks.upperBound)")
      }
      guard let architecture = m.architecture ?? (truncated > 0 ? m.truncatedFrom : nil) else {
        throw .missingMetadata(
          runPath: metadataFile, field: "architecture",
          why: "places the run in the architecture table" + run.sidecarHint)
      }
      guard let pretrained = m.pretrained else {
        throw .missingMetadata(
          runPath: metadataFile, field: "pretrained",
          why: "tells ImageNet-pretrained from random-initialised runs" + run.sidecarHint)
      }
      let entry = table?.entry(for: architecture)
      let tableName = table.map { $0.path } ?? "the architecture table"
      guard
        let family = m.family.map({ Sourced($0, source: "run.json") })
          ?? entry.map({ Sourced($0.family, source: "\(tableName) (family)") })
      else {
        throw .missingMetadata(
          runPath: metadataFile, field: "family",
          why: "groups architectures (and \(architecture) is not in \(tableName))")
      }
      var parameters: Sourced<Int>?
      if let value = m.parameters {
        guard MetadataLimits.parameters.contains(value) else {
          throw .invalidMetadataValue(
            runPath: metadataFile, field: "parameters", found: "\(value)",
            expected: "a positive count up to \(MetadataLimits.parameters.upperBound)")
        }
        parameters = Sourced(value, source: "run.json")
      } else if truncated == 0, let counted = entry?.parameters(outputs: run.predictions.tasks.count) {
        parameters = Sourced(counted.value, source: "\(tableName) (\(counted.column))")
      }
      var top1: Sourced<Double>?
      if let value = m.imagenetTop1 {
        guard value.isFinite, MetadataLimits.imagenetTop1.contains(value) else {
          throw .invalidMetadataValue(
            runPath: metadataFile, field: "imagenet_top1", found: "\(value)",
            expected: "a percentage in \(MetadataLimits.imagenetTop1)")
        }
        top1 = Sourced(value, source: "run.json")
      } else if let known = entry?.imagenetTop1 {
        top1 = Sourced(known.value, source: "\(tableName) (\(known.source))")
      }
      resolved.append(
        ExperimentRun(
          name: run.name, path: run.path, architecture: entry?.architecture ?? architecture,
          family: family, pretrained: pretrained, truncatedBlocks: truncated, seed: m.seed,
          parameters: parameters, imagenetTop1: top1))
    }
    try checkConsistency(resolved)
    return resolved
  }

  /// Runs of one architecture must agree on what belongs to the architecture.
  static func checkConsistency(_ runs: [ExperimentRun]) throws(DataError) {
    var first: [String: ExperimentRun] = [:]
    var firstFull: [String: ExperimentRun] = [:]
    for run in runs {
      if let other = first[run.architecture] {
        if other.family.value != run.family.value {
          throw .contradictoryMetadata(
            architecture: run.architecture, field: "family", firstRun: other.name,
            firstValue: other.family.value, secondRun: run.name, secondValue: run.family.value)
        }
        if let a = other.imagenetTop1?.value, let b = run.imagenetTop1?.value, a != b {
          throw .contradictoryMetadata(
            architecture: run.architecture, field: "imagenet_top1", firstRun: other.name,
            firstValue: "\(a)", secondRun: run.name, secondValue: "\(b)")
        }
      } else {
        first[run.architecture] = run
      }
      guard run.truncatedBlocks == 0 else { continue }
      if let other = firstFull[run.architecture] {
        if let a = other.parameters?.value, let b = run.parameters?.value, a != b {
          throw .contradictoryMetadata(
            architecture: run.architecture, field: "parameters", firstRun: other.name,
            firstValue: "\(a)", secondRun: run.name, secondValue: "\(b)")
        }
      } else {
        firstFull[run.architecture] = run
      }
    }
  }
}

extension Run {
  /// Where this run's metadata lives, for messages: its `run.json`, or the CSV's sidecar
  /// `NAME.run.json` when there is one, else the CSV itself.
  var metadataPath: String {
    let isFolder = path != predictions.path
    let metadata = Run.metadataPath(of: path, isDirectory: isFolder)
    return isFolder || FileManager.default.fileExists(atPath: metadata) ? metadata : path
  }

  /// For a prediction CSV without a sidecar, what to add to a missing-metadata message.
  var sidecarHint: String {
    guard path == predictions.path, metadataPath == path else { return "" }
    let sidecar = URL(fileURLWithPath: Run.metadataPath(of: path, isDirectory: false)).lastPathComponent
    return "; a prediction CSV takes its run.json fields from a sidecar '\(sidecar)' beside it"
  }
}
