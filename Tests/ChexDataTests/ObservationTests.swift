import XCTest

@testable import ChexData

final class ObservationTests: XCTestCase {
  func testListsMatchTheCheXpertFiles() {
    // The header of the released groundtruth.csv, after its `Study` column.
    let header =
      "No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
      + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,"
      + "Fracture,Support Devices"
    XCTAssertEqual(Observations.all, header.split(separator: ",").map(String.init))
    XCTAssertEqual(
      Observations.competition,
      ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"])
  }

  func testCanonicalNames() {
    XCTAssertEqual(Observations.canonicalName("Edema"), "Edema")
    XCTAssertEqual(Observations.canonicalName("  edema "), "Edema")
    XCTAssertEqual(Observations.canonicalName("PLEURAL EFFUSION"), "Pleural Effusion")
    XCTAssertEqual(Observations.canonicalName("Pleural_Effusion"), "Pleural Effusion")
    XCTAssertEqual(Observations.canonicalName("Pleural  Effusion"), "Pleural Effusion")
    XCTAssertEqual(Observations.canonicalName("Effusion"), "Pleural Effusion")
    XCTAssertEqual(Observations.canonicalName("Airspace Opacity"), "Lung Opacity")
    XCTAssertEqual(Observations.canonicalName("airspace_opacity"), "Lung Opacity")
    XCTAssertNil(Observations.canonicalName("Pleural_Thickening"))
    XCTAssertNil(Observations.canonicalName("Study"))
    XCTAssertNil(Observations.canonicalName("Sex"))
    XCTAssertNil(Observations.canonicalName(""))
  }

  func testTaskSelectionKeywords() throws {
    XCTAssertEqual(try TaskSelection(parsing: "competition"), .competition)
    XCTAssertEqual(try TaskSelection(parsing: " Competition "), .competition)
    XCTAssertEqual(try TaskSelection(parsing: "all"), .all)
    XCTAssertEqual(try TaskSelection(parsing: "ALL"), .all)
  }

  func testTaskSelectionNamesAreCanonicalAndDeduplicated() throws {
    XCTAssertEqual(
      try TaskSelection(parsing: "edema, Effusion ,Edema,Airspace Opacity"),
      .named(["Edema", "Pleural Effusion", "Lung Opacity"]))
    XCTAssertEqual(try TaskSelection(parsing: "Fracture"), .named(["Fracture"]))
  }

  func testTaskSelectionErrors() {
    assertThrows(.unknownTask(name: "Edemaa"), mentions: ["Edemaa", "Pleural Effusion"]) {
      () throws(DataError) in try TaskSelection(parsing: "Edema,Edemaa")
    }
    assertThrows(.emptyTaskSelection, mentions: ["competition"]) {
      () throws(DataError) in try TaskSelection(parsing: " , ")
    }
  }
}
