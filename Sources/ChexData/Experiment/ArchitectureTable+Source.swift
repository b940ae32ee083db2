import Foundation

extension ArchitectureTable {
  /// Where `report` takes its architecture table from.
  public enum Source: Sendable, Equatable {
    /// This file; an error if it cannot be read.
    case file(String)
    /// ``ArchitectureTable/defaultPath`` relative to the current directory when a file is
    /// there (running from a clone of chexstats), else no table: runs must then carry their
    /// own `family`, `parameters` and `imagenet_top1`.
    case defaultIfPresent

    /// `--architectures FILE` when given, else the default.
    public init(option path: String?) {
      self = path.map { .file($0) } ?? .defaultIfPresent
    }

    /// The file to read, or nil for none.
    public var path: String? {
      switch self {
      case .file(let path): return path
      case .defaultIfPresent:
        return FileManager.default.fileExists(atPath: ArchitectureTable.defaultPath)
          ? ArchitectureTable.defaultPath : nil
      }
    }
  }

  /// The reference table chexstats ships: `data/architectures.csv` in the repository (the 16
  /// CheXtransfer architectures; provenance in `data/architectures.provenance.txt`).
  public static let defaultPath = "data/architectures.csv"

  /// Reads the table `source` stands for; nil when it stands for none.
  ///
  /// - Throws: any error of ``read(path:)``.
  public static func read(_ source: Source) throws(DataError) -> ArchitectureTable? {
    guard let path = source.path else { return nil }
    return try read(path: path)
  }
}
