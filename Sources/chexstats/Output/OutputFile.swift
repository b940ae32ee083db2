import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where a command writes one result (`compare --output`, `run --output`, `inspect`), decided
/// before any work is done so a bad path fails at once:
/// - `-` (or no option): standard output;
/// - a special file (a FIFO, a character device) or any path under `/dev/` or `/proc/` (such as
///   `/dev/stdout`): opened and written in place as a stream, never replaced;
/// - a regular file, or a new name in an existing folder: written atomically (see ``write(_:)``);
///   a symbolic link is followed and its target replaced, the link kept.
///
/// Refused by name: an empty path, a folder, a dangling symbolic link, a missing parent folder,
/// and an existing file that is one of the command's inputs (same device and inode, whatever the
/// path says: a link, `./`, `..`). A new file cannot be an input, since inputs exist.
enum OutputFile {
  /// File descriptor 1, written with checked `write(2)` calls.
  case standardOutput
  /// Written in place; `append` when the path leads to a regular file (`/dev/stdout` of a shell's
  /// `>> log`), which a new open would otherwise overwrite from its start.
  case stream(path: String, append: Bool)
  /// Replaced atomically: `path` as given (for messages), `target` with links resolved, `mode`
  /// the permission bits of the file it replaces (`nil` for a new file).
  case replace(path: String, target: String, mode: mode_t?)

  /// Decides where `path` (the value of `option`, `nil` when it was not given) goes.
  ///
  /// - Parameter inputs: the files the command reads.
  /// - Throws: ``CommandFailure`` naming the option, the path, and the input it would overwrite.
  init(path: String?, option: String, inputs: [String]) throws {
    guard let path, path != "-" else {
      self = .standardOutput
      return
    }
    guard !path.isEmpty else {
      throw CommandFailure("\(option) is empty; give a file name, or - for standard output")
    }
    let status: System.Status?
    do {
      status = try System.status(path)
    } catch {
      throw CommandFailure("cannot write '\(path)': \(error.reason)")
    }
    guard let status else {
      self = try Self.newFile(path, option: option)
      return
    }
    if status.isFolder {
      throw CommandFailure("\(option) '\(path)' is a folder; give a file name inside it")
    }
    for input in inputs {
      if let other = try? System.status(input), other.isSameFile(as: status) {
        throw CommandFailure(
          "\(option) '\(path)' is the same file as the input '\(input)'; writing would destroy it")
      }
    }
    if !status.isRegularFile || path.hasPrefix("/dev/") || path.hasPrefix("/proc/") {
      self = .stream(path: path, append: status.isRegularFile)
    } else {
      self = .replace(path: path, target: System.realPath(path) ?? path, mode: status.mode)
    }
  }

  /// A path where nothing exists yet: a dangling link and a missing folder are refused.
  private static func newFile(_ path: String, option: String) throws -> OutputFile {
    if let link = try? System.status(path, follow: false), link.isSymbolicLink {
      throw CommandFailure(
        "\(option) '\(path)' is a symbolic link to a file that does not exist; give the target itself")
    }
    let folder = Temporary.folder(of: path)
    guard let parent = try? System.status(folder), parent.isFolder else {
      throw CommandFailure("cannot write '\(path)': the folder '\(folder)' does not exist")
    }
    return .replace(path: path, target: path, mode: nil)
  }

  /// Writes `text` as UTF-8.
  func write(_ text: String) throws { try write(Array(text.utf8)) }

  /// Writes `bytes`. A replaced file goes through a temporary in the same folder
  /// (`.chexstats-tmp-...`), written, flushed with `fsync`, renamed over the target, and the
  /// folder flushed: a reader, a crash or a `kill -9` at any moment sees the complete old file or
  /// the complete new one, and the permission bits of the old one are kept.
  ///
  /// - Throws: ``CommandFailure`` naming the path (or standard output) and the system's reason
  ///   (`no space left on device`, `broken pipe`); a failed write leaves no temporary behind.
  func write(_ bytes: [UInt8]) throws {
    switch self {
    case .standardOutput:
      do {
        try System.write(STDOUT_FILENO, bytes)
      } catch {
        throw CommandFailure("cannot write to standard output: \(error.reason)")
      }
    case .stream(let path, let append):
      do {
        let descriptor = try System.open(path, O_WRONLY | (append ? O_APPEND : 0))
        defer { _ = try? System.close(descriptor) }
        try System.write(descriptor, bytes)
      } catch {
        throw CommandFailure("cannot write '\(path)': \(error.reason)")
      }
    case .replace(let path, let target, let mode):
      do {
        try Self.replace(target, with: bytes, mode: mode)
      } catch {
        throw CommandFailure("cannot write '\(path)': \(error.reason)")
      }
    }
  }

  private static func replace(_ target: String, with bytes: [UInt8], mode: mode_t?) throws(System.Failure) {
    let folder = Temporary.folder(of: target)
    Temporary.removeStale(in: folder)
    let temporary = Temporary.path(in: folder)
    let descriptor = try System.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
    var renamed = false
    defer { if !renamed { unlink(temporary) } }
    do {
      if let mode { try System.setMode(descriptor, mode) }
      try System.write(descriptor, bytes)
      try System.sync(descriptor)
    } catch {
      _ = try? System.close(descriptor)
      throw error
    }
    try System.close(descriptor)
    try System.rename(temporary, target)
    renamed = true
    try System.syncFolder(folder)
  }
}
