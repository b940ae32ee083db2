import ChexData
import ChexStats
import ChexTestSupport
import XCTest

@testable import ChexReport

final class ExperimentReportTests: XCTestCase {
  /// A small fixed experiment: four architectures in two families, pretrained and random init, one
  /// seed each, and one truncated model; 60 studies, 2 tasks, 100 seeded replicates.
  static func report() -> ExperimentReport {
    let n = 60
    var rng = Xoshiro256StarStar(seed: 11)
    func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    let labels: [[Bool?]] = (0..<2).map { _ in (0..<n).map { _ in uniform() < 0.35 } }
    let specs: [(String, String, Int, Double, Bool, Int, Double)] = [
      ("NetA1", "A", 1_000_000, 70.5, true, 0, 0.9), ("NetA1", "A", 1_000_000, 70.5, false, 0, 0.5),
      ("NetA2", "A", 4_000_000, 74.0, true, 0, 0.8), ("NetA2", "A", 4_000_000, 74.0, false, 0, 0.6),
      ("NetB1", "B", 2_000_000, 72.0, true, 0, 0.7), ("NetB1", "B", 2_000_000, 72.0, false, 0, 0.3),
      ("NetB2", "B", 8_000_000, 76.5, true, 0, 0.75), ("NetB2", "B", 8_000_000, 76.5, false, 0, 0.35),
      ("NetA1", "A", 250_000, 70.5, true, 1, 0.85),
    ]
    var runs: [ExperimentRun] = []
    var tasks: [[[Double]]] = [[], []]
    for (architecture, family, parameters, top1, pretrained, cut, strength) in specs {
      let name = "\(architecture)-\(pretrained ? "pre" : "rnd")\(cut > 0 ? "-cut\(cut)" : "")"
      runs.append(
        ExperimentRun(
          name: name, path: "runs/\(name)", architecture: architecture,
          family: Sourced(family, source: "run.json"), pretrained: pretrained, truncatedBlocks: cut,
          seed: 1,
          parameters: Sourced(parameters, source: cut > 0 ? "run.json" : "table.csv (params_5_outputs)"),
          imagenetTop1: Sourced(top1, source: "run.json")))
      for t in 0..<2 {
        tasks[t].append(labels[t].map { ($0 == true ? strength : 0) + uniform() })
      }
    }
    let set = EvaluationSet(
      keys: (0..<n).map { "patient\($0)/study1" },
      tasks: (0..<2).map { t in
        EvaluationTask(name: ["Edema", "Pleural Effusion"][t], labels: labels[t], scores: tasks[t])
      },
      provenance: EvaluationProvenance(
        labelsPath: "labels.csv", runs: runs.map { .init(name: $0.name, path: $0.path) },
        aggregation: .studyMax, uncertain: .ignore, blank: .zeros))
    let experiment = Experiment(
      evaluation: set, runs: runs, architectureTable: ArchitectureTable(path: "table.csv", entries: []))
    let analysis = ExperimentAnalysis(experiment, design: BootstrapDesign(replicates: 100, seed: 5))
    return ExperimentReport(experiment: experiment, analysis: analysis)
  }

  func testMarkdownGolden() throws {
    var report = Self.report()
    report.version = "test"
    try assertSnapshot(ExperimentMarkdown.render(report), named: "experiment-report.md")
  }

  func testArchitecturesCSVGolden() throws {
    try assertSnapshot(ExperimentCSV.architectures(Self.report()), named: "experiment-architectures.csv")
  }

  func testEveryFigureIsWellFormedSVG() throws {
    let figures = ExperimentFigures.render(Self.report())
    XCTAssertEqual(figures.map(\.name), ExperimentFigures.catalogue.map { "figures/" + $0.file })
    for figure in figures {
      XCTAssertTrue(figure.text.hasPrefix("<?xml") || figure.text.hasPrefix("<svg"), figure.name)
      XCTAssertFalse(figure.text.contains("nan"), figure.name)
      XCTAssertTrue(figure.text.contains("NetA1"), figure.name)
    }
  }

  /// Hand-checked against the inputs: NetA1's boost is pretrained minus random AUROC mean.
  func testBoostIsPretrainedMinusRandom() throws {
    let a = Self.report().analysis
    let row = try XCTUnwrap(a.architectures.first { $0.architecture == "NetA1" })
    let pre = try XCTUnwrap(a.configurations[try XCTUnwrap(row.pretrained)].mean.value)
    let rnd = try XCTUnwrap(a.configurations[try XCTUnwrap(row.random)].mean.value)
    XCTAssertEqual(try XCTUnwrap(row.boost?.value), pre - rnd, accuracy: 1e-15)
  }
}
