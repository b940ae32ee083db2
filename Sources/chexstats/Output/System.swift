import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The C calls of the output door, each wrapped once. A failure is a ``System/Failure`` carrying
/// `errno`; the callers add the path and say what they were doing.
enum System {
  /// A failed call's `errno`.
  struct Failure: Error {
    let code: Int32

    /// `strerror`'s sentence in lower case ("no space left on device", "broken pipe").
    var reason: String {
      code == EACCES ? "permission denied" : String(cString: strerror(code)).lowercased()
    }
  }

  /// What `stat` says about a path: its kind, identity and permission bits.
  struct Status {
    let mode: mode_t
    let device: UInt64
    let inode: UInt64
    let modified: Int

    var isFolder: Bool { mode & S_IFMT == S_IFDIR }
    var isRegularFile: Bool { mode & S_IFMT == S_IFREG }
    var isSymbolicLink: Bool { mode & S_IFMT == S_IFLNK }

    /// Whether both are the same file (device and inode), whatever the paths.
    func isSameFile(as other: Status) -> Bool { device == other.device && inode == other.inode }
  }

  /// The status of `path`, following symbolic links unless `follow` is false; `nil` when nothing
  /// is there. The corresponding C functions are `stat` and `lstat`.
  static func status(_ path: String, follow: Bool = true) throws(Failure) -> Status? {
    var raw = stat()
    if (follow ? stat(path, &raw) : lstat(path, &raw)) != 0 {
      if errno == ENOENT { return nil }
      throw Failure(code: errno)
    }
    return Status(
      mode: raw.st_mode, device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino),
      modified: Int(raw.st_mtim.tv_sec))
  }

  /// The absolute path with every symbolic link resolved, or `nil` when it does not exist. The
  /// corresponding C function is `realpath`.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Opens `path`. The corresponding C function is `open`; `O_CLOEXEC` is always added.
  static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o666) throws(Failure) -> Int32 {
    while true {
      let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
      if descriptor >= 0 { return descriptor }
      if errno != EINTR { throw Failure(code: errno) }
    }
  }

  /// Writes all of `bytes`, retrying short writes and interrupted calls. The corresponding C
  /// function is `write`; a closed pipe is `EPIPE` here only when SIGPIPE is ignored.
  static func write(_ descriptor: Int32, _ bytes: [UInt8]) throws(Failure) {
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        let rest = UnsafeRawBufferPointer(rebasing: buffer[written...])
        return Glibc.write(descriptor, rest.baseAddress, rest.count)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw Failure(code: errno)
      }
      written += count
    }
  }

  /// Flushes a file's data (or a folder's entries) to the disk. The corresponding C function is
  /// `fsync`.
  static func sync(_ descriptor: Int32) throws(Failure) {
    if fsync(descriptor) != 0 { throw Failure(code: errno) }
  }

  /// Flushes the entries of the folder at `path` (a rename is durable only after this).
  static func syncFolder(_ path: String) throws(Failure) {
    let descriptor = try open(path, O_RDONLY | O_DIRECTORY)
    defer { Glibc.close(descriptor) }
    try sync(descriptor)
  }

  /// Sets a file's permission bits. The corresponding C function is `fchmod`.
  static func setMode(_ descriptor: Int32, _ mode: mode_t) throws(Failure) {
    if fchmod(descriptor, mode & 0o7777) != 0 { throw Failure(code: errno) }
  }

  /// Closes a descriptor, reporting the error a network file system may only give here.
  static func close(_ descriptor: Int32) throws(Failure) {
    if Glibc.close(descriptor) != 0 { throw Failure(code: errno) }
  }

  /// Renames `source` to `destination`, replacing a file or an empty folder there, atomically.
  /// The corresponding C function is `rename`.
  static func rename(_ source: String, _ destination: String) throws(Failure) {
    if Glibc.rename(source, destination) != 0 { throw Failure(code: errno) }
  }

  /// Swaps two existing paths (files or folders) in one step: a reader sees one or the other at
  /// each path, never neither. Returns false when the kernel or the file system cannot (then
  /// nothing happened). The corresponding C function is `renameat2` with `RENAME_EXCHANGE`
  /// (Linux 3.15, glibc 2.28); Swift's Glibc module does not declare it, so it is looked up by
  /// name in the C library already loaded.
  static func exchange(_ first: String, _ second: String) throws(Failure) -> Bool {
    typealias RenameAt2 =
      @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
    let renameExchange: UInt32 = 1 << 1  // RENAME_EXCHANGE in <linux/fs.h>
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    if renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0 { return true }
    let code = errno
    if code == EINVAL || code == ENOSYS || code == ENOTSUP { return false }
    throw Failure(code: code)
  }

  /// Blocks until this process holds the exclusive lock on the open file or folder; the lock
  /// ends when the descriptor is closed (or the process ends, even by kill -9). The
  /// corresponding C function is `flock`.
  static func lockExclusively(_ descriptor: Int32) throws(Failure) {
    while flock(descriptor, LOCK_EX) != 0 {
      if errno != EINTR { throw Failure(code: errno) }
    }
  }

  /// Whether a process with this id exists. The corresponding C function is `kill` with signal 0.
  static func processExists(_ id: Int32) -> Bool {
    kill(id, 0) == 0 || errno == EPERM
  }

  /// This process's id. The corresponding C function is `getpid`.
  static var processID: Int32 { getpid() }

  /// Lets a write to a closed pipe end the process quietly, as it ends `yes | head -1`: restores
  /// SIGPIPE's default action (the Swift runtime may have set it to be ignored). The
  /// corresponding C function is `signal`.
  static func restoreDefaultSIGPIPE() {
    _ = signal(SIGPIPE, SIG_DFL)
  }
}
