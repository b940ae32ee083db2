import ChexTestSupport
import Foundation
import XCTest

@testable import ChexData

final class ExperimentRunTests: XCTestCase {
  static let table = ArchitectureTable(
    path: "architectures.csv",
    entries: [
      .init(
        architecture: "MobileNetV2", family: "MobileNet", parameters1000: 3_504_872,
        parameters14: 2_241_806, parameters5: 2_230_277, top1Torchvision: 71.878, top1Timm: 72.91,
        sourceTorchvision: "tv", sourceTimm: "timm"),
      .init(
        architecture: "Inception-v4", family: "Inception", parameters14: 41_164_334, top1Timm: 80.144,
        sourceTimm: "timm results"),
    ])

  static func run(_ metadata: RunMetadata, tasks: [String] = Observations.competition) -> Run {
    Run(
      name: metadata.name ?? "run", path: "runs/\(metadata.name ?? "run")",
      predictions: PredictionFile(
        path: "p.csv", keyColumn: "Study", keys: ["a"], tasks: tasks,
        scores: Dictionary(uniqueKeysWithValues: tasks.map { ($0, [0.5]) }), imageLevel: false),
      metadata: metadata)
  }

  func testTableFillsWhatRunJsonLacksAndSaysSo() throws {
    let resolved = try ExperimentRun.resolve(
      [Self.run(RunMetadata(name: "m", architecture: "mobilenet_v2", pretrained: true))],
      table: Self.table)
    let run = try XCTUnwrap(resolved.first)
    XCTAssertEqual(run.architecture, "MobileNetV2")
    XCTAssertEqual(run.family, Sourced("MobileNet", source: "architectures.csv (family)"))
    // Five prediction columns: the 5-output head's count.
    XCTAssertEqual(run.parameters, Sourced(2_230_277, source: "architectures.csv (params_5_outputs)"))
    XCTAssertEqual(run.imagenetTop1?.value, 71.878)
    XCTAssertEqual(run.imagenetTop1?.source, "architectures.csv (torchvision: tv)")
  }

  func testRunJsonWinsAndTimmIsTheFallback() throws {
    let resolved = try ExperimentRun.resolve(
      [
        Self.run(
          RunMetadata(
            name: "a", architecture: "MobileNetV2", pretrained: false, parameters: 123,
            imagenetTop1: 70)),
        Self.run(RunMetadata(name: "b", architecture: "Inception-v4", pretrained: true), tasks: ["Edema"]),
      ], table: Self.table)
    XCTAssertEqual(resolved[0].parameters, Sourced(123, source: "run.json"))
    XCTAssertEqual(resolved[0].imagenetTop1, Sourced(70, source: "run.json"))
    XCTAssertEqual(resolved[1].parameters?.value, 41_164_334)
    XCTAssertEqual(resolved[1].imagenetTop1?.value, 80.144)
  }

  func testTruncatedModelsNeedTheirOwnParameters() throws {
    let resolved = try ExperimentRun.resolve(
      [Self.run(RunMetadata(name: "t", pretrained: true, truncatedBlocks: 2, truncatedFrom: "MobileNetV2"))],
      table: Self.table)
    XCTAssertEqual(resolved[0].architecture, "MobileNetV2")
    XCTAssertNil(resolved[0].parameters)
  }

  func testUnknownArchitectureWithoutFamilyIsAnError() {
    XCTAssertThrowsError(
      try ExperimentRun.resolve(
        [Self.run(RunMetadata(name: "x", architecture: "NetX", pretrained: true))], table: Self.table)
    ) { error in
      XCTAssertEqual(
        (error as? DataError)?.description,
        "runs/x/run.json: run.json has no 'family', which groups architectures (and NetX is not in architectures.csv)."
      )
    }
  }

  func testNegativeTruncationIsRefused() {
    XCTAssertThrowsError(
      try ExperimentRun.resolve(
        [
          Self.run(RunMetadata(name: "x", architecture: "MobileNetV2", pretrained: true, truncatedBlocks: -1))
        ],
        table: Self.table))
  }

  /// Issue 12, defect 12: run.json numbers outside `MetadataLimits` are refused naming the run's
  /// run.json, the field, the value and the range (1e308 once gave Pearson r = 0, p = 1 silently).
  func testRunJsonNumbersAreRangeChecked() {
    let cases: [(RunMetadata, field: String, found: String, range: String)] = [
      (RunMetadata(imagenetTop1: 1e308), "imagenet_top1", "1e+308", "0.0...100.0"),
      (RunMetadata(imagenetTop1: -0.5), "imagenet_top1", "-0.5", "0.0...100.0"),
      (RunMetadata(imagenetTop1: .nan), "imagenet_top1", "nan", "0.0...100.0"),
      (RunMetadata(parameters: 0), "parameters", "0", "1000000000000"),
      (RunMetadata(parameters: 1 << 62), "parameters", "\(1 << 62)", "1000000000000"),
      (RunMetadata(truncatedBlocks: -1), "truncated_blocks", "-1", "1000"),
      (RunMetadata(truncatedBlocks: 5000), "truncated_blocks", "5000", "1000"),
    ]
    for (given, field, found, range) in cases {
      var metadata = given
      metadata.name = "x"
      metadata.architecture = "MobileNetV2"
      metadata.pretrained = true
      XCTAssertThrowsError(try ExperimentRun.resolve([Self.run(metadata)], table: Self.table)) { error in
        let message = "\(error)"
        XCTAssertTrue(message.hasPrefix("runs/x/run.json: '\(field)' is \(found); expected"), message)
        XCTAssertTrue(message.contains(range), message)
      }
    }
  }

  /// The architecture table's numbers are range-checked too, naming the file, line and column.
  func testTableNumbersAreRangeChecked() throws {
    let folder = TemporaryFolder()
    let header = "architecture,family,params_14_outputs,imagenet_top1_torchvision\n"
    let top1 = try folder.write("top1.csv", header + "Net1,X,1000,76.1\nNet2,X,1000,1e308\n")
    XCTAssertThrowsError(try ArchitectureTable.read(path: top1)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(top1), line 3, column 'imagenet_top1_torchvision': expected a percentage in 0.0...100.0, found '1e308'."
      )
    }
    let parameters = try folder.write("params.csv", header + "Net1,X,4611686018427387904,76.1\n")
    XCTAssertThrowsError(try ArchitectureTable.read(path: parameters)) { error in
      XCTAssertTrue("\(error)".contains("line 2, column 'params_14_outputs'"), "\(error)")
      XCTAssertTrue("\(error)".contains("1...1000000000000"), "\(error)")
    }
  }

  /// The shipped table reads and has the 16 CheXtransfer architectures.
  func testShippedTableReads() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("data/architectures.csv").path
    let table = try ArchitectureTable.read(path: path)
    XCTAssertEqual(table.entries.count, 16)
    XCTAssertEqual(table.entry(for: "resnet50")?.parameters14, 23_536_718)
    XCTAssertEqual(table.entry(for: "inception_v4")?.top1Torchvision, nil)
  }
}
