/// Reference facts about known architectures (`data/architectures.csv`): family, parameter
/// counts for 1000-, 14- and 5-output heads, and ImageNet top-1 accuracy from torchvision and
/// timm, each with its source. Used where a run's own metadata lacks a value.
public struct ArchitectureTable: Sendable, Equatable {
  /// One architecture's reference facts.
  public struct Entry: Sendable, Equatable {
    public var architecture: String
    public var family: String
    /// Parameters with a head of 1000, 14 and 5 outputs.
    public var parameters1000: Int?
    public var parameters14: Int?
    public var parameters5: Int?
    /// ImageNet top-1 accuracy (%) of torchvision's and timm's weights.
    public var top1Torchvision: Double?
    public var top1Timm: Double?
    public var sourceTorchvision: String
    public var sourceTimm: String

    public init(
      architecture: String, family: String, parameters1000: Int? = nil, parameters14: Int? = nil,
      parameters5: Int? = nil, top1Torchvision: Double? = nil, top1Timm: Double? = nil,
      sourceTorchvision: String = "", sourceTimm: String = ""
    ) {
      self.architecture = architecture
      self.family = family
      self.parameters1000 = parameters1000
      self.parameters14 = parameters14
      self.parameters5 = parameters5
      self.top1Torchvision = top1Torchvision
      self.top1Timm = top1Timm
      self.sourceTorchvision = sourceTorchvision
      self.sourceTimm = sourceTimm
    }

    /// The parameter count with a head of `outputs` outputs (5 or 14; else the 14-output
    /// count, CheXpert's usual head), and which column it came from.
    public func parameters(outputs: Int) -> (value: Int, column: String)? {
      switch outputs {
      case 5: return parameters5.map { ($0, "params_5_outputs") }
      default: return parameters14.map { ($0, "params_14_outputs") }
      }
    }

    /// ImageNet top-1: torchvision's where it has the weights, else timm's; with the source.
    public var imagenetTop1: (value: Double, source: String)? {
      if let top1Torchvision { return (top1Torchvision, "torchvision: " + sourceTorchvision) }
      if let top1Timm { return (top1Timm, "timm: " + sourceTimm) }
      return nil
    }
  }

  /// The file it was read from.
  public let path: String
  public let entries: [Entry]

  public init(path: String, entries: [Entry]) {
    self.path = path
    self.entries = entries
  }

  /// The entry for `architecture`, matched ignoring case and punctuation (`mobilenet_v2`
  /// finds `MobileNetV2`, `inception_v3` finds `Inception-v3`).
  public func entry(for architecture: String) -> Entry? {
    let key = Self.matchKey(architecture)
    return entries.first { Self.matchKey($0.architecture) == key }
  }

  /// Lower-case letters and digits only.
  static func matchKey(_ name: String) -> String {
    String(name.lowercased().unicodeScalars.filter { CharacterSetASCII.isAlphanumeric($0) })
  }

  /// Reads the table: a CSV with at least `architecture` and `family` columns; the numeric
  /// columns `params_1000_outputs`, `params_14_outputs`, `params_5_outputs`,
  /// `imagenet_top1_torchvision`, `imagenet_top1_timm` and the text columns
  /// `source_torchvision`, `source_timm` are optional; empty cells are missing values.
  ///
  /// - Throws: `DataError` naming the file, and the line and column of a bad number.
  public static func read(path: String) throws(DataError) -> ArchitectureTable {
    let table = try CSVTable.read(path: path)
    func column(_ name: String) -> Int? { table.header.firstIndex(of: name) }
    guard let nameColumn = column("architecture") else {
      throw .missingKeyColumn(path: path, requested: "architecture", found: table.header)
    }
    guard let familyColumn = column("family") else {
      throw .missingColumn(path: path, column: "family")
    }
    var entries: [Entry] = []
    for (row, line) in zip(table.rows, table.lineNumbers) {
      func integer(_ name: String) throws(DataError) -> Int? {
        guard let index = column(name) else { return nil }
        let text = row[index].trimmingWhitespace()
        if text.isEmpty { return nil }
        guard let value = Int(text), value > 0 else {
          throw .invalidScore(path: path, line: line, column: name, found: text)
        }
        guard MetadataLimits.parameters.contains(value) else {
          throw .outOfRange(
            path: path, line: line, column: name, found: text,
            expected: "a count in \(MetadataLimits.parameters)")
        }
        return value
      }
      func real(_ name: String) throws(DataError) -> Double? {
        guard let index = column(name) else { return nil }
        let text = row[index].trimmingWhitespace()
        if text.isEmpty { return nil }
        guard let value = Double(text), value.isFinite else {
          throw .invalidScore(path: path, line: line, column: name, found: text)
        }
        guard MetadataLimits.imagenetTop1.contains(value) else {
          throw .outOfRange(
            path: path, line: line, column: name, found: text,
            expected: "a percentage in \(MetadataLimits.imagenetTop1)")
        }
        return value
      }
      func text(_ name: String) -> String { column(name).map { row[$0] } ?? "" }
      entries.append(
        Entry(
          architecture: row[nameColumn].trimmingWhitespace(),
          family: row[familyColumn].trimmingWhitespace(),
          parameters1000: try integer("params_1000_outputs"),
          parameters14: try integer("params_14_outputs"),
          parameters5: try integer("params_5_outputs"),
          top1Torchvision: try real("imagenet_top1_torchvision"),
          top1Timm: try real("imagenet_top1_timm"),
          sourceTorchvision: text("source_torchvision"), sourceTimm: text("source_timm")))
    }
    return ArchitectureTable(path: path, entries: entries)
  }
}

/// ASCII character tests without Foundation's character sets.
enum CharacterSetASCII {
  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
      || (scalar >= "0" && scalar <= "9")
  }
}
