@testable import ChexStats

/// A naive oracle for the exact Spearman distribution, used only by the tests: one dynamic
/// programme over all 2^n sets of placed values, keeping the whole distribution of
/// T = sum_i i * pi(i), with no meet in the middle.
enum SpearmanExactOracle {
  static func sumDistribution(n: Int) -> (minimum: Int, counts: [Double]) {
    var layer: [Int: [Int: Double]] = [0: [0: 1]]
    for position in 0..<n {
      var next: [Int: [Int: Double]] = [:]
      for (mask, sums) in layer {
        for value in 0..<n where mask & (1 << value) == 0 {
          for (sum, count) in sums {
            next[mask | (1 << value), default: [:]][sum + position * value, default: 0] += count
          }
        }
      }
      layer = next
    }
    let sums = layer[(1 << n) - 1] ?? [0: 1]
    let minimum = sums.keys.min() ?? 0
    let maximum = sums.keys.max() ?? 0
    var counts = [Double](repeating: 0, count: maximum - minimum + 1)
    for (sum, count) in sums { counts[sum - minimum] = count }
    return (minimum, counts)
  }

  static func twoSidedPValue(permutation: [Int]) -> Double {
    let n = permutation.count
    let observed = permutation.enumerated().reduce(0) { $0 + $1.offset * $1.element }
    let twiceMean = n * (n - 1) * (n - 1) / 2
    let distance = abs(2 * observed - twiceMean)
    let distribution = sumDistribution(n: n)
    var extreme = 0.0
    var total = 0.0
    for (offset, count) in distribution.counts.enumerated() {
      total += count
      if abs(2 * (distribution.minimum + offset) - twiceMean) >= distance { extreme += count }
    }
    return extreme / total
  }
}
