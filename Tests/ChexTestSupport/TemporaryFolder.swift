import Foundation

/// A fresh folder under the system's temporary directory, removed when released.
public final class TemporaryFolder {
  /// The folder.
  public let url: URL
  /// The folder's path.
  public var path: String { url.path }

  /// Creates the folder. Not throwing, so a test case can hold one as a stored property; a
  /// temporary directory that cannot be created is a broken machine, not a test result.
  public init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chexstats-tests-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      preconditionFailure("TemporaryFolder.init: cannot create \(url.path): \(error)")
    }
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// The path of `name` inside the folder (which need not exist).
  public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// Writes `text` as UTF-8 to `name` (which may include subfolders) and returns its path.
  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    try write(name, bytes: Array(text.utf8))
  }

  /// Writes raw bytes to `name` (which may include subfolders) and returns its path.
  @discardableResult
  public func write(_ name: String, bytes: [UInt8]) throws -> String {
    let full = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: full.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: full)
    return full.path
  }

  /// Creates the subfolder `name` and returns its path.
  @discardableResult
  public func folder(_ name: String) throws -> String {
    let full = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
    return full.path
  }
}
