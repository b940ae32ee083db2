import ChexTestSupport
import Foundation
import XCTest

/// End to end (issue 12, defect 16): inputs that are not regular files (a FIFO, a piped
/// `/dev/stdin`, bash's process substitution `<(...)`) give the same result as the files they
/// carry; a folder or a missing file is named for what it is, not "permission denied".
final class StreamInputTests: XCTestCase {
  let root = CLI.repositoryRoot.path

  let compare =
    "compare data/demo/runs/densenet121-pretrained-s1 data/demo/runs/densenet121-random-s1 --replicates 20 --format csv"

  /// The CSV format: the Markdown one names the labels file, which differs (`/dev/fd/63`).
  func testLabelsAndPredictionsFromStreamsGiveTheSameComparison() throws {
    let expected = try CLI.bash("chexstats \(compare) --labels data/demo/labels.csv")
    XCTAssertEqual(expected.status, 0, expected.stderr)
    let scratch = TemporaryFolder()
    let scripts = [
      "process substitution": "chexstats \(compare) --labels <(cat data/demo/labels.csv)",
      "piped /dev/stdin": "cat data/demo/labels.csv | chexstats \(compare) --labels /dev/stdin",
      "FIFO": """
      mkfifo '\(scratch.file("labels"))'
      cat data/demo/labels.csv > '\(scratch.file("labels"))' &
      chexstats \(compare) --labels '\(scratch.file("labels"))'
      """,
    ]
    for (name, script) in scripts {
      let result = try CLI.bash(script)
      XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
      XCTAssertEqual(result.stdout, expected.stdout, name)
    }
    let predictions = try CLI.bash(
      """
      chexstats compare <(cat data/demo/runs/densenet121-pretrained-s1/predictions.csv) \
        data/demo/runs/densenet121-random-s1/predictions.csv --labels data/demo/labels.csv --replicates 20
      """)
    XCTAssertEqual(predictions.status, 0, predictions.stderr)
    XCTAssertTrue(predictions.stdout.contains("| Atelectasis |"), predictions.stdout)
  }

  func testRunReadsItsBatchFromAStream() throws {
    let models = root + "/Tests/chexstatsTests/Fixtures/models"
    let scratch = TemporaryFolder()
    let run = "chexstats run '\(models)/densenet_g8.onnx'"
    let result = try CLI.bash(
      """
      \(run) --input '\(models)/densenet_g8_input.npy' --output '\(scratch.file("file.npy"))' &&
      \(run) --input <(cat '\(models)/densenet_g8_input.npy') --output '\(scratch.file("stream.npy"))' &&
      cat '\(models)/densenet_g8_input.npy' | \(run) --input /dev/stdin --output '\(scratch.file("stdin.npy"))'
      """)
    XCTAssertEqual(result.status, 0, result.stderr)
    let fromFile = try Data(contentsOf: scratch.url.appendingPathComponent("file.npy"))
    XCTAssertEqual(try Data(contentsOf: scratch.url.appendingPathComponent("stream.npy")), fromFile)
    XCTAssertEqual(try Data(contentsOf: scratch.url.appendingPathComponent("stdin.npy")), fromFile)
  }

  func testMessagesSayWhatWentWrong() throws {
    let scratch = TemporaryFolder()
    let cases: [(labels: String, phrase: String)] = [
      (scratch.path, "folder"), (scratch.file("absent.csv"), "no such file"), ("/dev/null", "empty"),
    ]
    for (labels, phrase) in cases {
      let result = try CLI.bash("chexstats \(compare) --labels '\(labels)'")
      XCTAssertEqual(result.status, 1, result.stderr)
      XCTAssertTrue(result.stderr.contains(labels), result.stderr)
      XCTAssertTrue(
        result.stderr.localizedCaseInsensitiveContains(phrase), "'\(phrase)' not in \(result.stderr)")
      XCTAssertFalse(result.stderr.contains("permission"), result.stderr)
    }
  }
}
