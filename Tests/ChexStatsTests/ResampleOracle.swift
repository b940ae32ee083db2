@testable import ChexStats

/// The bootstrap's resamples drawn again in the tests, as explicit index lists: replicate b of
/// seed s draws n studies uniformly with replacement from stream b of the project's generator
/// (the documented rule), so each statistic can be recomputed from scratch on the resampled
/// data and compared with the library's replicate values.
enum ResampleOracle {
  static func indices(seed: UInt64, replicate b: Int, n: Int) -> [Int] {
    var rng = Xoshiro256StarStar(seed: seed, stream: UInt64(b))
    return (0..<n).map { _ in Int(rng.next(below: UInt64(n))) }
  }

  /// `values` picked at `indices`.
  static func pick<T>(_ values: [T], _ indices: [Int]) -> [T] { indices.map { values[$0] } }

  /// Percentile interval (type 7) of the non-NaN values, as ``Estimate`` computes it, written
  /// out again: h = (m - 1) q, interpolate between the floor and ceiling order statistics.
  static func percentile(_ values: [Double], level: Double = 0.95) -> (Double, Double)? {
    let v = values.filter { !$0.isNaN }.sorted()
    guard !v.isEmpty else { return nil }
    func q(_ p: Double) -> Double {
      let h = Double(v.count - 1) * p
      let lo = Int(h.rounded(.down))
      let hi = min(lo + 1, v.count - 1)
      return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
    }
    return (q((1 - level) / 2), q(1 - (1 - level) / 2))
  }
}
