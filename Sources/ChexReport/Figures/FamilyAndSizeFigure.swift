/// Figure 1(b): mean CheXpert AUROC against model size, one colour per architecture family,
/// the members of each family joined in order of size (in the paper, random-init models).
public struct FamilyAndSizeFigure: Sendable {
  /// One architecture of a family.
  public struct Member: Sendable, Hashable {
    /// The architecture's name, written next to its point.
    public var name: String
    /// Trainable parameters, as a count (the axis shows millions on a log10 scale); a value
    /// that is not positive and finite leaves the point out.
    public var parameters: Double
    /// Mean CheXpert AUROC and its bar.
    public var auroc: FigureEstimate

    public init(name: String, parameters: Double, auroc: FigureEstimate) {
      self.name = name
      self.parameters = parameters
      self.auroc = auroc
    }
  }

  /// An architecture family, for example ResNet.
  public struct Family: Sendable, Hashable {
    public var name: String
    /// Members in any order; they are joined in order of parameters.
    public var members: [Member]

    public init(name: String, members: [Member]) {
      self.name = name
      self.members = members
    }
  }

  public var families: [Family]
  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// A line under the plot saying what the error bars are.
  public var note: String?
  /// Whether to write each architecture's name next to its point.
  public var labelPoints: Bool

  public init(
    families: [Family], title: String = "CheXpert AUROC by family and size (random init)",
    xLabel: String = "Parameters (millions, log scale)", yLabel: String = "Mean CheXpert AUROC",
    note: String? = nil, labelPoints: Bool = true
  ) {
    self.families = families
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.note = note
    self.labelPoints = labelPoints
  }
}

extension FigureRenderer {
  /// Figure 1(b) as SVG text: mean AUROC (with vertical bars) against parameters in millions
  /// on a log10 axis; each family in its own colour, its members joined by a line in order of
  /// size, names beside the points, families in the legend.
  /// - Complexity: O(p^2) in the number of points (label placement).
  public static func render(_ figure: FamilyAndSizeFigure) -> String {
    let families = figure.families.map { family in
      family.members
        .filter { $0.parameters.isFinite && $0.parameters > 0 && $0.auroc.value.isFinite }
        .sorted { ($0.parameters, $0.name) < ($1.parameters, $1.name) }
    }
    let members = families.flatMap { $0 }
    let xAxis = Axis.fitting(members.map { $0.parameters / 1e6 }, scale: .log10)
    let yAxis = Axis.fitting(members.flatMap(\.auroc.extent), scale: .linear, limits: 0...1)
    let legend = figure.families.enumerated().map { i, family in
      LegendItem(
        label: family.name, colour: Palette.colour(i), marker: Palette.marker(i), line: true)
    }
    var plot = Plot(
      title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel, note: figure.note,
      xAxis: xAxis, yAxis: yAxis, legend: legend)

    var positions: [[(member: FamilyAndSizeFigure.Member, x: Double, y: Double)]] = []
    for members in families {
      positions.append(
        members.compactMap { m in
          guard let x = plot.px(m.parameters / 1e6), let y = plot.py(m.auroc.value) else { return nil }
          return (m, x, y)
        })
    }
    for (i, points) in positions.enumerated() {
      plot.path(points.map { ($0.x, $0.y) }, colour: Palette.colour(i))
    }
    for (i, points) in positions.enumerated() {
      for p in points {
        plot.verticalBar(
          x: p.x, low: p.member.auroc.lower, high: p.member.auroc.upper, colour: Palette.colour(i))
      }
    }
    for (i, points) in positions.enumerated() {
      for p in points { plot.point(Palette.marker(i), x: p.x, y: p.y, colour: Palette.colour(i)) }
    }
    if figure.labelPoints {
      for (i, points) in positions.enumerated() {
        for p in points { plot.label(p.member.name, x: p.x, y: p.y, colour: Palette.colour(i)) }
      }
    }
    return plot.document()
  }
}
