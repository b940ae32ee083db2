import Foundation

/// Why a label file, a prediction file or a run could not be used.
///
/// Every case names the file (as the user gave it) and, where there is one, the line, the
/// column or the key at fault, and reads as one sentence, for example:
/// `predictions.csv, line 12, column 'Edema': expected a finite number, found 'nan'.`
///
/// Lines are the 1-based physical lines of the file, so a quoted field that spans two lines
/// moves the numbers of the rows after it, just as an editor shows them.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
  /// Nothing exists at `path`.
  case fileNotFound(path: String)
  /// A folder was given where a file was expected.
  case isDirectory(path: String)
  /// The file exists but could not be read.
  case unreadable(path: String, reason: String)
  /// The file holds no text at all (or only a byte-order mark and blank lines).
  case emptyFile(path: String)
  /// The file contains NUL bytes: it is not a text file.
  case binaryFile(path: String, line: Int)
  /// The file is not valid UTF-8.
  case invalidUTF8(path: String, line: Int)
  /// The file starts with a UTF-16 byte-order mark (as some spreadsheet exports do).
  case utf16(path: String)
  /// A quoted field opened on `line` is never closed.
  case unterminatedQuote(path: String, line: Int)
  /// A closing quote is followed by something other than a comma or the end of the line.
  case textAfterQuote(path: String, line: Int, field: Int)
  /// A row has a different number of fields than the header.
  case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
  /// The file has a header but no data rows.
  case noRows(path: String)
  /// No key column: neither `Study` nor `Path`, or the requested column is absent.
  case missingKeyColumn(path: String, requested: String?, found: [String])
  /// Two header cells name the same observation (for example `Effusion` and `Pleural Effusion`).
  case duplicateColumn(path: String, column: String, sameAs: String)
  /// The header names none of the 14 CheXpert observations.
  case noObservationColumns(path: String)
  /// A row has an empty key.
  case emptyKey(path: String, line: Int, column: String)
  /// Two rows have the same key (after normalisation).
  case duplicateKey(path: String, key: String, line: Int, firstLine: Int)
  /// A prediction cell that is not a finite number.
  case invalidScore(path: String, line: Int, column: String, found: String)
  /// A reader's or decision run's value that is not 0 or 1 (`study` is the evaluated key).
  case notBinary(path: String, study: String, column: String, found: Double)
  /// `--threshold-from` gave a different number of runs than there are score runs.
  case thresholdRunCount(expected: Int, found: Int)
  /// A data-chosen threshold cannot be fixed: the choosing set has one class for the task.
  case thresholdUndefined(labelsPath: String, runPath: String, task: String, rule: String)
  /// A label cell outside 1 / 0 / -1 / blank.
  case invalidLabel(path: String, line: Int, column: String, found: String)
  /// Two images of one study carry different labels for a task.
  case conflictingLabels(path: String, study: String, task: String, line: Int, firstLine: Int)
  /// A task name that is not one of the 14 CheXpert observations.
  case unknownTask(name: String)
  /// A task list with no names in it.
  case emptyTaskSelection
  /// A requested task is not a column of the file.
  case taskMissing(path: String, task: String)
  /// The labels and the runs share no observation.
  case noCommonTasks(paths: [String])
  /// A run does not score exactly the studies in the labels.
  case studiesMismatch(
    runPath: String, labelsPath: String, missing: Int, firstMissing: [String], extra: Int,
    firstExtra: [String])
  /// With `intersect`, no study is in the labels and in every run.
  case noCommonStudies(labelsPath: String, runPaths: [String])
  /// A run's `run.json` could not be decoded.
  case invalidMetadata(path: String, reason: String)
  /// A folder given as runs holds no run (no `predictions.csv` in it or its subfolders).
  case noRunsFound(path: String)
  /// Two runs have the same name.
  case duplicateRunName(name: String, firstPath: String, secondPath: String)
  /// A run lacks a metadata field the analysis needs.
  case missingMetadata(runPath: String, field: String, why: String)
  /// Two runs of one architecture disagree about a field that belongs to the architecture.
  case contradictoryMetadata(
    architecture: String, field: String, firstRun: String, firstValue: String, secondRun: String,
    secondValue: String)
  /// A CSV lacks a column it must have (other than the key and the tasks).
  case missingColumn(path: String, column: String)
  /// A metadata value out of range (for example negative parameters).
  case invalidMetadataValue(runPath: String, field: String, found: String, expected: String)
  /// A number in a table is outside its range (`MetadataLimits`).
  case outOfRange(path: String, line: Int, column: String, found: String, expected: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): no such file."
    case .isDirectory(let path):
      return "\(path): expected a file, found a folder."
    case .unreadable(let path, let reason):
      return "\(path): cannot be read (\(reason))."
    case .emptyFile(let path):
      return "\(path): the file is empty; expected a CSV header and rows."
    case .binaryFile(let path, let line):
      return "\(path), line \(line): expected CSV text, found a binary file (NUL bytes)."
    case .invalidUTF8(let path, let line):
      return "\(path), line \(line): expected UTF-8 text, found bytes that are not UTF-8."
    case .utf16(let path):
      return "\(path): expected UTF-8 text, found UTF-16; save the file as UTF-8 CSV."
    case .unterminatedQuote(let path, let line):
      return "\(path), line \(line): a quoted field opened here is never closed."
    case .textAfterQuote(let path, let line, let field):
      return
        "\(path), line \(line), field \(field): expected a comma or the end of the line after "
        + "the closing quote, found more text."
    case .wrongFieldCount(let path, let line, let expected, let found):
      return
        "\(path), line \(line): expected \(expected) fields as in the header, found \(found)."
    case .noRows(let path):
      return "\(path): expected rows after the header, found none."
    case .missingKeyColumn(let path, let requested, let found):
      let columns = found.map { "'\($0)'" }.joined(separator: ", ")
      if let requested {
        return "\(path): no key column '\(requested)'; the header has \(columns)."
      }
      return
        "\(path): no key column; expected 'Study' or 'Path' (or name one with --key), "
        + "the header has \(columns)."
    case .duplicateColumn(let path, let column, let sameAs):
      return
        "\(path): columns '\(sameAs)' and '\(column)' both name the observation "
        + "'\(Observations.canonicalName(column) ?? column)'."
    case .noObservationColumns(let path):
      return
        "\(path): the header names none of the 14 CheXpert observations "
        + "(for example 'Atelectasis' or 'Pleural Effusion')."
    case .emptyKey(let path, let line, let column):
      return "\(path), line \(line), column '\(column)': expected a key, found an empty cell."
    case .duplicateKey(let path, let key, let line, let firstLine):
      return "\(path), line \(line): key '\(key)' already appears on line \(firstLine)."
    case .invalidScore(let path, let line, let column, let found):
      return
        "\(path), line \(line), column '\(column)': expected a finite number, "
        + "found \(Self.quoted(found))."
    case .notBinary(let path, let study, let column, let found):
      return
        "\(path), study '\(study)', column '\(column)': expected a binary decision 0 or 1, "
        + "found \(found)."
    case .thresholdRunCount(let expected, let found):
      return
        "--threshold-from gave \(found) \(found == 1 ? "run" : "runs") after the labels, but there "
        + "\(expected == 1 ? "is" : "are") \(expected) score \(expected == 1 ? "run" : "runs") to threshold; "
        + "give one run per score run, in the same order."
    case .thresholdUndefined(let labelsPath, let runPath, let task, let rule):
      return
        "cannot choose a \(rule) threshold for '\(task)' of '\(runPath)': the labels in "
        + "'\(labelsPath)' have one class for that task."
    case .invalidLabel(let path, let line, let column, let found):
      return
        "\(path), line \(line), column '\(column)': expected 1, 0, -1 or blank, "
        + "found \(Self.quoted(found))."
    case .conflictingLabels(let path, let study, let task, let line, let firstLine):
      return
        "\(path), line \(line): the images of study '\(study)' disagree on '\(task)' "
        + "(line \(firstLine) says otherwise); labels of one study must agree."
    case .unknownTask(let name):
      return
        "Unknown task '\(name)': expected 'competition', 'all' or names among "
        + Observations.all.joined(separator: ", ") + "."
    case .emptyTaskSelection:
      return "No task named: expected 'competition', 'all' or a comma-separated list of observations."
    case .taskMissing(let path, let task):
      return "\(path): no column for the task '\(task)'."
    case .noCommonTasks(let paths):
      return
        "No observation is present in all of " + paths.map { "'\($0)'" }.joined(separator: ", ")
        + "."
    case .studiesMismatch(
      let runPath, let labelsPath, let missing, let firstMissing, let extra, let firstExtra):
      var parts: [String] = []
      if missing > 0 {
        parts.append(
          "\(missing) \(Self.studies(missing)) of the labels \(missing == 1 ? "is" : "are") "
            + "missing (first: \(Self.list(firstMissing)))")
      }
      if extra > 0 {
        parts.append(
          "\(extra) \(Self.studies(extra)) \(extra == 1 ? "is" : "are") not in '\(labelsPath)' "
            + "(first: \(Self.list(firstExtra)))")
      }
      return
        "\(runPath): expected exactly the studies in '\(labelsPath)'; "
        + parts.joined(separator: " and ") + ". Use intersect to evaluate the common studies."
    case .noCommonStudies(let labelsPath, let runPaths):
      return
        "\(labelsPath): no study is in the labels and in every run ("
        + runPaths.map { "'\($0)'" }.joined(separator: ", ") + ")."
    case .invalidMetadata(let path, let reason):
      return "\(path): cannot read the run metadata: \(reason)."
    case .noRunsFound(let path):
      return
        "\(path): no run found (expected a predictions CSV, a folder with predictions.csv, or a folder of such folders)."
    case .duplicateRunName(let name, let first, let second):
      return
        "Two runs are named '\(name)': \(first) and \(second); give one a different \"name\" in its run.json."
    case .missingMetadata(let path, let field, let why):
      return "\(path): run.json has no '\(field)', which \(why)."
    case .contradictoryMetadata(let architecture, let field, let a, let va, let b, let vb):
      return
        "Runs of \(architecture) disagree on '\(field)': \(a) says \(va), \(b) says \(vb)."
    case .missingColumn(let path, let column):
      return "\(path): no column '\(column)'."
    case .invalidMetadataValue(let path, let field, let found, let expected):
      return "\(path): '\(field)' is \(found); expected \(expected)."
    case .outOfRange(let path, let line, let column, let found, let expected):
      return "\(path), line \(line), column '\(column)': expected \(expected), found \(Self.quoted(found))."
    }
  }

  private static func quoted(_ found: String) -> String {
    if found.isEmpty { return "an empty cell" }
    let shown = found.count > 40 ? String(found.prefix(40)) + "..." : found
    return "'\(shown)'"
  }

  private static func studies(_ count: Int) -> String { count == 1 ? "study" : "studies" }

  private static func list(_ keys: [String]) -> String {
    keys.map { "'\($0)'" }.joined(separator: ", ")
  }
}

extension DataError: LocalizedError {
  public var errorDescription: String? { description }
}
