import ChexTestSupport
import XCTest

@testable import ChexData

final class CSVTests: XCTestCase {
  private func parse(_ text: String) throws(DataError) -> CSVTable {
    try CSVTable.parse(Array(text.utf8), path: "t.csv")
  }

  func testPlainFileWithTrailingNewline() throws {
    let table = try parse("a,b\n1,2\n3,4\n")
    XCTAssertEqual(table.header, ["a", "b"])
    XCTAssertEqual(table.rows, [["1", "2"], ["3", "4"]])
    XCTAssertEqual(table.lineNumbers, [2, 3])
    XCTAssertEqual(table.path, "t.csv")
  }

  func testMissingTrailingNewline() throws {
    let table = try parse("a,b\n1,2\n3,4")
    XCTAssertEqual(table.rows, [["1", "2"], ["3", "4"]])
  }

  func testByteOrderMarkIsDropped() throws {
    let table = try CSVTable.parse([0xEF, 0xBB, 0xBF] + Array("Study,x\nk,1\n".utf8), path: "b.csv")
    XCTAssertEqual(table.header, ["Study", "x"])
    XCTAssertEqual(table.rows, [["k", "1"]])
  }

  func testCRLFAndLoneCR() throws {
    XCTAssertEqual(try parse("a,b\r\n1,2\r\n3,4\r\n").rows, [["1", "2"], ["3", "4"]])
    let classic = try parse("a,b\r1,2\r3,4")
    XCTAssertEqual(classic.rows, [["1", "2"], ["3", "4"]])
    XCTAssertEqual(classic.lineNumbers, [2, 3])
  }

  func testQuotedFieldsWithCommasQuotesAndNewlines() throws {
    let table = try parse("k,v\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\nlast,x\n")
    XCTAssertEqual(table.rows, [["a,b", "say \"hi\""], ["two\nlines", ""], ["last", "x"]])
    // The third row starts on line 5 because the quoted field spans lines 3 and 4.
    XCTAssertEqual(table.lineNumbers, [2, 3, 5])
  }

  func testQuotedCRLFIsKeptAndCountedOnce() throws {
    let table = try parse("k,v\r\n\"x\r\ny\",1\r\nz,2\r\n")
    XCTAssertEqual(table.rows, [["x\r\ny", "1"], ["z", "2"]])
    XCTAssertEqual(table.lineNumbers, [2, 4])
  }

  func testBlankLinesAreSkippedButCounted() throws {
    let table = try parse("a,b\n\n1,2\r\n\r\n3,4\n\n")
    XCTAssertEqual(table.rows, [["1", "2"], ["3", "4"]])
    XCTAssertEqual(table.lineNumbers, [3, 5])
  }

  func testEmptyFieldsAndTrailingComma() throws {
    let table = try parse("a,b,c\n,,\n1,,\n,,3")
    XCTAssertEqual(table.rows, [["", "", ""], ["1", "", ""], ["", "", "3"]])
  }

  func testQuoteInsideUnquotedFieldIsText() throws {
    XCTAssertEqual(try parse("a,b\n5\" film,x\n").rows, [["5\" film", "x"]])
  }

  func testUnicodeFields() throws {
    XCTAssertEqual(try parse("a,b\nété,漢字\n").rows, [["été", "漢字"]])
  }

  func testHeaderOnlyHasNoRows() throws {
    let table = try parse("Study,Edema\n")
    XCTAssertEqual(table.header, ["Study", "Edema"])
    XCTAssertTrue(table.rows.isEmpty)
  }

  // MARK: - Bad input

  func testEmptyFiles() {
    for text in ["", "\n\n", "\u{FEFF}", "\r\n"] {
      assertThrows(.emptyFile(path: "t.csv"), mentions: ["t.csv", "empty"]) {
        () throws(DataError) in try CSVTable.parse(Array(text.utf8), path: "t.csv")
      }
    }
  }

  func testBinaryFileNamesLine() {
    let bytes = Array("a,b\n1,2\n".utf8) + [0x89, 0x00, 0x01]
    assertThrows(.binaryFile(path: "x.csv", line: 3), mentions: ["x.csv", "line 3", "binary"]) {
      () throws(DataError) in try CSVTable.parse(bytes, path: "x.csv")
    }
  }

  func testInvalidUTF8NamesLine() {
    let bytes = Array("a,b\n1,2\n3,".utf8) + [0xE9] + Array("t\n".utf8)
    assertThrows(.invalidUTF8(path: "x.csv", line: 3), mentions: ["x.csv", "line 3", "UTF-8"]) {
      () throws(DataError) in try CSVTable.parse(bytes, path: "x.csv")
    }
  }

  func testUTF16IsRefusedByName() {
    // "a\n" in UTF-16 little endian, with its byte-order mark.
    let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00]
    assertThrows(.utf16(path: "x.csv"), mentions: ["x.csv", "UTF-16"]) {
      () throws(DataError) in try CSVTable.parse(bytes, path: "x.csv")
    }
  }

  func testUnterminatedQuoteNamesOpeningLine() {
    assertThrows(.unterminatedQuote(path: "t.csv", line: 3), mentions: ["t.csv", "line 3"]) {
      () throws(DataError) in try self.parse("a,b\n1,2\n3,\"open\n4,5\n")
    }
  }

  func testTextAfterClosingQuote() {
    assertThrows(
      .textAfterQuote(path: "t.csv", line: 2, field: 2), mentions: ["t.csv", "line 2", "field 2"]
    ) { () throws(DataError) in try self.parse("a,b\n1,\"x\"y\n") }
  }

  func testWrongFieldCountNamesLine() {
    assertThrows(
      .wrongFieldCount(path: "t.csv", line: 4, expected: 2, found: 3),
      mentions: ["t.csv", "line 4", "expected 2", "found 3"]
    ) { () throws(DataError) in try self.parse("a,b\n1,2\n3,4\n5,6,7\n") }
    // After a quoted field spanning two lines, the count is by physical line.
    assertThrows(
      .wrongFieldCount(path: "t.csv", line: 4, expected: 2, found: 1), mentions: ["line 4"]
    ) { () throws(DataError) in try self.parse("a,b\n\"x\ny\",2\n3\n") }
  }

  func testReadMissingFileAndFolder() throws {
    let folder = TemporaryFolder()
    let missing = folder.path + "/nope.csv"
    assertThrows(.fileNotFound(path: missing), mentions: [missing, "no such file"]) {
      () throws(DataError) in try CSVTable.read(path: missing)
    }
    assertThrows(.isDirectory(path: folder.path), mentions: [folder.path, "folder"]) {
      () throws(DataError) in try CSVTable.read(path: folder.path)
    }
  }

  func testReadFromDisk() throws {
    let folder = TemporaryFolder()
    let path = try folder.write("a.csv", "\u{FEFF}x,y\r\n1,\"2,3\"")
    let table = try CSVTable.read(path: path)
    XCTAssertEqual(table.path, path)
    XCTAssertEqual(table.header, ["x", "y"])
    XCTAssertEqual(table.rows, [["1", "2,3"]])
  }

  // MARK: - Python's csv module as the oracle

  func testAgreesWithPythonCSVOnRandomFiles() throws {
    let fixture = try fixtures.jsonObject("csv-quirks.json")
    let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
    XCTAssertEqual(cases.count, 300)
    for testCase in cases {
      let name = try XCTUnwrap(testCase["name"] as? String)
      let text = try XCTUnwrap(testCase["text"] as? String)
      let table = try CSVTable.parse(Array(text.utf8), path: name)
      XCTAssertEqual(table.header, testCase["header"] as? [String], name)
      XCTAssertEqual(table.rows, testCase["rows"] as? [[String]], name)
      XCTAssertEqual(table.lineNumbers, testCase["lines"] as? [Int], name)
    }
  }

  // MARK: - Writer

  func testWriterQuotesOnlyWhenNeeded() {
    XCTAssertEqual(CSVWriter.field("plain"), "plain")
    XCTAssertEqual(CSVWriter.field(""), "")
    XCTAssertEqual(CSVWriter.field("a,b"), "\"a,b\"")
    XCTAssertEqual(CSVWriter.field("say \"hi\""), "\"say \"\"hi\"\"\"")
    XCTAssertEqual(CSVWriter.field("two\nlines"), "\"two\nlines\"")
    XCTAssertEqual(CSVWriter.field("cr\r"), "\"cr\r\"")
    XCTAssertEqual(CSVWriter.field(" padded"), "\" padded\"")
    XCTAssertEqual(CSVWriter.row(["a", "b,c", ""]), "a,\"b,c\",")
  }

  func testWriterTable() throws {
    let text = CSVWriter.table(header: ["Study", "Note"], rows: [["s1", "a,b"], ["s2", ""]])
    XCTAssertEqual(text, "Study,Note\ns1,\"a,b\"\ns2,\n")
    XCTAssertEqual(try parse(text).rows, [["s1", "a,b"], ["s2", ""]])
  }

  func testWriterRoundTrips() throws {
    let fields = ["x", "a,b", "\"q\"", "l1\r\nl2", " s ", "", "é"]
    let text = CSVWriter.row(fields.indices.map { "c\($0)" }) + "\n" + CSVWriter.row(fields) + "\n"
    let table = try parse(text)
    XCTAssertEqual(table.rows, [fields])
  }

  func testWriterQuotesTheFieldsThatWouldNotReadBack() {
    // A quote followed by a combining mark is one Character but two scalars; each quote is doubled.
    XCTAssertEqual(CSVWriter.field("(\"\u{07A7}"), "\"(\"\"\u{07A7}\"")
    XCTAssertEqual(CSVWriter.field("\u{FEFF}Study"), "\"\u{FEFF}Study\"")
    XCTAssertEqual(CSVWriter.row([""]), "\"\"")
    XCTAssertEqual(CSVWriter.row(["", ""]), ",")
  }

  /// Inputs found by `Fuzz/run.sh csv`: what the reader makes of them, `CSVWriter` writes back
  /// as text that reads back the same.
  func testWriterRoundTripsFuzzFindings() throws {
    let expected: [String: [String]] = [
      "csv-one-empty-header-field.csv": [""],
      "csv-quote-before-combining-mark.csv": ["", "`\"", "(\"\u{07A7}\"", "(\"", "(\"\"`\"", "(\"\""],
    ]
    for (name, header) in expected {
      let bytes = [UInt8](try fixtures.data("fuzz/" + name))
      let table = try CSVTable.parse(bytes, path: name)
      XCTAssertEqual(table.header, header, name)
      XCTAssertEqual(table.rows, [], name)
      let written = CSVWriter.table(header: table.header, rows: table.rows)
      let again = try CSVTable.parse(Array(written.utf8), path: "written.csv")
      XCTAssertEqual(again.header, table.header, name)
      XCTAssertEqual(again.rows, table.rows, name)
    }
  }
}
