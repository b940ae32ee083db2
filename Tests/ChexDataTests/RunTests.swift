import ChexTestSupport
import XCTest

@testable import ChexData

final class RunTests: XCTestCase {
  private let folder = TemporaryFolder()
  private let csv = "Study,Edema\ns1,0.1\ns2,0.7\n"

  private func load(_ path: String) throws(DataError) -> Run {
    try Run.load(path: path, keyColumn: nil, aggregation: .studyMax)
  }

  func testFileRunIsNamedAfterTheFile() throws {
    let path = try folder.write("densenet-s1.csv", csv)
    let run = try load(path)
    XCTAssertEqual(run.name, "densenet-s1")
    XCTAssertEqual(run.path, path)
    XCTAssertEqual(run.metadata, RunMetadata())
    XCTAssertEqual(run.predictions.scores["Edema"], [0.1, 0.7])
  }

  /// Issue 12, defect 15: a prediction CSV `NAME.csv` takes its metadata from the sidecar
  /// `NAME.run.json` beside it; a bad sidecar is named in the error.
  func testFileRunReadsItsSidecar() throws {
    let path = try folder.write("densenet121-pretrained-s1.csv", csv)
    try folder.write(
      "densenet121-pretrained-s1.run.json", #"{"architecture": "DenseNet121", "pretrained": true, "seed": 1}"#
    )
    let run = try load(path)
    XCTAssertEqual(run.name, "densenet121-pretrained-s1")
    XCTAssertEqual(run.metadata, RunMetadata(architecture: "DenseNet121", pretrained: true, seed: 1))
    let bad = try folder.write("bad.csv", csv)
    try folder.write("bad.run.json", #"{"pretrained": "yes"}"#)
    XCTAssertThrowsError(try load(bad)) { error in
      XCTAssertTrue("\(error)".contains("bad.run.json"), "\(error)")
      XCTAssertTrue("\(error)".contains("pretrained"), "\(error)")
    }
  }

  func testFolderWithoutMetadataIsNamedAfterTheFolder() throws {
    try folder.write("resnet50-s2/predictions.csv", csv)
    let run = try load(folder.path + "/resnet50-s2/")
    XCTAssertEqual(run.name, "resnet50-s2")
    XCTAssertEqual(run.predictions.path, folder.path + "/resnet50-s2/predictions.csv")
    XCTAssertEqual(run.metadata, RunMetadata())
  }

  func testFolderWithMetadata() throws {
    try folder.write("r/predictions.csv", csv)
    try folder.write(
      "r/run.json",
      """
      {"name": "densenet121-pretrained-s1", "architecture": "DenseNet121", "pretrained": true,
       "parameters": 6968206, "imagenet_top1": 74.434, "truncated_blocks": 0, "seed": 1,
       "someone_elses_key": [1, 2]}
      """)
    let run = try load(folder.path + "/r")
    XCTAssertEqual(run.name, "densenet121-pretrained-s1")
    XCTAssertEqual(run.metadata.architecture, "DenseNet121")
    XCTAssertEqual(run.metadata.pretrained, true)
    XCTAssertEqual(run.metadata.parameters, 6_968_206)
    XCTAssertEqual(run.metadata.imagenetTop1, 74.434)
    XCTAssertEqual(run.metadata.truncatedBlocks, 0)
    XCTAssertEqual(run.metadata.seed, 1)
    XCTAssertNil(run.metadata.family)
  }

  func testMetadataWithoutNameFallsBackToFolder() throws {
    try folder.write("m/predictions.csv", csv)
    try folder.write("m/run.json", "{\"seed\": 3}")
    let run = try load(folder.path + "/m")
    XCTAssertEqual(run.name, "m")
    XCTAssertEqual(run.metadata.seed, 3)
  }

  // MARK: - Bad input

  func testMissingRun() {
    let missing = folder.path + "/nothing"
    assertThrows(.fileNotFound(path: missing), mentions: [missing]) {
      () throws(DataError) in try self.load(missing)
    }
  }

  func testFolderWithoutPredictions() throws {
    let empty = try folder.folder("empty")
    assertThrows(
      .fileNotFound(path: empty + "/predictions.csv"), mentions: [empty + "/predictions.csv"]
    ) { () throws(DataError) in try self.load(empty) }
  }

  func testMetadataOfTheWrongType() throws {
    try folder.write("t/predictions.csv", csv)
    let json = try folder.write("t/run.json", "{\"name\": \"x\", \"seed\": \"one\"}")
    assertThrows(
      .invalidMetadata(path: json, reason: "key 'seed': expected an integer"),
      mentions: [json, "'seed'", "integer"]
    ) { () throws(DataError) in try self.load(self.folder.path + "/t") }
  }

  func testMetadataThatIsNotJSON() throws {
    try folder.write("j/predictions.csv", csv)
    let json = try folder.write("j/run.json", "{\"name\": ")
    assertThrows(
      .invalidMetadata(path: json, reason: "not valid JSON"), mentions: [json, "not valid JSON"]
    ) { () throws(DataError) in try self.load(self.folder.path + "/j") }
    try folder.write("j/run.json", "[1, 2]")
    assertThrows(
      .invalidMetadata(path: json, reason: "expected a JSON object at the top level"),
      mentions: [json, "JSON object"]
    ) { () throws(DataError) in try self.load(self.folder.path + "/j") }
  }

  func testBadPredictionsInAFolderNameThePredictionsFile() throws {
    let path = try folder.write("b/predictions.csv", "Study,Edema\ns1,inf\n")
    assertThrows(
      .invalidScore(path: path, line: 2, column: "Edema", found: "inf"),
      mentions: [path, "line 2"]
    ) { () throws(DataError) in try self.load(self.folder.path + "/b") }
  }
}
