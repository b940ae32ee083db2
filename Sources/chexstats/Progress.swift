import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Progress of a long job on standard error: a bar with images/s and time left, redrawn at most
/// ten times a second when standard error is a terminal; otherwise (a log file, a Slurm job's
/// output) a plain line every 10 seconds. Nothing with `--quiet`.
final class Progress {
  private let total: Int
  private var done: Int
  private let startDone: Int
  private let quiet: Bool
  private let terminal: Bool
  private let start = Date()
  private var lastShown = Date.distantPast
  private let label: String

  init(label: String, total: Int, done: Int, quiet: Bool) {
    self.label = label
    self.total = total
    self.done = done
    startDone = done
    self.quiet = quiet
    terminal = isatty(STDERR_FILENO) == 1
    if !quiet, done > 0 {
      Output.note(
        done == total
          ? "\(label): all \(total) images were already scored; writing the files again"
          : "\(label): resuming after \(done) of \(total) images")
    }
  }

  func advance(by count: Int) {
    done += count
    guard !quiet else { return }
    let now = Date()
    guard now.timeIntervalSince(lastShown) >= (terminal ? 0.1 : 10) else { return }
    lastShown = now
    show(now: now, final: false)
  }

  /// The last line (the bar is ended by a newline).
  func finish() {
    guard !quiet, done > startDone else { return }
    show(now: Date(), final: true)
  }

  /// Images per second since this invocation started.
  var rate: Double {
    let seconds = Date().timeIntervalSince(start)
    return seconds > 0 ? Double(done - startDone) / seconds : 0
  }

  private func show(now: Date, final: Bool) {
    let seconds = now.timeIntervalSince(start)
    let rate = seconds > 0 ? Double(done - startDone) / seconds : 0
    let left = rate > 0 ? Double(total - done) / rate : nil
    let fraction = total > 0 ? Double(done) / Double(total) : 1
    let numbers =
      "\(done)/\(total) images, \(String(format: "%.1f", rate)) images/s, "
      + (final ? "\(Self.clock(seconds)) elapsed" : "\(left.map(Self.clock) ?? "?") left")
    if terminal {
      let width = 30
      let filled = min(width, Int(fraction * Double(width)))
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      let line = "\r\(label) [\(bar)] \(String(format: "%3.0f", fraction * 100))% \(numbers)\u{1B}[K"
      try? System.write(STDERR_FILENO, Array((line + (final ? "\n" : "")).utf8))
    } else {
      Output.note("\(label): \(numbers)")
    }
  }

  static func clock(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
  }
}
