import ChexData
import ChexStats
import Foundation

extension StudyReport {
  /// Analyses the runs of a joined evaluation set.
  ///
  /// - Parameters:
  ///   - set: studies, tasks, labels and every run's scores (in `runs` order).
  ///   - runs: the runs with resolved metadata, in the set's run order.
  ///   - labelsPath, architectureTablePath, aggregation: for the report's methods.
  ///   - design, level, threads: the shared bootstrap.
  ///   - architectureOrder: the order of architectures in tables (the reference table's).
  public init(
    set: EvaluationSet, runs: [StudyRun], labelsPath: String, architectureTablePath: String?,
    aggregation: Aggregation, design: BootstrapDesign, level: Double = 0.95, threads: Int? = nil,
    architectureOrder: [String] = []
  ) {
    precondition(set.runNames.count == runs.count, "StudyReport.init(set:...): one StudyRun per run")
    let analysisRuns = runs.map { run in
      StudyAnalysis.Run(
        name: run.name, architecture: run.architecture, family: run.family.value,
        pretrained: run.pretrained, truncatedBlocks: run.truncatedBlocks, seed: run.seed,
        parameters: run.parameters.map { Double($0.value) }, imagenetTop1: run.imagenetTop1?.value)
    }
    let scores = runs.indices.map { r in set.tasks.map { $0.scores[r] } }
    let analysis = StudyAnalysis(
      runs: analysisRuns, tasks: set.tasks.map(\.name), labels: set.tasks.map(\.labels),
      scores: scores, design: design, level: level, threads: threads,
      architectureOrder: architectureOrder)
    self.init(
      labelsPath: labelsPath, architectureTablePath: architectureTablePath,
      aggregation: aggregation.rawValue, uncertainPolicy: set.uncertain.rawValue,
      blankPolicy: set.blank.rawValue, runs: runs, analysis: analysis)
    self.correlations = StudyCorrelations.rows(analysis)
    self.familySize = [false, true].compactMap {
      StudyCorrelations.familySize(analysis, pretrained: $0)
    }
    self.boostFit = StudyCorrelations.boostFit(analysis)
  }
}

/// The across-architecture statistics of a study analysis (correlations, family vs size,
/// boost vs size), computed on the full-model configurations.
enum StudyCorrelations {
  /// (architecture row, configuration index) of each architecture's full model in a group.
  static func members(_ a: StudyAnalysis, pretrained: Bool) -> [(StudyAnalysis.ArchitectureRow, Int)] {
    a.architectures.compactMap { row in
      (pretrained ? row.pretrained : row.random).flatMap { index in
        a.configurations[index].mean.value == nil ? nil : (row, index)
      }
    }
  }

  /// ImageNet top-1 and log10(parameters) against mean AUROC, per group: Spearman (t
  /// approximation as scipy, and the exact permutation p where n is small and untied, as a
  /// second row), Pearson with its Fisher-z CI, Kendall tau-b; and the bootstrap percentile CI
  /// of Spearman's rho over the study's shared replicates. Groups with fewer than 3
  /// architectures are left out.
  static func rows(_ a: StudyAnalysis) -> [CorrelationRow] {
    var rows: [CorrelationRow] = []
    for (group, pretrained) in [("pretrained", true), ("random", false)] {
      let all = members(a, pretrained: pretrained)
      for xName in ["imagenet_top1", "log10_parameters"] {
        let chosen = all.compactMap { row, index -> (Double, Int)? in
          let x = xName == "imagenet_top1" ? row.imagenetTop1 : row.parameters.map { log10($0) }
          return x.map { ($0, index) }
        }
        guard chosen.count >= 3 else { continue }
        let x = chosen.map(\.0)
        let y = chosen.map { a.configurations[$0.1].mean.value ?? .nan }
        let yName = "auroc_" + group
        // The bootstrap distribution of rho: the same x, each replicate's configuration means.
        let replicateRho = (0..<a.design.replicates).map { b -> Double in
          let yb = chosen.map { a.configurationReplicates[$0.1][b] }
          guard yb.allSatisfy({ $0.isFinite }) else { return .nan }
          return (try? Correlation.spearman(x, yb).estimate) ?? .nan
        }
        let rhoInterval = BootstrapEstimate(replicates: replicateRho, level: a.level).interval
        func add(
          _ method: String, _ result: CorrelationResult?, interval: ConfidenceInterval?,
          intervalMethod: String
        ) {
          guard let result else { return }
          rows.append(
            CorrelationRow(
              group: group, x: xName, y: yName, method: method, estimate: result.estimate,
              interval: interval, intervalMethod: intervalMethod, p: result.pValue,
              pMethod: result.method.description, n: result.n))
        }
        let spearman = try? Correlation.spearman(x, y)
        add("spearman", spearman, interval: rhoInterval, intervalMethod: "bootstrap percentile over studies")
        if Set(x).count == x.count, Set(y).count == y.count, x.count <= Correlation.exactSpearmanLimit {
          add(
            "spearman_exact", try? Correlation.spearman(x, y, pValue: .exact), interval: rhoInterval,
            intervalMethod: "bootstrap percentile over studies")
        }
        guard xName == "imagenet_top1" else { continue }
        let pearson = try? Correlation.pearson(x, y, confidenceLevel: a.level)
        add("pearson", pearson, interval: pearson?.confidenceInterval, intervalMethod: "Fisher z")
        add("kendall", try? Correlation.kendallTauB(x, y), interval: nil, intervalMethod: "")
      }
    }
    return rows
  }

  /// One-way ANOVA of AUROC on family, and what log10(parameters) adds within families
  /// (the regression of within-family-centred AUROC on within-family-centred log size, whose
  /// sum of squares is the sequential one of `auroc ~ family + log10(parameters)`).
  static func familySize(_ a: StudyAnalysis, pretrained: Bool) -> FamilySizeSummary? {
    let all = members(a, pretrained: pretrained).filter { $0.0.parameters != nil }
    let families = all.map(\.0.family).uniqued()
    guard all.count >= 3, families.count >= 2, all.count > families.count else { return nil }
    let y = all.map { a.configurations[$0.1].mean.value ?? .nan }
    let size = all.map { log10($0.0.parameters ?? 1) }
    let byFamily = families.map { family in all.indices.filter { all[$0].0.family == family } }
    guard let anova = try? OneWayANOVA.test(byFamily.map { $0.map { y[$0] } }, names: families)
    else { return nil }
    // Size within families: the slope of within-family-centred AUROC on centred log size.
    var centredY = y
    var centredX = size
    for members in byFamily {
      let my = members.reduce(0) { $0 + y[$1] } / Double(members.count)
      let mx = members.reduce(0) { $0 + size[$1] } / Double(members.count)
      for i in members {
        centredY[i] -= my
        centredX[i] -= mx
      }
    }
    let total = anova.betweenSumOfSquares + anova.withinSumOfSquares
    let n = all.count
    let k = families.count
    let sxx = centredX.reduce(0) { $0 + $1 * $1 }
    let sxy = zip(centredX, centredY).reduce(0) { $0 + $1.0 * $1.1 }
    var sizeShare = 0.0
    var sizeF: Double?
    var sizeP: Double?
    if sxx > 0, n - k - 1 > 0 {
      let ssSize = sxy * sxy / sxx
      sizeShare = ssSize / total
      let df = Double(n - k - 1)
      let f = ssSize / ((anova.withinSumOfSquares - ssSize) / df)
      sizeF = f
      sizeP = FDistribution(numeratorDegreesOfFreedom: 1, denominatorDegreesOfFreedom: df).sf(f)
    }
    return FamilySizeSummary(
      group: pretrained ? "pretrained" : "random", architectures: n, families: k,
      familyF: anova.fStatistic,
      familyDegreesOfFreedom: (anova.betweenDegreesOfFreedom, anova.withinDegreesOfFreedom),
      familyP: anova.pValue, familyEtaSquared: anova.etaSquared, sizeWithinFamilyShare: sizeShare,
      sizeWithinFamilyF: sizeF, sizeWithinFamilyP: sizeP,
      sizeSpearman: (try? Correlation.spearman(size, y).estimate) ?? .nan,
      ranges: anova.groups.map { ($0.name, $0.minimum, $0.maximum, $0.n) })
  }

  /// Ordinary least squares of boost on log10(parameters) (LAPACK QR), and their Spearman.
  static func boostFit(_ a: StudyAnalysis) -> BoostFitSummary? {
    let rows = a.architectures.filter { $0.boost?.value != nil && $0.parameters != nil }
    guard rows.count >= 3 else { return nil }
    let x = rows.map { log10($0.parameters ?? 1) }
    let y = rows.map { $0.boost?.value ?? .nan }
    guard
      let fit = try? Regression.ordinaryLeastSquares(
        y: y, x: x, predictorName: "log10_parameters", confidenceLevel: a.level),
      let rho = try? Correlation.spearman(x, y)
    else { return nil }
    func term(_ c: RegressionCoefficient, _ name: String) -> BoostFitSummary.Term {
      .init(
        name: name, estimate: c.estimate, standardError: c.standardError, t: c.t, p: c.pValue,
        interval: c.confidenceInterval)
    }
    return BoostFitSummary(
      intercept: term(fit.intercept, "intercept"), slope: term(fit.slope, "log10_parameters"),
      rSquared: fit.rSquared, adjustedRSquared: fit.adjustedRSquared,
      residualStandardError: fit.residualStandardError, n: fit.n, spearman: rho.estimate,
      spearmanP: rho.pValue)
  }
}
