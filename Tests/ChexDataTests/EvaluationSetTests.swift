import ChexTestSupport
import Foundation
import XCTest

@testable import ChexData

final class EvaluationSetTests: XCTestCase {
  private let folder = TemporaryFolder()

  /// Edema across s1..s5 is 1, 0, -1, blank, 1.0.
  private let labelsText = """
    Study,Atelectasis,Edema,Cardiomegaly
    s1,0,1,1
    s2,-1,0,0
    s3,,-1,1
    s4,1,,0
    s5,0,1.0,

    """

  private func labels() throws -> LabelFile {
    let path = try folder.write("labels.csv", labelsText)
    return try LabelFile.read(path: path, keyColumn: nil, aggregation: .studyMax)
  }

  private func run(_ name: String, _ text: String) throws -> Run {
    let path = try folder.write(name, text)
    return try Run.load(path: path, keyColumn: nil, aggregation: .studyMax)
  }

  /// Rows shuffled; Edema score of sN is N / 10.
  private func runA() throws -> Run {
    try run(
      "a.csv",
      "Study,Cardiomegaly,Edema,Atelectasis\ns3,3,0.3,-3\ns1,1,0.1,-1\ns5,5,0.5,-5\n"
        + "s2,2,0.2,-2\ns4,4,0.4,-4\n")
  }

  /// A run folder; no Cardiomegaly; Edema score of sN is N.
  private func runB() throws -> Run {
    try folder.write(
      "b/predictions.csv", "Study,Edema,Atelectasis\ns1,1,0\ns2,2,0\ns3,3,0\ns4,4,0\ns5,5,0\n")
    return try Run.load(path: folder.path + "/b", keyColumn: nil, aggregation: .studyMax)
  }

  private func join(
    _ runs: [Run], tasks: TaskSelection = .all, uncertain: UncertainPolicy = .ignore,
    blank: BlankPolicy = .zeros, intersect: Bool = false
  ) throws(DataError) -> EvaluationSet {
    let labelFile: LabelFile
    do { labelFile = try labels() } catch {
      preconditionFailure("cannot read the test labels: \(error)")
    }
    return try EvaluationSet.join(
      labels: labelFile, runs: runs, tasks: tasks, uncertain: uncertain, blank: blank,
      intersect: intersect)
  }

  func testJoinAlignsScoresByKey() throws {
    let set = try join([runA(), runB()], tasks: .named(["Edema"]))
    XCTAssertEqual(set.keys, ["s1", "s2", "s3", "s4", "s5"])
    XCTAssertEqual(set.runNames, ["a", "b"])
    XCTAssertEqual(set.tasks.map(\.name), ["Edema"])
    XCTAssertEqual(set.tasks[0].scores, [[0.1, 0.2, 0.3, 0.4, 0.5], [1, 2, 3, 4, 5]])
    XCTAssertEqual(set.droppedFromLabels, 0)
    XCTAssertEqual(set.droppedFromRuns, [0, 0])
  }

  func testNamedTasksAreCanonicalised() throws {
    let set = try join([runA()], tasks: .named(["edema", "atelectasis"]))
    XCTAssertEqual(set.tasks.map(\.name), ["Edema", "Atelectasis"])
  }

  func testPolicies() throws {
    let cases: [(UncertainPolicy, BlankPolicy, [Bool?], Int, Int, Int)] = [
      (.ignore, .zeros, [true, false, nil, false, true], 2, 2, 4),
      (.zeros, .zeros, [true, false, false, false, true], 2, 3, 5),
      (.ones, .zeros, [true, false, true, false, true], 3, 2, 5),
      (.ignore, .ignore, [true, false, nil, nil, true], 2, 1, 3),
      (.ones, .ignore, [true, false, true, nil, true], 3, 1, 4),
    ]
    let runs = [try runA()]
    for (uncertain, blank, expected, positives, negatives, included) in cases {
      let set = try join(runs, tasks: .named(["Edema"]), uncertain: uncertain, blank: blank)
      let task = set.tasks[0]
      let policy = "\(uncertain)/\(blank)"
      XCTAssertEqual(task.labels, expected, policy)
      XCTAssertEqual(task.positives, positives, policy)
      XCTAssertEqual(task.negatives, negatives, policy)
      XCTAssertEqual(task.included, included, policy)
      XCTAssertEqual(set.uncertain, uncertain)
      XCTAssertEqual(set.blank, blank)
      // Excluded studies keep their scores.
      XCTAssertEqual(task.scores, [[0.1, 0.2, 0.3, 0.4, 0.5]], policy)
    }
  }

  func testAllTakesCommonTasksInCheXpertOrder() throws {
    XCTAssertEqual(try join([runA()]).tasks.map(\.name), ["Cardiomegaly", "Edema", "Atelectasis"])
    XCTAssertEqual(try join([runA(), runB()]).tasks.map(\.name), ["Edema", "Atelectasis"])
    let atelectasis = try join([runA()], tasks: .named(["Atelectasis"])).tasks[0]
    XCTAssertEqual(atelectasis.labels, [false, nil, false, true, false])
    XCTAssertEqual(atelectasis.scores, [[-1, -2, -3, -4, -5]])
  }

  func testSingleClassTaskIsNotAnError() throws {
    let other = try run("c.csv", "Study,Edema\ns1,1\ns2,2\ns3,3\ns4,4\ns5,5\n")
    let set = try join([other], tasks: .named(["Edema"]), uncertain: .ones, blank: .ignore)
    XCTAssertEqual(set.tasks[0].negatives, 1)
    let allPositive = try join(
      [try run("d.csv", "Study,Cardiomegaly\ns1,1\ns2,2\ns3,3\ns4,4\ns5,5\n")],
      tasks: .named(["Cardiomegaly"]), blank: .ignore)
    XCTAssertEqual(allPositive.tasks[0].labels, [true, false, true, false, nil])
  }

  // MARK: - Tasks that are not everywhere

  func testNamedTaskMissingFromARun() throws {
    let runs = [try runA(), try runB()]
    let bPath = folder.path + "/b/predictions.csv"
    assertThrows(
      .taskMissing(path: bPath, task: "Cardiomegaly"), mentions: [bPath, "'Cardiomegaly'"]
    ) { () throws(DataError) in try self.join(runs, tasks: .named(["Edema", "Cardiomegaly"])) }
  }

  func testNamedTaskMissingFromTheLabels() throws {
    let runs = [try runA()]
    let labelsPath = folder.path + "/labels.csv"
    assertThrows(.taskMissing(path: labelsPath, task: "Fracture"), mentions: [labelsPath]) {
      () throws(DataError) in try self.join(runs, tasks: .named(["Fracture"]))
    }
  }

  func testCompetitionNeedsAllFive() throws {
    let runs = [try runA()]
    let labelsPath = folder.path + "/labels.csv"
    assertThrows(
      .taskMissing(path: labelsPath, task: "Consolidation"), mentions: [labelsPath, "Consolidation"]
    ) { () throws(DataError) in try self.join(runs, tasks: .competition) }
  }

  func testAllWithNothingInCommon() throws {
    let other = try run("f.csv", "Study,Fracture\ns1,1\ns2,2\ns3,3\ns4,4\ns5,5\n")
    let labelsPath = folder.path + "/labels.csv"
    assertThrows(
      .noCommonTasks(paths: [labelsPath, other.path]), mentions: [labelsPath, other.path]
    ) { () throws(DataError) in try self.join([other]) }
  }

  // MARK: - Studies that do not match

  private func partialRun() throws -> Run {
    try run("c.csv", "Study,Edema\ns9,9\ns1,1\ns2,2\ns3,3\ns4,4\ns8,8\n")
  }

  func testMismatchIsRefused() throws {
    let runs = [try runA(), try partialRun()]
    let labelsPath = folder.path + "/labels.csv"
    assertThrows(
      .studiesMismatch(
        runPath: runs[1].path, labelsPath: labelsPath, missing: 1, firstMissing: ["s5"], extra: 2,
        firstExtra: ["s9", "s8"]),
      mentions: [runs[1].path, labelsPath, "1 study", "'s5'", "2 studies", "'s9', 's8'", "intersect"]
    ) { () throws(DataError) in try self.join(runs, tasks: .named(["Edema"])) }
  }

  func testMismatchShowsTheFirstThreeKeys() throws {
    let lonely = try run("e.csv", "Study,Edema\ns1,1\n")
    assertThrows(
      .studiesMismatch(
        runPath: lonely.path, labelsPath: folder.path + "/labels.csv", missing: 4,
        firstMissing: ["s2", "s3", "s4"], extra: 0, firstExtra: []),
      mentions: ["4 studies", "'s2', 's3', 's4'"]
    ) { () throws(DataError) in try self.join([lonely], tasks: .named(["Edema"])) }
  }

  func testIntersectKeepsCommonStudiesAndCounts() throws {
    let set = try join([runA(), partialRun()], tasks: .named(["Edema"]), intersect: true)
    XCTAssertEqual(set.keys, ["s1", "s2", "s3", "s4"])
    XCTAssertEqual(set.droppedFromLabels, 1)
    XCTAssertEqual(set.droppedFromRuns, [0, 2])
    XCTAssertEqual(set.tasks[0].labels, [true, false, nil, false])
    XCTAssertEqual(set.tasks[0].scores, [[0.1, 0.2, 0.3, 0.4], [1, 2, 3, 4]])
  }

  func testIntersectWithNothingInCommon() throws {
    let stranger = try run("x.csv", "Study,Edema\nx1,1\nx2,2\n")
    let labelsPath = folder.path + "/labels.csv"
    assertThrows(
      .noCommonStudies(labelsPath: labelsPath, runPaths: [stranger.path]),
      mentions: [labelsPath, stranger.path]
    ) { () throws(DataError) in
      try self.join([stranger], tasks: .named(["Edema"]), intersect: true)
    }
  }

  // MARK: - Image-level labels against study-level predictions

  func testImageLabelsJoinStudyPredictions() throws {
    let labelsPath = try folder.write(
      "valid.csv",
      "Path,Sex,Edema\nCheXpert-v1.0-small/valid/patient1/study1/view1_frontal.jpg,F,1.0\n"
        + "CheXpert-v1.0-small/valid/patient1/study1/view2_lateral.jpg,F,1.0\n"
        + "CheXpert-v1.0-small/valid/patient2/study1/view1_frontal.jpg,M,0.0\n")
    let predictions = try folder.write(
      "study.csv",
      "Study,Edema\nCheXpert-v1.0/valid/patient2/study1/,0.2\n"
        + "CheXpert-v1.0/valid/patient1/study1/,0.8\n")
    let labelFile = try LabelFile.read(path: labelsPath, keyColumn: nil, aggregation: .studyMax)
    let study = try Run.load(path: predictions, keyColumn: nil, aggregation: .studyMax)
    let set = try EvaluationSet.join(
      labels: labelFile, runs: [study], tasks: .all, uncertain: .ignore, blank: .zeros,
      intersect: false)
    XCTAssertEqual(set.keys, ["patient1/study1", "patient2/study1"])
    XCTAssertEqual(set.tasks[0].labels, [true, false])
    XCTAssertEqual(set.tasks[0].scores, [[0.8, 0.2]])

    // Per image, the study-level predictions do not match the image keys.
    let perImage = try LabelFile.read(path: labelsPath, keyColumn: nil, aggregation: .image)
    assertThrows(
      .studiesMismatch(
        runPath: predictions, labelsPath: labelsPath, missing: 3,
        firstMissing: [
          "patient1/study1/view1_frontal.jpg", "patient1/study1/view2_lateral.jpg",
          "patient2/study1/view1_frontal.jpg",
        ], extra: 2, firstExtra: ["patient2/study1", "patient1/study1"]),
      mentions: [predictions]
    ) { () throws(DataError) in
      try EvaluationSet.join(
        labels: perImage, runs: [study], tasks: .all, uncertain: .ignore, blank: .zeros,
        intersect: false)
    }
  }

  /// Labels with a BOM, CRLF, a quoted key holding a comma and no final line end; image-level
  /// predictions averaged per study, read by a custom key column, columns shuffled.
  func testQuirkyFilesEndToEnd() throws {
    let labelsPath = try folder.write(
      "quirky-labels.csv",
      "\u{FEFF}\"Effusion\",id,Edema\r\n1.0,\"site A, s1\",0\r\n0.0,s2,1\r\n,s3,-1.0")
    let predictions = try folder.write(
      "run/predictions.csv",
      "Edema,id,Pleural Effusion\n0.2,s3/a.jpg,0.5\n0.4,s3/b.jpg,0.7\n0.9,s2/a.jpg,0.1\n"
        + "0.1,\"site A, s1/a.jpg\",0.8\n")
    let labels = try LabelFile.read(path: labelsPath, keyColumn: "ID", aggregation: .studyMean)
    let run = try Run.load(
      path: (predictions as NSString).deletingLastPathComponent, keyColumn: "ID",
      aggregation: .studyMean)
    XCTAssertEqual(run.name, "run")
    let set = try EvaluationSet.join(
      labels: labels, runs: [run], tasks: .all, uncertain: .zeros, blank: .ignore,
      intersect: false)
    XCTAssertEqual(set.keys, ["site A, s1", "s2", "s3"])
    XCTAssertEqual(set.tasks.map(\.name), ["Edema", "Pleural Effusion"])
    XCTAssertEqual(set.tasks[0].labels, [false, true, false])
    XCTAssertEqual(set.tasks[1].labels, [true, false, nil])
    // s3 is the mean of two images: (0.2 + 0.4) / 2 and (0.5 + 0.7) / 2.
    XCTAssertEqual(set.tasks[0].scores[0][0], 0.1)
    XCTAssertEqual(set.tasks[0].scores[0][1], 0.9)
    XCTAssertEqual(set.tasks[0].scores[0][2], 0.3, accuracy: 1e-15)
    XCTAssertEqual(set.tasks[1].scores[0][2], 0.6, accuracy: 1e-15)
  }

  func testCountsOnAHandMadeTask() {
    let task = EvaluationTask(
      name: "Edema", labels: [true, nil, false, true, nil, false, false], scores: [])
    XCTAssertEqual(task.positives, 2)
    XCTAssertEqual(task.negatives, 3)
    XCTAssertEqual(task.included, 5)
  }
}
