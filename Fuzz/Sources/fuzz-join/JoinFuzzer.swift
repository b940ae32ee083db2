import ChexData
import FuzzSupport

/// Fuzzes what `compare` does before any statistics: a label file and a run read from files,
/// then joined. The input is the labels CSV, a line `====`, and the predictions CSV (without the
/// line, the same bytes are both). Each input is read under the three aggregations and joined
/// under two sets of policies; every outcome is a value or a `DataError`, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJoin(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let (labelBytes, predictionBytes) = splitInput(
    Array(UnsafeBufferPointer(start: start, count: count)), at: Array("\n====\n".utf8))
  let labelsPath = scratch.write(labelBytes, to: "labels.csv")
  scratch.write(predictionBytes, to: "run/predictions.csv")
  for aggregation in Aggregation.allCases {
    guard
      let labels = try? LabelFile.read(path: labelsPath, keyColumn: nil, aggregation: aggregation),
      let run = try? Run.load(path: scratch.path + "/run", keyColumn: nil, aggregation: aggregation)
    else { continue }
    for options in [
      EvaluationOptions(aggregation: aggregation),
      EvaluationOptions(
        aggregation: aggregation, tasks: .all, uncertain: .ones, blank: .ignore, intersect: true),
    ] {
      guard let set = try? EvaluationSet.join(labels: labels, runs: [run], options: options) else {
        continue
      }
      precondition(!set.keys.isEmpty, "a join without studies")
    }
  }
  return 0
}

private let scratch = ScratchFolder()
