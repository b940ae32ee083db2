import Foundation
import Testing

/// Paths and expected values of the fixtures made by notebooks-export/make_onnx_fixtures.py.
enum Fixture {
  static func path(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return url.appendingPathComponent(name).path
  }

  /// The decoded JSON object of an expected-values file.
  static func expected(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: try path(name)))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func doubles(_ value: Any?) throws -> [Double] {
    let numbers = try #require(value as? [NSNumber])
    return numbers.map { $0.doubleValue }
  }
}
