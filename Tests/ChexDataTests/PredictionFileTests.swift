import ChexTestSupport
import XCTest

@testable import ChexData

final class PredictionFileTests: XCTestCase {
  private let folder = TemporaryFolder()

  private var path: String { folder.path + "/predictions.csv" }

  private func read(
    _ text: String, key: String? = nil, aggregation: Aggregation = .studyMax
  ) throws(DataError) -> PredictionFile {
    do { try folder.write("predictions.csv", text) } catch {
      preconditionFailure("cannot write a test file: \(error)")
    }
    return try PredictionFile.read(path: path, keyColumn: key, aggregation: aggregation)
  }

  func testShuffledColumnsAnySubsetAnyNumberNotation() throws {
    let file = try read(
      "Edema,Study,Cardiomegaly\r\n0.25,CheXpert-v1.0/test/patient2/study1,1e-3\r\n"
        + "-2.5,CheXpert-v1.0/test/patient1/study1, 3 \r\n")
    XCTAssertEqual(file.keys, ["patient2/study1", "patient1/study1"])
    XCTAssertEqual(file.tasks, ["Edema", "Cardiomegaly"])
    XCTAssertEqual(file.scores["Edema"], [0.25, -2.5])
    XCTAssertEqual(file.scores["Cardiomegaly"], [0.001, 3])
    XCTAssertEqual(file.keyColumn, "Study")
    XCTAssertFalse(file.imageLevel)
  }

  private let views = """
    Path,Edema
    v/patient1/study1/view1_frontal.jpg,0.2
    v/patient2/study1/view1_frontal.jpg,0.9
    v/patient1/study1/view2_lateral.jpg,0.6
    v/patient1/study1/view3_frontal.jpg,0.1
    """

  /// Study 1 has views 0.2, 0.6, 0.1: max 0.6, mean 0.3; study 2 has one view, 0.9.
  func testStudyMaxAndMean() throws {
    let maxed = try read(views, aggregation: .studyMax)
    XCTAssertTrue(maxed.imageLevel)
    XCTAssertEqual(maxed.keys, ["patient1/study1", "patient2/study1"])
    XCTAssertEqual(maxed.scores["Edema"], [0.6, 0.9])
    let meaned = try read(views, aggregation: .studyMean)
    XCTAssertEqual(meaned.keys, ["patient1/study1", "patient2/study1"])
    let mean = try XCTUnwrap(meaned.scores["Edema"])
    XCTAssertEqual(mean[0], 0.3, accuracy: 1e-15)
    XCTAssertEqual(mean[1], 0.9)
  }

  /// Issue 12, defect 2: two views of 1.5e308 and 1.7e308 sum past Double.greatestFiniteMagnitude
  /// (1.797e308); their mean, 1.6e308, is finite and is what study-mean gives. The halves are
  /// exact (division by 2), so the expected value is exact too.
  func testStudyMeanOfHugeFiniteScoresDoesNotOverflow() throws {
    let file = try read(
      "Path,Edema\np/patient1/study1/a.png,1.5e308\np/patient1/study1/b.png,1.7e308\n"
        + "p/patient2/study1/a.png,-1.7e308\np/patient2/study1/b.png,-1.7e308\n", aggregation: .studyMean)
    XCTAssertEqual(file.scores["Edema"], [1.5e308 / 2 + 1.7e308 / 2, -1.7e308])
    XCTAssertTrue(file.scores["Edema"]?.allSatisfy(\.isFinite) ?? false)
  }

  func testMaxOfNegativeLogits() throws {
    let file = try read("Path,Edema\np/patient1/study1/a.png,-3\np/patient1/study1/b.png,-1.5\n")
    XCTAssertEqual(file.scores["Edema"], [-1.5])
  }

  func testImageAggregationKeepsImages() throws {
    let file = try read(views, aggregation: .image)
    XCTAssertEqual(file.keys.count, 4)
    XCTAssertEqual(file.keys[2], "patient1/study1/view2_lateral.jpg")
    XCTAssertEqual(file.scores["Edema"], [0.2, 0.9, 0.6, 0.1])
  }

  // MARK: - Bad input

  func testScoresThatAreNotFiniteNumbers() {
    for cell in ["nan", "NaN", "inf", "-inf", "", "abc", "0.5.1", "1,5"] {
      let written = cell.contains(",") ? "\"\(cell)\"" : cell
      assertThrows(
        .invalidScore(path: path, line: 3, column: "Edema", found: cell),
        mentions: [path, "line 3", "column 'Edema'", "expected a finite number"]
      ) { () throws(DataError) in try self.read("Study,Edema\ns1,0.5\ns2,\(written)\n") }
    }
  }

  func testMessageReadsAsSpecified() {
    assertThrows(
      .invalidScore(path: path, line: 2, column: "Edema", found: "nan"),
      mentions: ["\(path), line 2, column 'Edema': expected a finite number, found 'nan'."]
    ) { () throws(DataError) in try self.read("Study,Edema\ns1,nan\n") }
  }

  func testDuplicateStudy() {
    assertThrows(
      .duplicateKey(path: path, key: "s1", line: 4, firstLine: 2), mentions: [path, "'s1'"]
    ) { () throws(DataError) in try self.read("Study,Edema\ns1,0.5\ns2,0.1\ns1,0.7\n") }
  }

  func testDuplicateImage() {
    let text = "Path,Edema\np/patient1/study1/a.jpg,0.5\np/patient1/study1/a.jpg,0.1\n"
    assertThrows(
      .duplicateKey(path: path, key: "patient1/study1/a.jpg", line: 3, firstLine: 2),
      mentions: [path, "line 3"]
    ) { () throws(DataError) in try self.read(text) }
    assertThrows(
      .duplicateKey(path: path, key: "patient1/study1/a.jpg", line: 3, firstLine: 2),
      mentions: [path, "line 3"]
    ) { () throws(DataError) in try self.read(text, aggregation: .image) }
  }

  func testNoKeyColumnAndNoTasks() {
    assertThrows(
      .missingKeyColumn(path: path, requested: nil, found: ["id", "Edema"]), mentions: [path]
    ) { () throws(DataError) in try self.read("id,Edema\na,1\n") }
    assertThrows(.noObservationColumns(path: path), mentions: [path]) {
      () throws(DataError) in try self.read("Study,score\na,1\n")
    }
  }
}
