/// Where an evaluation set came from and how it was made: what every report prints in its
/// header so that a number can be traced back to files and policies.
public struct EvaluationProvenance: Sendable, Equatable {
  /// A run as reports name it: its name and the path it was loaded from.
  public struct RunReference: Sendable, Equatable {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
      self.name = name
      self.path = path
    }
  }

  /// The labels file as the user gave it.
  public var labelsPath: String
  /// The runs, in the order given.
  public var runs: [RunReference]
  /// How image rows were combined into studies.
  public var aggregation: Aggregation
  /// The policy that turned uncertain labels into `EvaluationTask.labels`.
  public var uncertain: UncertainPolicy
  /// The policy that turned blank labels into `EvaluationTask.labels`.
  public var blank: BlankPolicy
  /// Whether only the studies common to the labels and every run were evaluated.
  public var intersect: Bool
  /// Studies in the labels that not every run scored (nonzero only with `intersect`).
  public var droppedFromLabels: Int
  /// Per run: studies it scored that are not in the labels (nonzero only with `intersect`).
  public var droppedFromRuns: [Int]

  public init(
    labelsPath: String, runs: [RunReference], aggregation: Aggregation = .studyMax,
    uncertain: UncertainPolicy = .ignore, blank: BlankPolicy = .zeros, intersect: Bool = false,
    droppedFromLabels: Int = 0, droppedFromRuns: [Int]? = nil
  ) {
    self.labelsPath = labelsPath
    self.runs = runs
    self.aggregation = aggregation
    self.uncertain = uncertain
    self.blank = blank
    self.intersect = intersect
    self.droppedFromLabels = droppedFromLabels
    self.droppedFromRuns = droppedFromRuns ?? Array(repeating: 0, count: runs.count)
  }
}
