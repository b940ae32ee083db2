extension ExperimentAnalysis {
  /// Analyses an experiment: `models` are its runs, all scored on the same studies.
  ///
  /// The analysis runs in named phases, each a function of the phases before it:
  /// 1. one sort per run and task (``RankedScores``), and the shared paired bootstrap;
  /// 2. ``runResults(_:ranked:bootstrap:level:)``: each run's task and mean AUROCs;
  /// 3. ``configurations(_:runs:order:level:)``: seeds averaged per configuration;
  /// 4. ``architectureRows(_:order:level:gaps:)``: the pretraining boost, Holm-adjusted;
  /// 5. ``truncationRows(_:level:gaps:)`` and ``efficiencyRows(_:configurations:)``;
  /// 6. across architectures: ``correlationRows(_:configurations:design:level:)``,
  ///    ``familySize(_:configurations:pretrained:)``, ``boostFit(_:level:)``.
  ///
  /// - Parameters:
  ///   - models: the runs' models, with their metadata.
  ///   - tasks: task names.
  ///   - labels: `labels[task][study]`; nil excludes the study from that task.
  ///   - scores: `scores[run][task][study]`, finite where the label is not nil.
  ///   - design: the bootstrap design, shared by every run (non-stratified: studies are
  ///     resampled as a whole so that all tasks and runs stay paired).
  ///   - level: confidence level of every interval.
  ///   - threads: bootstrap threads (the result does not depend on it).
  ///   - architectureOrder: architectures listed here come first, in this order (for example
  ///     the reference table's); the others follow in order of first appearance.
  /// - Complexity: O(R T n log n) for the sorts, then O(B n R T) for the bootstrap.
  public init(
    models: [Model], tasks: [String], labels: [[Bool?]], scores: [[[Double]]],
    design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95, threads: Int? = nil,
    architectureOrder: [String] = []
  ) {
    precondition(!models.isEmpty && !tasks.isEmpty, "ExperimentAnalysis.init: no run or no task")
    precondition(
      labels.count == tasks.count && scores.count == models.count
        && scores.allSatisfy { $0.count == tasks.count },
      "ExperimentAnalysis.init: scores must be [run][task][study] and labels [task][study]")
    precondition(!design.stratified, "ExperimentAnalysis.init: the experiment's bootstrap is not stratified")
    // 1. One sort per run and task serves the AUROCs and every replicate.
    let ranked = scores.map { perTask in
      zip(labels, perTask).map { RankedScores(labels: $0, scores: $1) }
    }
    let bootstrap = Bootstrap.aurocs(ranked, design: design, threads: threads)
    // 2-5. Runs, configurations, architectures, truncation.
    let runs = Self.runResults(models, ranked: ranked, bootstrap: bootstrap, level: level)
    let order = Self.architectureOrder(models, preferred: architectureOrder)
    let configurations = Self.configurations(models, runs: runs, order: order, level: level)
    var gaps: [Gap] = []
    let architectures = Self.architectureRows(configurations, order: order, level: level, gaps: &gaps)
    let truncation = Self.truncationRows(configurations, level: level, gaps: &gaps)
    let efficiency = Self.efficiencyRows(truncation, configurations: configurations)
    let gains = efficiency.compactMap(\.efficiency)
    // 6. Across architectures.
    let correlations = Self.correlationRows(
      architectures, configurations: configurations, design: design, level: level)
    let familySize = [false, true].compactMap {
      Self.familySize(architectures, configurations: configurations, pretrained: $0)
    }
    self.init(
      design: design, level: level, tasks: tasks, studyCount: labels[0].count,
      runs: runs.map(\.result), configurations: configurations, architectures: architectures,
      truncation: truncation, efficiency: efficiency, meanEfficiency: gains.isEmpty ? nil : gains.mean,
      correlations: correlations, familySize: familySize,
      boostFit: Self.boostFit(architectures, level: level), gaps: gaps)
  }

  /// Phase 2: each run's task AUROCs and their unweighted mean over the tasks defined on the
  /// full sample, with the replicates of that mean (NaN where a covered task is undefined).
  static func runResults(
    _ models: [Model], ranked: [[RankedScores]], bootstrap: BootstrapAUROCs, level: Double
  ) -> [(result: RunResult, meanReplicates: [Double])] {
    models.enumerated().map { r, model in
      let points = ranked[r].map { auroc($0) }
      let defined = points.indices.filter { points[$0] != nil }
      let taskEstimates = points.indices.map { t in
        Estimate(points[t], replicates: bootstrap.series(model: r, task: t), level: level)
      }
      let meanPoint =
        defined.isEmpty ? nil : defined.reduce(0) { $0 + (points[$1] ?? 0) } / Double(defined.count)
      let meanReplicates = (0..<bootstrap.design.replicates).map { b in
        defined.isEmpty
          ? Double.nan
          : defined.reduce(0) { $0 + bootstrap.value(replicate: b, model: r, task: $1) }
            / Double(defined.count)
      }
      let result = RunResult(
        model: model, tasks: taskEstimates,
        mean: Estimate(meanPoint, replicates: meanReplicates, level: level))
      return (result, meanReplicates)
    }
  }

  /// The order of architectures in every table: `preferred` ones present first, then the rest
  /// in order of first appearance.
  static func architectureOrder(_ models: [Model], preferred: [String]) -> [String] {
    let present = Set(models.map(\.architecture))
    return (preferred.filter { present.contains($0) } + models.map(\.architecture)).uniqued()
  }

  /// Phase 3: the runs of each configuration together, in a stable order: architecture order,
  /// then pretrained before random, then blocks cut. A configuration's mean is the mean over
  /// its seeds, and inside each replicate the seeds are averaged too.
  static func configurations(
    _ models: [Model], runs: [(result: RunResult, meanReplicates: [Double])], order: [String],
    level: Double
  ) -> [Configuration] {
    var members: [ConfigurationKey: [Int]] = [:]
    var keys: [ConfigurationKey] = []
    for (r, model) in models.enumerated() {
      let key = ConfigurationKey(
        architecture: model.architecture, pretrained: model.pretrained,
        truncatedBlocks: model.truncatedBlocks)
      if members[key] == nil { keys.append(key) }
      members[key, default: []].append(r)
    }
    keys.sort { a, b in
      let ia = order.firstIndex(of: a.architecture) ?? 0
      let ib = order.firstIndex(of: b.architecture) ?? 0
      return (ia, a.pretrained ? 0 : 1, a.truncatedBlocks) < (ib, b.pretrained ? 0 : 1, b.truncatedBlocks)
    }
    let replicates = runs.first?.meanReplicates.count ?? 0
    let taskCount = runs.first?.result.tasks.count ?? 0
    return keys.map { key in
      let indices = members[key] ?? []
      let means = indices.compactMap { runs[$0].result.mean.value }
      let point = means.count == indices.count ? means.mean : nil
      let seedReplicates = (0..<replicates).map { b in
        indices.reduce(0) { $0 + runs[$1].meanReplicates[b] } / Double(indices.count)
      }
      let first = models[indices[0]]
      return Configuration(
        key: key, family: first.family,
        parameters: indices.lazy.compactMap { models[$0].parameters }.first,
        imagenetTop1: indices.lazy.compactMap { models[$0].imagenetTop1 }.first,
        runs: indices, mean: Estimate(point, replicates: seedReplicates, level: level),
        seedStandardDeviation: means.count >= 2 ? means.sampleStandardDeviation : nil,
        tasks: (0..<taskCount).map { t in
          let values = indices.compactMap { runs[$0].result.tasks[t].value }
          return values.count == indices.count ? values.mean : nil
        },
        replicates: seedReplicates)
    }
  }

  /// Phase 4: per architecture, its full random-init and pretrained configurations and the
  /// boost between them (paired replicate differences, bootstrap p, Holm across architectures).
  static func architectureRows(
    _ configurations: [Configuration], order: [String], level: Double, gaps: inout [Gap]
  ) -> [ArchitectureRow] {
    var rows: [ArchitectureRow] = []
    for architecture in order {
      let pre = configurations.index(of: architecture, pretrained: true, blocks: 0)
      let rnd = configurations.index(of: architecture, pretrained: false, blocks: 0)
      guard pre != nil || rnd != nil else { continue }
      let any = configurations[pre ?? rnd ?? 0]
      var row = ArchitectureRow(
        architecture: architecture, family: any.family,
        parameters: pre.flatMap { configurations[$0].parameters } ?? any.parameters,
        imagenetTop1: pre.flatMap { configurations[$0].imagenetTop1 } ?? any.imagenetTop1,
        random: rnd, pretrained: pre)
      if let pre, let rnd {
        let (estimate, p) = pairedDifference(configurations[pre], configurations[rnd], level: level)
        row.boost = estimate
        row.boostP = p
      } else {
        gaps.append(
          pre == nil
            ? .noFullPretrainedModel(architecture: architecture) : .noRandomTwin(architecture: architecture))
      }
      rows.append(row)
    }
    let tested = rows.indices.filter { rows[$0].boostP != nil }
    // Bootstrap p-values lie in (0, 1], so the adjustment cannot fail.
    let adjusted = (try? MultipleTesting.holm(tested.map { rows[$0].boostP ?? 1 })) ?? []
    for (k, index) in tested.enumerated() { rows[index].boostPHolm = adjusted[k] }
    return rows
  }

  /// Phase 5a: each truncated configuration against the full model of its architecture and
  /// initialisation.
  static func truncationRows(_ configurations: [Configuration], level: Double, gaps: inout [Gap])
    -> [TruncationRow]
  {
    var rows: [TruncationRow] = []
    for (c, configuration) in configurations.enumerated() where configuration.key.truncatedBlocks > 0 {
      let key = configuration.key
      guard let full = configurations.index(of: key.architecture, pretrained: key.pretrained, blocks: 0)
      else {
        gaps.append(.noFullModel(architecture: key.architecture, truncatedBlocks: key.truncatedBlocks))
        continue
      }
      let (estimate, p) = pairedDifference(configuration, configurations[full], level: level)
      var ratio: Double?
      if let p = configuration.parameters, let q = configurations[full].parameters {
        ratio = q / p
      } else {
        gaps.append(.unknownParameters(architecture: key.architecture, truncatedBlocks: key.truncatedBlocks))
      }
      rows.append(
        TruncationRow(
          architecture: key.architecture, truncatedBlocks: key.truncatedBlocks, configuration: c,
          full: full, difference: estimate, p: p, parameterRatio: ratio,
          significantDrop: (estimate.interval?.upper ?? 0) < 0))
    }
    return rows
  }

  /// Phase 5b: per architecture, the smallest truncated model without a significant drop.
  static func efficiencyRows(_ truncation: [TruncationRow], configurations: [Configuration])
    -> [EfficiencyRow]
  {
    truncation.map(\.architecture).uniqued().map { architecture in
      let cuts = truncation.filter { $0.architecture == architecture }
      let fullParameters = configurations[cuts[0].full].parameters
      let kept = cuts.filter { !$0.significantDrop && $0.parameterRatio != nil }
      guard let best = kept.max(by: { ($0.parameterRatio ?? 0) < ($1.parameterRatio ?? 0) }) else {
        return EfficiencyRow(
          architecture: architecture, truncatedBlocks: 0, parameters: fullParameters,
          parametersFull: fullParameters, efficiency: fullParameters == nil ? nil : 1)
      }
      return EfficiencyRow(
        architecture: architecture, truncatedBlocks: best.truncatedBlocks,
        parameters: configurations[best.configuration].parameters, parametersFull: fullParameters,
        efficiency: best.parameterRatio)
    }
  }

  /// `a` minus `b`: the point difference of the seed-averaged means, the percentile interval
  /// of the paired replicate differences and its bootstrap p (nil when a point is undefined).
  static func pairedDifference(_ a: Configuration, _ b: Configuration, level: Double) -> (Estimate, Double?) {
    let difference = zip(a.replicates, b.replicates).map { $0 - $1 }
    let point = a.mean.value.flatMap { x in b.mean.value.map { x - $0 } }
    return (
      Estimate(point, replicates: difference, level: level),
      point == nil ? nil : bootstrapPValue(differences: difference)
    )
  }
}

extension Array where Element == ExperimentAnalysis.Configuration {
  /// The index of the configuration with this key.
  func index(of architecture: String, pretrained: Bool, blocks: Int) -> Int? {
    let key = ExperimentAnalysis.ConfigurationKey(
      architecture: architecture, pretrained: pretrained, truncatedBlocks: blocks)
    return firstIndex { $0.key == key }
  }
}

extension Array where Element == Double {
  /// The arithmetic mean (NaN for an empty array).
  var mean: Double { reduce(0, +) / Double(count) }

  /// The sample standard deviation (denominator count - 1).
  var sampleStandardDeviation: Double {
    let m = mean
    return (reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1)).squareRoot()
  }
}

extension Array where Element: Hashable {
  /// The elements in order of first appearance, without repeats.
  ///
  /// - Complexity: O(n) expected.
  public func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
