import ChexTestSupport
import XCTest

@testable import ChexStats

/// Pearson, Spearman and Kendall against scipy 1.17.1, R 4.2 `cor.test` and a brute-force
/// enumeration (fixture `Fixtures/correlation.json`, made by
/// `notebooks-export/correlation_fixture.py`).
final class CorrelationTests: XCTestCase {
  struct Case: Decodable {
    var name: String
    var x: [Double]
    var y: [Double]
    var pearson_r, pearson_p: Double
    var pearson_ci_low, pearson_ci_high: Double?
    var spearman_rho, spearman_p_t: Double
    var kendall_tau, kendall_p_auto, kendall_p_asymptotic: Double
    var kendall_auto_is_exact: Bool
    var ties: Bool
    var r_spearman_exact_p: Double?
    var brute_force_spearman_p: Double?
  }
  struct Fixture: Decodable { var cases: [Case] }

  func cases() throws -> [Case] {
    let fixture = try fixtures.decode("correlation.json", as: Fixture.self)
    XCTAssertGreaterThan(fixture.cases.count, 20)
    return fixture.cases
  }

  func assertClose(
    _ actual: Double, _ expected: Double, _ tolerance: Double, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let error = expected.magnitude < 1e-300 ? abs(actual - expected) : relativeError(actual, expected)
    XCTAssertLessThanOrEqual(error, tolerance, "\(label): \(actual) vs \(expected)", file: file, line: line)
  }

  func testPearsonMatchesScipy() throws {
    for c in try cases() {
      let result = try Correlation.pearson(c.x, c.y)
      assertClose(result.estimate, c.pearson_r, 1e-13, "\(c.name) r")
      assertClose(result.pValue, c.pearson_p, 1e-12, "\(c.name) p")
      XCTAssertEqual(result.n, c.x.count)
      XCTAssertEqual(result.method, .studentT(degreesOfFreedom: c.x.count - 2))
      if let low = c.pearson_ci_low, let high = c.pearson_ci_high {
        let ci = try XCTUnwrap(result.confidenceInterval)
        assertClose(ci.lower, low, 1e-12, "\(c.name) CI low")
        assertClose(ci.upper, high, 1e-12, "\(c.name) CI high")
        XCTAssertEqual(ci.level, 0.95)
      }
    }
  }

  func testSpearmanTApproximationMatchesScipy() throws {
    for c in try cases() {
      let result = try Correlation.spearman(c.x, c.y)
      assertClose(result.estimate, c.spearman_rho, 1e-13, "\(c.name) rho")
      assertClose(result.pValue, c.spearman_p_t, 1e-12, "\(c.name) p")
      XCTAssertEqual(result.method, .studentT(degreesOfFreedom: c.x.count - 2))
    }
  }

  /// Exact Spearman p: equal to the brute-force enumeration (n <= 10) and to R's AS 89 where R
  /// is exact (n <= 9); for 10 <= n <= 16 R uses an Edgeworth series, which agrees only to a
  /// few per cent.
  func testSpearmanExact() throws {
    var compared = (bruteForce: 0, rExact: 0, rEdgeworth: 0)
    for c in try cases() where !c.ties && c.x.count <= Correlation.exactSpearmanLimit {
      let result = try Correlation.spearman(c.x, c.y, pValue: .exact)
      XCTAssertEqual(result.method, .exactPermutation(permutations: tgamma(Double(c.x.count + 1))))
      if let brute = c.brute_force_spearman_p {
        assertClose(result.pValue, brute, 1e-13, "\(c.name) vs brute force")
        compared.bruteForce += 1
      }
      let r = try XCTUnwrap(c.r_spearman_exact_p)
      if c.x.count <= 9 {
        assertClose(result.pValue, r, 1e-12, "\(c.name) vs R exact")
        compared.rExact += 1
      } else {
        XCTAssertEqual(result.pValue, r, accuracy: 0.1 * r + 1e-4, "\(c.name) vs R Edgeworth")
        compared.rEdgeworth += 1
      }
    }
    XCTAssertGreaterThan(compared.bruteForce, 8)
    XCTAssertGreaterThan(compared.rExact, 8)
    XCTAssertGreaterThan(compared.rEdgeworth, 3)
  }

  func testKendallMatchesScipy() throws {
    for c in try cases() {
      let auto = try Correlation.kendallTauB(c.x, c.y)
      assertClose(auto.estimate, c.kendall_tau, 1e-13, "\(c.name) tau")
      assertClose(auto.pValue, c.kendall_p_auto, 1e-12, "\(c.name) p auto")
      XCTAssertEqual(auto.method, c.kendall_auto_is_exact ? .exactKendall : .normalApproximation, c.name)
      let asymptotic = try Correlation.kendallTauB(c.x, c.y, pValue: .normalApproximation)
      assertClose(asymptotic.pValue, c.kendall_p_asymptotic, 1e-12, "\(c.name) p asymptotic")
    }
  }

  /// Automatic Spearman: exact without ties for small n, t otherwise.
  func testSpearmanAutomaticChoosesMethod() throws {
    let untied = try Correlation.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], pValue: .automatic)
    XCTAssertEqual(untied.method, .exactPermutation(permutations: 120))
    let tied = try Correlation.spearman([1, 2, 2, 4, 5], [2, 1, 4, 3, 5], pValue: .automatic)
    XCTAssertEqual(tied.method, .studentT(degreesOfFreedom: 3))
    XCTAssertThrowsError(try Correlation.spearman([1, 2, 2, 4, 5], [2, 1, 4, 3, 5], pValue: .exact))
  }

  /// Hand-worked: x = 1...5, y = (2, 1, 4, 3, 5): sum d^2 = 4, rho = 1 - 6*4/120 = 0.8;
  /// C = 8, D = 2, tau = 0.6; of the 120 orderings, 16 have |rho| >= 0.8 (8 with sum d^2 <= 4),
  /// so the exact two-sided p = 16/120.
  func testHandWorked() throws {
    let x: [Double] = [1, 2, 3, 4, 5]
    let y: [Double] = [2, 1, 4, 3, 5]
    let spearman = try Correlation.spearman(x, y, pValue: .exact)
    XCTAssertEqual(spearman.estimate, 0.8, accuracy: 1e-15)
    XCTAssertEqual(spearman.pValue, 16.0 / 120, accuracy: 1e-15)
    let kendall = try Correlation.kendallTauB(x, y)
    XCTAssertEqual(kendall.estimate, 0.6, accuracy: 1e-15)
    // Exact: permutations of 5 with <= 2 inversions: 1 + 4 + 9 = 14; p = 2 * 14 / 120.
    XCTAssertEqual(kendall.pValue, 28.0 / 120, accuracy: 1e-15)
  }

  /// The naive oracle's distribution has n! orderings and the theoretical mean and variance
  /// of T = sum i pi(i).
  func testSpearmanOracleMoments() {
    for n in [6, 9, 11] {
      let distribution = SpearmanExactOracle.sumDistribution(n: n)
      let total = distribution.counts.reduce(0, +)
      XCTAssertEqual(total, tgamma(Double(n + 1)), accuracy: 1e-6 * total)
      var mean = 0.0
      var second = 0.0
      for (offset, count) in distribution.counts.enumerated() {
        let t = Double(distribution.minimum + offset)
        mean += t * count / total
        second += t * t * count / total
      }
      let nd = Double(n)
      // For 0-based values and positions, T = sum i pi(i) has mean n (n-1)^2 / 4 and the
      // same variance as with 1-based labels: n^2 (n-1)(n+1)^2 / 144.
      XCTAssertEqual(mean, nd * (nd - 1) * (nd - 1) / 4, accuracy: 1e-9 * mean)
      XCTAssertEqual(second - mean * mean, nd * nd * (nd - 1) * (nd + 1) * (nd + 1) / 144, accuracy: 1e-6)
    }
  }

  /// The meet-in-the-middle exact p against the naive oracle on seeded random permutations.
  func testSpearmanExactAgainstNaiveOracle() {
    var generator = SplitMix64(seed: 42)
    for n in 3...11 {
      for _ in 0..<3 {
        var permutation = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
          permutation.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        let fast = SpearmanExact.twoSidedPValue(permutation: permutation)
        let naive = SpearmanExactOracle.twoSidedPValue(permutation: permutation)
        XCTAssertEqual(fast, naive, accuracy: 1e-14, "n = \(n), permutation \(permutation)")
      }
    }
    XCTAssertEqual(SpearmanExact.twoSidedPValue(permutation: [0, 1, 2, 3]), 2.0 / 24, accuracy: 1e-15)
  }

  func testInputErrors() {
    XCTAssertThrowsError(try Correlation.pearson([1, 2, 3], [1, 2])) { error in
      XCTAssertEqual(
        (error as? StatisticsInputError)?.description,
        "Correlation.pearson: 'x' has 3 values but 'y' has 2; they must pair up one to one.")
    }
    XCTAssertThrowsError(try Correlation.pearson([1, 1, 1], [1, 2, 3]))
    XCTAssertThrowsError(try Correlation.kendallTauB([1, 2, 3], [4, 4, 4]))
    XCTAssertThrowsError(try Correlation.spearman([1, .nan, 3], [1, 2, 3]))
    XCTAssertThrowsError(try Correlation.pearson([1, 2], [1, 2]))
  }
}

/// A tiny seeded generator for the tests (Steele, Lea and Flood 2014, SplitMix64).
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
