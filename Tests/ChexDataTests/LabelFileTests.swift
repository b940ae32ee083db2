import ChexTestSupport
import XCTest

@testable import ChexData

final class LabelFileTests: XCTestCase {
  private let folder = TemporaryFolder()

  private func read(
    _ text: String, key: String? = nil, aggregation: Aggregation = .studyMax
  ) throws(DataError) -> LabelFile {
    let path: String
    do { path = try folder.write("labels.csv", text) } catch {
      preconditionFailure("cannot write a test file: \(error)")
    }
    return try LabelFile.read(path: path, keyColumn: key, aggregation: aggregation)
  }

  private var path: String { folder.path + "/labels.csv" }

  func testStudyLevelIntegers() throws {
    let labels = try read(
      "Study,Edema,Atelectasis\nCheXpert-v1.0/test/patient1/study1,1,0\n"
        + "CheXpert-v1.0/test/patient2/study1,0,1")
    XCTAssertEqual(labels.keyColumn, "Study")
    XCTAssertEqual(labels.keys, ["patient1/study1", "patient2/study1"])
    XCTAssertEqual(labels.tasks, ["Edema", "Atelectasis"])
    XCTAssertEqual(labels.values["Edema"], [.positive, .negative])
    XCTAssertEqual(labels.values["Atelectasis"], [.negative, .positive])
    XCTAssertFalse(labels.imageLevel)
    XCTAssertEqual(labels.path, path)
  }

  func testFloatCodingBlanksAndWhitespace() throws {
    let labels = try read("Study,Edema\ns1,1.0\ns2,0.0\ns3,-1.0\ns4,\ns5, 1 \ns6,-1.00\ns7,+1\ns8,  \n")
    XCTAssertEqual(
      labels.values["Edema"],
      [.positive, .negative, .uncertain, nil, .positive, .uncertain, .positive, nil])
  }

  func testColumnsMatchedByNameWithSynonymsAndOthersIgnored() throws {
    let labels = try read(
      "Sex,Effusion,Age,Path,airspace opacity\nMale,1,60,p/patient1/study1/view1_frontal.jpg,0\n")
    XCTAssertEqual(labels.keyColumn, "Path")
    XCTAssertEqual(labels.tasks, ["Pleural Effusion", "Lung Opacity"])
    XCTAssertEqual(labels.values["Pleural Effusion"], [.positive])
    XCTAssertEqual(labels.values["Lung Opacity"], [.negative])
  }

  func testStudyIsPreferredOverPathAndKeyCanBeNamed() throws {
    let text = "Path,Study,Other,Edema\np1,s1,o1,1\np2,s2,o2,0\n"
    XCTAssertEqual(try read(text).keys, ["s1", "s2"])
    let byOther = try read(text, key: "other")
    XCTAssertEqual(byOther.keys, ["o1", "o2"])
    XCTAssertEqual(byOther.keyColumn, "Other")
  }

  /// valid.csv-style: two views of one study agree; the study appears once.
  func testImageRowsReduceToStudies() throws {
    let text = """
      Path,Sex,Age,Frontal/Lateral,AP/PA,Edema,Cardiomegaly
      CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg,Male,73,Frontal,AP,1.0,0.0
      CheXpert-v1.0-small/valid/patient64541/study1/view2_lateral.jpg,Male,73,Lateral,,1.0,0.0
      CheXpert-v1.0-small/valid/patient64542/study1/view1_frontal.jpg,Male,70,Frontal,PA,0.0,1.0

      """
    let labels = try read(text)
    XCTAssertTrue(labels.imageLevel)
    XCTAssertEqual(labels.keys, ["patient64541/study1", "patient64542/study1"])
    XCTAssertEqual(labels.values["Edema"], [.positive, .negative])
    XCTAssertEqual(labels.values["Cardiomegaly"], [.negative, .positive])

    let perImage = try read(text, aggregation: .image)
    XCTAssertEqual(perImage.keys.count, 3)
    XCTAssertEqual(perImage.keys[1], "patient64541/study1/view2_lateral.jpg")
    XCTAssertEqual(perImage.values["Edema"], [.positive, .positive, .negative])
  }

  // MARK: - Bad input

  func testViewsThatDisagree() {
    let text =
      "Path,Edema\np/patient1/study1/view1.jpg,1\np/patient2/study1/view1.jpg,0\n"
      + "p/patient1/study1/view2.jpg,0\n"
    assertThrows(
      .conflictingLabels(
        path: path, study: "patient1/study1", task: "Edema", line: 4, firstLine: 2),
      mentions: [path, "line 4", "patient1/study1", "'Edema'", "line 2"]
    ) { () throws(DataError) in try self.read(text) }
  }

  func testValuesOutsideTheCoding() {
    for (cell, shown) in [("2", "'2'"), ("yes", "'yes'"), ("0.5", "'0.5'"), ("nan", "'nan'")] {
      assertThrows(
        .invalidLabel(path: path, line: 3, column: "Edema", found: cell),
        mentions: [path, "line 3", "column 'Edema'", "found \(shown)"]
      ) { () throws(DataError) in try self.read("Study,Edema\ns1,1\ns2,\(cell)\n") }
    }
  }

  func testNoKeyColumn() {
    assertThrows(
      .missingKeyColumn(path: path, requested: nil, found: ["Id", "Edema"]),
      mentions: [path, "'Study' or 'Path'", "'Id'"]
    ) { () throws(DataError) in try self.read("Id,Edema\na,1\n") }
    assertThrows(
      .missingKeyColumn(path: path, requested: "image", found: ["Study", "Edema"]),
      mentions: [path, "'image'"]
    ) { () throws(DataError) in try self.read("Study,Edema\na,1\n", key: "image") }
  }

  func testDuplicateKeysAfterNormalisation() {
    let text = "Study,Edema\nCheXpert-v1.0/test/patient1/study1,1\ns2,0\ntest/patient1/study1/,1\n"
    assertThrows(
      .duplicateKey(path: path, key: "patient1/study1", line: 4, firstLine: 2),
      mentions: [path, "line 4", "'patient1/study1'", "line 2"]
    ) { () throws(DataError) in try self.read(text) }
  }

  func testStudyRowBesideItsImageRows() {
    let text = "Path,Edema\np/patient1/study1/view1.jpg,1\np/patient1/study1,1\n"
    assertThrows(
      .duplicateKey(path: path, key: "patient1/study1", line: 3, firstLine: 2),
      mentions: [path, "line 3"]
    ) { () throws(DataError) in try self.read(text) }
  }

  func testEmptyKey() {
    assertThrows(
      .emptyKey(path: path, line: 3, column: "Study"),
      mentions: [path, "line 3", "column 'Study'"]
    ) { () throws(DataError) in try self.read("Study,Edema\na,1\n  ,0\n") }
  }

  func testNoObservationColumns() {
    assertThrows(.noObservationColumns(path: path), mentions: [path]) {
      () throws(DataError) in try self.read("Study,Sex\na,M\n")
    }
  }

  func testTwoColumnsForOneObservation() {
    assertThrows(
      .duplicateColumn(path: path, column: "Effusion", sameAs: "Pleural Effusion"),
      mentions: [path, "'Effusion'", "'Pleural Effusion'"]
    ) { () throws(DataError) in try self.read("Study,Pleural Effusion,Effusion\na,1,1\n") }
  }

  func testHeaderWithoutRows() {
    assertThrows(.noRows(path: path), mentions: [path]) {
      () throws(DataError) in try self.read("Study,Edema\n")
    }
  }

  func testWrongFieldCountNamesFileAndLine() {
    assertThrows(
      .wrongFieldCount(path: path, line: 3, expected: 2, found: 1), mentions: [path, "line 3"]
    ) { () throws(DataError) in try self.read("Study,Edema\na,1\nb\n") }
  }

  func testMissingFile() {
    let missing = folder.path + "/absent.csv"
    assertThrows(.fileNotFound(path: missing), mentions: [missing]) {
      () throws(DataError) in
      try LabelFile.read(path: missing, keyColumn: nil, aggregation: .studyMax)
    }
  }

  func testBinaryFile() throws {
    let binary = try folder.write("model.onnx", bytes: [0x08, 0x07, 0x12, 0x00, 0x0A])
    assertThrows(.binaryFile(path: binary, line: 1), mentions: [binary, "line 1"]) {
      () throws(DataError) in
      try LabelFile.read(path: binary, keyColumn: nil, aggregation: .studyMax)
    }
  }

  func testEmptyFile() {
    assertThrows(.emptyFile(path: path), mentions: [path]) {
      () throws(DataError) in try self.read("")
    }
  }
}
