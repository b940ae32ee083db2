/// Figure 1(a): ImageNet top-1 accuracy against mean CheXpert AUROC, one point per
/// architecture, in groups (typically ImageNet-pretrained and random init), each with its
/// fit line and a note for the legend such as its Spearman correlation.
public struct ImageNetVsCheXpertFigure: Sendable {
  /// One architecture.
  public struct Point: Sendable, Hashable {
    /// The architecture's name, written next to its point.
    public var name: String
    /// ImageNet top-1 accuracy in percent (x); a non-finite value leaves the point out.
    public var imageNetTop1: Double
    /// Mean CheXpert AUROC and its bar (y).
    public var auroc: FigureEstimate

    public init(name: String, imageNetTop1: Double, auroc: FigureEstimate) {
      self.name = name
      self.imageNetTop1 = imageNetTop1
      self.auroc = auroc
    }
  }

  /// A set of points drawn in one colour and marker.
  public struct Group: Sendable, Hashable {
    /// The group's name in the legend, for example "Pretrained".
    public var name: String
    public var points: [Point]
    /// The line drawn (dashed) across the group's x range, or nil for none. Pass the fit the
    /// analysis reports, or ``LineFit/leastSquares(x:y:)`` of the points.
    public var fit: LineFit?
    /// Text appended to the legend entry, for example "Spearman ρ = 0.06".
    public var legendNote: String?
    /// Whether to write this group's architecture names next to its points (when the
    /// figure's `labelPoints` is also set); with many points, labelling one group reads best.
    public var labelPoints: Bool

    public init(
      name: String, points: [Point], fit: LineFit? = nil, legendNote: String? = nil,
      labelPoints: Bool = true
    ) {
      self.name = name
      self.points = points
      self.fit = fit
      self.legendNote = legendNote
      self.labelPoints = labelPoints
    }
  }

  public var groups: [Group]
  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// A line under the plot saying what the error bars and fit lines are.
  public var note: String?
  /// Whether to write each architecture's name next to its point.
  public var labelPoints: Bool

  public init(
    groups: [Group], title: String = "ImageNet vs CheXpert performance",
    xLabel: String = "ImageNet top-1 accuracy (%)", yLabel: String = "Mean CheXpert AUROC",
    note: String? = nil, labelPoints: Bool = true
  ) {
    self.groups = groups
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.note = note
    self.labelPoints = labelPoints
  }
}

extension FigureRenderer {
  /// Figure 1(a) as SVG text: a scatter of mean CheXpert AUROC against ImageNet top-1 with
  /// vertical error bars, each group in its own colour and marker, its fit line dashed over
  /// the group's x range, and architecture names beside the points.
  /// - Complexity: O(p^2) in the number of points (label placement).
  public static func render(_ figure: ImageNetVsCheXpertFigure) -> String {
    let points = figure.groups.flatMap(\.points).filter {
      $0.imageNetTop1.isFinite && $0.auroc.value.isFinite
    }
    let xAxis = Axis.fitting(points.map(\.imageNetTop1), scale: .linear)
    var yValues = points.flatMap(\.auroc.extent)
    // Fit lines are drawn over each group's x range; make room for their ends.
    for group in figure.groups {
      guard let fit = group.fit else { continue }
      let xs = group.points.map(\.imageNetTop1).filter(\.isFinite)
      for x in [xs.min(), xs.max()].compactMap({ $0 }) { yValues.append(fit.value(at: x)) }
    }
    let yAxis = Axis.fitting(yValues, scale: .linear, limits: 0...1)

    let legend = figure.groups.enumerated().map { i, group in
      LegendItem(
        label: group.name + (group.legendNote.map { " (\($0))" } ?? ""), colour: Palette.colour(i),
        marker: MarkerShape.allCases[i % MarkerShape.allCases.count], line: group.fit != nil,
        dashed: true)
    }
    var plot = Plot(
      title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel, note: figure.note,
      xAxis: xAxis, yAxis: yAxis, plotWidth: 600, plotHeight: 400, legend: legend)

    // Fit lines first, then bars, then markers on top, then labels.
    for (i, group) in figure.groups.enumerated() {
      guard let fit = group.fit, fit.slope.isFinite, fit.intercept.isFinite else { continue }
      let xs = group.points.map(\.imageNetTop1).filter(\.isFinite)
      guard let lo = xs.min(), let hi = xs.max(), lo < hi,
        let x1 = plot.px(lo), let x2 = plot.px(hi),
        let y1 = plot.py(fit.value(at: lo)), let y2 = plot.py(fit.value(at: hi))
      else { continue }
      plot.path([(x1, y1), (x2, y2)], colour: Palette.colour(i), dash: Plot.dash)
    }
    var placed: [(name: String, x: Double, y: Double, colour: String)] = []
    for (i, group) in figure.groups.enumerated() {
      let colour = Palette.colour(i)
      for point in group.points {
        guard let x = plot.px(point.imageNetTop1), let y = plot.py(point.auroc.value) else { continue }
        plot.verticalBar(x: x, low: point.auroc.lower, high: point.auroc.upper, colour: colour)
        if group.labelPoints { placed.append((point.name, x, y, colour)) }
      }
    }
    for (i, group) in figure.groups.enumerated() {
      let colour = Palette.colour(i)
      let shape = MarkerShape.allCases[i % MarkerShape.allCases.count]
      for point in group.points {
        guard let x = plot.px(point.imageNetTop1), let y = plot.py(point.auroc.value) else { continue }
        plot.point(shape, x: x, y: y, colour: colour)
      }
    }
    if figure.labelPoints {
      for p in placed { plot.label(p.name, x: p.x, y: p.y, colour: p.colour) }
    }
    return plot.document()
  }
}
