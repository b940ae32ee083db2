/// The journal of a scoring job: what `score` appends, batch by batch, to `score.journal` in its
/// output folder, so that a job killed at any moment loses at most the batch in flight.
///
/// Format (UTF-8 text, one record per line, `\n` ends every complete line):
/// ```text
/// chexstats-score-journal 1 {"models":[...],"list_sha256":"...",...}     <- the ScoreJob, as JSON
/// 17	ok	-1.25,0.5,...	0.75,...                                        <- list row, one field per model
/// 18	failed	cannot be decoded: ...                                    <- with --skip-unreadable
/// ```
/// Values are written with Swift's shortest round-trip representation of `Float`, so they are
/// read back bit for bit. Rows are consecutive from the shard's first row. A kill can leave a
/// last line without its `\n`: that torn record is ignored, and cut off before the next append.
public enum Journal {
  /// The journal's file name inside an output folder.
  public static let fileName = "score.journal"
  static let magic = "chexstats-score-journal 1 "

  /// The first line: the job.
  public static func header(_ job: ScoreJob) -> [UInt8] {
    Array((magic + JSONLine.encode(job) + "\n").utf8)
  }

  /// The lines of one batch.
  public static func records(_ batch: ScoringPipeline.Batch) -> [UInt8] {
    var text = ""
    for (offset, outcome) in batch.outcomes.enumerated() {
      text += String(batch.start + offset)
      switch outcome {
      case .scored(let models):
        text += "\tok"
        for values in models {
          text += "\t"
          text += values.map { $0.description }.joined(separator: ",")
        }
      case .failed(let reason):
        text += "\tfailed\t"
        text += reason.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }.reduce(into: "") {
          $0.append($1)
        }
      }
      text += "\n"
    }
    return Array(text.utf8)
  }

  /// A journal read back.
  public struct Contents: Sendable {
    public let job: ScoreJob
    /// One outcome per row, from the shard's first row on.
    public let outcomes: [ScoringPipeline.Outcome]
    /// Bytes of complete lines: the length to cut the file to before appending.
    public let validLength: Int
  }

  /// Parses a journal; `path` names it in errors.
  ///
  /// - Throws: `ScoringError.journal` naming the line, for a first line that is not a journal
  ///   header, a record out of order, a wrong number of models or outputs, or a value that is not
  ///   a number.
  public static func parse(_ bytes: [UInt8], path: String) throws(ScoringError) -> Contents {
    guard let firstEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
      throw .journal(path: path, line: 1, reason: "not a chexstats score journal (no complete first line)")
    }
    let first = String(decoding: bytes[..<firstEnd], as: UTF8.self)
    guard first.hasPrefix(magic) else {
      throw .journal(path: path, line: 1, reason: "not a chexstats score journal (expected '\(magic)...')")
    }
    let job: ScoreJob
    do throws(JSONLine.Failure) {
      job = try JSONLine.decode(ScoreJob.self, from: String(first.dropFirst(magic.count)))
    } catch {
      throw .journal(path: path, line: 1, reason: "the job description cannot be read: \(error.reason)")
    }
    let rows = job.shard.range(rows: job.listRows)
    var outcomes: [ScoringPipeline.Outcome] = []
    var start = firstEnd + 1
    var line = 1
    while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
      line += 1
      let fields = bytes[start..<end].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
      let expectedRow = rows.lowerBound + outcomes.count
      guard fields.count >= 2, let row = Int(String(decoding: fields[0], as: UTF8.self)), row == expectedRow
      else {
        throw .journal(path: path, line: line, reason: "expected the record of row \(expectedRow)")
      }
      guard row < rows.upperBound else {
        throw .journal(path: path, line: line, reason: "row \(row) is beyond the shard's rows \(rows)")
      }
      switch String(decoding: fields[1], as: UTF8.self) {
      case "ok":
        guard fields.count == 2 + job.models.count else {
          throw .journal(
            path: path, line: line,
            reason: "expected \(job.models.count) model fields, found \(fields.count - 2)")
        }
        var values: [[Float]] = []
        for (model, field) in zip(job.models, fields.dropFirst(2)) {
          let numbers = field.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
            Float(String(decoding: $0, as: UTF8.self))
          }
          guard numbers.count == model.labelNames.count, numbers.allSatisfy({ $0 != nil }) else {
            throw .journal(
              path: path, line: line,
              reason: "expected \(model.labelNames.count) numbers for model '\(model.stem)'")
          }
          values.append(numbers.compactMap { $0 })
        }
        outcomes.append(.scored(values))
      case "failed":
        outcomes.append(.failed(fields.count > 2 ? String(decoding: fields[2], as: UTF8.self) : ""))
      default:
        throw .journal(path: path, line: line, reason: "expected 'ok' or 'failed' in the second field")
      }
      start = end + 1
    }
    return Contents(job: job, outcomes: outcomes, validLength: start)
  }
}
