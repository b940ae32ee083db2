import ChexScoring
import Foundation

/// Fuzzes what `score --resume` and `merge` read back: a score journal (`Journal.parse`) and a
/// scored run's `run.json` (`ScoreRecord.decode`). Any bytes parse or throw a `ScoringError`;
/// never a trap. A journal that parses is written again from what was read (header and records)
/// and must parse to the same job and outcomes, with every float bit for bit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJournal(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  _ = try? ScoreRecord.decode(Data(bytes), path: "run.json")
  guard let contents = try? Journal.parse(bytes, path: "score.journal") else { return 0 }
  precondition(contents.validLength <= bytes.count, "valid length beyond the bytes")
  let rows = contents.job.shard.range(rows: contents.job.listRows)
  let written =
    Journal.header(contents.job)
    + Journal.records(ScoringPipeline.Batch(start: rows.lowerBound, outcomes: contents.outcomes))
  guard let again = try? Journal.parse(written, path: "again") else {
    preconditionFailure("a journal written from a parsed one does not parse")
  }
  precondition(again.job == contents.job, "the job changed on the way round")
  precondition(again.outcomes.count == contents.outcomes.count, "records were lost on the way round")
  for (first, second) in zip(contents.outcomes, again.outcomes) {
    switch (first, second) {
    case (.scored(let a), .scored(let b)):
      precondition(
        a.flatMap { $0 }.map(\.bitPattern) == b.flatMap { $0 }.map(\.bitPattern), "a value changed")
    case (.failed, .failed): break
    default: preconditionFailure("an outcome changed kind")
    }
  }
  return 0
}
