import Foundation

/// A committed fixture that could not be read. Thrown, never skipped: a missing fixture is a
/// broken checkout or a broken `resources:` entry, and a test that passes without its expected
/// values proves nothing.
public enum FixtureError: Error, CustomStringConvertible {
  case folderMissing(String)
  case fileMissing(String, folder: String)
  case notAJSONObject(String)

  public var description: String {
    switch self {
    case .folderMissing(let name):
      "the fixture folder '\(name)' is not in the test bundle; check the target's resources in Package.swift"
    case .fileMissing(let name, let folder):
      "the fixture '\(name)' is missing from \(folder); regenerate it with its script in notebooks-export/"
    case .notAJSONObject(let name): "the fixture '\(name)' is not a JSON object"
    }
  }
}

/// The `Fixtures` folder of one test target. `Bundle.module` belongs to each target, so each
/// target makes its own: `let fixtures = FixtureFolder(bundle: .module)`.
public struct FixtureFolder: Sendable {
  /// The folder, or nil when the bundle does not hold it.
  public let url: URL?
  private let name: String

  /// The folder `subdirectory` copied into `bundle` by `resources: [.copy("Fixtures")]`.
  public init(bundle: Bundle, subdirectory: String = "Fixtures") {
    url = bundle.url(forResource: subdirectory, withExtension: nil)
    name = subdirectory
  }

  /// A folder given by its location on disk.
  public init(url: URL) {
    self.url = url
    name = url.path
  }

  /// The folder itself; throws when it is not in the bundle.
  public func folder() throws -> URL {
    guard let url else { throw FixtureError.folderMissing(name) }
    return url
  }

  /// The file `name` (may include subfolders); throws when it does not exist.
  public func url(_ name: String) throws -> URL {
    let folder = try folder()
    let file = folder.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw FixtureError.fileMissing(name, folder: folder.path)
    }
    return file
  }

  /// The path of the file `name`; throws when it does not exist.
  public func path(_ name: String) throws -> String { try url(name).path }

  /// The bytes of the file `name`.
  public func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

  /// The JSON file `name` decoded as `type`.
  public func decode<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: data(name))
  }

  /// The JSON file `name` as a dictionary.
  public func jsonObject(_ name: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: data(name)) as? [String: Any] else {
      throw FixtureError.notAJSONObject(name)
    }
    return object
  }
}
