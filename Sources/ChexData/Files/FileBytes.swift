import ChexFiles
import Foundation

/// Reads a whole input file (a regular file or a stream, see `ChexFiles.InputFile`) and words
/// its failures as `DataError`s naming the file.
enum FileBytes {
  /// The largest input read (`InputFile.limit`, 4 GiB).
  static let limit = InputFile.limit

  /// The bytes of `path`, at most `limit` of them.
  ///
  /// - Throws: `DataError.fileNotFound`, `.isDirectory`, or `.unreadable` with the reason
  ///   (`permission denied`, `it is larger than the 4 GiB input limit`, an I/O error).
  /// - Complexity: O(file size).
  static func read(path: String, limit: Int = limit) throws(DataError) -> Data {
    do {
      return try InputFile.read(path: path, limit: limit)
    } catch {
      switch error {
      case .missing: throw .fileNotFound(path: path)
      case .folder: throw .isDirectory(path: path)
      case .unreadable(let reason): throw .unreadable(path: path, reason: reason)
      }
    }
  }
}
