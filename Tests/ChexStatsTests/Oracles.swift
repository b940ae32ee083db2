import ChexTestSupport

@testable import ChexStats

/// Obviously-correct O(n^2) versions of the fast statistics, used only by the tests.
enum Oracle {
  /// AUROC by comparing every positive with every negative, ties counted 1/2.
  static func auroc(labels: [Bool?], scores: [Double], weights: [Int]? = nil) -> Double? {
    var wins = 0.0
    var pairs = 0.0
    for i in labels.indices where labels[i] == true {
      for j in labels.indices where labels[j] == false {
        let w = Double((weights?[i] ?? 1) * (weights?[j] ?? 1))
        pairs += w
        if scores[i] > scores[j] { wins += w } else if scores[i] == scores[j] { wins += w / 2 }
      }
    }
    return pairs > 0 ? wins / pairs : nil
  }

  /// Seeded random labels and two correlated, partly tied score vectors, drawn from the test
  /// support's own generator rather than the library's.
  static func data(n: Int, seed: UInt64, tieGrid: Double? = nil) -> (
    labels: [Bool?], a: [Double], b: [Double]
  ) {
    var rng = SeededGenerator(seed: seed)
    func uniform() -> Double { rng.uniform() }
    var labels: [Bool?] = []
    var a: [Double] = []
    var b: [Double] = []
    for _ in 0..<n {
      let u = uniform()
      let label: Bool? = u < 0.05 ? nil : u < 0.4
      let shared = uniform()
      var x = shared + (label == true ? 0.3 : 0) + 0.5 * uniform()
      var y = shared + (label == true ? 0.2 : 0) + 0.5 * uniform()
      if let grid = tieGrid {
        x = (x / grid).rounded() * grid
        y = (y / grid).rounded() * grid
      }
      labels.append(label)
      a.append(x)
      b.append(y)
    }
    return (labels, a, b)
  }
}
