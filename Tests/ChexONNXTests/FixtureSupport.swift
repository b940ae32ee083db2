import ChexTestSupport
import Foundation
import Testing

/// Paths and expected values of the fixtures made by notebooks-export/make_onnx_fixtures.py.
enum Fixture {
  /// This target's `Fixtures/` folder (each test target has its own bundle).
  static let folder = FixtureFolder(bundle: .module)

  /// The path of `name` in the fixture folder; the file need not exist (the loader's
  /// file-not-found test names one that does not), but the folder must.
  static func path(_ name: String) throws -> String {
    try folder.folder().appendingPathComponent(name).path
  }

  /// The decoded JSON object of an expected-values file; throws when it is missing.
  static func expected(_ name: String) throws -> [String: Any] {
    try folder.jsonObject(name)
  }

  static func doubles(_ value: Any?) throws -> [Double] {
    let numbers = try #require(value as? [NSNumber])
    return numbers.map { $0.doubleValue }
  }
}
