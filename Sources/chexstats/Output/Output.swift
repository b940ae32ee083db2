import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where command results go (``OutputFile``, ``ReportFolder``) and how the user is told things.
enum Output {}

extension Output {
  /// A line for the user on standard error (progress and summaries, never results).
  static func note(_ line: String) {
    // Checked, unlike FileHandle's write, which traps on a closed standard error.
    try? System.write(STDERR_FILENO, Array((line + "\n").utf8))
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
