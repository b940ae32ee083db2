import ChexTestSupport
import Foundation
import XCTest

/// End-to-end: `chexstats report` on the demo study, checked against the pandas + scikit-learn +
/// scipy + statsmodels analysis (Fixtures/anchor-demo, made by
/// notebooks-export/chextransfer_anchor.py; see its PROVENANCE.txt), and on bad input.
final class ReportCommandTests: XCTestCase {
  static let outputs: (folder: URL, result: CLI.Result)? = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chexstats-report-\(UUID().uuidString)")
    let root = CLI.repositoryRoot
    guard
      let result = try? CLI.run(
        [
          "report", "data/demo/runs", "--labels", "data/demo/labels.csv", "--out", folder.path,
          "--replicates", "200",
        ], currentDirectory: root)
    else { return nil }
    return (folder, result)
  }()

  func output(_ name: String) throws -> [[String: String]] {
    let outputs = try XCTUnwrap(Self.outputs)
    XCTAssertEqual(outputs.result.status, 0, outputs.result.stderr)
    return try readCSV(outputs.folder.appendingPathComponent(name))
  }

  func anchor(_ name: String) throws -> [[String: String]] {
    try readCSV(fixtures.url("anchor-demo/\(name).csv"))
  }

  func number(_ row: [String: String], _ column: String) throws -> Double {
    try XCTUnwrap(Double(row[column] ?? ""), "column \(column) in \(row)")
  }

  func testConfigurationsMatchTheAnchor() throws {
    let ours = try output("configurations.csv")
    let theirs = try anchor("configurations")
    XCTAssertEqual(ours.count, theirs.count)
    for expected in theirs {
      let row = try XCTUnwrap(
        ours.first {
          $0["architecture"] == expected["architecture"]
            && $0["pretrained"] == expected["pretrained"]?.lowercased()
            && $0["truncated_blocks"] == expected["truncated_blocks"]
        }, "no configuration for \(expected)")
      XCTAssertEqual(try number(row, "auroc"), try number(expected, "mean_auroc"), accuracy: 1e-12)
      XCTAssertEqual(
        try number(row, "auroc_sd_seeds"), try number(expected, "sd_across_seeds"), accuracy: 1e-12)
      XCTAssertEqual(row["seeds"], expected["seeds"])
    }
  }

  func testBoostsMatchTheAnchor() throws {
    let ours = try output("architectures.csv")
    let theirs = try anchor("architectures")
    XCTAssertEqual(ours.count, 16)
    for expected in theirs {
      let row = try XCTUnwrap(ours.first { $0["architecture"] == expected["architecture"] })
      XCTAssertEqual(try number(row, "boost"), try number(expected, "boost"), accuracy: 1e-12)
      XCTAssertEqual(
        try number(row, "auroc_random"), try number(expected, "auroc_random"), accuracy: 1e-12)
      XCTAssertEqual(row["family"], expected["family"])
      XCTAssertEqual(try number(row, "parameters"), try number(expected, "parameters"))
    }
  }

  func testTruncationMatchesTheAnchor() throws {
    let ours = try output("truncation.csv")
    let theirs = try anchor("truncation")
    XCTAssertEqual(ours.count, theirs.count)
    for expected in theirs {
      let row = try XCTUnwrap(
        ours.first {
          $0["architecture"] == expected["architecture"]
            && $0["truncated_blocks"] == expected["truncated_blocks"]
        })
      XCTAssertEqual(try number(row, "difference"), try number(expected, "difference"), accuracy: 1e-12)
      XCTAssertEqual(
        try number(row, "parameter_ratio"), try number(expected, "parameter_ratio"), accuracy: 1e-12)
    }
  }

  /// Correlations: scipy's spearmanr, pearsonr, kendalltau on the same configuration means.
  func testCorrelationsMatchTheAnchor() throws {
    let ours = try output("correlations.csv")
    for expected in try anchor("correlations") where !(expected["x"] ?? "").contains("centred") {
      guard let y = expected["y"], y.hasPrefix("mean_auroc_") else { continue }
      let group = String(y.dropFirst("mean_auroc_".count))
      let row = try XCTUnwrap(
        ours.first {
          $0["group"] == group && $0["x"] == expected["x"] && $0["method"] == expected["method"]
        }, "no \(expected)")
      XCTAssertEqual(try number(row, "estimate"), try number(expected, "statistic"), accuracy: 1e-12)
      XCTAssertEqual(try number(row, "p"), try number(expected, "p_value"), accuracy: 1e-10)
      XCTAssertEqual(row["n"], expected["n"])
    }
  }

  /// Family vs size: statsmodels' anova_lm (type 1) of `auroc ~ C(family)` and
  /// `auroc ~ C(family) + log10_parameters` on the random-init configurations.
  func testFamilyAnovaMatchesTheAnchor() throws {
    let ours = try output("family_size.csv")
    let theirs = try anchor("family_anova")
    let family = try XCTUnwrap(ours.first { $0["term"] == "family" })
    let expected = try XCTUnwrap(theirs.first { $0["term"] == "C(family)" })
    XCTAssertEqual(try number(family, "F"), try number(expected, "F"), accuracy: 1e-8)
    XCTAssertEqual(try number(family, "p"), try number(expected, "p_value"), accuracy: 1e-14)
    XCTAssertEqual(
      try number(family, "share_of_variance"), try number(expected, "share_of_total_ss"), accuracy: 1e-12)
    let size = try XCTUnwrap(ours.first { $0["term"] == "log10_parameters_within_family" })
    let expectedSize = try XCTUnwrap(theirs.first { $0["term"] == "log10_parameters" })
    XCTAssertEqual(try number(size, "F"), try number(expectedSize, "F"), accuracy: 1e-8)
    XCTAssertEqual(try number(size, "p"), try number(expectedSize, "p_value"), accuracy: 1e-10)
  }

  /// Boost vs size: statsmodels OLS `boost ~ log10_parameters`.
  func testBoostFitMatchesStatsmodels() throws {
    let ours = try output("boost_fit.csv")
    let theirs = try anchor("boost_ols")
    for (name, expectedName) in [("intercept", "Intercept"), ("log10_parameters", "log10_parameters")] {
      let row = try XCTUnwrap(ours.first { $0["term"] == name })
      let expected = try XCTUnwrap(theirs.first { $0["term"] == expectedName })
      for (column, expectedColumn) in [
        ("estimate", "estimate"), ("std_error", "std_error"), ("t", "t"), ("p", "p_value"),
        ("low", "ci_lower"), ("high", "ci_upper"), ("r_squared", "r_squared"),
      ] {
        let value = try number(row, column)
        let reference = try number(expected, expectedColumn)
        XCTAssertEqual(value, reference, accuracy: 1e-10 * max(1, abs(reference)), "\(name) \(column)")
      }
    }
  }

  /// The tidy table has one row per run and task plus the mean, for all 150 runs.
  func testTidyRunsTable() throws {
    let rows = try output("runs.csv")
    XCTAssertEqual(rows.count, 150 * 6)
    XCTAssertEqual(
      Array(rows[0].keys).sorted(),
      [
        "architecture", "auroc", "auroc_high", "auroc_low", "family", "pretrained", "run", "seed",
        "task", "truncated_blocks",
      ])
    let anchorRuns = try anchor("runs")
    for expected in anchorRuns.prefix(20) {
      let mean = try XCTUnwrap(rows.first { $0["run"] == expected["run"] && $0["task"] == "mean" })
      XCTAssertEqual(try number(mean, "auroc"), try number(expected, "mean_auroc"), accuracy: 1e-12)
    }
  }

  func testReportMarkdownSaysHowItWasMade() throws {
    let outputs = try XCTUnwrap(Self.outputs)
    XCTAssertEqual(outputs.result.status, 0, outputs.result.stderr)
    let text = try String(
      contentsOf: outputs.folder.appendingPathComponent("report.md"), encoding: .utf8)
    for fragment in [
      "200 replicates, seed 2021", "Holm", "Mean parameter efficiency", "chexstats 0.1.0",
      "## 6. Truncation",
    ] {
      XCTAssertTrue(text.contains(fragment), "report.md lacks '\(fragment)'")
    }
    let json = try Data(contentsOf: outputs.folder.appendingPathComponent("report.json"))
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
    XCTAssertEqual((object["runs"] as? [Any])?.count, 150)
  }

  // MARK: - Bad input

  /// Issue 12, defect 5: 150 runs x 5 tasks x 10^6 replicates x 8 bytes = 6 GB of replicate
  /// AUROCs, above the 4 GiB budget: refused after the runs are read, before any replicate is
  /// drawn, naming the option, the value, the size and the limit.
  func testBootstrapStorageIsBounded() throws {
    let scratch = TemporaryFolder()
    let result = try CLI.run(
      [
        "report", "data/demo/runs", "--labels", "data/demo/labels.csv", "--out", scratch.file("out"),
        "--replicates", "1000000",
      ], currentDirectory: CLI.repositoryRoot)
    assertOneLineError(
      result,
      mentions: [
        "--replicates 1000000 with 150 runs and 5 tasks needs 6000000000 bytes of bootstrap storage",
        "limit of 4294967296 bytes",
      ])
    XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("out")))
  }

  func makeRun(
    _ scratch: TemporaryFolder, _ name: String, json: String, keys: [String] = ["p1/s1", "p2/s1", "p3/s1"]
  )
    throws
  {
    try scratch.write(
      "runs/\(name)/predictions.csv",
      "Study,Edema\n" + keys.enumerated().map { "\($1),0.\($0 + 1)" }.joined(separator: "\n") + "\n")
    try scratch.write("runs/\(name)/run.json", json)
  }

  func runReport(_ scratch: TemporaryFolder) throws -> CLI.Result {
    try scratch.write("labels.csv", "Study,Edema\np1/s1,0\np2/s1,1\np3/s1,1\n")
    return try CLI.run([
      "report", scratch.file("runs"), "--labels", scratch.file("labels.csv"), "--tasks", "Edema",
      "--out", scratch.file("out"), "--replicates", "20",
    ])
  }

  func assertOneLineError(
    _ result: CLI.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
    for fragment in mentions {
      XCTAssertTrue(
        result.stderr.contains(fragment), "'\(fragment)' not in \(result.stderr)", file: file, line: line)
    }
  }

  func testDuplicateRunNames() throws {
    let scratch = TemporaryFolder()
    try makeRun(scratch, "a", json: #"{"name": "same", "architecture": "ResNet18", "pretrained": true}"#)
    try makeRun(scratch, "b", json: #"{"name": "same", "architecture": "ResNet18", "pretrained": false}"#)
    assertOneLineError(try runReport(scratch), mentions: ["same", "runs/a", "runs/b"])
  }

  func testMissingPretrainedFlag() throws {
    let scratch = TemporaryFolder()
    try makeRun(scratch, "a", json: #"{"architecture": "ResNet18"}"#)
    assertOneLineError(try runReport(scratch), mentions: ["runs/a/run.json", "pretrained"])
  }

  func testContradictoryFamily() throws {
    let scratch = TemporaryFolder()
    try makeRun(
      scratch, "a", json: #"{"architecture": "Net1", "family": "X", "pretrained": true}"#)
    try makeRun(
      scratch, "b", json: #"{"architecture": "Net1", "family": "Y", "pretrained": false}"#)
    assertOneLineError(try runReport(scratch), mentions: ["Net1", "family", "a", "b"])
  }

  func testRunsScoredOnDifferentStudies() throws {
    let scratch = TemporaryFolder()
    try makeRun(scratch, "a", json: #"{"architecture": "Net1", "family": "X", "pretrained": true}"#)
    try makeRun(
      scratch, "b", json: #"{"architecture": "Net1", "family": "X", "pretrained": false}"#,
      keys: ["p1/s1", "p2/s1", "p9/s1"])
    assertOneLineError(try runReport(scratch), mentions: ["runs/b", "p9/s1"])
  }

  func testEmptyRunsFolder() throws {
    let scratch = TemporaryFolder()
    try scratch.write("runs/readme.txt", "nothing here")
    assertOneLineError(try runReport(scratch), mentions: ["runs", "no run found"])
  }

  /// Issue 12, defect 15: prediction CSVs are runs for `report` when a sidecar `NAME.run.json`
  /// beside `NAME.csv` gives their metadata; without one, the error names the CSV and the
  /// sidecar it looked for.
  func testPredictionCSVsWithSidecars() throws {
    let scratch = TemporaryFolder()
    try scratch.write("labels.csv", "Study,Edema\np1/s1,0\np2/s1,1\np3/s1,1\n")
    let runs = [("net1-pre", "Net1", true), ("net1-rand", "Net1", false), ("net2-pre", "Net2", true)]
    for (name, architecture, pretrained) in runs {
      try scratch.write("\(name).csv", "Study,Edema\np1/s1,0.1\np2/s1,0.2\np3/s1,0.3\n")
      try scratch.write(
        "\(name).run.json",
        #"{"architecture": "\#(architecture)", "family": "X", "pretrained": \#(pretrained)}"#)
    }
    let arguments = [
      "report", scratch.file("net1-pre.csv"), scratch.file("net1-rand.csv"), scratch.file("net2-pre.csv"),
      "--labels", scratch.file("labels.csv"), "--tasks", "Edema", "--out", scratch.file("out"),
      "--replicates",
      "20",
    ]
    let result = try CLI.run(arguments)
    XCTAssertEqual(result.status, 0, result.stderr)
    let rows = try readCSV(URL(fileURLWithPath: scratch.file("out/runs.csv")))
    XCTAssertEqual(Set(rows.map { $0["run"] ?? "" }), ["net1-pre", "net1-rand", "net2-pre"])
    XCTAssertEqual(rows.first { $0["run"] == "net1-rand" }?["pretrained"], "false")
    try FileManager.default.removeItem(atPath: scratch.file("net2-pre.run.json"))
    assertOneLineError(
      try CLI.run(arguments), mentions: ["net2-pre.csv", "'architecture'", "sidecar 'net2-pre.run.json'"])
  }

  /// One architecture without its random-init twin is a marked gap, not an error.
  func testMissingTwinIsAGap() throws {
    let scratch = TemporaryFolder()
    try makeRun(scratch, "a", json: #"{"architecture": "Net1", "family": "X", "pretrained": true}"#)
    try makeRun(scratch, "b", json: #"{"architecture": "Net2", "family": "X", "pretrained": true}"#)
    try makeRun(scratch, "c", json: #"{"architecture": "Net2", "family": "X", "pretrained": false}"#)
    let result = try runReport(scratch)
    XCTAssertEqual(result.status, 0, result.stderr)
    let text = try String(contentsOfFile: scratch.file("out/report.md"), encoding: .utf8)
    XCTAssertTrue(text.contains("Net1: pretrained runs but no random-init twin; no boost."), text)
    // Two architectures: too few for a correlation, which the report says instead of a number.
    XCTAssertTrue(
      text.contains("Not computed for pretrained models: a correlation needs at least 3 architectures"),
      text)
  }
}

/// A small RFC 4180 reader for test outputs: rows as dictionaries keyed by the header.
func readCSV(_ url: URL) throws -> [[String: String]] {
  let text = try String(contentsOf: url, encoding: .utf8)
  var rows: [[String]] = []
  var field = ""
  var row: [String] = []
  var quoted = false
  var iterator = Array(text).makeIterator()
  var pending: Character?
  while let c = pending ?? iterator.next() {
    pending = nil
    if quoted {
      if c == "\"" {
        if let next = iterator.next() {
          if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
        } else {
          quoted = false
        }
      } else {
        field.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      row.append(field)
      field = ""
    } else if c == "\n" {
      row.append(field)
      rows.append(row)
      row = []
      field = ""
    } else if c != "\r" {
      field.append(c)
    }
  }
  if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
  guard let header = rows.first else { return [] }
  return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
}
