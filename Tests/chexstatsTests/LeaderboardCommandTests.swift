import ChexTestSupport
import Foundation
import XCTest

/// End-to-end: `compare` with many runs, readers, decisions, thresholds and curves.
final class LeaderboardCommandTests: XCTestCase {
  let root = CLI.repositoryRoot

  /// The three real leaderboard models, the two real decision files and benchmark reader bc4 on
  /// the CheXpert test set, in one call: AUROC and AUPRC against scikit-learn; below-the-curve
  /// and the models' sensitivity at bc4's specificity (and specificity at its sensitivity)
  /// against a naive upper-envelope reading and pROC `coords`; bc4's and the decision files'
  /// counts, sensitivity, specificity, PPV, NPV, F1, MCC and kappa against scikit-learn, Wilson
  /// intervals against statsmodels. Expected: Fixtures/chexpert_readers_reference.json
  /// (notebooks-export/make_chexpert_readers_reference.py).
  func testRealModelsReaderAndDecisionsMatchReferences() throws {
    let shared = try CLI.sharedChexpertTest(suite: "LeaderboardCommandTests")
    let reference = try fixtures.decode("chexpert_readers_reference.json", as: ReadersReference.self)
    let models = ["desmond_predictions", "drnet_predictions", "jfaboy_predictions"]
    let decisions = ["drnet_decisions", "jfaboy_decisions"]
    let result = try CLI.run(
      ["compare", "--labels", shared.appendingPathComponent("groundtruth.csv").path]
        + models.map { shared.appendingPathComponent("predictions/\($0).csv").path }
        + decisions.map { shared.appendingPathComponent("decisions/\($0).csv").path }
        + ["--readers", shared.appendingPathComponent("radiologists/bc4.csv").path]
        + ["--format", "json", "--replicates", "200"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let board = try XCTUnwrap(json["leaderboard"] as? [String: Any])
    let boardTasks = try XCTUnwrap(board["tasks"] as? [[String: Any]])
    let readerTasks = try XCTUnwrap(
      (json["reader_comparison"] as? [String: Any])?["tasks"] as? [[String: Any]])
    let decisionTasks = try XCTUnwrap((json["decisions"] as? [String: Any])?["tasks"] as? [[String: Any]])
    XCTAssertEqual(boardTasks.count, 5)
    func estimate(_ object: Any?) -> Double? { (object as? [String: Any])?["estimate"] as? Double }

    for (name, expected) in reference.by_task {
      let boardTask = try XCTUnwrap(boardTasks.first { $0["task"] as? String == name })
      XCTAssertEqual(boardTask["positives"] as? Int, expected.positives, name)
      let runs = try XCTUnwrap(boardTask["runs"] as? [[String: Any]])
      let readerTask = try XCTUnwrap(readerTasks.first { $0["task"] as? String == name })
      let readerRuns = try XCTUnwrap(readerTask["runs"] as? [[String: Any]])
      for model in models {
        let want = try XCTUnwrap(expected.models[model])
        let run = try XCTUnwrap(runs.first { $0["run"] as? String == model })
        XCTAssertEqual(try XCTUnwrap(estimate(run["auroc"])), want.auroc, accuracy: 1e-12, "\(name) \(model)")
        XCTAssertEqual(
          try XCTUnwrap(estimate(run["auprc"])), want.average_precision, accuracy: 1e-12, "\(name) \(model)")
        let versusRun = try XCTUnwrap(readerRuns.first { $0["run"] as? String == model })
        XCTAssertEqual(
          estimate(versusRun["readers_below_curve"]), Double(want.readers_below), "\(name) \(model)")
        let versus = try XCTUnwrap((versusRun["versus"] as? [[String: Any]])?.first)
        let bc4 = try XCTUnwrap(want.readers["bc4"])
        XCTAssertEqual(versus["below_curve"] as? Bool, bc4.below, "\(name) \(model) below")
        let sens = try XCTUnwrap(estimate(versus["sensitivity_at_reader_specificity"]))
        XCTAssertEqual(sens, bc4.sensitivity_at_reader_specificity, accuracy: 1e-12, "\(name) \(model)")
        XCTAssertEqual(
          sens, bc4.proc_sensitivity_at_reader_specificity, accuracy: 1e-12, "\(name) \(model) pROC")
        let spec = try XCTUnwrap(estimate(versus["specificity_at_reader_sensitivity"]))
        XCTAssertEqual(spec, bc4.specificity_at_reader_sensitivity, accuracy: 1e-12, "\(name) \(model)")
        XCTAssertEqual(
          spec, bc4.proc_specificity_at_reader_sensitivity, accuracy: 1e-12, "\(name) \(model) pROC")
      }
      let decisionTask = try XCTUnwrap(decisionTasks.first { $0["task"] as? String == name })
      let entries = try XCTUnwrap(decisionTask["entries"] as? [[String: Any]])
      var wanted = expected.decisions
      wanted["bc4"] = try XCTUnwrap(expected.readers["bc4"])
      XCTAssertEqual(Set(entries.compactMap { $0["name"] as? String }), Set(wanted.keys))
      for (who, want) in wanted {
        let entry = try XCTUnwrap(entries.first { $0["name"] as? String == who })
        XCTAssertEqual(
          [entry["tp"], entry["fp"], entry["tn"], entry["fn"]].map { $0 as? Int },
          [want.tp, want.fp, want.tn, want.fn],
          "\(name) \(who)")
        let metrics = try XCTUnwrap(entry["metrics"] as? [String: Any])
        for (key, value) in [
          ("sensitivity", want.sensitivity), ("specificity", want.specificity), ("ppv", want.ppv),
          ("npv", want.npv),
          ("f1", want.f1), ("mcc", want.mcc), ("kappa", want.kappa),
        ] {
          XCTAssertEqual(
            try XCTUnwrap(estimate(metrics[key]), "\(name) \(who) \(key)"), value, accuracy: 1e-12,
            "\(name) \(who) \(key)")
        }
        let wilson = try XCTUnwrap(entry["sensitivity_wilson"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(wilson["lower"] as? Double), want.wilson.sensitivity[0], accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(wilson["upper"] as? Double), want.wilson.sensitivity[1], accuracy: 1e-12)
      }
    }
  }

  struct ReadersReference: Decodable {
    struct Wilson: Decodable {
      let sensitivity: [Double]
      let specificity: [Double]
    }
    struct Metrics: Decodable {
      let tp, fp, tn, fn: Int
      let sensitivity, specificity, ppv, npv, f1, kappa, mcc: Double
      let wilson: Wilson
    }
    struct Versus: Decodable {
      let below: Bool
      let sensitivity_at_reader_specificity: Double
      let specificity_at_reader_sensitivity: Double
      let proc_sensitivity_at_reader_specificity: Double
      let proc_specificity_at_reader_sensitivity: Double
    }
    struct Model: Decodable {
      let auroc: Double
      let average_precision: Double
      let readers_below: Int
      let readers: [String: Versus]
    }
    struct Task: Decodable {
      let positives: Int
      let readers: [String: Metrics]
      let models: [String: Model]
      let decisions: [String: Metrics]
    }
    let _provenance: String
    let by_task: [String: Task]
  }

  // MARK: - Small files made here

  /// Ten studies, two tasks; every value chosen so that the thresholds and counts can be
  /// worked by hand.
  func write(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chexstats-lb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    for (name, text) in files {
      try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return folder
  }

  static func table(_ header: String, _ rows: [[String]]) -> String {
    ([header] + rows.enumerated().map { i, cells in (["p\(i + 1)/study1"] + cells).joined(separator: ",") })
      .joined(separator: "\n") + "\n"
  }

  /// Labels: Edema positive on studies 4, 7-10; Cardiomegaly positive on 1-3.
  static let labels = table(
    "Study,Edema,Cardiomegaly",
    (1...10).map { i in [[4, 7, 8, 9, 10].contains(i) ? "1" : "0", i <= 3 ? "1" : "0"] })
  /// Scores 0.1 ... 1.0 on Edema, reversed on Cardiomegaly.
  static let scoresA = table(
    "Study,Edema,Cardiomegaly",
    (1...10).map { ["0.\($0)".replacingOccurrences(of: "0.10", with: "1.0"), "\(Double(11 - $0) / 10)"] })
  static let scoresB = table(
    "Study,Cardiomegaly,Edema", (1...10).map { ["\(Double($0 % 4) / 4)", "\(Double($0 % 3) / 3)"] })

  func testThresholdChosenOnASeparateSetAndAppliedToTheEvaluatedOne() throws {
    // The choosing set: the same ten studies' pattern (Edema youden threshold 0.7 on run A, as
    // worked in ThresholdRuleTests); the evaluated set: run A again, its Edema decisions are
    // scores >= 0.7: studies 7-10 positive -> TP 4, FP 0, TN 5, FN 1.
    let folder = try write([
      "labels.csv": Self.labels, "a.csv": Self.scoresA, "b.csv": Self.scoresB, "val.csv": Self.labels,
      "val-a.csv": Self.scoresA, "val-b.csv": Self.scoresB,
    ])
    let result = try CLI.run(
      [
        "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--tasks", "Edema", "--threshold", "youden",
        "--threshold-from", "val.csv", "val-a.csv", "val-b.csv", "--format", "csv", "--replicates", "20",
      ], currentDirectory: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    let rows = result.stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    XCTAssertEqual(
      rows[0].joined(separator: ","), "run_a,run_b,task,statistic,method,n,positives,value,low,high,p,p_holm")
    func value(_ run: String, _ statistic: String, method: String = "") -> String? {
      rows.first {
        $0[0] == run && $0[1].isEmpty && $0[2] == "Edema" && $0[3] == statistic && $0[4] == method
      }?[7]
    }
    XCTAssertEqual(value("a", "threshold", method: "youden"), "0.7")
    XCTAssertEqual(value("a @ youden", "tp"), "4")
    XCTAssertEqual(value("a @ youden", "fp"), "0")
    XCTAssertEqual(value("a @ youden", "tn"), "5")
    XCTAssertEqual(value("a @ youden", "fn"), "1")
    XCTAssertEqual(value("a @ youden", "sensitivity", method: "bootstrap"), "0.8")
  }

  func testThresholdMistakesAreRefused() throws {
    let folder = try write(["labels.csv": Self.labels, "a.csv": Self.scoresA, "b.csv": Self.scoresB])
    let cases: [([String], String)] = [
      (["--threshold", "youden"], "--threshold-from"),
      (["--threshold", "0.5", "--threshold-from", "labels.csv", "a.csv"], "fixed value"),
      (
        ["--threshold", "sensitivity=1.5", "--threshold-from", "labels.csv", "a.csv", "b.csv"],
        "between 0 and 1"
      ),
      (["--threshold", "youden", "--threshold-from", "labels.csv", "a.csv"], "gave 1 run after the labels"),
      (["--threshold", "bogus"], "--threshold"),
    ]
    for (extra, fragment) in cases {
      let result = try CLI.run(
        [
          "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--replicates", "10", "--tasks",
          "Edema,Cardiomegaly",
        ] + extra,
        currentDirectory: folder)
      XCTAssertNotEqual(result.status, 0, extra.joined(separator: " "))
      XCTAssertTrue(result.stderr.contains(fragment), "\(extra): \(result.stderr)")
    }
  }

  func testBadReadersAreRefusedByName() throws {
    var notBinary = Self.table("Study,Edema,Cardiomegaly", (1...10).map { _ in ["0", "1"] })
    notBinary = notBinary.replacingOccurrences(of: "p3/study1,0,1", with: "p3/study1,0.5,1")
    let missingStudy = Self.table("Study,Edema,Cardiomegaly", (1...9).map { _ in ["0", "1"] })
    let missingTask = Self.table("Study,Edema", (1...10).map { _ in ["0"] })
    let folder = try write([
      "labels.csv": Self.labels, "a.csv": Self.scoresA, "b.csv": Self.scoresB, "half.csv": notBinary,
      "short.csv": missingStudy, "edema-only.csv": missingTask, "a2.csv": Self.scoresA,
    ])
    let cases: [([String], [String])] = [
      (["--readers", "half.csv"], ["half.csv", "p3/study1", "Edema", "0 or 1", "0.5"]),
      (["--readers", "short.csv"], ["short.csv", "missing"]),
      (["--readers", "edema-only.csv"], ["edema-only.csv", "Cardiomegaly"]),
      (["--readers", "nowhere.csv"], ["nowhere.csv"]),
      (["--decisions"], ["a.csv", "0 or 1"]),
    ]
    for (extra, fragments) in cases {
      let result = try CLI.run(
        [
          "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--replicates", "10", "--tasks",
          "Edema,Cardiomegaly",
        ]
          + extra, currentDirectory: folder)
      XCTAssertEqual(result.status, 1, "\(extra)")
      XCTAssertTrue(result.stdout.isEmpty)
      for fragment in fragments {
        XCTAssertTrue(result.stderr.contains(fragment), "\(extra): '\(fragment)' not in \(result.stderr)")
      }
    }
    // Two runs with one name cannot be told apart in a leaderboard.
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("x"), withIntermediateDirectories: true)
    try Self.scoresB.write(to: folder.appendingPathComponent("x/a.csv"), atomically: true, encoding: .utf8)
    let duplicate = try CLI.run(
      [
        "compare", "--labels", "labels.csv", "a.csv", "b.csv", "x/a.csv", "--replicates", "10", "--tasks",
        "Edema",
      ],
      currentDirectory: folder)
    XCTAssertEqual(duplicate.status, 1)
    XCTAssertTrue(duplicate.stderr.contains("Two runs are named 'a'"), duplicate.stderr)
  }

  /// `--intersect` names the studies each file had beyond the labels in the order given, with a
  /// decision run between two score runs (the report lists score runs first).
  func testIntersectNoteNamesEachFile() throws {
    let decisions = Self.table("Study,Edema,Cardiomegaly", (1...10).map { ["\($0 % 2)", "1"] })
    let folder = try write([
      "labels.csv": Self.labels, "a.csv": Self.scoresA, "d.csv": decisions,
      "b.csv": Self.scoresB + "p99/study1,0.5,0.5\n",
    ])
    let result = try CLI.run(
      [
        "compare", "--labels", "labels.csv", "a.csv", "d.csv", "b.csv", "--intersect", "--tasks",
        "Edema,Cardiomegaly",
        "--replicates", "10",
      ], currentDirectory: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("| Decision runs | `d` (`d.csv`) |"), result.stdout)
    XCTAssertTrue(result.stdout.contains("dropped per file: a 0, d 0, b 1."), result.stdout)
  }

  /// The same seed gives the same bytes on any thread count, in every format.
  func testSameBytesOnAnyThreadCount() throws {
    let folder = try write([
      "labels.csv": Self.labels, "a.csv": Self.scoresA, "b.csv": Self.scoresB,
      "r.csv": Self.table(
        "Study,Edema,Cardiomegaly", (1...10).map { ["\($0 % 2)", "\($0 % 3 == 0 ? 1 : 0)"] }),
    ])
    for format in ["markdown", "csv", "json"] {
      let outputs = try ["1", "3"].map { threads in
        try CLI.run(
          [
            "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--tasks", "Edema,Cardiomegaly",
            "--readers", "r.csv",
            "--replicates", "97",
            "--threads", threads, "--format", format,
          ], currentDirectory: folder)
      }
      XCTAssertEqual(outputs[0].status, 0, outputs[0].stderr)
      XCTAssertEqual(outputs[0].stdout, outputs[1].stdout, format)
    }
  }

  /// `--curves DIR`: one CSV per task and run whose points are the ROC curve's, one SVG per task,
  /// curves.json; DIR is replaced whole on the next run and a foreign folder is refused.
  func testCurvesFolder() throws {
    let folder = try write(["labels.csv": Self.labels, "a.csv": Self.scoresA, "b.csv": Self.scoresB])
    let arguments = [
      "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--curves", "curves", "--replicates", "10",
      "--output", "out.md", "--tasks", "Edema,Cardiomegaly",
    ]
    let first = try CLI.run(arguments, currentDirectory: folder)
    XCTAssertEqual(first.status, 0, first.stderr)
    let curves = folder.appendingPathComponent("curves")
    let names = try FileManager.default.contentsOfDirectory(atPath: curves.path).sorted()
    XCTAssertEqual(
      names,
      [
        "cardiomegaly.svg", "cardiomegaly_a.csv", "cardiomegaly_b.csv", "curves.json", "edema.svg",
        "edema_a.csv", "edema_b.csv",
      ])
    // Edema, run a: scores 0.1 ... 1.0, positives at 0.4, 0.7-1.0. From the top: 1.0, 0.9, 0.8,
    // 0.7 positives (TPR .2 ... .8), 0.6, 0.5 negatives (FPR .2, .4), 0.4 positive (TPR 1).
    let edema = try String(contentsOf: curves.appendingPathComponent("edema_a.csv"), encoding: .utf8)
    let lines = edema.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines[0], "threshold,fpr,tpr,precision,recall")
    XCTAssertEqual(lines[1], "inf,0,0,,0")
    XCTAssertEqual(lines[4], "0.8,0,0.6,1,0.6")
    XCTAssertEqual(lines[7], "0.5,0.4,0.8,0.6666666666666666,0.8")
    XCTAssertEqual(lines.count, 12)
    let svg = try String(contentsOf: curves.appendingPathComponent("edema.svg"), encoding: .utf8)
    XCTAssertTrue(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
    // Again into the same folder: replaced; a folder holding something else: refused.
    XCTAssertEqual(try CLI.run(arguments, currentDirectory: folder).status, 0)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("mine"), withIntermediateDirectories: true)
    try "keep".write(to: folder.appendingPathComponent("mine/notes.txt"), atomically: true, encoding: .utf8)
    let refused = try CLI.run(
      [
        "compare", "--labels", "labels.csv", "a.csv", "b.csv", "--curves", "mine", "--replicates", "10",
        "--tasks", "Edema",
      ],
      currentDirectory: folder)
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.contains("curves.json"), refused.stderr)
    XCTAssertTrue(
      FileManager.default.fileExists(atPath: folder.appendingPathComponent("mine/notes.txt").path))
  }

  /// The leaderboard of three demo runs with a reader, as Markdown and CSV (golden files).
  func testGoldenLeaderboardOnDemoRuns() throws {
    let runs = ["densenet121-pretrained-s1", "resnet50-pretrained-s1", "mobilenet_v2-random-s1"].map {
      "data/demo/runs/\($0)"
    }
    for (format, golden) in [("markdown", "leaderboard.md"), ("csv", "leaderboard.csv")] {
      let result = try CLI.run(
        ["compare", "--labels", "data/demo/labels.csv"] + runs
          + [
            "--readers", "Tests/chexstatsTests/Fixtures/leaderboard/reader-a.csv", "--replicates", "200",
            "--format", format,
          ],
        currentDirectory: root)
      XCTAssertEqual(result.status, 0, result.stderr)
      try assertSnapshot(result.stdout, named: golden)
    }
  }
}
