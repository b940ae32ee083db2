import ChexImaging
import Foundation

/// A scored run's `run.json`: what `compare` and `report` read (`name`, `architecture`, `family`,
/// `pretrained`, `parameters`, `truncated_blocks`, `seed`, `model`: see ChexData's
/// `RunMetadata`), and how the numbers were made, whole: the models and their SHA-256, the list,
/// the shard, the preprocessing, the output transform, the images scored and failed, the version,
/// host, threads, wall time and throughput. `--preprocessing-from` reads `preprocessing` back;
/// `merge` reads the whole record of each shard.
public struct ScoreRecord: Sendable, Equatable, Codable {
  /// A model behind the run.
  public struct Model: Sendable, Equatable, Codable {
    public var path: String
    public var sha256: String
    public var parameters: Int

    public init(path: String, sha256: String, parameters: Int) {
      self.path = path
      self.sha256 = sha256
      self.parameters = parameters
    }
  }

  /// The image list.
  public struct List: Sendable, Equatable, Codable {
    public var path: String
    public var imagesRoot: String
    public var sha256: String
    public var rows: Int

    public init(path: String, imagesRoot: String, sha256: String, rows: Int) {
      self.path = path
      self.imagesRoot = imagesRoot
      self.sha256 = sha256
      self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
      case path, sha256, rows
      case imagesRoot = "images_root"
    }
  }

  /// The part of the list scored (absent for a whole list).
  public struct ShardRange: Sendable, Equatable, Codable {
    public var index: Int
    public var count: Int
    public var firstRow: Int
    public var endRow: Int

    public init(shard: Shard, rows: Range<Int>) {
      index = shard.index
      count = shard.count
      firstRow = rows.lowerBound
      endRow = rows.upperBound
    }

    enum CodingKeys: String, CodingKey {
      case index, count
      case firstRow = "first_row"
      case endRow = "end_row"
    }
  }

  // What compare and report read.
  public var name: String?
  public var architecture: String?
  public var family: String?
  public var pretrained: Bool?
  public var truncatedBlocks: Int?
  public var seed: Int?
  /// Trainable parameters: the model's, or for an ensemble its members' when they all agree.
  public var parameters: Int?
  /// The model file (the first member's for an ensemble).
  public var model: String
  public var modelSHA256: String

  // How the numbers were made.
  /// Every model whose outputs are in this run (one, or an ensemble's members).
  public var models: [Model]
  public var ensemble: Ensemble?
  public var inputShape: [Int]
  public var preprocessing: Preprocessing
  public var outputs: OutputTransform
  public var labelNames: [String]
  public var list: List
  public var shard: ShardRange?
  public var images: Int
  public var failures: Int
  public var chexstatsVersion: String
  public var host: String
  public var threads: Int
  public var batch: Int
  public var wallSeconds: Double
  public var imagesPerSecond: Double

  public init(
    name: String?, architecture: String?, family: String?, pretrained: Bool?, truncatedBlocks: Int?,
    seed: Int?, parameters: Int?, model: String, modelSHA256: String, models: [Model], ensemble: Ensemble?,
    inputShape: [Int], preprocessing: Preprocessing, outputs: OutputTransform, labelNames: [String],
    list: List, shard: ShardRange?, images: Int, failures: Int, chexstatsVersion: String, host: String,
    threads: Int, batch: Int, wallSeconds: Double, imagesPerSecond: Double
  ) {
    self.name = name
    self.architecture = architecture
    self.family = family
    self.pretrained = pretrained
    self.truncatedBlocks = truncatedBlocks
    self.seed = seed
    self.parameters = parameters
    self.model = model
    self.modelSHA256 = modelSHA256
    self.models = models
    self.ensemble = ensemble
    self.inputShape = inputShape
    self.preprocessing = preprocessing
    self.outputs = outputs
    self.labelNames = labelNames
    self.list = list
    self.shard = shard
    self.images = images
    self.failures = failures
    self.chexstatsVersion = chexstatsVersion
    self.host = host
    self.threads = threads
    self.batch = batch
    self.wallSeconds = wallSeconds
    self.imagesPerSecond = imagesPerSecond
  }

  enum CodingKeys: String, CodingKey {
    case name, architecture, family, pretrained, seed, parameters, model, models, ensemble, preprocessing,
      outputs
    case list, shard, images, failures, host, threads, batch
    case truncatedBlocks = "truncated_blocks"
    case modelSHA256 = "model_sha256"
    case inputShape = "input_shape"
    case labelNames = "label_names"
    case chexstatsVersion = "chexstats_version"
    case wallSeconds = "wall_seconds"
    case imagesPerSecond = "images_per_second"
  }

  /// The record as `run.json`'s text.
  public var json: String { JSONLine.encodePretty(self) }

  /// Reads a `run.json` written by `score` or `merge`.
  /// - Throws: `ScoringError.journal` naming the file and the key.
  public static func decode(_ data: Data, path: String) throws(ScoringError) -> ScoreRecord {
    do throws(JSONLine.Failure) {
      return try JSONLine.decode(ScoreRecord.self, from: data)
    } catch {
      throw .journal(
        path: path, line: nil, reason: "not a run.json written by chexstats score: \(error.reason)")
    }
  }

  /// Only the `preprocessing` of a `run.json` (`--preprocessing-from`), which may come from
  /// another tool as long as that key is there.
  public static func preprocessing(of data: Data, path: String) throws(ScoringError) -> Preprocessing {
    struct Only: Decodable { let preprocessing: Preprocessing }
    do throws(JSONLine.Failure) {
      return try JSONLine.decode(Only.self, from: data).preprocessing
    } catch {
      throw .journal(path: path, line: nil, reason: error.reason)
    }
  }
}
