import Foundation
import Synchronization

/// Lines that a test run must show in its log (a part of a suite that did not run, and why),
/// printed to standard error once per process however many tests hit them.
public enum Notice {
  private static let printed = Mutex<Set<String>>([])

  /// Prints `<prefix><message>` the first time this message is given.
  public static func once(_ message: String, prefix: String = "NOTICE: ") {
    let first = printed.withLock { $0.insert(message).inserted }
    if first { FileHandle.standardError.write(Data("\(prefix)\(message)\n".utf8)) }
  }
}
