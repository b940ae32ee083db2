/// A drawing surface that collects SVG 1.1 elements and writes a self-contained document.
///
/// Every method drops its element when a coordinate is not finite, so a NaN in the data can
/// never reach the output text. Text is escaped; numbers have at most two decimals.
struct SVGCanvas {
  /// Horizontal text alignment (the SVG `text-anchor`).
  enum Anchor: String {
    case start, middle, end
  }

  var width: Double
  var height: Double
  private(set) var elements: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  private static func finite(_ values: Double...) -> Bool { values.allSatisfy(\.isFinite) }
  private static func n(_ value: Double) -> String { SVGText.number(value) }

  private static func strokeAttributes(_ colour: String, width: Double, dash: String?) -> String {
    var text = "stroke=\"\(colour)\" stroke-width=\"\(n(width))\""
    if let dash { text += " stroke-dasharray=\"\(dash)\"" }
    return text
  }

  /// A straight line segment.
  mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: String, width: Double = 1,
    dash: String? = nil
  ) {
    guard Self.finite(x1, y1, x2, y2) else { return }
    let stroke = Self.strokeAttributes(colour, width: width, dash: dash)
    elements.append(
      "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" \(stroke)/>")
  }

  /// A polyline through `points` (non-finite points are left out; fewer than two draws nothing).
  mutating func polyline(
    _ points: [(x: Double, y: Double)], colour: String, width: Double = 1.5, dash: String? = nil
  ) {
    let kept = points.filter { Self.finite($0.x, $0.y) }
    guard kept.count >= 2 else { return }
    let list = kept.map { "\(Self.n($0.x)),\(Self.n($0.y))" }.joined(separator: " ")
    let stroke = Self.strokeAttributes(colour, width: width, dash: dash)
    elements.append(
      "<polyline points=\"\(list)\" fill=\"none\" \(stroke) stroke-linejoin=\"round\"/>")
  }

  /// An axis-aligned rectangle.
  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil
  ) {
    guard Self.finite(x, y, width, height), width >= 0, height >= 0 else { return }
    var text =
      "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"\(fill)\""
    if let stroke { text += " stroke=\"\(stroke)\"" }
    elements.append(text + "/>")
  }

  /// A point marker centred on (x, y); `size` is the marker's width. A hollow marker is
  /// outlined in `colour` and filled white.
  mutating func marker(
    _ shape: MarkerShape, x: Double, y: Double, colour: String, size: Double = 8,
    hollow: Bool = false
  ) {
    guard Self.finite(x, y, size) else { return }
    let paint =
      hollow
      ? "fill=\"#FFFFFF\" stroke=\"\(colour)\" stroke-width=\"1.5\""
      : "fill=\"\(colour)\" stroke=\"#FFFFFF\" stroke-width=\"0.75\""
    let r = size / 2
    switch shape {
    case .circle:
      elements.append("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" \(paint)/>")
    case .square:
      let side = size * 0.9
      elements.append(
        "<rect x=\"\(Self.n(x - side / 2))\" y=\"\(Self.n(y - side / 2))\" width=\"\(Self.n(side))\" height=\"\(Self.n(side))\" \(paint)/>"
      )
    case .triangle:
      let h = size * 1.1
      let pts = [(x, y - h * 0.6), (x + h * 0.58, y + h * 0.4), (x - h * 0.58, y + h * 0.4)]
      polygon(pts, paint: paint)
    case .diamond:
      let d = r * 1.3
      polygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)], paint: paint)
    }
  }

  private mutating func polygon(_ points: [(Double, Double)], paint: String) {
    let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
    elements.append("<polygon points=\"\(list)\" \(paint)/>")
  }

  /// A line of text whose baseline starts (or is centred, or ends) at (x, y).
  mutating func text(
    _ text: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
    colour: String = Palette.text, bold: Bool = false, rotation: Double? = nil
  ) {
    guard Self.finite(x, y), !text.isEmpty else { return }
    var attributes = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\""
    if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
    if size != 12 { attributes += " font-size=\"\(Self.n(size))\"" }
    if colour != Palette.text { attributes += " fill=\"\(colour)\"" }
    if bold { attributes += " font-weight=\"bold\"" }
    if let rotation {
      attributes += " transform=\"rotate(\(Self.n(rotation)) \(Self.n(x)) \(Self.n(y)))\""
    }
    elements.append("<text \(attributes)>\(SVGText.escape(text))</text>")
  }

  /// Draws `other`'s elements shifted right by `dx` and down by `dy`, in one `g` group
  /// (without a group when the shift is zero): how a figure with several panels places a panel
  /// laid out on a canvas of its own. Nothing is drawn when the shift is not finite.
  mutating func place(_ other: SVGCanvas, dx: Double, dy: Double = 0) {
    guard Self.finite(dx, dy) else { return }
    if dx == 0 && dy == 0 {
      elements += other.elements
      return
    }
    elements.append("<g transform=\"translate(\(Self.n(dx)) \(Self.n(dy)))\">")
    elements += other.elements
    elements.append("</g>")
  }

  /// The complete document: XML declaration, `svg` root with size and viewBox, a title for
  /// screen readers, a white background, then the elements in drawing order.
  func document(title: String, description: String? = nil) -> String {
    let w = Self.n(width)
    let h = Self.n(height)
    var lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\" font-size=\"12\" fill=\"\(Palette.text)\">",
      "<title>\(SVGText.escape(title))</title>",
    ]
    if let description { lines.append("<desc>\(SVGText.escape(description))</desc>") }
    lines.append("<rect width=\"\(w)\" height=\"\(h)\" fill=\"#FFFFFF\"/>")
    lines += elements
    lines.append("</svg>")
    return lines.joined(separator: "\n") + "\n"
  }
}
