import Foundation

/// Facts about the machine that statistics code may ask for (no I/O).
enum System {
  /// The number of processors available to this process.
  static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
