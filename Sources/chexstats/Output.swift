import ArgumentParser
import Foundation

/// Where command results go, and how failures are reported.
enum Output {
  /// Writes `text` to standard output, or atomically to `path` (a temporary file in the same
  /// folder, then a rename), so an interrupted run never leaves a half-written report.
  static func write(_ text: String, to path: String?) throws {
    guard let path else {
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CommandFailure("cannot write '\(path)': \(error.localizedDescription)")
    }
  }
}

extension Output {
  /// Writes each (relative name, text) into `folder`, creating folders as needed; each file is
  /// written to a temporary file and renamed, so a killed run leaves either the old or the new
  /// file, never half of one.
  static func writeFolder(_ files: [(name: String, text: String)], to folder: String) throws {
    let manager = FileManager.default
    let root = URL(fileURLWithPath: folder)
    for (name, text) in files {
      let url = root.appendingPathComponent(name)
      do {
        try manager.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
      } catch {
        throw CommandFailure("cannot write '\(url.path)': \(error.localizedDescription)")
      }
    }
  }
}

/// A failure already phrased for the user.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Runs `body`, turning any library error into one line on standard error and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ValidationError {
    throw error
  } catch let error as ExitCode {
    throw error
  } catch {
    let message = String(describing: error)
    FileHandle.standardError.write(Data("chexstats: error: \(message)\n".utf8))
    throw ExitCode(1)
  }
}

extension String {
  /// The text on one line: each line trimmed, the lines joined by one space. Error sentences may
  /// quote text from the user's file (a NumPy header ends in a newline; ONNX names can hold any
  /// character), and the commands promise one line on standard error.
  var singleLine: String {
    split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: " ")
  }
}
