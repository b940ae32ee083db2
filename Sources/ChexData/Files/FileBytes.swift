import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a whole input file: a regular file, or a stream (a FIFO, `/dev/stdin`, a shell's
/// process substitution `<(...)`) read until its end.
///
/// Why not `Data(contentsOf:)` after `FileManager.isReadableFile`: that check answers "no" for a
/// FIFO or a piped `/dev/stdin`, which were then reported as "permission denied". Here the file is
/// opened once and the failure reported is the one `open(2)` or `read(2)` gave (`errno`), so a
/// message says what actually went wrong.
///
/// ChexONNX has the same reader for models and `.npy` batches (`InputFile`); the two modules share
/// no dependency to hold one copy.
enum FileBytes {
  /// The largest input read, 4 GiB; a larger file (or a stream that goes on longer) is refused
  /// before more is read. The label and prediction CSVs of CheXpert's test set are under 100 KB.
  static let limit = 4 << 30

  /// The bytes of `path`, at most `limit` of them.
  ///
  /// - Throws: `DataError.fileNotFound`, `.isDirectory`, or `.unreadable` with the reason
  ///   (`permission denied`, `larger than the 4 GiB input limit`, an I/O error).
  /// - Complexity: O(file size); a regular file is read into one buffer of its size, a stream into a buffer
  ///   that doubles from 1 MiB.
  static func read(path: String, limit: Int = limit) throws(DataError) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 {
      let code = errno
      if code == ENOENT { throw .fileNotFound(path: path) }
      if code == EISDIR { throw .isDirectory(path: path) }
      throw .unreadable(path: path, reason: reason(code))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: reason(errno)) }
    if status.st_mode & S_IFMT == S_IFDIR { throw .isDirectory(path: path) }
    let regular = status.st_mode & S_IFMT == S_IFREG
    if regular, Int(status.st_size) > limit { throw tooLarge(path, limit) }
    // One byte more than a regular file's size, so its end is seen without growing the buffer.
    var data = Data(count: regular ? Int(status.st_size) + 1 : 1 << 20)
    var filled = 0
    while true {
      if filled == data.count { data.count = min(2 * data.count, limit + 1) }
      let count = data.withUnsafeMutableBytes { buffer in
        let free = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
        return Glibc.read(descriptor, free.baseAddress, free.count)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .unreadable(path: path, reason: reason(errno))
      }
      if count == 0 {
        data.count = filled
        return data
      }
      filled += count
      guard filled <= limit else { throw tooLarge(path, limit) }
    }
  }

  private static func tooLarge(_ path: String, _ limit: Int) -> DataError {
    let size = limit % (1 << 30) == 0 ? "\(limit >> 30) GiB" : "\(limit)-byte"
    return .unreadable(path: path, reason: "it is larger than the \(size) input limit")
  }

  /// `strerror`'s sentence in lower case, with the common cases phrased for a user.
  private static func reason(_ code: Int32) -> String {
    switch code {
    case EACCES, EPERM: return "permission denied"
    case ENOTDIR: return "a folder on the way to it is a file"
    default: return String(cString: strerror(code)).lowercased()
    }
  }
}
