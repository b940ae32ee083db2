extension StudyAnalysis {
  /// Analyses `runs`, all scored on the same studies.
  ///
  /// - Parameters:
  ///   - runs: the runs, with their metadata.
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
    runs: [Run], tasks: [String], labels: [[Bool?]], scores: [[[Double]]],
    design: BootstrapDesign = BootstrapDesign(), level: Double = 0.95, threads: Int? = nil,
    architectureOrder: [String] = []
  ) {
    precondition(!runs.isEmpty && !tasks.isEmpty, "StudyAnalysis.init: no run or no task")
    precondition(
      labels.count == tasks.count && scores.count == runs.count
        && scores.allSatisfy { $0.count == tasks.count },
      "StudyAnalysis.init: scores must be [run][task][study] and labels [task][study]")
    precondition(!design.stratified, "StudyAnalysis.init: the study bootstrap is not stratified")
    let ranked = scores.map { perTask in
      zip(labels, perTask).map { RankedScores(labels: $0, scores: $1) }
    }
    let boot = Bootstrap.aurocs(ranked, design: design, threads: threads)
    let replicates = design.replicates
    let taskCount = tasks.count

    // Runs.
    var runResults: [RunResult] = []
    var runMeanReplicates: [[Double]] = []
    for (r, run) in runs.enumerated() {
      let points = ranked[r].map { auroc($0) }
      let defined = points.indices.filter { points[$0] != nil }
      let taskEstimates = (0..<taskCount).map { t in
        Estimate(points[t], replicates: boot.series(model: r, task: t), level: level)
      }
      let meanPoint =
        defined.isEmpty ? nil : defined.reduce(0) { $0 + (points[$1] ?? 0) } / Double(defined.count)
      let meanReplicates = (0..<replicates).map { b in
        defined.isEmpty
          ? Double.nan
          : defined.reduce(0) { $0 + boot.value(replicate: b, model: r, task: $1) }
            / Double(defined.count)
      }
      runMeanReplicates.append(meanReplicates)
      runResults.append(
        RunResult(
          run: run, tasks: taskEstimates,
          mean: Estimate(meanPoint, replicates: meanReplicates, level: level)))
    }

    // Configurations, in a stable order: architecture order of first appearance, then
    // pretrained before random, then blocks cut.
    var members: [ConfigurationKey: [Int]] = [:]
    var order: [ConfigurationKey] = []
    for (r, run) in runs.enumerated() {
      let key = ConfigurationKey(
        architecture: run.architecture, pretrained: run.pretrained,
        truncatedBlocks: run.truncatedBlocks)
      if members[key] == nil { order.append(key) }
      members[key, default: []].append(r)
    }
    let present = Set(order.map(\.architecture))
    let architectureOrder = (architectureOrder.filter { present.contains($0) } + order.map(\.architecture))
      .uniqued()
    order.sort { a, b in
      let ia = architectureOrder.firstIndex(of: a.architecture) ?? 0
      let ib = architectureOrder.firstIndex(of: b.architecture) ?? 0
      return (ia, a.pretrained ? 0 : 1, a.truncatedBlocks) < (ib, b.pretrained ? 0 : 1, b.truncatedBlocks)
    }
    var configurations: [Configuration] = []
    for key in order {
      let indices = members[key] ?? []
      let means = indices.compactMap { runResults[$0].mean.value }
      let point = means.count == indices.count ? means.mean : nil
      let seedReplicates = (0..<replicates).map { b in
        indices.reduce(0) { $0 + runMeanReplicates[$1][b] } / Double(indices.count)
      }
      let first = runs[indices[0]]
      configurations.append(
        Configuration(
          key: key, family: first.family,
          parameters: indices.lazy.compactMap { runs[$0].parameters }.first,
          imagenetTop1: indices.lazy.compactMap { runs[$0].imagenetTop1 }.first,
          runs: indices, mean: Estimate(point, replicates: seedReplicates, level: level),
          seedStandardDeviation: means.count >= 2 ? means.sampleStandardDeviation : nil,
          tasks: (0..<taskCount).map { t in
            let values = indices.compactMap { runResults[$0].tasks[t].value }
            return values.count == indices.count ? values.mean : nil
          },
          replicates: seedReplicates))
    }
    func configurationIndex(_ architecture: String, pretrained: Bool, blocks: Int) -> Int? {
      configurations.firstIndex {
        $0.key
          == ConfigurationKey(
            architecture: architecture, pretrained: pretrained, truncatedBlocks: blocks)
      }
    }

    // Architectures and the pretraining boost.
    var gaps: [String] = []
    var rows: [ArchitectureRow] = []
    for architecture in architectureOrder {
      let pre = configurationIndex(architecture, pretrained: true, blocks: 0)
      let rnd = configurationIndex(architecture, pretrained: false, blocks: 0)
      guard pre != nil || rnd != nil else { continue }
      let any = configurations[pre ?? rnd ?? 0]
      var row = ArchitectureRow(
        architecture: architecture, family: any.family,
        parameters: pre.flatMap { configurations[$0].parameters } ?? any.parameters,
        imagenetTop1: pre.flatMap { configurations[$0].imagenetTop1 } ?? any.imagenetTop1,
        random: rnd, pretrained: pre)
      if let pre, let rnd {
        let a = configurations[pre]
        let b = configurations[rnd]
        let difference = zip(a.replicates, b.replicates).map { $0 - $1 }
        let point = a.mean.value.flatMap { x in b.mean.value.map { x - $0 } }
        row.boost = Estimate(point, replicates: difference, level: level)
        row.boostP = point == nil ? nil : bootstrapPValue(differences: difference)
      } else if pre == nil {
        gaps.append("\(architecture): random-init runs but no full pretrained runs; no boost.")
      } else {
        gaps.append("\(architecture): pretrained runs but no random-init twin; no boost.")
      }
      rows.append(row)
    }
    let tested = rows.indices.filter { rows[$0].boostP != nil }
    // Bootstrap p-values lie in (0, 1], so the adjustment cannot fail.
    let adjusted = (try? MultipleTesting.holm(tested.map { rows[$0].boostP ?? 1 })) ?? []
    for (k, index) in tested.enumerated() { rows[index].boostPHolm = adjusted[k] }

    // Truncation and parameter efficiency.
    var truncation: [TruncationRow] = []
    for (c, configuration) in configurations.enumerated() where configuration.key.truncatedBlocks > 0 {
      guard
        let full = configurationIndex(
          configuration.key.architecture, pretrained: configuration.key.pretrained, blocks: 0)
      else {
        gaps.append(
          "\(configuration.key.architecture) cut by \(configuration.key.truncatedBlocks) blocks: no full model to compare with."
        )
        continue
      }
      let difference = zip(configuration.replicates, configurations[full].replicates).map { $0 - $1 }
      let point = configuration.mean.value.flatMap { x in configurations[full].mean.value.map { x - $0 } }
      let estimate = Estimate(point, replicates: difference, level: level)
      var ratio: Double?
      if let p = configuration.parameters, let q = configurations[full].parameters {
        ratio = q / p
      } else {
        gaps.append(
          "\(configuration.key.architecture) cut by \(configuration.key.truncatedBlocks) blocks: parameters unknown, so no efficiency."
        )
      }
      truncation.append(
        TruncationRow(
          architecture: configuration.key.architecture,
          truncatedBlocks: configuration.key.truncatedBlocks, configuration: c, full: full,
          difference: estimate, p: point == nil ? nil : bootstrapPValue(differences: difference),
          parameterRatio: ratio, significantDrop: (estimate.interval?.upper ?? 0) < 0))
    }
    var efficiency: [EfficiencyRow] = []
    for architecture in truncation.map(\.architecture).uniqued() {
      let cuts = truncation.filter { $0.architecture == architecture }
      let fullParameters = configurations[cuts[0].full].parameters
      let kept = cuts.filter { !$0.significantDrop && $0.parameterRatio != nil }
      if let best = kept.max(by: { ($0.parameterRatio ?? 0) < ($1.parameterRatio ?? 0) }) {
        efficiency.append(
          EfficiencyRow(
            architecture: architecture, truncatedBlocks: best.truncatedBlocks,
            parameters: configurations[best.configuration].parameters,
            parametersFull: fullParameters, efficiency: best.parameterRatio))
      } else {
        efficiency.append(
          EfficiencyRow(
            architecture: architecture, truncatedBlocks: 0, parameters: fullParameters,
            parametersFull: fullParameters, efficiency: fullParameters == nil ? nil : 1))
      }
    }
    let gains = efficiency.compactMap(\.efficiency)

    self.init(
      design: design, level: level, tasks: tasks, studyCount: labels[0].count, runs: runResults,
      configurations: configurations, architectures: rows, truncation: truncation,
      efficiency: efficiency, meanEfficiency: gains.isEmpty ? nil : gains.mean, gaps: gaps)
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
