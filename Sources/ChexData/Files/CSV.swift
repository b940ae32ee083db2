import Foundation

/// A CSV file read into memory: its header, its rows of text fields, and where each row
/// started, so that later checks can name the line at fault.
///
/// The reader follows [RFC 4180](https://www.rfc-editor.org/rfc/rfc4180) and accepts the quirks
/// real files have:
/// - a UTF-8 byte-order mark at the start;
/// - LF, CRLF or lone CR line ends, and a last line with or without one;
/// - quoted fields holding commas, doubled quotes (`""` = `"`) and line breaks;
/// - blank lines (skipped);
/// - a quote inside an unquoted field (kept as text, as most readers do).
///
/// It refuses, naming the file and the line: a file with NUL bytes (binary), bytes that are not
/// UTF-8, an unterminated quoted field, text after a closing quote, and a row whose number of
/// fields differs from the header's. Fields are not trimmed; the callers decide.
///
/// - Complexity: O(n) in the file's size, one pass over the bytes; the only allocations are the
///   returned strings and arrays (unquoted fields are decoded straight from the file's bytes).
public struct CSVTable: Sendable, Equatable {
  /// The path as given, for messages.
  public let path: String
  /// The header row.
  public let header: [String]
  /// The data rows; each has `header.count` fields.
  public let rows: [[String]]
  /// The 1-based physical line where each row starts (parallel to `rows`).
  public let lineNumbers: [Int]

  public init(path: String, header: [String], rows: [[String]], lineNumbers: [Int]) {
    precondition(
      rows.count == lineNumbers.count, "CSVTable.init: rows and lineNumbers differ in length")
    precondition(
      rows.allSatisfy { $0.count == header.count }, "CSVTable.init: every row needs one field per column")
    self.path = path
    self.header = header
    self.rows = rows
    self.lineNumbers = lineNumbers
  }

  /// Reads and parses the file at `path`.
  ///
  /// - Throws: `DataError.fileNotFound`, `.isDirectory`, `.unreadable`, or any error of
  ///   `parse(_:path:)`.
  public static func read(path: String) throws(DataError) -> CSVTable {
    let data = try FileBytes.read(path: path)
    // `Data.withUnsafeBytes` only rethrows untyped errors, so carry the result out.
    let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<CSVTable, DataError> in
      do throws(DataError) {
        return .success(try parse(raw.bindMemory(to: UInt8.self), path: path))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// Parses CSV bytes; `path` only names the source in error messages.
  ///
  /// - Throws: `DataError.emptyFile`, `.binaryFile`, `.invalidUTF8`, `.utf16`, `.unterminatedQuote`,
  ///   `.textAfterQuote`, `.wrongFieldCount`.
  public static func parse(_ bytes: [UInt8], path: String) throws(DataError) -> CSVTable {
    try bytes.withUnsafeBufferPointer { (buffer) throws(DataError) -> CSVTable in
      try parse(buffer, path: path)
    }
  }

  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DataError)
    -> CSVTable
  {
    if bytes.count >= 2,
      (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)
    {
      throw .utf16(path: path)
    }
    var start = 0
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    let body = UnsafeBufferPointer(rebasing: bytes[start...])
    try checkText(body, path: path)
    var parser = CSVParser(bytes: body, path: path)
    return try parser.parseAll()
  }

  /// Refuses NUL bytes and invalid UTF-8, naming the first bad line.
  ///
  /// - Complexity: O(n); one branch-free pass, plus a UTF-8 validation only when a byte is
  ///   not ASCII.
  private static func checkText(_ bytes: UnsafeBufferPointer<UInt8>, path: String)
    throws(DataError)
  {
    var smallest: UInt8 = 0xFF
    var union: UInt8 = 0
    for byte in bytes {
      smallest = min(smallest, byte)
      union |= byte
    }
    if smallest == 0, let offset = bytes.firstIndex(of: 0) {
      throw .binaryFile(path: path, line: lineNumber(of: offset, in: bytes))
    }
    guard union & 0x80 != 0 else { return }
    if String(validating: bytes, as: UTF8.self) != nil { return }
    // Find the first line that does not decode.
    var lineStart = 0
    var line = 1
    for index in 0...bytes.count {
      let atEnd = index == bytes.count
      if atEnd || bytes[index] == UInt8(ascii: "\n") {
        let slice = UnsafeBufferPointer(rebasing: bytes[lineStart..<index])
        if String(validating: slice, as: UTF8.self) == nil {
          throw .invalidUTF8(path: path, line: line)
        }
        lineStart = index + 1
        line += 1
      }
    }
    throw .invalidUTF8(path: path, line: line - 1)
  }

  /// The 1-based line that holds byte `offset` (LF, CRLF and lone CR each end a line).
  static func lineNumber(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var line = 1
    var index = 0
    while index < offset {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\n") {
        line += 1
      } else if byte == UInt8(ascii: "\r") {
        if !(index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")) { line += 1 }
      }
      index += 1
    }
    return line
  }
}

/// The state of one pass over a CSV file's bytes.
private struct CSVParser {
  let bytes: UnsafeBufferPointer<UInt8>
  let path: String
  var index = 0
  var line = 1
  /// Reused buffer for quoted fields (the only ones that need unescaping).
  var scratch: [UInt8] = []

  private static let comma = UInt8(ascii: ",")
  private static let quote = UInt8(ascii: "\"")
  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
    self.bytes = bytes
    self.path = path
  }

  mutating func parseAll() throws(DataError) -> CSVTable {
    var header: [String]?
    // Line ends bound the number of rows; reserving avoids regrowing two large arrays.
    var lineEnds = 0
    for byte in bytes where byte == Self.newline { lineEnds += 1 }
    var rows: [[String]] = []
    var lineNumbers: [Int] = []
    rows.reserveCapacity(lineEnds + 1)
    lineNumbers.reserveCapacity(lineEnds + 1)
    var record: [String] = []
    while index < bytes.count {
      if skipLineEnd() { continue }  // a blank line
      let recordLine = line
      record.removeAll(keepingCapacity: true)
      try readRecord(into: &record)
      if let header {
        guard record.count == header.count else {
          throw .wrongFieldCount(
            path: path, line: recordLine, expected: header.count, found: record.count)
        }
        rows.append(record)
        lineNumbers.append(recordLine)
      } else {
        header = record
      }
    }
    guard let header else { throw .emptyFile(path: path) }
    return CSVTable(path: path, header: header, rows: rows, lineNumbers: lineNumbers)
  }

  /// Consumes one line end at `index` if there is one.
  private mutating func skipLineEnd() -> Bool {
    let byte = bytes[index]
    if byte == Self.newline {
      index += 1
      line += 1
      return true
    }
    if byte == Self.carriageReturn {
      index += 1
      if index < bytes.count && bytes[index] == Self.newline { index += 1 }
      line += 1
      return true
    }
    return false
  }

  /// Reads the fields of one record and its line end (if any).
  private mutating func readRecord(into record: inout [String]) throws(DataError) {
    while true {
      if index < bytes.count && bytes[index] == Self.quote {
        record.append(try readQuoted(field: record.count + 1))
      } else {
        let start = index
        while index < bytes.count {
          let byte = bytes[index]
          if byte == Self.comma || byte == Self.newline || byte == Self.carriageReturn { break }
          index += 1
        }
        record.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
      }
      if index >= bytes.count { return }
      if bytes[index] == Self.comma {
        index += 1
        continue
      }
      _ = skipLineEnd()
      return
    }
  }

  /// Reads a quoted field starting at the opening quote; leaves `index` after the closing one.
  private mutating func readQuoted(field: Int) throws(DataError) -> String {
    let openingLine = line
    index += 1
    scratch.removeAll(keepingCapacity: true)
    var segment = index
    while true {
      guard index < bytes.count else {
        throw .unterminatedQuote(path: path, line: openingLine)
      }
      let byte = bytes[index]
      if byte == Self.quote {
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<index]))
        if index + 1 < bytes.count && bytes[index + 1] == Self.quote {
          scratch.append(Self.quote)
          index += 2
          segment = index
          continue
        }
        index += 1
        break
      }
      if byte == Self.newline {
        line += 1
      } else if byte == Self.carriageReturn {
        if !(index + 1 < bytes.count && bytes[index + 1] == Self.newline) { line += 1 }
      }
      index += 1
    }
    if index < bytes.count {
      let next = bytes[index]
      if next != Self.comma && next != Self.newline && next != Self.carriageReturn {
        throw .textAfterQuote(path: path, line: line, field: field)
      }
    }
    return String(decoding: scratch, as: UTF8.self)
  }
}

/// Helpers to write CSV that `CSVTable` (and any RFC 4180 reader) reads back unchanged.
public enum CSVWriter {
  /// `s` as one CSV field: quoted, with inner quotes doubled, when it holds a comma, a quote,
  /// a line break, or leading or trailing spaces, or starts with a byte-order mark (which a
  /// reader drops at the start of a file); otherwise unchanged. Quotes are doubled scalar by
  /// scalar: a quote followed by a combining mark is one `Character`, which a `String`
  /// replacement would not see.
  ///
  /// - Complexity: O(n) in the length of `s`.
  public static func field(_ s: String) -> String {
    var needsQuotes = false
    for byte in s.utf8 {
      if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r")
      {
        needsQuotes = true
        break
      }
    }
    if let first = s.utf8.first, let last = s.utf8.last,
      first == UInt8(ascii: " ") || last == UInt8(ascii: " ")
    {
      needsQuotes = true
    }
    if s.unicodeScalars.first == "\u{FEFF}" { needsQuotes = true }
    guard needsQuotes else { return s }
    var quoted = String.UnicodeScalarView()
    quoted.append("\"")
    for scalar in s.unicodeScalars {
      if scalar == "\"" { quoted.append("\"") }
      quoted.append(scalar)
    }
    quoted.append("\"")
    return String(quoted)
  }

  /// One CSV line (without its line end) made of `fields`. A row of one empty field is written
  /// `""`: written bare it would be a blank line, which readers skip.
  public static func row(_ fields: [String]) -> String {
    if fields == [""] { return "\"\"" }
    return fields.map(field).joined(separator: ",")
  }

  /// A whole CSV document: the header and the rows, each line ended by `\n`.
  ///
  /// - Complexity: O(total length of the fields).
  public static func table(header: [String], rows: [[String]]) -> String {
    precondition(
      rows.allSatisfy { $0.count == header.count },
      "CSVWriter.table: every row needs one field per column")
    var text = row(header) + "\n"
    for fields in rows { text += row(fields) + "\n" }
    return text
  }
}
