import Foundation

/// A folder private to this fuzzing process, for the readers that only take paths.
///
/// The run-folder readers (`LabelFile.read`, `Run.load`) are fuzzed through the same paths
/// `compare` takes, so each input is written to a file first. The folder lives in `/dev/shm`
/// when there is one (no disk traffic per execution); its files are overwritten by each input,
/// and the folder is removed when the process exits normally.
public struct ScratchFolder: Sendable {
  /// The folder's path, without a trailing slash.
  public var path: String { processFolder }

  /// Creates `chexstats-fuzz-<pid>` under `/dev/shm` (or the temporary folder).
  public init() {
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: processFolder) }
  }

  /// Writes `bytes` to `name` inside the folder (creating subfolders) and returns its path.
  @discardableResult
  public func write<Bytes: Collection<UInt8>>(_ bytes: Bytes, to name: String) -> String {
    let file = path + "/" + name
    let folder = (file as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
      preconditionFailure("ScratchFolder.write: cannot write \(file)")
    }
    return file
  }
}

/// The one scratch folder of this process.
private let processFolder: String = {
  let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
  return base + "/chexstats-fuzz-\(ProcessInfo.processInfo.processIdentifier)"
}()

/// Splits a fuzz input at its first `separator`: the bytes before and after it, or the whole
/// input twice when it has none (a file that is both labels and predictions).
public func splitInput(_ bytes: [UInt8], at separator: [UInt8]) -> ([UInt8], [UInt8]) {
  guard bytes.count >= separator.count else { return (bytes, bytes) }
  for start in 0...(bytes.count - separator.count)
  where bytes[start..<(start + separator.count)].elementsEqual(separator) {
    return (Array(bytes[..<start]), Array(bytes[(start + separator.count)...]))
  }
  return (bytes, bytes)
}
