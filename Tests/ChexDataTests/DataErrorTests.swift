import XCTest

@testable import ChexData

final class DataErrorTests: XCTestCase {
  /// One value of every case, with the texts its message must show.
  private let cases: [(DataError, [String])] = [
    (.fileNotFound(path: "a.csv"), ["a.csv", "no such file"]),
    (.isDirectory(path: "runs/x"), ["runs/x", "folder"]),
    (.unreadable(path: "a.csv", reason: "permission denied"), ["a.csv", "permission denied"]),
    (.emptyFile(path: "a.csv"), ["a.csv", "empty"]),
    (.binaryFile(path: "a.csv", line: 1), ["a.csv", "line 1", "binary"]),
    (.invalidUTF8(path: "a.csv", line: 7), ["a.csv", "line 7", "UTF-8"]),
    (.utf16(path: "a.csv"), ["a.csv", "UTF-16"]),
    (.unterminatedQuote(path: "a.csv", line: 3), ["a.csv", "line 3", "never closed"]),
    (.textAfterQuote(path: "a.csv", line: 4, field: 2), ["a.csv", "line 4", "field 2"]),
    (
      .wrongFieldCount(path: "a.csv", line: 5, expected: 15, found: 14),
      ["a.csv", "line 5", "expected 15", "found 14"]
    ),
    (.noRows(path: "a.csv"), ["a.csv", "no"]),
    (
      .missingKeyColumn(path: "a.csv", requested: nil, found: ["Id", "Edema"]),
      ["a.csv", "'Study' or 'Path'", "'Id', 'Edema'"]
    ),
    (
      .missingKeyColumn(path: "a.csv", requested: "image_id", found: ["Id"]),
      ["a.csv", "'image_id'", "'Id'"]
    ),
    (
      .duplicateColumn(path: "a.csv", column: "Effusion", sameAs: "Pleural Effusion"),
      ["a.csv", "'Effusion'", "'Pleural Effusion'"]
    ),
    (.noObservationColumns(path: "a.csv"), ["a.csv", "14 CheXpert observations"]),
    (.emptyKey(path: "a.csv", line: 9, column: "Study"), ["a.csv", "line 9", "'Study'"]),
    (
      .duplicateKey(path: "a.csv", key: "patient1/study1", line: 9, firstLine: 2),
      ["a.csv", "line 9", "'patient1/study1'", "line 2"]
    ),
    (
      .invalidScore(path: "p.csv", line: 12, column: "Edema", found: "nan"),
      ["p.csv, line 12, column 'Edema': expected a finite number, found 'nan'."]
    ),
    (
      .invalidScore(path: "p.csv", line: 12, column: "Edema", found: ""),
      ["p.csv, line 12, column 'Edema'", "found an empty cell"]
    ),
    (
      .invalidLabel(path: "l.csv", line: 3, column: "Edema", found: "2"),
      ["l.csv, line 3, column 'Edema'", "1, 0, -1 or blank", "'2'"]
    ),
    (
      .conflictingLabels(path: "v.csv", study: "patient1/study1", task: "Edema", line: 4, firstLine: 2),
      ["v.csv", "line 4", "'patient1/study1'", "'Edema'", "line 2"]
    ),
    (.unknownTask(name: "Edemaa"), ["'Edemaa'", "competition"]),
    (.emptyTaskSelection, ["competition"]),
    (.taskMissing(path: "p.csv", task: "Edema"), ["p.csv", "'Edema'"]),
    (.noCommonTasks(paths: ["l.csv", "p.csv"]), ["'l.csv'", "'p.csv'"]),
    (
      .studiesMismatch(
        runPath: "p.csv", labelsPath: "l.csv", missing: 1, firstMissing: ["s5"], extra: 0,
        firstExtra: []),
      ["p.csv", "'l.csv'", "1 study of the labels is missing", "'s5'", "intersect"]
    ),
    (
      .studiesMismatch(
        runPath: "p.csv", labelsPath: "l.csv", missing: 0, firstMissing: [], extra: 12,
        firstExtra: ["x1", "x2", "x3"]),
      ["p.csv", "12 studies are not in 'l.csv'", "'x1', 'x2', 'x3'"]
    ),
    (.noCommonStudies(labelsPath: "l.csv", runPaths: ["p.csv"]), ["l.csv", "'p.csv'"]),
    (
      .invalidMetadata(path: "r/run.json", reason: "key 'seed': expected an integer"),
      ["r/run.json", "'seed'", "integer"]
    ),
  ]

  func testEveryMessageIsOneSentenceNamingItsSubject() {
    for (error, mentions) in cases {
      let message = error.description
      XCTAssertFalse(message.contains("\n"), message)
      XCTAssertTrue(message.hasSuffix("."), message)
      XCTAssertEqual(error.localizedDescription, message)
      for text in mentions {
        XCTAssertTrue(message.contains(text), "'\(message)' does not mention '\(text)'")
      }
    }
  }

  func testLongFoundValuesAreShortened() {
    let long = String(repeating: "9", count: 100)
    let message = DataError.invalidScore(path: "p.csv", line: 2, column: "Edema", found: long)
      .description
    XCTAssertTrue(message.contains(String(repeating: "9", count: 40) + "..."))
    XCTAssertFalse(message.contains(String(repeating: "9", count: 41)))
  }
}
