/// How labels and runs are read and joined: the key column, how images become studies, which
/// tasks, what uncertain and blank labels become, and whether mismatched studies are dropped.
/// The commands' evaluation flags map one to one onto these fields.
public struct EvaluationOptions: Sendable, Equatable {
  /// The key column in every file; nil means `Study`, else `Path`.
  public var keyColumn: String?
  /// How image rows combine into studies.
  public var aggregation: Aggregation
  /// The tasks evaluated.
  public var tasks: TaskSelection
  /// What an uncertain (`-1`) label becomes.
  public var uncertain: UncertainPolicy
  /// What a blank label becomes.
  public var blank: BlankPolicy
  /// Evaluate only the studies common to the labels and every run, instead of refusing any
  /// mismatch.
  public var intersect: Bool

  public init(
    keyColumn: String? = nil, aggregation: Aggregation = .studyMax, tasks: TaskSelection = .competition,
    uncertain: UncertainPolicy = .ignore, blank: BlankPolicy = .zeros, intersect: Bool = false
  ) {
    self.keyColumn = keyColumn
    self.aggregation = aggregation
    self.tasks = tasks
    self.uncertain = uncertain
    self.blank = blank
    self.intersect = intersect
  }
}
