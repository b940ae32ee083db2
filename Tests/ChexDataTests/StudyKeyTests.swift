import XCTest

@testable import ChexData

final class StudyKeyTests: XCTestCase {
  func testReleasePrefixesAndSlashesGo() {
    let expected = "patient64741/study1"
    for raw in [
      "CheXpert-v1.0/test/patient64741/study1",
      "CheXpert-v1.0-small/test/patient64741/study1/",
      "test/patient64741/study1",
      "patient64741/study1",
      " /data/CheXpert-v1.0/test//patient64741/./study1/ ",
      "CheXpert-v1.0\\test\\patient64741\\study1",
    ] {
      XCTAssertEqual(StudyKey.normalize(raw, aggregation: .studyMax), expected, raw)
      XCTAssertEqual(StudyKey.normalize(raw, aggregation: .image), expected, raw)
    }
  }

  func testImagePathsReduceToTheirStudy() {
    let raw = "CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg"
    XCTAssertEqual(StudyKey.normalize(raw, aggregation: .studyMax), "patient64541/study1")
    XCTAssertEqual(StudyKey.normalize(raw, aggregation: .studyMean), "patient64541/study1")
    XCTAssertEqual(
      StudyKey.normalize(raw, aggregation: .image), "patient64541/study1/view1_frontal.jpg")
    XCTAssertTrue(StudyKey.isImagePath(raw))
    XCTAssertTrue(StudyKey.isImagePath("x/y/IMG.PNG"))
    XCTAssertFalse(StudyKey.isImagePath("CheXpert-v1.0/test/patient64741/study1"))
    XCTAssertFalse(StudyKey.isImagePath("50414267"))
    // A bare file name has no study folder: it is its own key.
    XCTAssertEqual(StudyKey.normalize("00000001_000.png", aggregation: .studyMax), "00000001_000.png")
    XCTAssertTrue(StudyKey.isImagePath("00000001_000.png"))
  }

  func testOtherKeysOnlyLoseWhitespaceAndPrefix() {
    XCTAssertEqual(StudyKey.normalize(" 50414267 ", aggregation: .studyMax), "50414267")
    XCTAssertEqual(
      StudyKey.normalize("files/p10/p10000032/s50414267/a.jpg", aggregation: .studyMax),
      "files/p10/p10000032/s50414267")
    XCTAssertEqual(
      StudyKey.normalize("CheXpert-v1.0-small/other/x1", aggregation: .studyMax), "other/x1")
    // `patient` must be followed by digits, and by a `studyN` component.
    XCTAssertEqual(
      StudyKey.normalize("a/patientX/study1", aggregation: .studyMax), "a/patientX/study1")
    XCTAssertEqual(StudyKey.normalize("a/patient12/b", aggregation: .studyMax), "a/patient12/b")
    XCTAssertEqual(StudyKey.normalize("", aggregation: .studyMax), "")
  }
}
