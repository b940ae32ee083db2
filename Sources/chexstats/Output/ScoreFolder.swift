import ChexScoring
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The output folder of `chexstats score`: made if missing, held with an exclusive lock for the
/// job, and holding the job's journal (`score.journal`, see `ChexScoring.Journal`), to which
/// each finished batch is appended and flushed (`fdatasync`) before the next one is counted done.
///
/// - A new or empty folder starts a new journal.
/// - A folder holding a journal is continued only with `--resume`, and only when the journal's
///   job is this one (same models, list, shard, preprocessing, outputs); a torn last record is
///   cut off before appending.
/// - A folder holding anything else is refused: nothing in it is overwritten.
/// - A second `score` on the same folder at once is refused (the journal's `flock`).
///
/// The final files are written atomically (`OutputFile`), so a kill during them leaves the old
/// file or the new one, and `--resume` writes them again from the journal.
final class ScoreFolder {
  let path: String
  private let descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { _ = try? System.close(descriptor) }

  var journalPath: String { path + "/" + Journal.fileName }

  /// Opens (or makes) the folder for `job`; returns the outcomes already in its journal.
  static func open(path: String, job: ScoreJob, resume: Bool) throws -> (
    ScoreFolder, [ScoringPipeline.Outcome]
  ) {
    let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    guard !folder.isEmpty else { throw CommandFailure("--out is empty; give a folder") }
    do {
      if let status = try System.status(folder) {
        guard status.isFolder else { throw CommandFailure("--out '\(path)' exists and is not a folder") }
      } else {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
    } catch let failure as System.Failure {
      throw CommandFailure("cannot use --out '\(path)': \(failure.reason)")
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      throw CommandFailure("cannot make the folder '\(path)': \(error.localizedDescription)")
    }
    Temporary.removeStale(in: folder)
    let journal = folder + "/" + Journal.fileName
    let existing = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
      !$0.hasPrefix(Temporary.prefix)
    }
    if existing.contains(Journal.fileName) {
      guard resume else {
        throw CommandFailure(
          "output folder '\(path)' holds a scoring job (\(Journal.fileName)); add --resume to continue it, "
            + "or give an empty folder")
      }
      return try continueJournal(journal, folder: folder, job: job)
    }
    guard existing.isEmpty else {
      throw CommandFailure(
        "output folder '\(path)' is not empty and holds no scoring journal (found \(existing.sorted().prefix(3).map { "'\($0)'" }.joined(separator: ", "))\(existing.count > 3 ? ", ..." : "")); "
          + "give a new or empty folder")
    }
    do {
      let descriptor = try System.open(journal, O_RDWR | O_CREAT | O_EXCL)
      let opened = ScoreFolder(path: folder, descriptor: descriptor)
      try opened.lock()
      try System.write(descriptor, Journal.header(job))
      try System.sync(descriptor)
      try System.syncFolder(folder)
      return (opened, [])
    } catch let failure as System.Failure {
      throw CommandFailure("cannot write '\(journal)': \(failure.reason)")
    }
  }

  /// `path` as a new or empty folder for a merged run (made if missing); anything else is refused,
  /// so a merge never overwrites a run.
  static func emptyFolder(_ path: String) throws -> String {
    let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    guard !folder.isEmpty else { throw CommandFailure("--out is empty; give a folder") }
    if let status = try? System.status(folder) {
      guard status.isFolder else { throw CommandFailure("--out '\(path)' exists and is not a folder") }
      let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
        !$0.hasPrefix(Temporary.prefix)
      }
      guard entries.isEmpty else {
        throw CommandFailure("--out '\(path)' is not empty; give a new or empty folder")
      }
    } else {
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw CommandFailure("cannot make the folder '\(path)': \(error.localizedDescription)")
      }
    }
    return folder
  }

  private static func continueJournal(_ journal: String, folder: String, job: ScoreJob) throws -> (
    ScoreFolder, [ScoringPipeline.Outcome]
  ) {
    let opened: ScoreFolder
    do {
      opened = ScoreFolder(path: folder, descriptor: try System.open(journal, O_RDWR))
    } catch {
      throw CommandFailure("cannot open '\(journal)': \(error.reason)")
    }
    try opened.lock()
    let bytes = try opened.readAll()
    // A kill between creating the journal and finishing its first line leaves no job and no
    // record: start the job afresh rather than refuse the folder.
    if !bytes.contains(UInt8(ascii: "\n")) {
      do {
        guard ftruncate(opened.descriptor, 0) == 0, lseek(opened.descriptor, 0, SEEK_SET) == 0 else {
          throw System.Failure(code: errno)
        }
        try System.write(opened.descriptor, Journal.header(job))
        try System.sync(opened.descriptor)
      } catch let failure as System.Failure {
        throw CommandFailure("cannot write '\(journal)': \(failure.reason)")
      }
      return (opened, [])
    }
    let contents = try Journal.parse(bytes, path: journal)
    if let difference = job.difference(from: contents.job) {
      throw CommandFailure(
        "cannot resume '\(journal)': it was written by another job: \(difference); give a new folder for this one"
      )
    }
    guard ftruncate(opened.descriptor, off_t(contents.validLength)) == 0,
      lseek(opened.descriptor, 0, SEEK_END) >= 0
    else {
      throw CommandFailure(
        "cannot cut the torn last record of '\(journal)': \(System.Failure(code: errno).reason)")
    }
    return (opened, contents.outcomes)
  }

  /// Holds the folder for this process; refused when another process holds it.
  private func lock() throws {
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      if errno == EWOULDBLOCK {
        throw CommandFailure(
          "output folder '\(path)' is being written by another chexstats score; wait for it to end")
      }
      throw CommandFailure("cannot lock '\(journalPath)': \(System.Failure(code: errno).reason)")
    }
  }

  /// The journal's bytes from its start.
  func readAll() throws -> [UInt8] {
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: journalPath))
      return [UInt8](data)
    } catch {
      throw CommandFailure("cannot read '\(journalPath)': \(error.localizedDescription)")
    }
  }

  /// Appends `bytes` to the journal and flushes them to disk.
  func append(_ bytes: [UInt8]) throws {
    do {
      try System.write(descriptor, bytes)
      guard fdatasync(descriptor) == 0 else { throw System.Failure(code: errno) }
    } catch let failure as System.Failure {
      throw CommandFailure("cannot append to '\(journalPath)': \(failure.reason)")
    }
  }

  /// Writes `text` to `name` inside the folder (or inside its `subfolder`, made if missing),
  /// atomically.
  func write(_ text: String, to name: String, in subfolder: String? = nil) throws {
    var target = path
    if let subfolder {
      target += "/" + subfolder
      do {
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
      } catch {
        throw CommandFailure("cannot make the folder '\(target)': \(error.localizedDescription)")
      }
    }
    try OutputFile(path: target + "/" + name, option: "--out", inputs: []).write(text)
  }
}
