import ChexData

/// The tables of a scored run, rendered from the list and the journal's outcomes: the same
/// outcomes always give the same bytes, so a resumed job and a merged one write what an
/// uninterrupted one does.
public enum RunTables {
  /// Which values a run holds.
  public enum Source: Sendable, Equatable {
    /// One model's outputs (its index in the job).
    case model(Int)
    /// The mean over all models (`--ensemble mean`).
    case ensembleMean
  }

  /// `predictions.csv`: `Path` and one column per output name, one row per scored image in
  /// list order (failed images are left out; they are in `failures.csv`). Values are floats in
  /// Swift's shortest round-trip form.
  ///
  /// - Precondition: `outcomes` holds one outcome per row of `rows`, each with every model.
  public static func predictions(
    list: ImageList, rows: Range<Int>, outcomes: [ScoringPipeline.Outcome], names: [String],
    source: Source, transform: OutputTransform
  ) -> String {
    precondition(outcomes.count == rows.count, "one outcome per row")
    var text = CSVWriter.row(["Path"] + names) + "\n"
    for (row, outcome) in zip(rows, outcomes) {
      guard case .scored(let models) = outcome else { continue }
      let values: [Float]
      switch source {
      case .model(let index):
        values = models[index].map(transform.apply)
      case .ensembleMean:
        values = names.indices.map { output in
          var sum = 0.0
          for model in models { sum += Double(transform.apply(model[output])) }
          return Float(sum / Double(models.count))
        }
      }
      text += CSVWriter.field(list.entries[row].path)
      for value in values {
        text += ","
        text += value.description
      }
      text += "\n"
    }
    return text
  }

  /// `failures.csv`: `Path,reason`, one row per image left out, or nil when none was.
  public static func failures(list: ImageList, rows: Range<Int>, outcomes: [ScoringPipeline.Outcome])
    -> String?
  {
    var text = CSVWriter.row(["Path", "reason"]) + "\n"
    var any = false
    for (row, outcome) in zip(rows, outcomes) {
      guard case .failed(let reason) = outcome else { continue }
      text += CSVWriter.row([list.entries[row].path, reason]) + "\n"
      any = true
    }
    return any ? text : nil
  }
}
