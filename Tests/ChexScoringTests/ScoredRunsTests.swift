import ChexData
import ChexImaging
import ChexScoring
import XCTest

/// Which runs a job writes and what their run.json says (values checked against the job's own
/// inputs; the tables' numbers are RunTablesTests' and the end-to-end tests').
final class ScoredRunsTests: XCTestCase {
  func models() throws -> [ScoringModel] {
    let path = ScoringPipelineTests.model
    let model = try ScoringModel.load(
      path: path, inputShape: [3, 320, 320], threads: 1, kernels: .automatic, labelNames: nil)
    let other = ScoringModel(
      path: "other/tiny-z.onnx", stem: "tiny-z", sha256: "zz", parameters: 7, session: model.session,
      labelNames: model.labelNames)
    return [model, other]
  }

  func job(_ models: [ScoringModel], ensemble: Ensemble? = nil, shard: Shard = .whole) -> ScoreJob {
    ScoreJob(
      models: models.map { .init(stem: $0.stem, sha256: $0.sha256, labelNames: $0.labelNames) },
      listSHA256: "ll",
      listRows: 3, shard: shard, preprocessing: .chexpert, outputs: .probabilities, ensemble: ensemble)
  }

  let list = ImageList(
    path: "l.csv", root: "r", sha256: "ll",
    entries: ["a", "b", "c"].enumerated().map {
      ImageList.Entry(path: $0.element, file: "r/" + $0.element, line: $0.offset + 2)
    })
  let execution = ScoredRuns.Execution(
    chexstatsVersion: "v", host: "h", threads: 2, batch: 4, wallSeconds: 1.5, imagesPerSecond: 2)

  func outcomes(_ models: Int) -> [ScoringPipeline.Outcome] {
    let values = [Float](repeating: 0.5, count: 14)
    return [
      .scored(Array(repeating: values, count: models)), .failed("unreadable"),
      .scored(Array(repeating: values, count: models)),
    ]
  }

  func record(_ run: ScoredRuns.Run) throws -> ScoreRecord {
    let file = try XCTUnwrap(run.files.last)
    XCTAssertEqual(file.name, "run.json")
    return try ScoreRecord.decode(Data(file.text.utf8), path: "run.json")
  }

  func testSeveralModelsMakeOneRunFolderEach() throws {
    let models = try models()
    let runs = ScoredRuns.render(
      job: job(models), models: models, list: list, outcomes: outcomes(2),
      metadata: RunMetadata(architecture: "Tiny", pretrained: true), execution: execution)
    XCTAssertEqual(runs.map(\.subfolder), ["tiny-a", "tiny-z"])
    XCTAssertEqual(runs[0].files.map(\.name), ["predictions.csv", "failures.csv", "run.json"])
    let second = try record(runs[1])
    XCTAssertEqual(second.name, "tiny-z")
    XCTAssertEqual(second.architecture, "Tiny")
    XCTAssertEqual(second.pretrained, true)
    XCTAssertEqual(second.parameters, 7)
    XCTAssertEqual(second.modelSHA256, "zz")
    XCTAssertEqual(second.images, 2)
    XCTAssertEqual(second.failures, 1)
    XCTAssertEqual(second.outputs, .probabilities)
    XCTAssertEqual(second.inputShape, [3, 320, 320])
    XCTAssertNil(second.shard)
    XCTAssertNil(second.ensemble)
  }

  func testAnEnsembleIsOneRunOfItsMembers() throws {
    let models = try models()
    let runs = ScoredRuns.render(
      job: job(models, ensemble: .mean, shard: try Shard(index: 1, count: 2)), models: models, list: list,
      outcomes: Array(outcomes(2).suffix(2)), metadata: RunMetadata(), execution: execution)
    XCTAssertEqual(runs.map(\.subfolder), [nil])
    let record = try record(runs[0])
    XCTAssertEqual(record.ensemble, .mean)
    XCTAssertEqual(record.models.map(\.sha256), models.map(\.sha256))
    XCTAssertNil(record.parameters, "members of different sizes: no one parameter count")
    XCTAssertEqual(record.shard, .init(shard: try Shard(index: 1, count: 2), rows: 1..<3))
    XCTAssertNil(record.name, "a single run is named by its folder")
  }
}
