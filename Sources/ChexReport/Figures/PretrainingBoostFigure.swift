/// Figure 1(c): mean CheXpert AUROC with and without ImageNet pretraining, one row per
/// architecture, the two estimates joined so the pretraining boost shows as the line's length.
public struct PretrainingBoostFigure: Sendable {
  /// One architecture.
  public struct Row: Sendable, Hashable {
    /// The architecture's name (the row label).
    public var name: String
    /// Trainable parameters; rows are sorted by it, smallest at the top.
    public var parameters: Double
    /// Mean AUROC trained from random initialisation, and its bar.
    public var randomInit: FigureEstimate
    /// Mean AUROC fine-tuned from ImageNet weights, and its bar.
    public var pretrained: FigureEstimate
    /// Text at the right end of the row, for example "+0.031 (p < 0.001)"; when nil, the
    /// difference pretrained - random init with three decimals.
    public var annotation: String?

    public init(
      name: String, parameters: Double, randomInit: FigureEstimate, pretrained: FigureEstimate,
      annotation: String? = nil
    ) {
      self.name = name
      self.parameters = parameters
      self.randomInit = randomInit
      self.pretrained = pretrained
      self.annotation = annotation
    }
  }

  public var rows: [Row]
  public var title: String
  public var xLabel: String
  /// Legend text for the random-init markers.
  public var randomInitLabel: String
  /// Legend text for the pretrained markers.
  public var pretrainedLabel: String
  /// The heading of the annotation column at the right of the rows.
  public var annotationHeader: String
  /// A line under the plot saying what the error bars are and how the boost is defined.
  public var note: String?

  public init(
    rows: [Row], title: String = "ImageNet pretraining boost per architecture",
    xLabel: String = "Mean CheXpert AUROC", randomInitLabel: String = "Random init",
    pretrainedLabel: String = "ImageNet pretrained", annotationHeader: String = "Boost",
    note: String? = nil
  ) {
    self.rows = rows
    self.title = title
    self.xLabel = xLabel
    self.randomInitLabel = randomInitLabel
    self.pretrainedLabel = pretrainedLabel
    self.annotationHeader = annotationHeader
    self.note = note
  }
}

extension FigureRenderer {
  /// Figure 1(c) as SVG text: a dumbbell chart with one row per architecture (sorted by
  /// parameters, smallest first; rows with non-finite parameters last, by name), random init
  /// and pretrained AUROC as two markers with horizontal bars, a line between them, and the
  /// boost written at the right of the plot.
  /// - Complexity: O(r log r) in the number of rows.
  public static func render(_ figure: PretrainingBoostFigure) -> String {
    let rows = figure.rows.sorted { a, b in
      let ka = a.parameters.isFinite ? a.parameters : .infinity
      let kb = b.parameters.isFinite ? b.parameters : .infinity
      return (ka, a.name) < (kb, b.name)
    }
    let values = rows.flatMap { $0.randomInit.extent + $0.pretrained.extent }
    let xAxis = Axis.fitting(values, scale: .linear, limits: 0...1, targetTicks: 6)
    let randomColour = Palette.colour(1)
    let pretrainedColour = Palette.colour(0)
    let annotations = rows.map { row -> String in
      if let annotation = row.annotation { return annotation }
      return NumberFormat.signed(row.pretrained.value - row.randomInit.value, decimals: 3)
    }
    let annotationWidth = annotations.map { SVGText.width($0, size: Plot.pointLabelSize) }.max() ?? 0
    let legend = [
      LegendItem(label: figure.randomInitLabel, colour: randomColour, marker: .circle),
      LegendItem(label: figure.pretrainedLabel, colour: pretrainedColour, marker: .diamond),
    ]
    let headerWidth = SVGText.width(figure.annotationHeader, size: Plot.pointLabelSize)
    var plot = Plot(
      title: figure.title, xLabel: figure.xLabel, yLabel: "", note: figure.note, xAxis: xAxis,
      yAxis: nil, rows: rows.map(\.name), plotWidth: 440,
      gutter: 10 + max(annotationWidth, headerWidth), legend: legend)
    let column = plot.left + plot.plotWidth + 8
    plot.canvas.text(
      figure.annotationHeader, x: column, y: plot.top - 6, size: Plot.pointLabelSize, colour: Palette.neutral,
      bold: true)
    for (i, row) in rows.enumerated() {
      let y = plot.rowY(i)
      let offset = 3.0
      plot.horizontalBar(
        y: y - offset, low: row.randomInit.lower, high: row.randomInit.upper, colour: randomColour)
      plot.horizontalBar(
        y: y + offset, low: row.pretrained.lower, high: row.pretrained.upper, colour: pretrainedColour)
      if let x1 = plot.px(row.randomInit.value), let x2 = plot.px(row.pretrained.value) {
        plot.canvas.line(x1, y, x2, y, colour: Palette.neutral, width: 2)
      }
      if let x = plot.px(row.randomInit.value) { plot.point(.circle, x: x, y: y, colour: randomColour) }
      if let x = plot.px(row.pretrained.value) { plot.point(.diamond, x: x, y: y, colour: pretrainedColour) }
      plot.canvas.text(
        annotations[i], x: column, y: y + Plot.pointLabelSize * 0.35, size: Plot.pointLabelSize,
        colour: Palette.neutral)
    }
    return plot.document()
  }
}
