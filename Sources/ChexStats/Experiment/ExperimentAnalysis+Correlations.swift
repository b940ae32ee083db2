import Foundation

/// Phase 6a: ImageNet top-1 and size against AUROC across architectures.
extension ExperimentAnalysis {
  /// One correlation across architectures, as reported.
  public struct CorrelationRow: Sendable, Equatable {
    /// `pretrained` or `random`.
    public var group: String
    public var x: String
    public var y: String
    /// `spearman`, `pearson` or `kendall`.
    public var method: String
    public var estimate: Double
    /// For Pearson the Fisher-z interval; for Spearman the bootstrap percentile interval.
    public var interval: ConfidenceInterval?
    public var intervalMethod: String
    public var p: Double?
    /// How the p-value was computed, in words.
    public var pMethod: String
    public var n: Int

    public init(
      group: String, x: String, y: String, method: String, estimate: Double,
      interval: ConfidenceInterval?, intervalMethod: String, p: Double?, pMethod: String, n: Int
    ) {
      self.group = group
      self.x = x
      self.y = y
      self.method = method
      self.estimate = estimate
      self.interval = interval
      self.intervalMethod = intervalMethod
      self.p = p
      self.pMethod = pMethod
      self.n = n
    }
  }

  /// (architecture row, configuration index) of each architecture's full model in a group.
  static func fullModels(
    _ architectures: [ArchitectureRow], configurations: [Configuration], pretrained: Bool
  ) -> [(ArchitectureRow, Int)] {
    architectures.compactMap { row in
      (pretrained ? row.pretrained : row.random).flatMap { index in
        configurations[index].mean.value == nil ? nil : (row, index)
      }
    }
  }

  /// ImageNet top-1 and log10(parameters) against mean AUROC, per group: Spearman (t
  /// approximation as scipy, and the exact permutation p where n is small and untied, as a
  /// second row), Pearson with its Fisher-z CI, Kendall tau-b; and the bootstrap percentile CI
  /// of Spearman's rho over the experiment's shared replicates. Groups with fewer than 3
  /// architectures are left out.
  static func correlationRows(
    _ architectures: [ArchitectureRow], configurations: [Configuration], design: BootstrapDesign,
    level: Double
  ) -> [CorrelationRow] {
    var rows: [CorrelationRow] = []
    for (group, pretrained) in [("pretrained", true), ("random", false)] {
      let all = fullModels(architectures, configurations: configurations, pretrained: pretrained)
      for xName in ["imagenet_top1", "log10_parameters"] {
        let chosen = all.compactMap { row, index -> (Double, Int)? in
          let x = xName == "imagenet_top1" ? row.imagenetTop1 : row.parameters.map { log10($0) }
          return x.map { ($0, index) }
        }
        guard chosen.count >= 3 else { continue }
        let x = chosen.map(\.0)
        let y = chosen.map { configurations[$0.1].mean.value ?? .nan }
        let yName = "auroc_" + group
        // The bootstrap distribution of rho: the same x, each replicate's configuration means.
        let replicateRho = (0..<design.replicates).map { b -> Double in
          let yb = chosen.map { configurations[$0.1].replicates[b] }
          guard yb.allSatisfy({ $0.isFinite }) else { return .nan }
          return (try? Correlation.spearman(x, yb).estimate) ?? .nan
        }
        let rhoInterval = Estimate(replicates: replicateRho, level: level).interval
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
        let pearson = try? Correlation.pearson(x, y, confidenceLevel: level)
        add("pearson", pearson, interval: pearson?.confidenceInterval, intervalMethod: "Fisher z")
        add("kendall", try? Correlation.kendallTauB(x, y), interval: nil, intervalMethod: "")
      }
    }
    return rows
  }
}
