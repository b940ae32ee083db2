import ChexTestSupport
import Foundation
import XCTest

/// End-to-end: the built binary on good and bad inputs.
final class CompareCommandTests: XCTestCase {
  static let header =
    "task,n,positives,auroc_a,auroc_a_low,auroc_a_high,auroc_b,auroc_b_low,auroc_b_high,difference,difference_low,difference_high,p_bootstrap,delong_z,delong_p"

  /// Tried as a new user would, on the real CheXpert test labels and leaderboard predictions:
  /// every pair of models, AUROCs against scikit-learn (1e-9) and DeLong against pROC (1e-6).
  /// Expected values: Fixtures/chexpert_test_reference.json
  /// (notebooks-export/make_chexpert_test_reference.py).
  func testRealLeaderboardModelsMatchScikitLearnAndPROC() throws {
    let shared = try CLI.sharedChexpertTest(suite: "CompareCommandTests")
    let reference = try fixtures.decode("chexpert_test_reference.json", as: Reference.self)
    XCTAssertEqual(reference.pairs.count, 3)
    for pair in reference.pairs {
      let result = try CLI.run([
        "compare", shared.appendingPathComponent("predictions/\(pair.a)").path,
        shared.appendingPathComponent("predictions/\(pair.b)").path,
        "--labels", shared.appendingPathComponent("groundtruth.csv").path, "--format", "csv",
        "--replicates", "200",
      ])
      XCTAssertEqual(result.status, 0, result.stderr)
      let csv = parseCompareCSV(result.stdout)
      XCTAssertEqual(csv.header.joined(separator: ","), Self.header)
      for (task, expected) in pair.tasks {
        let row = try XCTUnwrap(csv.rows[task], "no row for \(task)")
        func value(_ column: String) throws -> Double {
          try XCTUnwrap(Double(row[column] ?? ""), "\(task) \(column): '\(row[column] ?? "")'")
        }
        XCTAssertEqual(try value("auroc_a"), expected.auroc_a, accuracy: 1e-9, "\(pair.a) \(task)")
        XCTAssertEqual(try value("auroc_b"), expected.auroc_b, accuracy: 1e-9, "\(pair.b) \(task)")
        XCTAssertEqual(try value("delong_z"), expected.delong_z, accuracy: 1e-6, task)
        XCTAssertEqual(try value("delong_p"), expected.delong_p, accuracy: 1e-6, task)
      }
      // The mean row: the unweighted mean of the five scikit-learn AUROCs, over all 500 studies.
      let mean = try XCTUnwrap(csv.rows["mean"], "no mean row")
      let tasks = Array(pair.tasks.values)
      XCTAssertEqual(tasks.count, 5)
      XCTAssertEqual(mean["n"], "500")
      let meanA = tasks.map(\.auroc_a).reduce(0, +) / Double(tasks.count)
      let meanB = tasks.map(\.auroc_b).reduce(0, +) / Double(tasks.count)
      XCTAssertEqual(try XCTUnwrap(Double(mean["auroc_a"] ?? "")), meanA, accuracy: 1e-9, pair.a)
      XCTAssertEqual(try XCTUnwrap(Double(mean["auroc_b"] ?? "")), meanB, accuracy: 1e-9, pair.b)
      XCTAssertEqual(
        try XCTUnwrap(Double(mean["difference"] ?? "")), meanA - meanB, accuracy: 1e-9,
        "\(pair.a) - \(pair.b)")
    }
  }

  struct Reference: Decodable {
    struct Values: Decodable {
      let auroc_a: Double
      let auroc_b: Double
      let delong_z: Double
      let delong_p: Double
    }
    struct Pair: Decodable {
      let a: String
      let b: String
      let tasks: [String: Values]
    }
    let pairs: [Pair]
  }

  // MARK: - A small hand-made study

  /// Six studies; run B is run A with Edema reversed. Hand-worked AUROCs for Edema:
  /// labels 1,1,0,0,0,1 with A scores .9,.8,.1,.2,.3,.7 -> 1.0; B scores -> 0.0.
  func makeStudy(_ scratch: TemporaryFolder) throws -> (labels: String, a: String, b: String) {
    let labels = try scratch.write(
      "labels.csv",
      """
      Study,Edema,Atelectasis,Cardiomegaly
      CheXpert-v1.0/test/patient1/study1,1,0,1
      CheXpert-v1.0/test/patient2/study1,1,1,0
      CheXpert-v1.0/test/patient3/study1,0,0,1
      CheXpert-v1.0/test/patient4/study1,0,1,0
      CheXpert-v1.0/test/patient5/study1,0,0,1
      CheXpert-v1.0/test/patient6/study1,1,,-1

      """)
    let a = try scratch.write(
      "a/predictions.csv",
      """
      Study,Atelectasis,Edema,Cardiomegaly
      test/patient1/study1,0.2,0.9,0.8
      test/patient2/study1,0.7,0.8,0.1
      test/patient3/study1,0.1,0.1,0.7
      test/patient4/study1,0.6,0.2,0.4
      test/patient5/study1,0.3,0.3,0.9
      test/patient6/study1,0.5,0.7,0.5

      """)
    try scratch.write("a/run.json", #"{"name": "model-a", "architecture": "ResNet18"}"#)
    let b = try scratch.write(
      "b.csv",
      """
      Study,Edema,Atelectasis,Cardiomegaly\r
      "CheXpert-v1.0-small/test/patient6/study1/view1_frontal.jpg",0.3,0.5,0.5\r
      CheXpert-v1.0-small/test/patient1/study1/view1_frontal.jpg,0.1,0.2,0.8\r
      CheXpert-v1.0-small/test/patient1/study1/view2_lateral.jpg,0.05,0.25,0.6\r
      CheXpert-v1.0-small/test/patient2/study1/view1_frontal.jpg,0.2,0.7,0.1\r
      CheXpert-v1.0-small/test/patient3/study1/view1_frontal.jpg,0.9,0.1,0.7\r
      CheXpert-v1.0-small/test/patient4/study1/view1_frontal.jpg,0.8,0.6,0.4\r
      CheXpert-v1.0-small/test/patient5/study1/view1_frontal.jpg,0.7,0.3,0.9\r

      """)
    return (labels, scratch.file("a"), b)
  }

  func testSmallStudyAllFormats() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let args = [
      "compare", study.a, study.b, "--labels", study.labels, "--tasks", "Edema,Atelectasis,Cardiomegaly",
      "--replicates", "300", "--seed", "5",
    ]
    let csv = try CLI.run(args + ["--format", "csv"])
    XCTAssertEqual(csv.status, 0, csv.stderr)
    let rows = parseCompareCSV(csv.stdout).rows
    XCTAssertEqual(rows["Edema"]?["auroc_a"], "1")
    XCTAssertEqual(rows["Edema"]?["auroc_b"], "0")
    XCTAssertEqual(rows["Edema"]?["difference"], "1")
    XCTAssertEqual(rows["Edema"]?["n"], "6")
    XCTAssertEqual(rows["Edema"]?["positives"], "3")
    // Atelectasis: patient6 is blank -> zeros by default -> 2 positives of 6.
    // A: positives .7,.6 beat all four negatives (.2,.1,.3,.5) -> 1.0.
    XCTAssertEqual(rows["Atelectasis"]?["positives"], "2")
    XCTAssertEqual(rows["Atelectasis"]?["auroc_a"], "1")
    // Cardiomegaly: patient6 is -1 -> ignored by default -> 5 studies, 3 positives.
    // B takes the max over patient1's two views (0.8). Positives .8,.7,.9 vs negatives .1,.4 -> 1.
    XCTAssertEqual(rows["Cardiomegaly"]?["n"], "5")
    XCTAssertEqual(rows["Cardiomegaly"]?["auroc_b"], "1")
    XCTAssertEqual(rows["mean"]?["n"], "6")
    // Mean of A: (1 + 1 + 1) / 3; of B: (0 + AUROC_B(Atelectasis) + 1) / 3.
    XCTAssertEqual(rows["mean"]?["auroc_a"], "1")

    let markdown = try CLI.run(args)
    XCTAssertEqual(markdown.status, 0, markdown.stderr)
    XCTAssertTrue(markdown.stdout.contains("| Run A | `model-a`"), markdown.stdout)
    XCTAssertTrue(markdown.stdout.contains("seed 5"))
    XCTAssertTrue(markdown.stdout.contains("300 replicates"))

    let json = try CLI.run(args + ["--format", "json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let bootstrap = try XCTUnwrap(object["bootstrap"] as? [String: Any])
    XCTAssertEqual(bootstrap["seed"] as? Int, 5)
    XCTAssertEqual(bootstrap["replicates"] as? Int, 300)
  }

  func testUncertainOnesAndBlankIgnoreChangeTheCounts() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let result = try CLI.run([
      "compare", study.a, study.b, "--labels", study.labels, "--tasks", "Atelectasis,Cardiomegaly",
      "--uncertain", "ones", "--blank", "ignore", "--format", "csv", "--replicates", "50",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let rows = parseCompareCSV(result.stdout).rows
    XCTAssertEqual(rows["Atelectasis"]?["n"], "5")
    XCTAssertEqual(rows["Cardiomegaly"]?["n"], "6")
    XCTAssertEqual(rows["Cardiomegaly"]?["positives"], "4")
  }

  func testOutputFileIsWritten() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let out = scratch.file("report.md")
    let result = try CLI.run([
      "compare", study.a, study.b, "--labels", study.labels, "--tasks", "Edema", "--replicates",
      "20", "--output", out,
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout, "")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("# chexstats compare: model-a vs b"), text)
  }

  /// The same seed gives the same report on 1 and 2 threads.
  func testSeedReproducesAcrossThreadCounts() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let base = [
      "compare", study.a, study.b, "--labels", study.labels, "--tasks", "Edema,Atelectasis",
      "--format", "csv", "--replicates", "500", "--seed", "11",
    ]
    let one = try CLI.run(base + ["--threads", "1"])
    let two = try CLI.run(base + ["--threads", "2"])
    XCTAssertEqual(one.status, 0, one.stderr)
    XCTAssertEqual(one.stdout, two.stdout)
  }

  // MARK: - Bad input: one line naming the file, exit status 1

  func assertFails(
    _ arguments: [String], mentions fragments: [String], file: StaticString = #filePath,
    line: UInt = #line
  ) throws {
    let result = try CLI.run(arguments)
    XCTAssertEqual(
      result.status, 1, "stdout: \(result.stdout) stderr: \(result.stderr)", file: file, line: line)
    XCTAssertTrue(result.stderr.hasPrefix("chexstats: error: "), result.stderr, file: file, line: line)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(
        result.stderr.contains(fragment), "'\(fragment)' not in: \(result.stderr)", file: file,
        line: line)
    }
    XCTAssertFalse(result.stderr.contains("Fatal error"), file: file, line: line)
  }

  func testMissingFile() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    try assertFails(
      ["compare", study.a, scratch.file("nope.csv"), "--labels", study.labels],
      mentions: ["nope.csv"])
    try assertFails(
      ["compare", study.a, study.b, "--labels", scratch.file("missing.csv")],
      mentions: ["missing.csv"])
  }

  func testEmptyAndBinaryFiles() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let empty = try scratch.write("empty.csv", "")
    try assertFails(["compare", study.a, empty, "--labels", study.labels], mentions: ["empty.csv"])
    let binary = try scratch.write("binary.csv", "Study,Edema\n\u{0}\u{1}\u{2},0.5\n")
    try assertFails(["compare", study.a, binary, "--labels", study.labels], mentions: ["binary.csv"])
  }

  func testBadScoreNamesLineAndColumn() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let bad = try scratch.write(
      "bad.csv",
      """
      Study,Edema,Atelectasis,Cardiomegaly
      test/patient1/study1,0.2,0.9,0.8
      test/patient2/study1,nan,0.8,0.1

      """)
    try assertFails(
      ["compare", study.a, bad, "--labels", study.labels], mentions: ["bad.csv", "line 3", "Edema", "nan"])
  }

  func testBadLabelValue() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let labels = try scratch.write(
      "labels2.csv", "Study,Edema\nCheXpert-v1.0/test/patient1/study1,2\n")
    try assertFails(
      ["compare", study.a, study.b, "--labels", labels, "--tasks", "Edema"],
      mentions: ["labels2.csv", "line 2", "Edema", "2"])
  }

  func testDuplicateKeys() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let dup = try scratch.write(
      "dup.csv", "Study,Edema\ntest/patient1/study1,0.1\ntest/patient1/study1,0.2\n")
    try assertFails(
      ["compare", study.a, dup, "--labels", study.labels, "--tasks", "Edema"],
      mentions: ["dup.csv", "patient1/study1"])
  }

  func testNoKeyColumn() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let noKey = try scratch.write("nokey.csv", "Image,Edema\nx,0.1\n")
    try assertFails(
      ["compare", study.a, noKey, "--labels", study.labels, "--tasks", "Edema"],
      mentions: ["nokey.csv"])
  }

  func testMissingTask() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    try assertFails(
      ["compare", study.a, study.b, "--labels", study.labels, "--tasks", "Pneumonia"],
      mentions: ["Pneumonia"])
    // The default competition tasks: the labels lack Consolidation and Pleural Effusion.
    try assertFails(
      ["compare", study.a, study.b, "--labels", study.labels], mentions: ["labels.csv"])
  }

  func testMismatchedStudiesAndIntersect() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let short = try scratch.write(
      "short.csv",
      """
      Study,Edema
      test/patient1/study1,0.9
      test/patient2/study1,0.8
      test/patient3/study1,0.1
      test/patient4/study1,0.2
      test/patient9/study1,0.2

      """)
    try assertFails(
      ["compare", study.a, short, "--labels", study.labels, "--tasks", "Edema"],
      mentions: ["short.csv", "patient5/study1"])
    let result = try CLI.run([
      "compare", study.a, short, "--labels", study.labels, "--tasks", "Edema", "--intersect",
      "--replicates", "20",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("--intersect"), result.stdout)
    XCTAssertTrue(result.stdout.contains("| Studies evaluated | 4 |"), result.stdout)
  }

  /// Edema and Atelectasis labels for the six studies of `makeStudy`.
  func writeLabels(_ scratch: TemporaryFolder, _ name: String, edema: [Int], atelectasis: [Int]) throws
    -> String
  {
    let rows = zip(edema, atelectasis).enumerated().map { "test/patient\($0 + 1)/study1,\($1.0),\($1.1)\n" }
    return try scratch.write(name, "Study,Edema,Atelectasis\n" + rows.joined())
  }

  func testOneClassTaskIsReportedNotFatal() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let labels = try writeLabels(
      scratch, "oneclass.csv", edema: [1, 1, 0, 0, 0, 1], atelectasis: [0, 0, 0, 0, 0, 0])
    let result = try CLI.run([
      "compare", study.a, study.b, "--labels", labels, "--tasks", "Edema,Atelectasis",
      "--format", "csv", "--replicates", "50",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let rows = parseCompareCSV(result.stdout).rows
    XCTAssertEqual(rows["Atelectasis"]?["auroc_a"], "")
    XCTAssertEqual(rows["Atelectasis"]?["p_bootstrap"], "")
    XCTAssertEqual(rows["mean"]?["auroc_a"], "1")
    let markdown = try CLI.run([
      "compare", study.a, study.b, "--labels", labels, "--tasks", "Edema,Atelectasis",
      "--replicates", "50",
    ])
    XCTAssertTrue(markdown.stdout.contains("Atelectasis: the labels have no positive"), markdown.stdout)
  }

  /// Issue 12, defect 11: with no task defined (every task one-class), the CSV still ends with a
  /// `mean` row, its values empty.
  func testMeanRowIsKeptWhenNoTaskIsDefined() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let labels = try writeLabels(
      scratch, "noclass.csv", edema: [0, 0, 0, 0, 0, 0], atelectasis: [0, 0, 0, 0, 0, 0])
    let result = try CLI.run([
      "compare", study.a, study.b, "--labels", labels, "--tasks", "Edema,Atelectasis", "--format", "csv",
      "--replicates", "20",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 4, result.stdout)
    XCTAssertEqual(lines.last, "mean,6,,,,,,,,,,,,,", result.stdout)
  }

  /// Issue 12, defect 2: two images of one study scoring 1e308 each sum to infinity; under
  /// study-mean the study's score is their mean, 1e308, and the comparison runs. Edema's labels
  /// are 1 for that study (patient1) and 0 elsewhere; its score is the largest, so both AUROCs
  /// are 1 by hand.
  func testStudyMeanOfHugeScoresCompares() throws {
    let scratch = TemporaryFolder()
    let labels = try scratch.write(
      "labels.csv", "Study,Edema\ntest/patient1/study1,1\ntest/patient2/study1,0\ntest/patient3/study1,0\n")
    let run = try scratch.write(
      "huge.csv",
      """
      Path,Edema
      test/patient1/study1/view1_frontal.jpg,1e308
      test/patient1/study1/view2_lateral.jpg,1e308
      test/patient2/study1/view1_frontal.jpg,-1e308
      test/patient2/study1/view2_lateral.jpg,-1e308
      test/patient3/study1/view1_frontal.jpg,0.5

      """)
    let result = try CLI.run([
      "compare", run, run, "--labels", labels, "--tasks", "Edema", "--aggregate", "study-mean", "--format",
      "csv", "--replicates", "20",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(parseCompareCSV(result.stdout).rows["Edema"]?["auroc_a"], "1", result.stdout)
  }

  /// Issue 12, defects 5 and 9: --replicates and --threads are bounded by name, value and limit
  /// before anything is read (the storage budget: ReportCommandTests).
  func testReplicatesAndThreadsAreBounded() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let base = ["compare", study.a, study.b, "--labels", study.labels, "--tasks", "Edema"]
    for (option, value, limit) in [
      ("--replicates", "1000000000", "1000000"), ("--replicates", "4611686018427387904", "1000000"),
      ("--replicates", "0", "1000000"), ("--threads", "40000", "256"),
    ] {
      let result = try CLI.run(base + [option, value])
      XCTAssertEqual(result.status, 64, result.stderr)
      XCTAssertTrue(
        result.stderr.contains("\(option) must be between 1 and \(limit), got \(value)."), result.stderr)
    }
  }

  func testStratifiedNeedsOneTask() throws {
    let scratch = TemporaryFolder()
    let study = try makeStudy(scratch)
    let result = try CLI.run([
      "compare", study.a, study.b, "--labels", study.labels, "--tasks", "Edema,Atelectasis",
      "--stratified",
    ])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("--stratified"), result.stderr)
  }
}
