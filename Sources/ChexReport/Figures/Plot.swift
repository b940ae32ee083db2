/// A rectangle in pixel coordinates (y grows downwards).
struct Box: Equatable {
  var minX: Double
  var minY: Double
  var maxX: Double
  var maxY: Double

  /// The area shared with `other` (0 when they do not overlap).
  func overlap(_ other: Box) -> Double {
    let w = min(maxX, other.maxX) - max(minX, other.minX)
    let h = min(maxY, other.maxY) - max(minY, other.minY)
    return w > 0 && h > 0 ? w * h : 0
  }

  /// The area of this box that lies outside `bounds`.
  func outside(_ bounds: Box) -> Double {
    (maxX - minX) * (maxY - minY) - overlap(bounds)
  }
}

/// One line of a figure legend: a header, or a sample (line and/or marker) and its text.
struct LegendItem {
  var label: String
  var colour: String = Palette.neutral
  var marker: MarkerShape? = nil
  var hollow: Bool = false
  var line: Bool = false
  var dashed: Bool = false
  var header: Bool = false

  static func header(_ label: String) -> LegendItem { LegendItem(label: label, header: true) }
}

/// The frame every figure shares: a title, a plot area with gridlines, axes, tick labels and
/// axis titles, a legend to the right of the plot area (so it never hides data), and an
/// optional note under the axes saying what the error bars are.
///
/// The y axis is numeric, or categorical with one named row per category (`rows`), drawn top
/// to bottom. Sizes are in pixels; the canvas grows to fit the labels, legend, title and note.
struct Plot {
  static let titleSize = 15.0
  static let tickSize = 11.0
  static let labelSize = 12.0
  static let legendSize = 12.0
  static let noteSize = 10.5
  static let pointLabelSize = 10.0
  static let legendRow = 18.0
  static let legendSample = 26.0

  let xAxis: Axis
  let yAxis: Axis?
  let rows: [String]
  let left: Double
  let top: Double
  let plotWidth: Double
  let plotHeight: Double
  var canvas: SVGCanvas
  let title: String
  let note: String?
  /// Regions point labels should avoid, each with how much covering it costs.
  private var occupied: [(box: Box, weight: Double)] = []

  /// The plot area.
  var area: Box { Box(minX: left, minY: top, maxX: left + plotWidth, maxY: top + plotHeight) }

  /// Lays out and draws the frame. With `rows` non-empty the y axis is categorical and
  /// `yAxis` is ignored; `rowHeight` then sets the plot height. `gutter` leaves room between
  /// the plot area and the legend for per-row annotations.
  init(
    title: String, xLabel: String, yLabel: String, note: String?, xAxis: Axis, yAxis: Axis?,
    rows: [String] = [], plotWidth: Double = 520, plotHeight: Double = 340,
    rowHeight: Double = 26, gutter: Double = 0, legend: [LegendItem]
  ) {
    self.xAxis = xAxis
    self.rows = rows
    self.yAxis = rows.isEmpty ? yAxis : nil
    self.title = title
    self.note = note
    self.plotWidth = plotWidth
    self.plotHeight = rows.isEmpty ? plotHeight : max(rowHeight * Double(rows.count), 60)

    let yTickTexts = rows.isEmpty ? (yAxis?.ticks.map(\.label) ?? []) : rows
    let yTickSize = rows.isEmpty ? Self.tickSize : Self.labelSize
    let yTickWidth = yTickTexts.map { SVGText.width($0, size: yTickSize) }.max() ?? 0
    let yTitleWidth = yLabel.isEmpty ? 0 : Self.labelSize + 10
    left = (16 + yTitleWidth + yTickWidth + 10).rounded(.up)
    top = 48

    let legendTextWidth =
      legend.map { SVGText.width($0.label, size: Self.legendSize) + ($0.header ? 0 : Self.legendSample + 6) }
      .max() ?? 0
    let legendWidth = legend.isEmpty ? 0 : 20 + legendTextWidth
    var width = (left + plotWidth + gutter + legendWidth + 16).rounded(.up)
    width = max(width, (SVGText.width(title, size: Self.titleSize) + 32).rounded(.up))

    let noteLines = note.map { SVGText.wrap($0, size: Self.noteSize, maxWidth: width - 32) } ?? []
    let axisBottom = top + self.plotHeight
    let xTitleBaseline = axisBottom + 44
    var height = xTitleBaseline + 12 + Double(noteLines.count) * (Self.noteSize + 4)
    height = max(height, top + Double(legend.count) * Self.legendRow + 16).rounded(.up)
    canvas = SVGCanvas(width: width, height: height)

    canvas.text(title, x: 16, y: 28, size: Self.titleSize, bold: true)
    drawGridAndAxes(xLabel: xLabel, yLabel: yLabel, xTitleBaseline: xTitleBaseline)
    drawLegend(legend, x: left + plotWidth + gutter + 20)
    for (i, line) in noteLines.enumerated() {
      canvas.text(
        line, x: 16, y: xTitleBaseline + 20 + Double(i) * (Self.noteSize + 4), size: Self.noteSize,
        colour: Palette.neutral)
    }
  }

  /// The horizontal pixel position of a data value (nil if it cannot be drawn).
  func px(_ value: Double) -> Double? {
    xAxis.fraction(value).map { left + $0 * plotWidth }
  }

  /// The vertical pixel position of a data value on the numeric y axis.
  func py(_ value: Double) -> Double? {
    yAxis?.fraction(value).map { top + (1 - $0) * plotHeight }
  }

  /// The vertical centre of categorical row `index`.
  func rowY(_ index: Int) -> Double {
    top + (Double(index) + 0.5) * plotHeight / Double(max(rows.count, 1))
  }

  private mutating func drawGridAndAxes(xLabel: String, yLabel: String, xTitleBaseline: Double) {
    let bottom = top + plotHeight
    let right = left + plotWidth
    for tick in xAxis.ticks {
      guard let x = px(tick.value) else { continue }
      canvas.line(x, top, x, bottom, colour: Palette.grid)
      canvas.line(x, bottom, x, bottom + 5, colour: Palette.axis)
      canvas.text(tick.label, x: x, y: bottom + 18, anchor: .middle, size: Self.tickSize)
    }
    if let yAxis {
      for tick in yAxis.ticks {
        guard let y = py(tick.value) else { continue }
        canvas.line(left, y, right, y, colour: Palette.grid)
        canvas.line(left - 5, y, left, y, colour: Palette.axis)
        canvas.text(
          tick.label, x: left - 8, y: y + Self.tickSize * 0.35, anchor: .end, size: Self.tickSize)
      }
    }
    for (i, name) in rows.enumerated() {
      let y = rowY(i)
      canvas.line(left, y, right, y, colour: Palette.grid)
      canvas.text(name, x: left - 8, y: y + Self.labelSize * 0.35, anchor: .end, size: Self.labelSize)
    }
    canvas.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "none", stroke: Palette.axis)
    canvas.text(xLabel, x: left + plotWidth / 2, y: xTitleBaseline, anchor: .middle, size: Self.labelSize)
    if !yLabel.isEmpty {
      let x = 16 + Self.labelSize
      canvas.text(
        yLabel, x: x, y: top + plotHeight / 2, anchor: .middle, size: Self.labelSize, rotation: -90)
    }
  }

  private mutating func drawLegend(_ items: [LegendItem], x: Double) {
    for (i, item) in items.enumerated() {
      let mid = top + 8 + Double(i) * Self.legendRow
      let baseline = mid + Self.legendSize * 0.35
      if item.header {
        canvas.text(item.label, x: x, y: baseline, size: Self.legendSize, bold: true)
        continue
      }
      if item.line {
        canvas.line(
          x, mid, x + Self.legendSample, mid, colour: item.colour, width: 1.5,
          dash: item.dashed ? Self.dash : nil)
      }
      if let marker = item.marker {
        canvas.marker(marker, x: x + Self.legendSample / 2, y: mid, colour: item.colour, hollow: item.hollow)
      }
      canvas.text(item.label, x: x + Self.legendSample + 6, y: baseline, size: Self.legendSize)
    }
  }

  /// The dash pattern for fit lines.
  static let dash = "6 4"

  // MARK: - Data

  /// Marks a region as taken, so that point labels avoid it; `weight` scales the cost of
  /// covering it (labels 4, markers 3, bars 1).
  mutating func occupy(_ box: Box, weight: Double = 1) { occupied.append((box, weight)) }

  /// Marks the segment from (x1, y1) to (x2, y2) as taken (as small boxes every 4 px), so
  /// that labels avoid lines where they can.
  mutating func occupySegment(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
    guard x1.isFinite, y1.isFinite, x2.isFinite, y2.isFinite else { return }
    let length = ((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)).squareRoot()
    let steps = max(1, Int((length / 4).rounded(.up)))
    for i in 0...steps {
      let t = Double(i) / Double(steps)
      let x = x1 + t * (x2 - x1)
      let y = y1 + t * (y2 - y1)
      occupy(Box(minX: x - 1.5, minY: y - 1.5, maxX: x + 1.5, maxY: y + 1.5))
    }
  }

  /// A polyline through pixel points that labels avoid.
  mutating func path(_ points: [(x: Double, y: Double)], colour: String, dash: String? = nil) {
    canvas.polyline(points, colour: colour, dash: dash)
    for (a, b) in zip(points, points.dropFirst()) { occupySegment(a.x, a.y, b.x, b.y) }
  }

  /// A vertical error bar from `low` to `high` (data units) at pixel column `x`, with caps;
  /// nothing when either end is missing or not finite.
  mutating func verticalBar(x: Double, low: Double?, high: Double?, colour: String) {
    guard let low, let high, let y1 = py(low), let y2 = py(high), x.isFinite else { return }
    canvas.line(x, y1, x, y2, colour: colour, width: 1.2)
    canvas.line(x - 3, y1, x + 3, y1, colour: colour, width: 1.2)
    canvas.line(x - 3, y2, x + 3, y2, colour: colour, width: 1.2)
    occupy(Box(minX: x - 2, minY: min(y1, y2), maxX: x + 2, maxY: max(y1, y2)))
  }

  /// A horizontal error bar from `low` to `high` (data units) at pixel row `y`, with caps.
  mutating func horizontalBar(y: Double, low: Double?, high: Double?, colour: String) {
    guard let low, let high, let x1 = px(low), let x2 = px(high), y.isFinite else { return }
    canvas.line(x1, y, x2, y, colour: colour, width: 1.2)
    canvas.line(x1, y - 3, x1, y + 3, colour: colour, width: 1.2)
    canvas.line(x2, y - 3, x2, y + 3, colour: colour, width: 1.2)
  }

  /// A marker at pixel (x, y) that labels will avoid.
  mutating func point(
    _ shape: MarkerShape, x: Double, y: Double, colour: String, hollow: Bool = false
  ) {
    canvas.marker(shape, x: x, y: y, colour: colour, hollow: hollow)
    occupy(Box(minX: x - 5, minY: y - 5, maxX: x + 5, maxY: y + 5), weight: 3)
  }

  /// Writes `text` next to the point at pixel (x, y), at the first of eight positions around
  /// it (right, left, above, below, then the diagonals; then the same twice and nearly four
  /// times as far) that overlaps no marker, bar or earlier label and stays inside the plot
  /// area; when none is free, at the position with the least weighted overlap. A label
  /// placed on the outer ring gets a thin leader line to its point. Greedy, in call order.
  /// - Complexity: O(k) per label for k regions already taken.
  mutating func label(_ text: String, x: Double, y: Double, colour: String = Palette.text) {
    guard x.isFinite, y.isFinite, !text.isEmpty else { return }
    let size = Self.pointLabelSize
    let w = SVGText.width(text, size: size)
    let h = size
    let gap = 7.0
    // (dx, dy) of the box's reference corner relative to the point, and the box origin rule.
    var candidates: [(box: Box, distance: Double)] = []
    for distance in [gap, gap * 2.2, gap * 3.8] {
      candidates += [
        Box(minX: x + distance, minY: y - h / 2, maxX: x + distance + w, maxY: y + h / 2),
        Box(minX: x - distance - w, minY: y - h / 2, maxX: x - distance, maxY: y + h / 2),
        Box(minX: x - w / 2, minY: y - distance - h, maxX: x + w / 2, maxY: y - distance),
        Box(minX: x - w / 2, minY: y + distance, maxX: x + w / 2, maxY: y + distance + h),
        Box(
          minX: x + distance * 0.7, minY: y - distance * 0.7 - h, maxX: x + distance * 0.7 + w,
          maxY: y - distance * 0.7),
        Box(
          minX: x + distance * 0.7, minY: y + distance * 0.7, maxX: x + distance * 0.7 + w,
          maxY: y + distance * 0.7 + h),
        Box(
          minX: x - distance * 0.7 - w, minY: y - distance * 0.7 - h, maxX: x - distance * 0.7,
          maxY: y - distance * 0.7),
        Box(
          minX: x - distance * 0.7 - w, minY: y + distance * 0.7, maxX: x - distance * 0.7,
          maxY: y + distance * 0.7 + h),
      ].map { ($0, distance) }
    }
    let bounds = area
    func cost(_ box: Box) -> Double {
      occupied.reduce(0) { $0 + $1.weight * box.overlap($1.box) } + 10 * box.outside(bounds)
    }
    var best = candidates[0]
    var bestCost = Double.infinity
    for candidate in candidates {
      let c = cost(candidate.box)
      if c < bestCost {
        best = candidate
        bestCost = c
        if c == 0 { break }
      }
    }
    let box = best.box
    if best.distance > gap * 3 {
      // From the point towards the nearest point of the label's box, stopping short of both.
      let tx = min(max(x, box.minX), box.maxX)
      let ty = min(max(y, box.minY), box.maxY)
      let dx = tx - x
      let dy = ty - y
      let length = (dx * dx + dy * dy).squareRoot()
      if length > 8 {
        let ux = dx / length
        let uy = dy / length
        canvas.line(x + ux * 5, y + uy * 5, tx - ux * 1.5, ty - uy * 1.5, colour: colour, width: 0.6)
      }
    }
    occupy(box, weight: 4)
    canvas.text(text, x: box.minX, y: box.maxY - size * 0.15, size: size, colour: colour)
  }

  /// The finished SVG document.
  func document() -> String {
    canvas.document(title: title, description: note)
  }
}
