import ChexStats

// The hand-over from loaded data to the statistics: arrays in the shapes ChexStats takes. Nothing
// is computed here; ChexStats never sees a file, ChexData never sees a statistic's inside.

extension ModelComparison {
  /// Compares the two runs of `set`: run A is the first, run B the second.
  ///
  /// - Parameters:
  ///   - design: the bootstrap design (a stratified design takes one task).
  ///   - level: the confidence level of every interval.
  ///   - threads: bootstrap threads; the result does not depend on it.
  public init(_ set: EvaluationSet, design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil) {
    precondition(set.runNames.count == 2, "ModelComparison.init(_:design:): compare takes exactly two runs")
    self.init(
      names: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scoresA: set.tasks.map { $0.scores[0] }, scoresB: set.tasks.map { $0.scores[1] },
      design: design, level: level, threads: threads)
  }
}

extension ExperimentAnalysis {
  /// Analyses a loaded experiment; architectures come in the order of its architecture table,
  /// then in order of first appearance.
  ///
  /// - Parameters:
  ///   - design: the bootstrap design shared by every run (not stratified).
  ///   - level: the confidence level of every interval.
  ///   - threads: bootstrap threads; the result does not depend on it.
  public init(_ experiment: Experiment, design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil) {
    let set = experiment.evaluation
    self.init(
      models: experiment.runs.map(\.model), tasks: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scores: experiment.runs.indices.map { r in set.tasks.map { $0.scores[r] } }, design: design,
      level: level, threads: threads,
      architectureOrder: experiment.architectureTable?.entries.map(\.architecture) ?? [])
  }
}

extension ExperimentRun {
  /// The run's model as the analysis sees it (values without their sources).
  public var model: ExperimentAnalysis.Model {
    ExperimentAnalysis.Model(
      name: name, architecture: architecture, family: family.value, pretrained: pretrained,
      truncatedBlocks: truncatedBlocks, seed: seed, parameters: parameters.map { Double($0.value) },
      imagenetTop1: imagenetTop1?.value)
  }
}
