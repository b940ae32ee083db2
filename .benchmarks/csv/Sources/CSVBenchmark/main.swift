// Times parsing of in-memory train.csv-like files (notebooks-export/make_benchmark_csv.py) with
// ChexData's CSVTable, SwiftCSV and yaslab's CSV.swift; prints one Markdown table of medians.
import ChexData
import Foundation
import SwiftCSV

let folder = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../../bench-out"
let sizes = [1000, 10000, 100000, 223414]
// `labels` as the second argument times only LabelFile.read (for profiling).
let onlyLabels = CommandLine.arguments.count > 2 && CommandLine.arguments[2] == "labels"

func median(_ body: () throws -> Int, repeats: Int) rethrows -> (seconds: Double, rows: Int) {
  var times: [Double] = []
  var rows = 0
  for _ in 0..<repeats {
    let start = ContinuousClock.now
    rows = try body()
    let elapsed = ContinuousClock.now - start
    times.append(
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
  }
  return (times.sorted()[times.count / 2], rows)
}

print(
  "| rows | MB | CSVTable (ms) | SwiftCSV 0.10.0 (ms) | CSV.swift 2.5.2 (ms) | vs SwiftCSV | vs CSV.swift |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for size in sizes where !onlyLabels {
  let path = "\(folder)/rows-\(size).csv"
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  let bytes = [UInt8](data)
  let text = String(decoding: data, as: UTF8.self)
  let repeats = size > 100_000 ? 3 : 5
  let ours = try median({ try CSVTable.parse(bytes, path: path).rows.count }, repeats: repeats)
  let swiftCSV = try median(
    { try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false).rows.count }, repeats: repeats)
  let codable = try median(
    {
      try yaslabRowCount(text)
    }, repeats: repeats)
  precondition(ours.rows == size && swiftCSV.rows == size && codable.rows == size, "row counts")
  let megabytes = Double(bytes.count) / 1e6
  print(
    "| \(size) | \(String(format: "%.1f", megabytes)) | \(String(format: "%.1f", ours.seconds * 1e3)) | "
      + "\(String(format: "%.1f", swiftCSV.seconds * 1e3)) | \(String(format: "%.1f", codable.seconds * 1e3)) | "
      + "\(String(format: "%.1fx", swiftCSV.seconds / ours.seconds)) | "
      + "\(String(format: "%.1fx", codable.seconds / ours.seconds)) |")
}

// End to end: reading the largest file as labels (parse, key normalisation, image -> study).
let largest = "\(folder)/rows-\(sizes[sizes.count - 1]).csv"
let labels = try median(
  { try LabelFile.read(path: largest, keyColumn: nil, aggregation: .studyMax).keys.count },
  repeats: 3)
print(
  "\nLabelFile.read of rows-\(sizes[sizes.count - 1]).csv (study-max, \(labels.rows) studies): "
    + String(format: "%.0f ms", labels.seconds * 1e3))
