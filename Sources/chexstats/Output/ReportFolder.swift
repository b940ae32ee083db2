import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The folder `report --out DIR` (or `compare --curves DIR`) publishes, all at once.
///
/// The new report is written into a hidden sibling (`.chexstats-tmp-...` beside DIR), each file
/// flushed with `fsync`, then swapped with DIR in one step (`renameat2` with `RENAME_EXCHANGE`;
/// a plain rename when DIR does not exist yet), and the old report, now in the sibling, removed.
/// A reader, a crash or a `kill -9` at any moment sees the complete old report or the complete
/// new one, never a mix; a killed run's sibling is removed by the next write into that folder.
/// (Where the file system cannot exchange, DIR is renamed aside and the new one renamed in: a
/// reader may then briefly find no DIR, still never a mix.)
///
/// DIR belongs to the report: a folder that is not empty and holds no marker file (`report.json`,
/// `curves.json`) is refused, so a mistyped `--out` never deletes unrelated files; so is a DIR holding one of the inputs.
/// Reports into one DIR (or into folders with the same parent) take turns: each holds an
/// exclusive `flock` on the parent folder while it publishes, so a second one waits, then
/// replaces the first one's report whole.
struct ReportFolder {
  /// The path as given, for messages.
  let path: String
  /// Where the report goes: `path` with symbolic links resolved when it exists.
  let target: String
  /// The option that named the folder, for messages (`--out`, `--curves`).
  let option: String
  /// The file every folder this command writes holds, which marks it as the command's own.
  let marker: String

  /// Checks `path` (the value of `--out`) before any work is done.
  ///
  /// - Parameter inputs: the files and folders the command reads.
  /// - Throws: ``CommandFailure`` naming the folder, and the input where there is one.
  init(path: String, inputs: [String], option: String = "--out", marker: String = "report.json") throws {
    self.option = option
    self.marker = marker
    guard !path.isEmpty else { throw CommandFailure("\(option) is empty; give a folder for the report") }
    self.path = path
    let status: System.Status?
    do {
      status = try System.status(path)
    } catch {
      throw CommandFailure("cannot write the report into '\(path)': \(error.reason)")
    }
    if let status, !status.isFolder {
      throw CommandFailure("\(option) '\(path)' is a file, not a folder")
    }
    if status == nil, let link = try? System.status(path, follow: false), link.isSymbolicLink {
      throw CommandFailure("\(option) '\(path)' is a symbolic link to a folder that does not exist")
    }
    target = status == nil ? path : (System.realPath(path) ?? path)
    if let resolved = System.realPath(target) {
      for input in inputs {
        guard let other = System.realPath(input) else { continue }
        if other == resolved || other.hasPrefix(resolved == "/" ? "/" : resolved + "/") {
          throw CommandFailure(
            "\(option) '\(path)' holds the input '\(input)'; the report replaces the whole folder")
        }
      }
    }
    try checkOwnership()
  }

  /// Refuses a non-empty folder without the marker file.
  private func checkOwnership() throws {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: target), !names.isEmpty
    else { return }
    if !names.contains(marker) {
      throw CommandFailure(
        "\(option) '\(path)' holds files that are not a chexstats report (no \(marker)); the report replaces the whole folder, so give a new or empty one"
      )
    }
  }

  /// Writes `files` (relative name, text) as the folder's whole new content, then swaps it in.
  ///
  /// - Throws: ``CommandFailure`` naming the file or folder and the system's reason; on failure
  ///   the old report is untouched and no temporary is left.
  func publish(_ files: [(name: String, text: String)]) throws {
    let parent = Temporary.folder(of: target)
    do {
      try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    } catch {
      throw CommandFailure("cannot create the folder '\(parent)': \(error.localizedDescription)")
    }
    let lock: Int32
    do {
      lock = try System.open(parent, O_RDONLY | O_DIRECTORY)
      try System.lockExclusively(lock)
    } catch {
      throw CommandFailure("cannot lock the folder '\(parent)': \(error.reason)")
    }
    defer { _ = try? System.close(lock) }
    // Another report may have published while this one waited.
    try checkOwnership()
    Temporary.removeStale(in: parent)
    let staging = Temporary.path(in: parent)
    defer { try? FileManager.default.removeItem(atPath: staging) }
    try write(files, into: staging)
    do throws(System.Failure) {
      if (try System.status(target)) == nil {
        try System.rename(staging, target)
      } else if !(try System.exchange(staging, target)) {
        let aside = Temporary.path(in: parent)
        try System.rename(target, aside)
        do throws(System.Failure) {
          try System.rename(staging, target)
        } catch {
          try? System.rename(aside, target)  // the old report back, not left to the stale sweep
          throw error
        }
        try? FileManager.default.removeItem(atPath: aside)
      }
      try System.syncFolder(parent)
    } catch {
      throw CommandFailure("cannot put the report in place at '\(path)': \(error.reason)")
    }
  }

  /// Writes and flushes every file, then every folder, under `staging`.
  private func write(_ files: [(name: String, text: String)], into staging: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
    } catch {
      throw CommandFailure("cannot create a folder beside '\(path)': \(error.localizedDescription)")
    }
    var folders: Set<String> = [staging]
    for (name, text) in files {
      let file = staging + "/" + name
      do {
        let folder = Temporary.folder(of: file)
        if !folders.contains(folder) {
          try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
          folders.insert(folder)
        }
        let descriptor = try System.open(file, O_WRONLY | O_CREAT | O_EXCL)
        defer { _ = try? System.close(descriptor) }
        try System.write(descriptor, Array(text.utf8))
        try System.sync(descriptor)
      } catch let error as System.Failure {
        throw CommandFailure("cannot write '\(path)/\(name)': \(error.reason)")
      } catch {
        throw CommandFailure("cannot write '\(path)/\(name)': \(error.localizedDescription)")
      }
    }
    for folder in folders.sorted() {
      do {
        try System.syncFolder(folder)
      } catch {
        throw CommandFailure("cannot write '\(folder)': \(error.reason)")
      }
    }
  }
}
