import ChexData
import ChexStats

/// The files `compare --curves DIR` writes: per task and run the ROC and precision-recall
/// points as CSV, one SVG per task (every run's curves, the readers, their mean), and
/// `curves.json`, which lists them with how they were made.
public enum CurveFiles {
  /// One run's curves on one task.
  public struct RunCurves: Sendable {
    public var run: String
    public var roc: ROCCurve
    /// `nil` without a positive.
    public var precisionRecall: PrecisionRecallCurve?
    public var auroc: Double?
    public var averagePrecision: Double?
    public init(
      run: String, roc: ROCCurve, precisionRecall: PrecisionRecallCurve?, auroc: Double?,
      averagePrecision: Double?
    ) {
      self.run = run
      self.roc = roc
      self.precisionRecall = precisionRecall
      self.auroc = auroc
      self.averagePrecision = averagePrecision
    }
  }

  /// Everything drawn for one task.
  public struct Task: Sendable {
    public var name: String
    public var positives: Int
    public var negatives: Int
    /// Runs whose task has both classes.
    public var runs: [RunCurves]
    public var readers: [CurvesFigure.Reader]
    public var readerMean: CurvesFigure.ReaderMean?
    public init(
      name: String, positives: Int, negatives: Int, runs: [RunCurves], readers: [CurvesFigure.Reader],
      readerMean: CurvesFigure.ReaderMean?
    ) {
      self.name = name
      self.positives = positives
      self.negatives = negatives
      self.runs = runs
      self.readers = readers
      self.readerMean = readerMean
    }
  }

  /// The header of every curve CSV.
  public static let columns = ["threshold", "fpr", "tpr", "precision", "recall"]

  /// A name safe in any file system: lower case, letters, digits and `-`, `.`, `_` kept,
  /// anything else (spaces, `/`) turned into `-`.
  static func slug(_ text: String) -> String {
    let mapped = text.lowercased().map { c -> Character in
      c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "." || c == "_") ? c : "-"
    }
    let slug = String(mapped).trimmingCharacters(in: ["-", "."])
    return slug.isEmpty ? "run" : slug
  }

  /// The CSV file name of `run` on `task`.
  public static func csvName(task: String, run: String) -> String { "\(slug(task))_\(slug(run)).csv" }
  /// The SVG file name of `task`.
  public static func svgName(task: String) -> String { "\(slug(task)).svg" }

  /// The points of one run on one task: the ROC curve's points, thresholds descending from
  /// +infinity (written `inf`: nothing called positive, precision undefined), with the
  /// precision and recall of the same rule "positive when score >= threshold".
  public static func csv(_ curves: RunCurves) -> String {
    var lines = [columns.joined(separator: ",")]
    let x = NumberFormat.exact
    let roc = curves.roc
    for k in roc.thresholds.indices {
      // The PR curve has no point at +infinity; its k-1-th point shares the ROC's k-th threshold.
      let precision = k == 0 ? nil : curves.precisionRecall?.precisions[k - 1]
      let threshold = roc.thresholds[k].isInfinite ? "inf" : x(roc.thresholds[k])
      lines.append(
        [
          threshold, x(roc.falsePositiveRates[k]), x(roc.truePositiveRates[k]), x(precision),
          x(roc.truePositiveRates[k]),
        ]
        .joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The figure of one task.
  public static func figure(_ task: Task, note: String?) -> CurvesFigure {
    CurvesFigure(
      task: task.name,
      curves: task.runs.map { run in
        CurvesFigure.Curve(
          name: run.run, falsePositiveRates: run.roc.falsePositiveRates,
          truePositiveRates: run.roc.truePositiveRates,
          recalls: run.precisionRecall?.recalls ?? [], precisions: run.precisionRecall?.precisions ?? [],
          auroc: run.auroc, auprc: run.averagePrecision)
      }, readers: task.readers, readerMean: task.readerMean, note: note)
  }

  /// Every file of the folder, `curves.json` last.
  ///
  /// - Parameters:
  ///   - tasks: the tasks in report order.
  ///   - design: the bootstrap behind the readers' mean intervals, for the notes.
  public static func files(_ tasks: [Task], design: BootstrapDesign, provenance: EvaluationProvenance)
    -> [(name: String, text: String)]
  {
    var files: [(name: String, text: String)] = []
    var manifest: [Manifest.Entry] = []
    // Two names may share a slug ("Run A" and "run-a"): later ones get a number.
    var used: Set<String> = []
    func unique(_ name: String) -> String {
      var candidate = name
      var k = 2
      while used.contains(candidate) {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        candidate = name[..<dot] + "-\(k)" + name[dot...]
        k += 1
      }
      used.insert(candidate)
      return candidate
    }
    for task in tasks {
      for run in task.runs {
        let name = unique(csvName(task: task.name, run: run.run))
        files.append((name, csv(run)))
        manifest.append(.init(task: task.name, run: run.run, file: name))
      }
      let note =
        "n = \(task.positives + task.negatives) studies, \(task.positives) positive; readers' mean with bootstrap \(NumberFormat.percent(0.95)) CIs (\(design.replicates) replicates, seed \(design.seed))"
      let svg = unique(svgName(task: task.name))
      files.append(
        (
          svg,
          figure(
            task,
            note: task.readerMean == nil
              ? "n = \(task.positives + task.negatives) studies, \(task.positives) positive" : note
          ).render()
        ))
      manifest.append(.init(task: task.name, run: nil, file: svg))
    }
    let document = Manifest(
      chexstats_version: ChexstatsVersion.current, labels: provenance.labelsPath,
      runs: provenance.runs.map(\.path), columns: columns,
      rule: "positive when score >= threshold; the first row (threshold inf) calls nothing positive",
      files: manifest)
    files.append(("curves.json", JSONText.encode(document)))
    return files
  }

  struct Manifest: Encodable {
    struct Entry: Encodable {
      let task: String
      let run: String?
      let file: String
    }
    let chexstats_version: String
    let labels: String
    let runs: [String]
    let columns: [String]
    let rule: String
    let files: [Entry]
  }
}
