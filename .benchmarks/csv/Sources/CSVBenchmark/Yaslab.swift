// yaslab's CSV.swift in its own file: its module name `CSV` is also a type in SwiftCSV.
import CSV

/// Reads every row with yaslab's CSVReader and returns how many there were.
func yaslabRowCount(_ text: String) throws -> Int {
  let reader = try CSVReader(string: text, hasHeaderRow: true)
  var count = 0
  while reader.next() != nil { count += 1 }
  return count
}
