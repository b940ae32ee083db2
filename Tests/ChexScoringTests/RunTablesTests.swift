import ChexScoring
import ChexTestSupport
import XCTest

final class RunTablesTests: XCTestCase {
  /// scipy 1.17.1 `special.expit` in float64 on float32 inputs, cast to float32 (numpy 2.4.6),
  /// printed as the doubles those floats are.
  func testProbabilitiesAreScipysExpitRoundedOnce() {
    let inputs: [Float] = [-30.5, -4.0881, -1e-3, 0, 0.6988017, 2.252, 17.25]
    let expected: [Double] = [
      5.6756852093598625e-14, 0.01649443991482258, 0.4997499883174896, 0.5, 0.6679220199584961,
      0.9048229455947876,
      0.9999999403953552,
    ]
    for (input, value) in zip(inputs, expected) {
      XCTAssertEqual(OutputTransform.probabilities.apply(input), Float(value), "expit(\(input))")
      XCTAssertEqual(OutputTransform.logits.apply(input), input)
    }
  }

  func list(_ paths: [String]) -> ImageList {
    ImageList(
      path: "list.csv", root: "r", sha256: "",
      entries: paths.enumerated().map {
        ImageList.Entry(path: $0.element, file: "r/" + $0.element, line: $0.offset + 2)
      })
  }

  /// The ensemble mean in double precision, rounded once: numpy's `((a + b + c) / 3).astype(float32)`
  /// on float64 copies of the float32 outputs, and the same after expit.
  func testEnsembleMeanMatchesNumPy() {
    let a: [Float] = [0.1, -2.5, 3.25]
    let b: [Float] = [0.2, 1.0, -7.125]
    let c: [Float] = [0.3, 0.7, 1e-8]
    let outcomes: [ScoringPipeline.Outcome] = [.scored([a, b, c])]
    let names = ["x", "y", "z"]
    let logits = RunTables.predictions(
      list: list(["p.png"]), rows: 0..<1, outcomes: outcomes, names: names, source: .ensembleMean,
      transform: .logits)
    let expected = [0.20000000298023224, -0.2666666805744171, -1.2916666269302368].map {
      Float($0).description
    }
    XCTAssertEqual(logits, "Path,x,y,z\np.png," + expected.joined(separator: ",") + "\n")
    let probabilities = RunTables.predictions(
      list: list(["p.png"]), rows: 0..<1, outcomes: outcomes, names: names, source: .ensembleMean,
      transform: .probabilities)
    let expectedP = [0.549751877784729, 0.49170151352882385, 0.48782575130462646].map {
      Float($0).description
    }
    XCTAssertEqual(probabilities, "Path,x,y,z\np.png," + expectedP.joined(separator: ",") + "\n")
  }

  func testFailedImagesAreLeftOutAndListedWithTheirReason() {
    let outcomes: [ScoringPipeline.Outcome] = [
      .scored([[1.5]]), .failed("cannot decode, truncated"), .scored([[-0.25]]),
    ]
    let images = list(["a.png", "b,c.png", "d.png"])
    XCTAssertEqual(
      RunTables.predictions(
        list: images, rows: 0..<3, outcomes: outcomes, names: ["Edema"], source: .model(0), transform: .logits
      ),
      "Path,Edema\na.png,1.5\nd.png,-0.25\n")
    XCTAssertEqual(
      RunTables.failures(list: images, rows: 0..<3, outcomes: outcomes),
      "Path,reason\n\"b,c.png\",\"cannot decode, truncated\"\n")
    XCTAssertNil(RunTables.failures(list: images, rows: 0..<1, outcomes: [.scored([[1]])]))
  }

  /// A shard renders only its rows, with the list's paths for those rows.
  func testAShardRendersItsRows() {
    let images = list(["a", "b", "c", "d"])
    XCTAssertEqual(
      RunTables.predictions(
        list: images, rows: 2..<4, outcomes: [.scored([[1]]), .scored([[2]])], names: ["t"],
        source: .model(0),
        transform: .logits),
      "Path,t\nc,1.0\nd,2.0\n")
  }
}
