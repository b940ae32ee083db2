import ChexData

/// Fuzzes the CSV reader: any bytes either parse or throw a `DataError`; never a trap.
///
/// A parsed table is also checked against what `CSVTable` documents: every row has one field
/// per column, one line number per row, line numbers rising; and `CSVWriter` writes it back as
/// text that parses to the same header and rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  guard let table = try? CSVTable.parse(bytes, path: "fuzz.csv") else { return 0 }
  precondition(table.rows.allSatisfy { $0.count == table.header.count }, "a row's field count")
  precondition(table.lineNumbers.count == table.rows.count, "one line number per row")
  precondition(zip(table.lineNumbers, table.lineNumbers.dropFirst()).allSatisfy { $0 < $1 })
  let written = CSVWriter.table(header: table.header, rows: table.rows)
  do {
    let again = try CSVTable.parse(Array(written.utf8), path: "written.csv")
    precondition(again.header == table.header && again.rows == table.rows, "CSVWriter round trip")
  } catch {
    preconditionFailure("CSVWriter wrote \(written.debugDescription), which does not parse: \(error)")
  }
  return 0
}
