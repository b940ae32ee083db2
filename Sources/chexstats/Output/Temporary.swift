import Foundation

/// The hidden temporary files and folders the output door writes before renaming them into
/// place: `.chexstats-tmp-<process id>-<random>`, always in the folder of the result they become,
/// so the final rename never crosses a file system.
///
/// A clean or failing run removes its own. One killed with `kill -9` cannot, so every write first
/// removes the stale ones beside its result: those whose process no longer exists, or that are
/// older than a day (a process id reused since).
enum Temporary {
  static let prefix = ".chexstats-tmp-"

  /// A fresh name in `folder` for this process.
  static func path(in folder: String) -> String {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    return folder + "/" + prefix + "\(System.processID)-" + random
  }

  /// Removes the temporaries other, ended processes left in `folder`. Best effort: an entry that
  /// cannot be removed (another run removing it too, no permission) is left alone.
  static func removeStale(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    let dayAgo = Int(Date().timeIntervalSince1970) - 86_400
    for name in names where name.hasPrefix(prefix) {
      let fields = name.dropFirst(prefix.count).split(separator: "-")
      let path = folder + "/" + name
      guard let owner = fields.first.flatMap({ Int32($0) }) else { continue }
      let old = ((try? System.status(path, follow: false)) ?? nil).map { $0.modified < dayAgo } ?? false
      if owner != System.processID && (!System.processExists(owner) || old) {
        try? FileManager.default.removeItem(atPath: path)
      }
    }
  }

  /// The folder part of `path`: `.` for a bare name, `/` for a name at the root.
  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
