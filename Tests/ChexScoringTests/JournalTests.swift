import ChexImaging
import ChexScoring
import XCTest

final class JournalTests: XCTestCase {
  func job(shard: Shard = .whole, rows: Int = 5) -> ScoreJob {
    ScoreJob(
      models: [
        .init(stem: "a", sha256: "aa", labelNames: ["x", "y"]),
        .init(stem: "b", sha256: "bb", labelNames: ["x", "y"]),
      ],
      listSHA256: "ll", listRows: rows, shard: shard, preprocessing: .chexpert, outputs: .logits,
      ensemble: nil)
  }

  /// Every float comes back bit for bit, including ones whose shortest form is long.
  func testRecordsRoundTripBitForBit() throws {
    let awkward: [Float] = [
      .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 0.1, -0.0, 1e-30, 3.4028235e38, 1.0000001, .pi,
    ]
    var outcomes: [ScoringPipeline.Outcome] = []
    for index in 0..<4 {
      outcomes.append(.scored([[awkward[2 * index], awkward[2 * index + 1]], [Float(index), -1]]))
    }
    outcomes.append(.failed("cannot decode\t'x':\nbad"))
    var bytes = Journal.header(job())
    bytes += Journal.records(.init(start: 0, outcomes: Array(outcomes[0..<2])))
    bytes += Journal.records(.init(start: 2, outcomes: Array(outcomes[2...])))
    let read = try Journal.parse(bytes, path: "j")
    XCTAssertEqual(read.job, job())
    XCTAssertEqual(read.validLength, bytes.count)
    XCTAssertEqual(read.outcomes.count, 5)
    for (got, want) in zip(read.outcomes.prefix(4), outcomes.prefix(4)) {
      guard case .scored(let g) = got, case .scored(let w) = want else { return XCTFail("\(got)") }
      XCTAssertEqual(g.flatMap { $0 }.map(\.bitPattern), w.flatMap { $0 }.map(\.bitPattern))
    }
    XCTAssertEqual(read.outcomes[4], .failed("cannot decode 'x': bad"))
  }

  /// A kill in the middle of an append leaves a line without its newline: it is not a record,
  /// and the valid length stops before it, wherever the cut falls.
  func testATornLastRecordIsIgnoredWhereverTheCutFalls() throws {
    let header = Journal.header(job())
    let first = Journal.records(.init(start: 0, outcomes: [.scored([[1, 2], [3, 4]])]))
    let second = Journal.records(
      .init(start: 1, outcomes: [.scored([[-1.5, 2.25], [3e-7, 4]]), .failed("no")]))
    let whole = header + first + second
    for cut in (header.count + first.count)..<whole.count {
      let read = try Journal.parse(Array(whole[..<cut]), path: "j")
      let complete = whole[..<cut].filter { $0 == UInt8(ascii: "\n") }.count - 1
      XCTAssertEqual(read.outcomes.count, complete, "cut at \(cut)")
      XCTAssertLessThanOrEqual(read.validLength, cut)
      XCTAssertEqual(whole[read.validLength - 1], UInt8(ascii: "\n"))
    }
  }

  func testRecordsOutOfOrderOrMalformedAreRefusedNamingTheLine() throws {
    let header = Journal.header(job())
    let cases: [(String, String)] = [
      ("1\tok\t1,2\t3,4\n", "line 2: expected the record of row 0"),
      ("0\tok\t1,2\n", "line 2: expected 2 model fields, found 1"),
      ("0\tok\t1,2\t3\n", "line 2: expected 2 numbers for model 'b'"),
      ("0\tok\t1,x\t3,4\n", "line 2: expected 2 numbers for model 'a'"),
      ("0\tmaybe\t1\n", "line 2: expected 'ok' or 'failed'"),
      (
        "0\tok\t1,2\t3,4\n1\tok\t1,2\t3,4\n2\tok\t1,2\t3,4\n3\tok\t1,2\t3,4\n4\tok\t1,2\t3,4\n5\tok\t1,2\t3,4\n",
        "line 7: row 5 is beyond the shard's rows"
      ),
    ]
    for (body, words) in cases {
      XCTAssertThrowsError(try Journal.parse(header + Array(body.utf8), path: "DIR/score.journal")) { error in
        XCTAssertTrue("\(error)".contains("'DIR/score.journal', \(words)"), "\(error)")
      }
    }
    XCTAssertThrowsError(try Journal.parse(Array("Path,a\n".utf8), path: "j")) { error in
      XCTAssertTrue("\(error)".contains("not a chexstats score journal"), "\(error)")
    }
  }

  /// A shard's journal starts at the shard's first row.
  func testAShardsRecordsStartAtItsFirstRow() throws {
    let shard = try Shard(index: 1, count: 2)
    let bytes =
      Journal.header(job(shard: shard, rows: 5)) + Journal.records(.init(start: 2, outcomes: [.failed("x")]))
    XCTAssertEqual(try Journal.parse(bytes, path: "j").outcomes, [.failed("x")])
  }

  func testJobsNameTheirFirstDifference() throws {
    XCTAssertNil(job().difference(from: job()))
    XCTAssertTrue(job().difference(from: job(rows: 6))?.contains("image lists differ") ?? false)
    let xrv = ScoreJob(
      models: job().models, listSHA256: "ll", listRows: 5, shard: .whole, preprocessing: .xrv,
      outputs: .logits,
      ensemble: nil)
    XCTAssertTrue(job().difference(from: xrv)?.contains("preprocessing differs") ?? false)
    XCTAssertTrue(
      job().difference(from: job(shard: try Shard(index: 0, count: 2)))?.contains("shards differ") ?? false)
  }
}
