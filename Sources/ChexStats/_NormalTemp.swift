import Foundation

// TEMPORARY until the dist branch lands.
enum Normal {
  static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
  static func sf(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }
  static func quantile(_ p: Double) -> Double {
    var lo = -40.0
    var hi = 40.0
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if cdf(mid) < p { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }
}
