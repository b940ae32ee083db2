import Foundation

/// One model's predictions and what is known about the model.
///
/// A run is either a prediction CSV `NAME.csv` with, optionally, its metadata in a sidecar
/// `NAME.run.json` beside it, or a folder holding `predictions.csv` and, optionally, `run.json`
/// (see `RunMetadata`).
public struct Run: Sendable, Equatable {
  /// `metadata.name`, else the folder name, else the file name without its extension.
  public let name: String
  /// The path as given.
  public let path: String
  /// The predictions.
  public let predictions: PredictionFile
  /// The metadata from `run.json` (or the CSV's sidecar); all fields nil when there is none.
  public let metadata: RunMetadata

  public init(name: String, path: String, predictions: PredictionFile, metadata: RunMetadata) {
    self.name = name
    self.path = path
    self.predictions = predictions
    self.metadata = metadata
  }

  /// Loads a run from a prediction CSV or a run folder.
  ///
  /// - Parameters:
  ///   - path: A CSV file (with an optional sidecar, `metadataPath`), or a folder with
  ///     `predictions.csv` and an optional `run.json`.
  ///   - keyColumn: The key column's name; nil means `Study`, else `Path`.
  ///   - aggregation: How image rows become studies (see `PredictionFile.read`).
  /// - Throws: `DataError.fileNotFound` (naming `predictions.csv` for a folder without one),
  ///   any error of `PredictionFile.read`, and `DataError.invalidMetadata` naming `run.json`
  ///   and the key at fault when the metadata cannot be decoded.
  public static func load(path: String, keyColumn: String?, aggregation: Aggregation)
    throws(DataError) -> Run
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .fileNotFound(path: path)
    }
    let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
    let predictions = try PredictionFile.read(
      path: isDirectory.boolValue ? folder + "/predictions.csv" : path, keyColumn: keyColumn,
      aggregation: aggregation)
    let metadataPath = metadataPath(of: path, isDirectory: isDirectory.boolValue)
    var metadata = RunMetadata()
    if FileManager.default.fileExists(atPath: metadataPath) {
      metadata = try decodeMetadata(path: metadataPath)
    }
    let url = URL(fileURLWithPath: folder)
    let defaultName =
      isDirectory.boolValue ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
    let name = metadata.name.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
    return Run(
      name: name ?? defaultName, path: path, predictions: predictions, metadata: metadata)
  }

  /// Where the metadata of the run at `path` lives: `FOLDER/run.json` for a run folder, the
  /// sidecar `NAME.run.json` beside a prediction file `NAME.csv` (`NAME.run.json` beside any
  /// other file name, extension removed).
  static func metadataPath(of path: String, isDirectory: Bool) -> String {
    if isDirectory { return (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/run.json" }
    return URL(fileURLWithPath: path).deletingPathExtension().path + ".run.json"
  }

  /// Decodes `run.json`, turning decoding failures into one sentence naming the key.
  static func decodeMetadata(path: String) throws(DataError) -> RunMetadata {
    let data = try CSVTable.readFile(path: path)
    do {
      return try JSONDecoder().decode(RunMetadata.self, from: data)
    } catch let error as DecodingError {
      throw .invalidMetadata(path: path, reason: reason(error))
    } catch {
      throw .invalidMetadata(path: path, reason: "\(error)")
    }
  }

  private static func reason(_ error: DecodingError) -> String {
    func location(_ path: [any CodingKey]) -> String {
      path.isEmpty ? "the top level" : "key '" + path.map(\.stringValue).joined(separator: ".") + "'"
    }
    switch error {
    case .typeMismatch(let type, let context):
      if context.codingPath.isEmpty { return "expected a JSON object at the top level" }
      return "\(location(context.codingPath)): expected \(describe(type))"
    case .valueNotFound(let type, let context):
      return "\(location(context.codingPath)): expected \(describe(type)), found null"
    case .keyNotFound(let key, _):
      return "key '\(key.stringValue)' is missing"
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return "not valid JSON" }
      return "\(location(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }

  private static func describe(_ type: Any.Type) -> String {
    switch type {
    case is Bool.Type: return "true or false"
    case is Int.Type: return "an integer"
    case is Double.Type: return "a number"
    case is String.Type: return "a string"
    default: return "\(type)"
    }
  }
}
