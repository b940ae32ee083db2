/// What a run says about the model that produced it: the optional `run.json` beside
/// `predictions.csv` in a run folder.
///
/// Every field is optional; a field that is absent is filled, where a report needs it, from
/// `data/architectures.csv`, and the report says which source each number came from. Unknown
/// keys are ignored so that other tools may add their own.
///
/// ```json
/// {
///   "name": "densenet121-pretrained-s1",
///   "architecture": "DenseNet121",
///   "family": "DenseNet",
///   "pretrained": true,
///   "parameters": 6968206,
///   "imagenet_top1": 74.434,
///   "truncated_blocks": 0,
///   "truncated_from": "DenseNet121",
///   "seed": 1,
///   "model": "models/densenet121.onnx"
/// }
/// ```
public struct RunMetadata: Sendable, Hashable, Codable {
  /// A unique name for the run; defaults to the folder (or file) name.
  public var name: String?
  /// The architecture, spelled as in `data/architectures.csv` (for example `ResNet50`).
  public var architecture: String?
  /// The architecture family (for example `ResNet`).
  public var family: String?
  /// Whether the weights started from ImageNet pretraining (`false` = random initialisation).
  public var pretrained: Bool?
  /// The number of trainable parameters of the model as trained (with its output head).
  public var parameters: Int?
  /// ImageNet top-1 accuracy in percent of the architecture's pretrained weights.
  public var imagenetTop1: Double?
  /// How many final blocks were cut off; 0 (or absent) is the full model.
  public var truncatedBlocks: Int?
  /// The architecture a truncated model was cut from.
  public var truncatedFrom: String?
  /// The training seed.
  public var seed: Int?
  /// The model file that produced the predictions, if any.
  public var model: String?

  public init(
    name: String? = nil, architecture: String? = nil, family: String? = nil,
    pretrained: Bool? = nil, parameters: Int? = nil, imagenetTop1: Double? = nil,
    truncatedBlocks: Int? = nil, truncatedFrom: String? = nil, seed: Int? = nil,
    model: String? = nil
  ) {
    self.name = name
    self.architecture = architecture
    self.family = family
    self.pretrained = pretrained
    self.parameters = parameters
    self.imagenetTop1 = imagenetTop1
    self.truncatedBlocks = truncatedBlocks
    self.truncatedFrom = truncatedFrom
    self.seed = seed
    self.model = model
  }

  enum CodingKeys: String, CodingKey {
    case name, architecture, family, pretrained, parameters, seed, model
    case imagenetTop1 = "imagenet_top1"
    case truncatedBlocks = "truncated_blocks"
    case truncatedFrom = "truncated_from"
  }
}
