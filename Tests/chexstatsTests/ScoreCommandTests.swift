import ChexFiles
import ChexTestSupport
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// End-to-end `chexstats score`, `preprocess` and `merge` on the demo films (`data/films`) and
/// models (`data/models`), against onnxruntime and torchvision (Fixtures/score, made by
/// notebooks-export/make_demo_models.py; versions in its README).
final class ScoreCommandTests: XCTestCase {
  let root = CLI.repositoryRoot
  var films: String { root.appendingPathComponent("data/films").path }
  var list: String { films + "/labels.csv" }
  func model(_ name: String) -> String { root.appendingPathComponent("data/models/\(name).onnx").path }

  /// `Path` and values of a predictions CSV.
  func table(_ path: String) throws -> (paths: [String], values: [[Double]], header: String) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
    return (rows.map { $0[0] }, rows.map { $0.dropFirst().map { Double($0)! } }, lines[0])
  }

  func score(_ arguments: [String], out: String) throws -> CLI.Result {
    try CLI.run(["score"] + arguments + ["--images", films, "--list", list, "--out", out, "--quiet"])
  }

  func assertSucceeded(_ result: CLI.Result, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
  }

  // MARK: - Numbers against the Python references

  /// Logits and probabilities equal onnxruntime's on the torchvision tensors to float32 rounding
  /// (another engine sums convolutions in another order), with the list's paths in its order.
  func testScoresEqualOnnxruntimeOnTheDemoFilms() throws {
    let folder = TemporaryFolder()
    for (name, outputs) in [("tiny-a", "logits"), ("tiny-b", "logits"), ("tiny-a", "probabilities")] {
      let out = folder.file("\(name)-\(outputs)")
      assertSucceeded(
        try score([model(name), "--outputs", outputs, "--threads", "2", "--batch", "3"], out: out))
      let ours = try table(out + "/predictions.csv")
      let expected = try table(try fixtures.path("score/\(name).\(outputs).csv"))
      XCTAssertEqual(ours.header, expected.header)
      XCTAssertEqual(ours.paths, expected.paths)
      for (row, (got, want)) in zip(ours.values, expected.values).enumerated() {
        for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(name) \(outputs) row \(row)") }
      }
      let record =
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json")))
        as! [String: Any]
      XCTAssertEqual(record["images"] as? Int, 10)
      XCTAssertEqual(record["failures"] as? Int, 0)
      XCTAssertEqual(record["outputs"] as? String, outputs)
      XCTAssertEqual(record["input_shape"] as? [Int], [3, 320, 320])
      XCTAssertEqual((record["preprocessing"] as? [String: Any])?["preset"] as? String, "chexpert")
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: model(name))))
      XCTAssertEqual(record["model_sha256"] as? String, SHA256.hex(bytes))
    }
  }

  /// A Keras-style model (NHWC input behind a Transpose, `edge` Pad) is fed the same NCHW
  /// tensors and equals onnxruntime on them transposed; its output names come from its metadata.
  func testAnNHWCModelEqualsOnnxruntime() throws {
    let folder = TemporaryFolder()
    let out = folder.file("nhwc")
    assertSucceeded(try score([try fixtures.path("score/tiny-nhwc.onnx"), "--batch", "4"], out: out))
    let ours = try table(out + "/predictions.csv")
    let expected = try table(try fixtures.path("score/tiny-nhwc.logits.csv"))
    XCTAssertEqual(ours.header, "Path,Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion")
    XCTAssertEqual(ours.header, expected.header)
    XCTAssertEqual(ours.paths, expected.paths)
    for (got, want) in zip(ours.values.joined(), expected.values.joined()) {
      XCTAssertEqual(got, want, accuracy: 1e-5)
    }
    // A preprocessing of another size is refused before any image is read, in the options' words.
    let refused = try score(
      [try fixtures.path("score/tiny-nhwc.onnx"), "--size", "224"], out: folder.file("small"))
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(
      refused.stderr.contains(
        "it takes images of 3 x 320 x 320 (channels x height x width, NHWC input 'input')"),
      refused.stderr)
  }

  /// `preprocess` writes, per film, the tensor torchvision's chexpert transform makes, bit for
  /// bit (SHA-256 of its float32 bytes, from the fixture).
  func testPreprocessEqualsTorchvisionBitForBit() throws {
    let folder = TemporaryFolder()
    let out = folder.file("x.npy")
    assertSucceeded(try CLI.run(["preprocess", "--images", films, "--list", list, "--output", out]))
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    XCTAssertTrue(header.contains("'shape': (10, 3, 320, 320)"), header)
    XCTAssertTrue(header.contains("'descr': '<f4'"), header)
    let expected = try String(contentsOfFile: try fixtures.path("score/preprocess.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    let perImage = 3 * 320 * 320 * 4
    for (index, row) in expected.enumerated() {
      let start = 10 + headerLength + index * perImage
      XCTAssertEqual(SHA256.hex(bytes[start..<(start + perImage)]), row[7], "\(row[0])")
    }
  }

  // MARK: - Several models

  /// Two models in one call (each image decoded once) write the runs two calls write, byte for
  /// byte; `--ensemble mean` is their mean.
  func testSeveralModelsEqualSeparateRunsAndTheirMean() throws {
    let folder = TemporaryFolder()
    assertSucceeded(try score([model("tiny-a"), model("tiny-b")], out: folder.file("both")))
    for name in ["tiny-a", "tiny-b"] {
      assertSucceeded(try score([model(name)], out: folder.file(name)))
      XCTAssertEqual(
        try Data(contentsOf: URL(fileURLWithPath: folder.file("both/\(name)/predictions.csv"))),
        try Data(contentsOf: URL(fileURLWithPath: folder.file("\(name)/predictions.csv"))), name)
    }
    assertSucceeded(
      try score([model("tiny-a"), model("tiny-b"), "--ensemble", "mean"], out: folder.file("mean")))
    let mean = try table(folder.file("mean/predictions.csv"))
    let a = try table(try fixtures.path("score/tiny-a.logits.csv"))
    let b = try table(try fixtures.path("score/tiny-b.logits.csv"))
    for row in 0..<10 {
      for column in 0..<14 {
        XCTAssertEqual(
          mean.values[row][column], (a.values[row][column] + b.values[row][column]) / 2, accuracy: 1e-5)
      }
    }
  }

  // MARK: - Nothing lost

  /// Killed with SIGKILL at seeded random moments (batch 1, so most kills fall between records
  /// or inside one), then resumed: the final predictions.csv is byte for byte the uninterrupted
  /// one's.
  func testAKilledJobResumesToTheSameBytes() throws {
    let folder = TemporaryFolder()
    let arguments = [model("tiny-a"), model("tiny-b"), "--threads", "1", "--batch", "1"]
    let started = Date()
    assertSucceeded(try score(arguments, out: folder.file("whole")))
    let duration = Date().timeIntervalSince(started)
    let reference = try Data(contentsOf: URL(fileURLWithPath: folder.file("whole/tiny-b/predictions.csv")))
    var generator = SeededGenerator(seed: 13)
    var interrupted = 0
    for trial in 0..<6 {
      let out = folder.file("trial\(trial)")
      let process = Process()
      process.executableURL = CLI.productsDirectory.appendingPathComponent("chexstats")
      process.arguments =
        ["score"] + arguments + ["--images", films, "--list", list, "--out", out, "--quiet"]
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(useconds_t(generator.uniform() * duration * 1e6))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .uncaughtSignal { interrupted += 1 }
      // A folder the kill left before the journal existed is empty or absent: a plain --resume starts it.
      let resumed = try score(arguments + ["--resume"], out: out)
      assertSucceeded(resumed)
      XCTAssertEqual(
        try Data(contentsOf: URL(fileURLWithPath: out + "/tiny-b/predictions.csv")), reference,
        "trial \(trial)")
    }
    XCTAssertGreaterThan(interrupted, 0, "no trial was killed before it ended")
  }

  /// A kill right after the journal was created, before its first line was complete, leaves a
  /// journal without a job: --resume starts the job afresh.
  func testAJournalWithATornFirstLineIsStartedAgain() throws {
    let folder = TemporaryFolder()
    let out = folder.file("run")
    assertSucceeded(try score([model("tiny-a")], out: folder.file("whole")))
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    _ = try folder.write("run/score.journal", "chexstats-score-journal 1 {\"models\":[")
    let refused = try score([model("tiny-a")], out: out)
    XCTAssertTrue(refused.status == 1 && refused.stderr.contains("add --resume"), refused.stderr)
    assertSucceeded(try score([model("tiny-a"), "--resume"], out: out))
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv")),
      try Data(contentsOf: URL(fileURLWithPath: folder.file("whole/predictions.csv"))))
  }

  func testAFolderInUseOrOfAnotherJobIsRefused() throws {
    let folder = TemporaryFolder()
    let out = folder.file("run")
    assertSucceeded(try score([model("tiny-a")], out: out))
    let again = try score([model("tiny-a")], out: out)
    XCTAssertEqual(again.status, 1)
    XCTAssertTrue(again.stderr.contains("holds a scoring job (score.journal); add --resume"), again.stderr)
    // Resuming a finished job rewrites the same files.
    let before = try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv"))
    assertSucceeded(try score([model("tiny-a"), "--resume"], out: out))
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv")), before)
    for (arguments, words) in [
      ([model("tiny-b"), "--resume"], "the models differ"),
      ([model("tiny-a"), "--resume", "--interpolation", "nearest"], "the preprocessing differs"),
      ([model("tiny-a"), "--resume", "--outputs", "probabilities"], "the outputs differ"),
      ([model("tiny-a"), "--resume", "--shard", "0/2"], "the shards differ"),
    ] {
      let refused = try score(arguments, out: out)
      XCTAssertEqual(refused.status, 1)
      XCTAssertTrue(
        refused.stderr.contains("cannot resume") && refused.stderr.contains(words), refused.stderr)
    }
    let other = folder.file("other")
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
    _ = try folder.write("other/notes.txt", "mine")
    let notEmpty = try score([model("tiny-a"), "--resume"], out: other)
    XCTAssertEqual(notEmpty.status, 1)
    XCTAssertTrue(
      notEmpty.stderr.contains("is not empty and holds no scoring journal (found 'notes.txt')"),
      notEmpty.stderr)
    XCTAssertEqual(try String(contentsOfFile: other + "/notes.txt", encoding: .utf8), "mine")
  }

  // MARK: - Shards

  /// Three shards (two by --shard, one by Slurm's variables) merged equal the unsharded run.
  func testShardsMergedEqualTheWholeRun() throws {
    let folder = TemporaryFolder()
    assertSucceeded(try score([model("tiny-a")], out: folder.file("whole")))
    for index in 0..<2 {
      assertSucceeded(try score([model("tiny-a"), "--shard", "\(index)/3"], out: folder.file("s\(index)")))
    }
    let process = Process()
    process.executableURL = CLI.productsDirectory.appendingPathComponent("chexstats")
    process.arguments = [
      "score", model("tiny-a"), "--images", films, "--list", list, "--out", folder.file("s2"), "--quiet",
    ]
    process.environment = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    let shards = (0..<3).map { folder.file("s\($0)") }
    assertSucceeded(try CLI.run(["merge"] + shards.reversed() + ["--out", folder.file("merged")]))
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: folder.file("merged/predictions.csv"))),
      try Data(contentsOf: URL(fileURLWithPath: folder.file("whole/predictions.csv"))))
    let gap = try CLI.run(["merge", shards[0], shards[2], "--out", folder.file("gap")])
    XCTAssertTrue(gap.status == 1 && gap.stderr.contains("shard 1/3 missing (gap)"), gap.stderr)
    let overlap = try CLI.run([
      "merge", shards[0], shards[1], shards[1], shards[2], "--out", folder.file("overlap"),
    ])
    XCTAssertTrue(overlap.status == 1 && overlap.stderr.contains("both shard 1/3 (overlap)"), overlap.stderr)
    assertSucceeded(try score([model("tiny-b"), "--shard", "1/3"], out: folder.file("b1")))
    let mixed = try CLI.run(["merge", shards[0], folder.file("b1"), shards[2], "--out", folder.file("mixed")])
    XCTAssertTrue(mixed.status == 1 && mixed.stderr.contains("differ in their models"), mixed.stderr)
    let whole = try CLI.run(["merge", folder.file("whole"), "--out", folder.file("w")])
    XCTAssertTrue(whole.status == 1 && whole.stderr.contains("is a whole run, not a shard"), whole.stderr)
  }

  // MARK: - Bad inputs

  /// Missing, empty, truncated, corrupt and unsupported files: an error naming the file, or with
  /// --skip-unreadable a row of failures.csv each, the others scored as usual.
  func testUnreadableImagesAreNamedOrSkipped() throws {
    let folder = TemporaryFolder()
    let images = folder.file("images")
    try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
    let good = try Data(contentsOf: URL(fileURLWithPath: films + "/00000001_000.png"))
    try good.write(to: URL(fileURLWithPath: images + "/good.png"))
    try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: images + "/truncated.png"))
    try Data().write(to: URL(fileURLWithPath: images + "/empty.png"))
    var corrupt = good
    for index in 60..<400 { corrupt[index] ^= 0x5A }
    try corrupt.write(to: URL(fileURLWithPath: images + "/corrupt.png"))
    try Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8).write(to: URL(fileURLWithPath: images + "/picture.gif"))
    let names = ["good.png", "truncated.png", "empty.png", "corrupt.png", "picture.gif", "missing.png"]
    let list = try folder.write("list.csv", "Path\n" + names.joined(separator: "\n") + "\n")
    func run(_ extra: [String], out: String) throws -> CLI.Result {
      try CLI.run(
        [
          "score", model("tiny-a"), "--images", images, "--list", list, "--out", out, "--quiet", "--batch",
          "1",
        ] + extra)
    }
    let stopped = try run([], out: folder.file("stopped"))
    XCTAssertEqual(stopped.status, 1)
    XCTAssertTrue(stopped.stderr.contains("truncated.png"), stopped.stderr)
    XCTAssertEqual(stopped.stderr.split(separator: "\n").count, 1, stopped.stderr)
    // The good image before it is in the journal, and --resume --skip-unreadable finishes the job.
    let resumed = try run(["--resume", "--skip-unreadable"], out: folder.file("stopped"))
    assertSucceeded(resumed)
    let failures = try String(contentsOfFile: folder.file("stopped/failures.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    XCTAssertEqual(failures.count, 6, failures.joined(separator: "\n"))
    for (name, words) in [
      ("truncated.png", "truncated"), ("empty.png", "empty"), ("corrupt.png", "PNG"), ("picture.gif", "GIF"),
      ("missing.png", "no such file"),
    ] {
      let row = failures.first { $0.hasPrefix(name + ",") }
      XCTAssertNotNil(row, name)
      XCTAssertTrue(row?.contains(words) ?? false, "\(name): \(row ?? "")")
    }
    XCTAssertEqual(try table(folder.file("stopped/predictions.csv")).paths, ["good.png"])
    let record =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: folder.file("stopped/run.json")))) as! [String: Any]
    XCTAssertEqual(record["images"] as? Int, 1)
    XCTAssertEqual(record["failures"] as? Int, 5)
  }

  func testListPathsThatEscapeTheRootAreRefused() throws {
    let folder = TemporaryFolder()
    let list = try folder.write("list.csv", "Path\n00000001_000.png\n../films/00000001_001.png\n")
    let result = try CLI.run([
      "score", model("tiny-a"), "--images", films, "--list", list, "--out", folder.file("o"),
    ])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.stderr.contains("line 3: '../films/00000001_001.png' leads outside the images root"),
      result.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("o")), "nothing is written")
  }

  // MARK: - What reads the runs

  /// The runs go straight into compare (Path keys aggregate to studies as for any run).
  func testCompareReadsScoredRuns() throws {
    let folder = TemporaryFolder()
    assertSucceeded(try score([model("tiny-a"), model("tiny-b")], out: folder.file("runs")))
    let result = try CLI.run([
      "compare", folder.file("runs/tiny-a"), folder.file("runs/tiny-b"), "--labels", list, "--tasks",
      "Cardiomegaly",
      "--format", "csv", "--replicates", "200",
    ])
    assertSucceeded(result)
    let row = parseCompareCSV(result.stdout).rows["Cardiomegaly"]
    XCTAssertEqual(row?["n"], "10")
    XCTAssertEqual(row?["positives"], "3")
  }

  /// And into report, with the metadata report needs given to score (recorded in run.json).
  func testReportReadsScoredRuns() throws {
    let folder = TemporaryFolder()
    for (name, pretrained) in [("tiny-a", "true"), ("tiny-b", "false")] {
      assertSucceeded(
        try score(
          [
            model(name), "--architecture", "TinyNet", "--family", "Tiny", "--pretrained", pretrained,
            "--seed", "1",
            "--truncated-blocks", "0",
          ], out: folder.file("runs/\(name)")))
    }
    let result = try CLI.run([
      "report", folder.file("runs"), "--labels", list, "--tasks", "Cardiomegaly", "--out",
      folder.file("report"),
      "--replicates", "100",
    ])
    assertSucceeded(result)
    let report = try String(contentsOfFile: folder.file("report/report.md"), encoding: .utf8)
    XCTAssertTrue(report.contains("2 runs of 1 architectures"), String(report.prefix(400)))
    XCTAssertTrue(report.contains("| TinyNet | Tiny |"), "the boost row of the one architecture with both")
  }
}
