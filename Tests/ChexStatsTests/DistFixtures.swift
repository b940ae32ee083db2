import Foundation
import XCTest

/// Loads a JSON fixture from `Tests/ChexStatsTests/Fixtures/` for the distribution,
/// correlation and regression tests.
enum DistFixtures {
  static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
      "fixture \(name).json is missing from the test bundle")
    let data = try Data(contentsOf: url)
    return try JSONDecoder().decode(T.self, from: data)
  }
}

/// The relative difference |actual - expected| / |expected|, or the absolute difference when
/// `expected` is zero.
func relativeError(_ actual: Double, _ expected: Double) -> Double {
  if actual == expected { return 0 }
  if expected == 0 { return abs(actual) }
  return abs(actual - expected) / abs(expected)
}
