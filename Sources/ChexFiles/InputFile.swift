import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a whole input file: a regular file, or a stream (a FIFO, `/dev/stdin`, a shell's
/// process substitution `<(...)`) read until its end. The one reader behind every input chexstats
/// takes: CSVs and `run.json` (ChexData, which words the failures as `DataError`s), models
/// (ChexONNX) and `.npy` batches (ChexInference).
///
/// Why not `Data(contentsOf:)` after `FileManager.isReadableFile`: that check answers "no" for a
/// FIFO or a piped `/dev/stdin`, which were then reported as "permission denied". Here the file is
/// opened once and the failure reported is the one `open(2)` or `read(2)` gave (`errno`): a FIFO
/// is not "permission denied", a folder is not "missing".
public enum InputFile {
  /// The largest input read, 4 GiB: a larger file (or a stream that goes on longer) is refused
  /// before more is read. Protobuf itself caps a model file at 2 GiB; external weights and `.npy`
  /// batches may be larger than that, and CheXpert's largest CSV is 30 MB.
  public static let limit = 4 << 30

  /// Why a file could not be read.
  public enum Failure: Error, Equatable, Sendable {
    /// Nothing exists at the path.
    case missing
    /// The path is a folder.
    case folder
    /// It exists but cannot be read; the reason is a lower-case phrase such as
    /// `permission denied` or `it is larger than the 4 GiB input limit`.
    case unreadable(String)

    /// The failure as a phrase that completes "cannot be read: ...".
    public var reason: String {
      switch self {
      case .missing: return "no such file"
      case .folder: return "it is a folder, not a file"
      case .unreadable(let reason): return reason
      }
    }
  }

  /// The bytes of `path`, at most `limit` of them.
  ///
  /// - Throws: ``Failure``.
  /// - Complexity: O(file size); a regular file is read into one buffer of its size, a stream into
  ///   a buffer that doubles from 1 MiB.
  public static func read(path: String, limit: Int = limit) throws(Failure) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 { throw failure(errno) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
    if status.st_mode & S_IFMT == S_IFDIR { throw .folder }
    let regular = status.st_mode & S_IFMT == S_IFREG
    let size = limit % (1 << 30) == 0 ? "\(limit >> 30) GiB" : "\(limit)-byte"
    let tooLarge = Failure.unreadable("it is larger than the \(size) input limit")
    if regular, Int(status.st_size) > limit { throw tooLarge }
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
        throw failure(errno)
      }
      if count == 0 {
        data.count = filled
        return data
      }
      filled += count
      guard filled <= limit else { throw tooLarge }
    }
  }

  /// The bytes of `path` as `read` gives them, a regular file mapped into memory instead of
  /// copied: for model files, whose weights the loader copies out once anyway. Reading them into
  /// a fresh buffer cost a page fault per 4 KB of it (DenseNet121's 28 MB: a third of its load
  /// time); mapped pages of the page cache come in 64 KB at a time. Streams, empty files and files
  /// the system will not map are read as `read` does. (Mapping with `MAP_POPULATE` measured
  /// slower than faulting the pages in as they are read.)
  ///
  /// The mapping is private and writable (a write would copy the page, never touch the file) and
  /// lives as long as the returned `Data` and its slices; keep it only while parsing. A file cut
  /// shorter by another process during that time makes the reading process fail with SIGBUS, as
  /// any mapped reader does.
  ///
  /// - Throws: ``Failure``, as `read`.
  /// - Complexity: O(file size), as the bytes are touched.
  public static func map(path: String, limit: Int = limit) throws(Failure) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 { throw failure(errno) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
    let size = Int(status.st_size)
    guard status.st_mode & S_IFMT == S_IFREG, size > 0, size <= limit,
      let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0),
      address != MAP_FAILED
    else { return try read(path: path, limit: limit) }
    return Data(bytesNoCopy: address, count: size, deallocator: .custom { munmap($0, $1) })
  }

  private static func failure(_ code: Int32) -> Failure {
    switch code {
    case ENOENT: return .missing
    case EISDIR: return .folder
    case EACCES, EPERM: return .unreadable("permission denied")
    case ENOTDIR: return .unreadable("a folder on the way to it is a file")
    default: return .unreadable(String(cString: strerror(code)).lowercased())
    }
  }
}
