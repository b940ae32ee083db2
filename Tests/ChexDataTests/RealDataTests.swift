import ChexTestSupport
import Foundation
import XCTest

@testable import ChexData

/// The released CheXpert test labels and three leaderboard prediction files, checked against
/// counts and values read with Python's csv module (Fixtures/chexpert-test-counts.json).
final class RealDataTests: XCTestCase {
  /// `<repo>/../shared/data/chexpert-test` with every file these tests read: a skip when
  /// ../shared/data is absent (a failure with CHEXSTATS_REQUIRE_SHARED_DATA=1), a failure when it
  /// is present but a file is missing.
  private func dataFolder() throws -> String {
    try SharedData.require(
      "chexpert-test",
      files: ["groundtruth.csv", "labeler_chexpert_labels.csv"] + predictionFiles.map { "predictions/" + $0 },
      suite: "RealDataTests"
    ).path
  }

  private func fixture() throws -> [String: Any] { try fixtures.jsonObject("chexpert-test-counts.json") }

  private let predictionFiles = [
    "desmond_predictions.csv", "drnet_predictions.csv", "jfaboy_predictions.csv",
  ]

  private func expectedCounts(_ file: String) throws -> [String: [String: Int]] {
    let labels = try XCTUnwrap(fixture()["labels"] as? [String: Any])
    let entry = try XCTUnwrap(labels[file] as? [String: Any])
    return try XCTUnwrap(entry["counts"] as? [String: [String: Int]])
  }

  private func checkCounts(_ file: String) throws {
    let folder = try dataFolder()
    let labels = try LabelFile.read(
      path: folder + "/" + file, keyColumn: nil, aggregation: .studyMax)
    XCTAssertEqual(labels.keys.count, 500)
    XCTAssertEqual(Set(labels.keys).count, 500)
    XCTAssertEqual(labels.keys.first, "patient64741/study1")
    XCTAssertEqual(labels.tasks, Observations.all)
    XCTAssertFalse(labels.imageLevel)
    for (task, counts) in try expectedCounts(file) {
      let values = try XCTUnwrap(labels.values[task], task)
      XCTAssertEqual(values.filter { $0 == .positive }.count, counts["positive"], task)
      XCTAssertEqual(values.filter { $0 == .negative }.count, counts["negative"], task)
      XCTAssertEqual(values.filter { $0 == .uncertain }.count, counts["uncertain"], task)
      XCTAssertEqual(values.filter { $0 == nil }.count, counts["blank"], task)
    }
  }

  func testGroundTruthCounts() throws {
    try checkCounts("groundtruth.csv")
    // The published test-set positives (CheXpert paper and reference notes).
    let counts = try expectedCounts("groundtruth.csv")
    XCTAssertEqual(counts["Atelectasis"]?["positive"], 153)
    XCTAssertEqual(counts["Pleural Effusion"]?["positive"], 104)
  }

  func testLabelerCounts() throws {
    try checkCounts("labeler_chexpert_labels.csv")
  }

  func testPredictionFilesMatchPython() throws {
    let folder = try dataFolder()
    let predictions = try XCTUnwrap(fixture()["predictions"] as? [String: [String: Any]])
    for name in predictionFiles {
      let file = try PredictionFile.read(
        path: folder + "/predictions/" + name, keyColumn: nil, aggregation: .studyMax)
      let expected = try XCTUnwrap(predictions[name])
      let header = try XCTUnwrap(expected["header"] as? [String])
      XCTAssertEqual(file.tasks, Array(header.dropFirst()), name)
      XCTAssertEqual(file.keys.count, expected["rows"] as? Int, name)
      // Scores as IEEE-754 bit patterns: exact, whatever the JSON reader does with decimals.
      let samples = try XCTUnwrap(expected["samples"] as? [String: [String: String]])
      for (rawKey, scores) in samples {
        let key = StudyKey.normalize(rawKey, aggregation: .studyMax)
        let row = try XCTUnwrap(file.keys.firstIndex(of: key), key)
        for (task, bits) in scores {
          let score = Double(bitPattern: try XCTUnwrap(UInt64(bits, radix: 16)))
          XCTAssertEqual(file.scores[task]?[row], score, "\(name) \(key) \(task)")
        }
      }
    }
  }

  func testThreeRunsJoinTheGroundTruth() throws {
    let folder = try dataFolder()
    let labels = try LabelFile.read(
      path: folder + "/groundtruth.csv", keyColumn: nil, aggregation: .studyMax)
    let runs = try predictionFiles.map { name in
      try Run.load(path: folder + "/predictions/" + name, keyColumn: nil, aggregation: .studyMax)
    }
    let set = try EvaluationSet.join(
      labels: labels, runs: runs, tasks: .competition, uncertain: .ignore, blank: .zeros,
      intersect: false)
    XCTAssertEqual(set.keys.count, 500)
    XCTAssertEqual(set.runNames, ["desmond_predictions", "drnet_predictions", "jfaboy_predictions"])
    XCTAssertEqual(set.tasks.map(\.name), Observations.competition)
    let positives = Dictionary(uniqueKeysWithValues: set.tasks.map { ($0.name, $0.positives) })
    XCTAssertEqual(
      positives,
      [
        "Atelectasis": 153, "Cardiomegaly": 151, "Consolidation": 29, "Edema": 78,
        "Pleural Effusion": 104,
      ])
    for task in set.tasks {
      XCTAssertEqual(task.included, 500)
      XCTAssertEqual(task.scores.count, 3)
      XCTAssertTrue(task.scores.allSatisfy { $0.count == 500 && $0.allSatisfy(\.isFinite) })
    }
    // drnet's first study (patient64741/study1), from the file's first data row.
    let atelectasis = try XCTUnwrap(set.tasks.first { $0.name == "Atelectasis" })
    XCTAssertEqual(atelectasis.scores[1][0], 0.5023135)
  }

  /// The labeler file holds -1 and blanks: the policies move them as stated.
  func testLabelerPolicies() throws {
    let folder = try dataFolder()
    let labels = try LabelFile.read(
      path: folder + "/labeler_chexpert_labels.csv", keyColumn: nil, aggregation: .studyMax)
    let run = try Run.load(
      path: folder + "/predictions/drnet_predictions.csv", keyColumn: nil,
      aggregation: .studyMax)
    let counts = try expectedCounts("labeler_chexpert_labels.csv")
    for (uncertain, blank) in [(UncertainPolicy.ignore, BlankPolicy.zeros), (.ones, .ignore)] {
      let set = try EvaluationSet.join(
        labels: labels, runs: [run], tasks: .competition, uncertain: uncertain, blank: blank,
        intersect: false)
      for task in set.tasks {
        let count = try XCTUnwrap(counts[task.name])
        let (pos, neg, unc, blk) = (
          count["positive"] ?? -1, count["negative"] ?? -1, count["uncertain"] ?? -1,
          count["blank"] ?? -1
        )
        if uncertain == .ignore {
          XCTAssertEqual(task.positives, pos, task.name)
          XCTAssertEqual(task.negatives, neg + blk, task.name)
          XCTAssertEqual(task.included, 500 - unc, task.name)
        } else {
          XCTAssertEqual(task.positives, pos + unc, task.name)
          XCTAssertEqual(task.negatives, neg, task.name)
          XCTAssertEqual(task.included, 500 - blk, task.name)
        }
      }
    }
  }
}
