/// The 14 CheXpert observations and the names files use for them.
///
/// Source: Irvin et al., "CheXpert: A Large Chest Radiograph Dataset with Uncertainty Labels and
/// Expert Comparison", AAAI 2019 (<https://arxiv.org/abs/1901.07031>), and the released CSVs.
public enum Observations {
  /// The 14 observations in the order of the CheXpert CSV files.
  public static let all: [String] = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
    "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
    "Pleural Other", "Fracture", "Support Devices",
  ]

  /// The 5 tasks CheXpert papers average ("mean AUROC").
  public static let competition: [String] = [
    "Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion",
  ]

  /// Other spellings seen in the wild, by their folded form (see `fold`).
  private static let synonyms: [String: String] = [
    "airspace opacity": "Lung Opacity",
    "effusion": "Pleural Effusion",
  ]

  private static let byFoldedName: [String: String] = {
    var table = synonyms
    for name in all { table[fold(name)] = name }
    return table
  }()

  /// The observation a column header names, or nil when it names none.
  ///
  /// Matching ignores surrounding whitespace, letter case, and treats `_` like a space and runs
  /// of spaces like one, so `" pleural_effusion "` is `Pleural Effusion`. Synonyms:
  /// `Airspace Opacity` = `Lung Opacity`, `Effusion` = `Pleural Effusion`.
  ///
  /// - Complexity: O(n) in the length of `header`.
  public static func canonicalName(_ header: String) -> String? {
    byFoldedName[fold(header)]
  }

  /// Lower case, `_` as space, single spaces, no surrounding whitespace.
  private static func fold(_ text: String) -> String {
    var words: [Substring] = []
    for word in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "\t" }) {
      words.append(word)
    }
    return words.joined(separator: " ")
  }
}

/// Which observations to evaluate.
public enum TaskSelection: Sendable, Equatable {
  /// The 5 competition tasks; each must be present in the labels and in every run.
  case competition
  /// Every observation present in the labels and in every run.
  case all
  /// These observations (canonical names), each present in the labels and in every run.
  case named([String])

  /// Parses `competition`, `all` (any letter case) or a comma-separated list of observation
  /// names, which are canonicalised (synonyms allowed) and de-duplicated in order.
  ///
  /// - Throws: `DataError.unknownTask` for a name that is not an observation,
  ///   `DataError.emptyTaskSelection` for a list with no names.
  public init(parsing text: String) throws(DataError) {
    let trimmed = text.trimmingWhitespace()
    switch trimmed.lowercased() {
    case "competition":
      self = .competition
      return
    case "all":
      self = .all
      return
    default:
      break
    }
    var names: [String] = []
    for part in trimmed.split(separator: ",") {
      let name = String(part).trimmingWhitespace()
      if name.isEmpty { continue }
      guard let canonical = Observations.canonicalName(name) else {
        throw .unknownTask(name: name)
      }
      if !names.contains(canonical) { names.append(canonical) }
    }
    guard !names.isEmpty else { throw .emptyTaskSelection }
    self = .named(names)
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks.
  func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
