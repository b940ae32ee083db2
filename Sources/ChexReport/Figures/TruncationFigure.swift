/// Figure 1(d): mean CheXpert AUROC against parameters as final blocks are cut from
/// pretrained models, one line per architecture from the full model through its truncated
/// variants.
public struct TruncationFigure: Sendable {
  /// A model with some number of final blocks removed (0 for the full model).
  public struct Variant: Sendable, Hashable {
    /// Final blocks removed; sets the marker shape (0 circle, 1 square, 2 triangle,
    /// 3 diamond, then repeating).
    public var blocksCut: Int
    /// Trainable parameters, as a count (the axis shows millions on a log10 scale); a value
    /// that is not positive and finite leaves the point out.
    public var parameters: Double
    /// Mean CheXpert AUROC and its bar.
    public var auroc: FigureEstimate
    /// Whether the AUROC drop from the full model is statistically significant; drawn as a
    /// hollow marker.
    public var significantDrop: Bool

    public init(blocksCut: Int, parameters: Double, auroc: FigureEstimate, significantDrop: Bool = false) {
      self.blocksCut = blocksCut
      self.parameters = parameters
      self.auroc = auroc
      self.significantDrop = significantDrop
    }
  }

  /// One architecture and its variants.
  public struct Architecture: Sendable, Hashable {
    public var name: String
    /// Variants in any order; the line joins them in order of blocks cut.
    public var variants: [Variant]

    public init(name: String, variants: [Variant]) {
      self.name = name
      self.variants = variants
    }
  }

  public var architectures: [Architecture]
  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// A line under the plot saying what the error bars are and which test decides
  /// "significant drop".
  public var note: String?

  public init(
    architectures: [Architecture], title: String = "CheXpert AUROC under truncation of final blocks",
    xLabel: String = "Parameters (millions, log scale)", yLabel: String = "Mean CheXpert AUROC",
    note: String? = nil
  ) {
    self.architectures = architectures
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.note = note
  }
}

extension FigureRenderer {
  /// Figure 1(d) as SVG text: mean AUROC (with vertical bars) against parameters in millions
  /// on a log10 axis; one colour and line per architecture through its variants in order of
  /// blocks cut; the marker shape says how many blocks were cut, a hollow marker that the
  /// drop from the full model is significant. The legend lists architectures, marker shapes
  /// and the meaning of hollow markers.
  /// - Complexity: O(v log v) in the number of variants.
  public static func render(_ figure: TruncationFigure) -> String {
    let lines = figure.architectures.map { architecture in
      architecture.variants
        .filter { $0.parameters.isFinite && $0.parameters > 0 && $0.auroc.value.isFinite }
        .sorted { ($0.blocksCut, $0.parameters) < ($1.blocksCut, $1.parameters) }
    }
    let variants = lines.flatMap { $0 }
    let xAxis = Axis.fitting(variants.map { $0.parameters / 1e6 }, scale: .log10)
    let yAxis = Axis.fitting(variants.flatMap(\.auroc.extent), scale: .linear, limits: 0...1)
    func shape(_ blocks: Int) -> MarkerShape {
      MarkerShape.allCases[((blocks % 4) + 4) % 4]
    }

    var legend: [LegendItem] = [.header("Architecture")]
    for (i, architecture) in figure.architectures.enumerated() {
      legend.append(LegendItem(label: architecture.name, colour: Palette.colour(i), line: true))
    }
    let blocks = Set(variants.map(\.blocksCut)).sorted()
    if !blocks.isEmpty {
      legend.append(.header("Blocks cut"))
      for b in blocks {
        legend.append(LegendItem(label: b == 0 ? "0 (full model)" : "\(b)", marker: shape(b)))
      }
    }
    if variants.contains(where: \.significantDrop) {
      legend.append(LegendItem(label: "Significant drop", marker: .circle, hollow: true))
    }
    var plot = Plot(
      title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel, note: figure.note,
      xAxis: xAxis, yAxis: yAxis, legend: legend)

    let positions = lines.map { line in
      line.compactMap { v -> (variant: TruncationFigure.Variant, x: Double, y: Double)? in
        guard let x = plot.px(v.parameters / 1e6), let y = plot.py(v.auroc.value) else { return nil }
        return (v, x, y)
      }
    }
    for (i, points) in positions.enumerated() {
      plot.path(points.map { ($0.x, $0.y) }, colour: Palette.colour(i))
    }
    for (i, points) in positions.enumerated() {
      for p in points {
        plot.verticalBar(
          x: p.x, low: p.variant.auroc.lower, high: p.variant.auroc.upper, colour: Palette.colour(i))
      }
    }
    for (i, points) in positions.enumerated() {
      for p in points {
        plot.point(
          shape(p.variant.blocksCut), x: p.x, y: p.y, colour: Palette.colour(i),
          hollow: p.variant.significantDrop)
      }
    }
    return plot.document()
  }
}
