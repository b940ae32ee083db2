import ChexStats

/// Renders a ``LeaderboardReport`` as JSON: every number of the Markdown and CSV outputs with
/// bootstrap standard errors and usable-replicate counts, the DeLong details, and a `methods`
/// object in words. Undefined values are `null`. Names are unique (the command refuses
/// duplicates); a repeated name would keep its first entry in the name-keyed objects.
public enum LeaderboardJSON {
  public static func render(_ report: LeaderboardReport) -> String {
    JSONText.encode(Document(report))
  }

  typealias Estimate = JSONText.EstimateValue
  typealias Interval = JSONText.Interval

  struct Entry: Encodable {
    let run: String
    let auroc: Estimate
    let auprc: Estimate
    let rank: Double?
    let rank_ci: Interval?
  }
  struct Pair: Encodable {
    let run_a: String
    let run_b: String
    let difference: Estimate
    let p_bootstrap: Double?
    let p_bootstrap_holm: Double?
    let delong_z: Double?
    let delong_p: Double?
    let delong_p_holm: Double?
    let delong_ci: Interval?
  }
  struct BoardTask: Encodable {
    let task: String
    let n: Int?
    let positives: Int?
    let runs: [Entry]
    let pairs: [Pair]
  }
  struct Board: Encodable {
    let order: [String]
    let tasks: [BoardTask]
    let mean: BoardTask?
    let mean_tasks: [String]
  }
  struct Versus: Encodable {
    let reader: String
    let below_curve: Bool
    let sensitivity_at_reader_specificity: Estimate
    let sensitivity_difference: Estimate
    let sensitivity_p: Double?
    let specificity_at_reader_sensitivity: Estimate
    let specificity_difference: Estimate
    let specificity_p: Double?
  }
  struct ReaderRun: Encodable {
    let run: String
    let readers_below_curve: Estimate
    let versus: [Versus]
  }
  struct ReaderTask: Encodable {
    let task: String
    let n: Int
    let positives: Int
    let readers_mean_sensitivity: Estimate
    let readers_mean_specificity: Estimate
    let runs: [ReaderRun]?
  }
  struct Readers: Encodable {
    let readers: [String]
    let tasks: [ReaderTask]
    let mean_readers_below_curve: [String: Estimate]?
    let mean_tasks: [String]?
  }
  struct DecisionEntry: Encodable {
    let name: String
    let tp: Int?
    let fp: Int?
    let tn: Int?
    let fn: Int?
    let metrics: [String: Estimate]
    let sensitivity_wilson: Interval?
    let specificity_wilson: Interval?
  }
  struct DecisionPair: Encodable {
    let a: String
    let b: String
    let differences: [String: Estimate]
    let p: [String: Double?]
  }
  struct DecisionTask: Encodable {
    let task: String
    let n: Int?
    let positives: Int?
    let entries: [DecisionEntry]
    let pairs: [DecisionPair]
  }
  struct Decisions: Encodable {
    let names: [String]
    let tasks: [DecisionTask]
    let mean: DecisionTask?
  }
  struct Thresholds: Encodable {
    let rule: String
    let chosen_on_labels: String?
    let chosen_on_runs: [String]?
    let chosen_on_studies: Int?
    let values: [String: [String: Double]]
  }
  struct Methods: Encodable {
    let auroc: String
    let auprc: String
    let aggregation: String
    let uncertain: String
    let blank: String
    let bootstrap: String
    let bootstrap_p: String
    let delong: String
    let ranks: String
    let multiple_pairs: String
    let below_curve: String
    let decisions: String
    let thresholds: String?
  }

  struct Document: Encodable {
    let chexstats_version: String
    let runs: [JSONText.Run]
    let decision_runs: [JSONText.Run]
    let readers: [JSONText.Run]
    let labels: String
    let studies: Int
    let aggregation: String
    let uncertain: String
    let blank: String
    let bootstrap: JSONText.Design
    let methods: Methods
    let leaderboard: Board?
    let reader_comparison: Readers?
    let decisions: Decisions?
    let thresholds: Thresholds?
    let curves: String?
    let notes: [String]

    init(_ r: LeaderboardReport) {
      chexstats_version = r.version
      runs = r.scoreRuns.map(JSONText.Run.init)
      decision_runs = r.decisionRuns.map(JSONText.Run.init)
      readers = r.readers.map(JSONText.Run.init)
      labels = r.evaluation.labelsPath
      studies = r.evaluation.studies
      aggregation = r.evaluation.aggregation
      uncertain = r.evaluation.uncertainPolicy
      blank = r.evaluation.blankPolicy
      bootstrap = JSONText.Design(r.design, level: r.level)
      methods = Methods(
        auroc: ComparisonReport.aurocDescription, auprc: LeaderboardReport.auprcDescription,
        aggregation: r.evaluation.aggregationDescription, uncertain: r.evaluation.uncertainDescription,
        blank: r.evaluation.blankDescription, bootstrap: r.bootstrapDescription,
        bootstrap_p: ComparisonReport.bootstrapPDefinition, delong: ComparisonReport.deLongDescription,
        ranks: r.rankDescription, multiple_pairs: LeaderboardReport.holmDescription,
        below_curve: LeaderboardReport.belowDescription, decisions: LeaderboardReport.decisionDescription,
        thresholds: r.thresholdDescription)
      leaderboard = r.leaderboard.map { board in
        func task(
          _ name: String, _ n: Int?, _ positives: Int?, _ entries: [ChexStats.Leaderboard.Entry],
          _ pairs: [ChexStats.Leaderboard.Pair]
        ) -> BoardTask {
          BoardTask(
            task: name, n: n, positives: positives,
            runs: board.order.map { i in
              let e = entries[i]
              return Entry(
                run: board.runs[i], auroc: Estimate(e.auroc), auprc: Estimate(e.averagePrecision),
                rank: e.rank,
                rank_ci: Interval(e.rankInterval))
            },
            pairs: pairs.map { p in
              Pair(
                run_a: board.runs[p.a], run_b: board.runs[p.b], difference: Estimate(p.difference),
                p_bootstrap: p.bootstrapP, p_bootstrap_holm: p.bootstrapPHolm,
                delong_z: p.deLong.flatMap { $0.z.isFinite ? $0.z : nil }, delong_p: p.deLong?.p,
                delong_p_holm: p.deLongPHolm, delong_ci: Interval(p.deLong?.confidenceInterval))
            })
        }
        return Board(
          order: board.order.map { board.runs[$0] },
          tasks: board.tasks.map { task($0.name, $0.studies, $0.positives, $0.entries, $0.pairs) },
          mean: board.mean.map { task("mean", r.evaluation.studies, nil, $0.entries, $0.pairs) },
          mean_tasks: board.mean?.tasks ?? [])
      }
      reader_comparison = r.readerComparison.map { c in
        var names = c.readers
        if c.readers.count > 1 { names.append("readers' mean") }
        return Readers(
          readers: c.readers,
          tasks: c.tasks.map { t in
            ReaderTask(
              task: t.name, n: t.positives + t.negatives, positives: t.positives,
              readers_mean_sensitivity: Estimate(t.readerMeanSensitivity),
              readers_mean_specificity: Estimate(t.readerMeanSpecificity),
              runs: t.runs.map { runs in
                runs.enumerated().map { i, run in
                  var all = run.readers
                  if c.readers.count > 1 { all.append(run.readerMean) }
                  return ReaderRun(
                    run: c.runs[i], readers_below_curve: Estimate(run.readersBelow),
                    versus: zip(names, all).map { name, v in
                      Versus(
                        reader: name, below_curve: v.below,
                        sensitivity_at_reader_specificity: Estimate(v.sensitivityAtReaderSpecificity),
                        sensitivity_difference: Estimate(v.sensitivityDifference),
                        sensitivity_p: v.sensitivityP,
                        specificity_at_reader_sensitivity: Estimate(v.specificityAtReaderSensitivity),
                        specificity_difference: Estimate(v.specificityDifference),
                        specificity_p: v.specificityP)
                    })
                }
              })
          },
          mean_readers_below_curve: c.mean.map { mean in
            Dictionary(
              zip(c.runs, mean.readersBelow.map { Estimate($0) }), uniquingKeysWith: { first, _ in first })
          },
          mean_tasks: c.mean?.tasks)
      }
      decisions = r.decisions.map { d in
        let metrics = BinaryMetric.allCases
        func pairs(_ pairs: [DecisionAnalysis.Pair]) -> [DecisionPair] {
          pairs.map { p in
            DecisionPair(
              a: d.names[p.a], b: d.names[p.b],
              differences: Dictionary(
                zip(metrics.map(\.rawValue), p.differences.map { Estimate($0) }),
                uniquingKeysWith: { first, _ in first }),
              p: Dictionary(zip(metrics.map(\.rawValue), p.p), uniquingKeysWith: { first, _ in first }))
          }
        }
        return Decisions(
          names: d.names,
          tasks: d.tasks.map { t in
            DecisionTask(
              task: t.name, n: t.positives + t.negatives, positives: t.positives,
              entries: zip(d.names, t.entries).map { name, e in
                DecisionEntry(
                  name: name, tp: e.counts.truePositives, fp: e.counts.falsePositives,
                  tn: e.counts.trueNegatives,
                  fn: e.counts.falseNegatives,
                  metrics: Dictionary(
                    zip(metrics.map(\.rawValue), e.metrics.map { Estimate($0) }),
                    uniquingKeysWith: { first, _ in first }),
                  sensitivity_wilson: Interval(e.sensitivityWilson),
                  specificity_wilson: Interval(e.specificityWilson))
              }, pairs: pairs(t.pairs))
          },
          mean: d.mean.map { mean in
            DecisionTask(
              task: "mean", n: r.evaluation.studies, positives: nil,
              entries: zip(d.names, mean.metrics).map { name, estimates in
                DecisionEntry(
                  name: name, tp: nil, fp: nil, tn: nil, fn: nil,
                  metrics: Dictionary(
                    zip(metrics.map(\.rawValue), estimates.map { Estimate($0) }),
                    uniquingKeysWith: { first, _ in first }),
                  sensitivity_wilson: nil, specificity_wilson: nil)
              }, pairs: pairs(mean.pairs))
          })
      }
      thresholds = r.thresholds.map { t in
        let tasks = r.decisions?.tasks.map(\.name) ?? []
        return Thresholds(
          rule: t.rule.description, chosen_on_labels: t.chosenOn?.labelsPath,
          chosen_on_runs: t.chosenOn?.runPaths,
          chosen_on_studies: t.chosenOn?.studies,
          values: Dictionary(
            zip(
              r.scoreRuns.map(\.name),
              t.values.map { Dictionary(zip(tasks, $0), uniquingKeysWith: { first, _ in first }) }),
            uniquingKeysWith: { first, _ in first }))
      }
      curves = r.curvesFolder
      notes = r.notes
    }
  }
}
