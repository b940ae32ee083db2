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

extension Output {
  /// A line for the user on standard error (progress and summaries, never results).
  static func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
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
