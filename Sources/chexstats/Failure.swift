import ArgumentParser
import Foundation

/// A failure already phrased for the user.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// The one way a command fails: runs `body`, and turns any library error into one line on
/// standard error, `chexstats: error: <sentence>`, and exit status 1. ArgumentParser's own
/// validation errors and exit codes pass through (it prints usage with them).
func reportingFailures(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ValidationError {
    throw error
  } catch let error as ExitCode {
    throw error
  } catch {
    Output.note("chexstats: error: \(String(describing: error).singleLine)")
    throw ExitCode(1)
  }
}

/// Runs `body`; its error becomes a ``CommandFailure`` whose sentence starts with `context: `,
/// for library errors that do not name the file they are about (the engine names the op and
/// node, not the model).
func inContext<T>(_ context: String, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch {
    throw CommandFailure("\(context): \(error)")
  }
}
