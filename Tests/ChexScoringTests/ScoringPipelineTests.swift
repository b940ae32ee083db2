import ChexInference
import ChexScoring
import ChexTestSupport
import XCTest

/// The pipeline on the demo model (`data/models/tiny-a.onnx`) with synthetic inputs: results
/// independent of batch size and threads, failures in place, errors in order.
final class ScoringPipelineTests: XCTestCase {
  static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data/models/tiny-a.onnx").path
  let shape = [3, 320, 320]

  func list(_ count: Int) -> ImageList {
    ImageList(
      path: "list.csv", root: "r", sha256: "",
      entries: (0..<count).map { ImageList.Entry(path: "img\($0).png", file: "r/img\($0).png", line: $0 + 2) }
    )
  }

  /// Fills an image with values that depend only on its line (a seeded stream).
  static let fill: ScoringPipeline.Prepare = { entry, slot throws(ScoringError) in
    var generator = SeededGenerator(seed: UInt64(entry.line))
    for index in slot.indices { slot[index] = Float(generator.uniform() * 4 - 2) }
  }

  func score(
    batch: Int, threads: Int, count: Int = 11, range: Range<Int>? = nil, skip: Bool = false,
    prepare: @escaping ScoringPipeline.Prepare = fill
  ) throws -> [ScoringPipeline.Batch] {
    let model = try ScoringModel.load(
      path: Self.model, inputShape: shape, threads: threads, kernels: .automatic, labelNames: nil)
    let pipeline = ScoringPipeline(
      models: [model, model], inputShape: shape, batch: batch, threads: threads, skipUnreadable: skip)
    var batches: [ScoringPipeline.Batch] = []
    try pipeline.run(list: list(count), range: range ?? 0..<count, prepare: prepare) { batches.append($0) }
    return batches
  }

  func testResultsDoNotDependOnBatchOrThreads() throws {
    let reference = try score(batch: 1, threads: 1).flatMap(\.outcomes)
    XCTAssertEqual(reference.count, 11)
    for (batch, threads) in [(3, 2), (16, 2), (4, 1)] {
      let batches = try score(batch: batch, threads: threads)
      XCTAssertEqual(batches.map(\.start), Array(stride(from: 0, to: 11, by: batch)))
      XCTAssertEqual(batches.flatMap(\.outcomes), reference, "batch \(batch), threads \(threads)")
    }
    // The same image scored alone (batch 1 on engine of its own) gives the same numbers as in a batch.
    guard case .scored(let values) = reference[5] else { return XCTFail() }
    XCTAssertEqual(values.count, 2)
    XCTAssertEqual(values[0].count, 14)
    XCTAssertEqual(values[0], values[1])
    XCTAssertEqual(try score(batch: 2, threads: 1, range: 5..<6).flatMap(\.outcomes), [reference[5]])
  }

  func testUnreadableImagesAreSkippedInPlaceOrStopTheJob() throws {
    let reference = try score(batch: 4, threads: 2).flatMap(\.outcomes)
    let failing: ScoringPipeline.Prepare = { entry, slot throws(ScoringError) in
      if entry.line == 4 || entry.line == 9 { throw .image(path: entry.file, reason: "bad \(entry.path)") }
      try Self.fill(entry, slot)
    }
    let skipped = try score(batch: 4, threads: 2, skip: true, prepare: failing).flatMap(\.outcomes)
    for (index, outcome) in skipped.enumerated() {
      if index == 2 || index == 7 {
        XCTAssertEqual(outcome, .failed("bad img\(index).png"))
      } else {
        XCTAssertEqual(outcome, reference[index], "image \(index)")
      }
    }
    var delivered: [Int] = []
    let model = try ScoringModel.load(
      path: Self.model, inputShape: shape, threads: 2, kernels: .automatic, labelNames: nil)
    let pipeline = ScoringPipeline(
      models: [model], inputShape: shape, batch: 4, threads: 2, skipUnreadable: false)
    XCTAssertThrowsError(
      try pipeline.run(list: list(11), range: 0..<11, prepare: failing) { delivered.append($0.start) }
    ) { error in
      XCTAssertEqual("\(error)", "bad img2.png")
    }
    XCTAssertEqual(delivered, [], "the first batch holds the failing image: nothing is delivered")
    delivered = []
    XCTAssertThrowsError(
      try pipeline.run(list: list(11), range: 4..<11, prepare: failing) { delivered.append($0.start) }
    ) { error in
      XCTAssertEqual("\(error)", "bad img7.png")
    }
    XCTAssertEqual(delivered, [], "image 7 is in the first batch of 4..<11")
  }

  /// An error of the consumer stops the preparing thread, and `run` returns.
  func testAConsumerErrorStopsThePipeline() throws {
    struct Stop: Error {}
    let model = try ScoringModel.load(
      path: Self.model, inputShape: shape, threads: 1, kernels: .automatic, labelNames: nil)
    let pipeline = ScoringPipeline(
      models: [model], inputShape: shape, batch: 1, threads: 1, skipUnreadable: false)
    var count = 0
    XCTAssertThrowsError(
      try pipeline.run(list: list(50), range: 0..<50, prepare: Self.fill) { _ in
        count += 1
        if count == 3 { throw Stop() }
      })
    XCTAssertEqual(count, 3)
  }
}
