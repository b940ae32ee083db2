import ChexData
import ChexStats
import Foundation

/// What every JSON renderer shares: one encoder setting, the interval and the estimate.
enum JSONText {
  /// Pretty, key-sorted JSON text ending in a newline. The documents are plain values, so
  /// encoding cannot fail; `{}` stands in should it ever.
  static func encode(_ document: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(document) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// A confidence interval as `{"lower", "upper", "level"}`.
  struct Interval: Encodable {
    let lower: Double
    let upper: Double
    let level: Double
    init?(_ ci: ConfidenceInterval?) {
      guard let ci else { return nil }
      (lower, upper, level) = (ci.lower, ci.upper, ci.level)
    }
  }

  /// An ``Estimate`` as `{"estimate", "ci", "bootstrap_se", "replicates_used"}`; a value that
  /// is undefined or not finite is `null`.
  struct EstimateValue: Encodable {
    let estimate: Double?
    let ci: Interval?
    let bootstrap_se: Double?
    let replicates_used: Int
    init(_ e: Estimate) {
      estimate = e.value.flatMap { $0.isFinite ? $0 : nil }
      ci = Interval(e.interval)
      bootstrap_se = e.standardError
      replicates_used = e.replicatesUsed
    }
    init?(_ e: Estimate?) {
      guard let e else { return nil }
      self.init(e)
    }
  }

  /// How a bootstrap was drawn, as `{"replicates", "seed", "stratified", "level"}`.
  struct Design: Encodable {
    let replicates: Int
    let seed: UInt64
    let stratified: Bool
    let level: Double
    init(_ design: BootstrapDesign, level: Double) {
      (replicates, seed, stratified) = (design.replicates, design.seed, design.stratified)
      self.level = level
    }
  }

  /// A run (or reader) as `{"name", "path"}`.
  struct Run: Encodable {
    let name: String
    let path: String
    init(_ run: EvaluationProvenance.RunReference) { (name, path) = (run.name, run.path) }
  }
}
