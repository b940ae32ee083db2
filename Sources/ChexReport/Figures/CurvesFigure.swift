/// One task's ROC and precision-recall curves, with human readers as points: the figure of
/// Irvin et al. (CheXpert, AAAI 2019) that sets the model's curves against radiologists'
/// operating points. Two panels side by side, ROC on the left and precision-recall on the
/// right, each run one coloured line in both; readers and the readers' mean drawn alike in both.
///
/// A renderer only: the curves, areas, operating points and intervals are drawn as given.
///
/// [Irvin et al. 2019]: https://doi.org/10.1609/aaai.v33i01.3301590
public struct CurvesFigure: Sendable {
  /// One run's curves on the task.
  public struct Curve: Sendable, Hashable {
    /// The run's name in the legend.
    public var name: String
    /// ROC points in drawing order, (0,0) ... (1,1): false-positive rates and true-positive
    /// rates, pairwise; a pair with a non-finite coordinate is left out, and so are entries
    /// beyond the shorter array.
    public var falsePositiveRates: [Double]
    /// The ROC points' true-positive rates (sensitivities), paired with `falsePositiveRates`.
    public var truePositiveRates: [Double]
    /// Precision-recall points in drawing order (recall ascending from its smallest value to
    /// 1), pairwise as above; may be empty (then the PR panel skips this run).
    public var recalls: [Double]
    /// The PR points' precisions, paired with `recalls`.
    public var precisions: [Double]
    /// For the legend: "name (AUROC 0.912, AUPRC 0.801)"; nil (or non-finite) values are left
    /// out.
    public var auroc: Double?
    /// The area under the precision-recall curve, for the legend.
    public var auprc: Double?

    public init(
      name: String, falsePositiveRates: [Double], truePositiveRates: [Double], recalls: [Double] = [],
      precisions: [Double] = [], auroc: Double? = nil, auprc: Double? = nil
    ) {
      self.name = name
      self.falsePositiveRates = falsePositiveRates
      self.truePositiveRates = truePositiveRates
      self.recalls = recalls
      self.precisions = precisions
      self.auroc = auroc
      self.auprc = auprc
    }
  }

  /// A human reader's operating point.
  public struct Reader: Sendable, Hashable {
    /// Written next to the reader's marker in both panels.
    public var name: String
    /// The reader's true-positive rate (the ROC panel's y and the PR panel's x); a value that
    /// is not finite leaves the reader out of both panels.
    public var sensitivity: Double
    /// The reader's true-negative rate (the ROC panel's x is 1 - specificity).
    public var specificity: Double
    /// Positive predictive value (the PR panel's y); nil leaves the reader out of the PR panel.
    public var precision: Double?

    public init(name: String, sensitivity: Double, specificity: Double, precision: Double? = nil) {
      self.name = name
      self.sensitivity = sensitivity
      self.specificity = specificity
      self.precision = precision
    }
  }

  /// The readers' mean operating point with bootstrap intervals, drawn as a cross whose arms
  /// are the intervals.
  public struct ReaderMean: Sendable, Hashable {
    /// The mean sensitivity and its interval (the vertical arm in ROC, the horizontal in PR).
    public var sensitivity: FigureEstimate
    /// The mean specificity and its interval (the horizontal arm in ROC, flipped to 1 - x).
    public var specificity: FigureEstimate
    /// The mean positive predictive value; nil leaves the mean out of the PR panel.
    public var precision: FigureEstimate?

    public init(sensitivity: FigureEstimate, specificity: FigureEstimate, precision: FigureEstimate? = nil) {
      self.sensitivity = sensitivity
      self.specificity = specificity
      self.precision = precision
    }
  }

  /// The task (label) the curves are for; the figure's title.
  public var task: String
  /// The runs, each drawn in `Palette` colour by position (colours repeat after eight).
  public var curves: [Curve]
  /// Human readers, each a labelled marker in both panels.
  public var readers: [Reader]
  /// The readers' mean operating point, or nil for none.
  public var readerMean: ReaderMean?
  /// Subtitle line, e.g. "n = 500 studies, 151 positive; 1000 bootstrap replicates, seed 2021".
  public var note: String?

  public init(
    task: String, curves: [Curve], readers: [Reader] = [], readerMean: ReaderMean? = nil, note: String? = nil
  ) {
    self.task = task
    self.curves = curves
    self.readers = readers
    self.readerMean = readerMean
    self.note = note
  }

  /// The SVG document: two panels side by side, ROC (x: 1 - specificity, y: sensitivity, both
  /// 0..1, the chance diagonal dashed grey) and precision-recall (x: recall = sensitivity,
  /// y: precision, 0..1). Each run is a coloured polyline in both panels; readers are
  /// labelled diamonds (in ROC at (1 - specificity, sensitivity), in PR at (sensitivity,
  /// precision)); the readers' mean is a square with horizontal and vertical bars from its
  /// intervals (in ROC the horizontal bar spans 1 - upper(specificity) ... 1 - lower(specificity)).
  /// The legend, right of the PR panel, lists the runs with their AUROC and AUPRC (3 decimals),
  /// the readers and the mean; the note goes under both panels.
  ///
  /// Curves are snapped to a half-pixel grid and thinned (see `thinned(_:grid:)`), so an ROC
  /// curve of any length is written in at most 2 (320 + 320) + 1 coordinate pairs.
  /// - Complexity: O(p + r k) for p curve points, r readers and k regions labels must avoid
  ///   (at most a few thousand per curve).
  public func render() -> String {
    let layout = panels()
    var roc = layout.roc
    var pr = layout.pr
    if let a = roc.px(0), let b = roc.py(0), let c = roc.px(1), let d = roc.py(1) {
      roc.canvas.line(a, b, c, d, colour: Palette.neutral, width: 1, dash: Plot.dash)
      roc.occupySegment(a, b, c, d)
    }
    let rocMean = readerMean.map { mean in
      (x: Self.complement(mean.specificity), y: mean.sensitivity)
    }
    let prMean = readerMean.flatMap { mean in mean.precision.map { (x: mean.sensitivity, y: $0) } }
    Self.draw(
      on: &roc, curves: curves.map { zip($0.falsePositiveRates, $0.truePositiveRates).map { ($0, $1) } },
      readers: readers.map { ($0.name, 1 - $0.specificity, $0.sensitivity) }, mean: rocMean)
    Self.draw(
      on: &pr, curves: curves.map { zip($0.recalls, $0.precisions).map { ($0, $1) } },
      readers: readers.compactMap { r in r.precision.map { (r.name, r.sensitivity, $0) } }, mean: prMean)

    let width = max(
      layout.prOffset + pr.canvas.width, (SVGText.width(task, size: Plot.titleSize) + 32).rounded(.up))
    let noteLines = note.map { SVGText.wrap($0, size: Plot.noteSize, maxWidth: width - 32) } ?? []
    let base = max(roc.canvas.height, pr.canvas.height)
    let height = (base + Double(noteLines.count) * (Plot.noteSize + 4)).rounded(.up)
    var canvas = SVGCanvas(width: width, height: height)
    canvas.text(task, x: 16, y: 28, size: Plot.titleSize, bold: true)
    canvas.place(roc.canvas, dx: 0)
    canvas.place(pr.canvas, dx: layout.prOffset)
    for (i, line) in noteLines.enumerated() {
      canvas.text(
        line, x: 16, y: base + 8 + Double(i) * (Plot.noteSize + 4), size: Plot.noteSize,
        colour: Palette.neutral)
    }
    return canvas.document(title: task, description: note)
  }
}

extension FigureRenderer {
  /// The per-task ROC and precision-recall figure as SVG text; the same as
  /// ``CurvesFigure/render()``, here so that every figure renders through `FigureRenderer`.
  public static func render(_ figure: CurvesFigure) -> String { figure.render() }
}

// MARK: - Layout and drawing

extension CurvesFigure {
  /// Width and height of each panel's plot area, in pixels (square, as in the paper).
  static let panelSize = 320.0
  /// Readers: grey diamonds, labelled with their names.
  static let readerShape = MarkerShape.diamond
  static let readerColour = Palette.neutral
  /// The readers' mean: a dark square with its intervals as bars.
  static let meanShape = MarkerShape.square
  static let meanColour = Palette.axis

  /// The run's legend text: "name (AUROC 0.912, AUPRC 0.801)", leaving out nil or non-finite
  /// areas (just "name" when both are).
  static func legendLabel(_ curve: Curve) -> String {
    var parts: [String] = []
    if let auroc = curve.auroc, auroc.isFinite {
      parts.append("AUROC " + NumberFormat.fixed(auroc, decimals: 3))
    }
    if let auprc = curve.auprc, auprc.isFinite {
      parts.append("AUPRC " + NumberFormat.fixed(auprc, decimals: 3))
    }
    return parts.isEmpty ? curve.name : "\(curve.name) (\(parts.joined(separator: ", ")))"
  }

  /// The legend: runs, then readers and their mean (each only when present).
  var legend: [LegendItem] {
    var items: [LegendItem] = []
    if !curves.isEmpty {
      items.append(.header("Runs"))
      for (i, curve) in curves.enumerated() {
        items.append(LegendItem(label: Self.legendLabel(curve), colour: Palette.colour(i), line: true))
      }
    }
    if !readers.isEmpty || readerMean != nil {
      items.append(.header("Readers"))
      if !readers.isEmpty {
        items.append(LegendItem(label: "Reader", colour: Self.readerColour, marker: Self.readerShape))
      }
      if readerMean != nil {
        items.append(LegendItem(label: "Readers' mean", colour: Self.meanColour, marker: Self.meanShape))
      }
    }
    return items
  }

  /// The two empty panels, each laid out on its own canvas with fixed 0..1 axes: ROC with no
  /// title or legend, PR with the legend; `prOffset` is where the PR canvas starts in the
  /// document (the ROC canvas's width).
  func panels() -> (roc: Plot, pr: Plot, prOffset: Double) {
    let unit = NiceTicks.linear(min: 0, max: 1, targetCount: 6)
    let roc = Plot(
      title: "", xLabel: "1 - specificity (false-positive rate)", yLabel: "Sensitivity (true-positive rate)",
      note: nil, xAxis: unit, yAxis: unit, plotWidth: Self.panelSize, plotHeight: Self.panelSize, legend: [])
    let pr = Plot(
      title: "", xLabel: "Recall (sensitivity)", yLabel: "Precision (positive predictive value)", note: nil,
      xAxis: unit, yAxis: unit, plotWidth: Self.panelSize, plotHeight: Self.panelSize, legend: legend)
    return (roc, pr, roc.canvas.width)
  }

  /// 1 - `estimate`, its bar flipped to match (the false-positive rate from a specificity).
  static func complement(_ estimate: FigureEstimate) -> FigureEstimate {
    FigureEstimate(
      1 - estimate.value, lower: estimate.upper.map { 1 - $0 }, upper: estimate.lower.map { 1 - $0 })
  }

  /// Draws one panel's data, in data units: the curves, then the mean's bars, the readers'
  /// and mean's markers, and last the readers' labels (so that they avoid everything else).
  static func draw(
    on plot: inout Plot, curves: [[(x: Double, y: Double)]], readers: [(name: String, x: Double, y: Double)],
    mean: (x: FigureEstimate, y: FigureEstimate)?
  ) {
    for (i, curve) in curves.enumerated() {
      let pixels = curve.compactMap { p -> (x: Double, y: Double)? in
        guard let x = plot.px(p.x), let y = plot.py(p.y) else { return nil }
        return (x, y)
      }
      plot.path(thinned(pixels), colour: Palette.colour(i))
    }
    var meanPoint: (x: Double, y: Double)?
    if let mean, let x = plot.px(mean.x.value), let y = plot.py(mean.y.value) {
      meanPoint = (x, y)
      plot.horizontalBar(y: y, low: mean.x.lower, high: mean.x.upper, colour: meanColour)
      if let low = mean.x.lower, let high = mean.x.upper, let x1 = plot.px(low), let x2 = plot.px(high) {
        // Plot.horizontalBar leaves its region free; labels should avoid this bar too.
        plot.occupy(Box(minX: min(x1, x2), minY: y - 2, maxX: max(x1, x2), maxY: y + 2))
      }
      plot.verticalBar(x: x, low: mean.y.lower, high: mean.y.upper, colour: meanColour)
    }
    let placed = readers.compactMap { r -> (name: String, x: Double, y: Double)? in
      guard let x = plot.px(r.x), let y = plot.py(r.y) else { return nil }
      return (r.name, x, y)
    }
    for r in placed { plot.point(readerShape, x: r.x, y: r.y, colour: readerColour) }
    if let meanPoint { plot.point(meanShape, x: meanPoint.x, y: meanPoint.y, colour: meanColour) }
    for r in placed { plot.label(r.name, x: r.x, y: r.y, colour: readerColour) }
  }

  /// `points` (pixels) snapped to a grid of `grid` pixels and thinned: points that are not
  /// finite are left out, a point on the same grid position as the one before it is dropped,
  /// and a point that lies on the straight segment between its neighbours (going on in the
  /// same direction) is dropped, so only the corners remain.
  ///
  /// Snapping moves a point at most `grid / 2` along each axis (a quarter pixel by default,
  /// well inside the 1.5 px line) and bounds the output: a monotone curve such as an ROC
  /// curve over a w x h pixel area keeps at most (w + h) / grid + 1 points, whatever its
  /// length. Coordinates on the grid are multiples of 0.5, so products in the collinearity
  /// test are exact.
  /// - Complexity: O(n).
  static func thinned(_ points: [(x: Double, y: Double)], grid: Double = 0.5) -> [(x: Double, y: Double)] {
    var out: [(x: Double, y: Double)] = []
    for p in points {
      let q = (x: (p.x / grid).rounded() * grid, y: (p.y / grid).rounded() * grid)
      guard q.x.isFinite, q.y.isFinite else { continue }
      if let last = out.last, last == q { continue }
      if out.count >= 2 {
        let a = out[out.count - 2]
        let b = out[out.count - 1]
        let cross = (b.x - a.x) * (q.y - b.y) - (b.y - a.y) * (q.x - b.x)
        let dot = (b.x - a.x) * (q.x - b.x) + (b.y - a.y) * (q.y - b.y)
        if cross == 0 && dot > 0 {
          out[out.count - 1] = q
          continue
        }
      }
      out.append(q)
    }
    return out
  }
}
