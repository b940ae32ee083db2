import ChexStats
import ChexTestSupport
import Foundation
import XCTest

@testable import ChexReport

final class FiguresTests: XCTestCase {
  private var allFigures: [(String, String)] {
    [
      ("figure1a", FigureRenderer.render(FigureSamples.imageNetFull)),
      ("figure1b", FigureRenderer.render(FigureSamples.familyFull)),
      ("figure1c", FigureRenderer.render(FigureSamples.boostFull)),
      ("figure1d", FigureRenderer.render(FigureSamples.truncationFull)),
      ("small1a", FigureRenderer.render(FigureSamples.imageNetSmall)),
      ("small1b", FigureRenderer.render(FigureSamples.familySmall)),
      ("small1c", FigureRenderer.render(FigureSamples.boostSmall)),
      ("small1d", FigureRenderer.render(FigureSamples.truncationSmall)),
    ]
  }

  // MARK: - Whole figures

  /// Every sample figure parses; with CHEXSTATS_FIGURE_DIR set they are also written there
  /// for looking at (for example with rsvg-convert).
  func testFiguresAreWellFormedSVG() throws {
    let directory = ProcessInfo.processInfo.environment["CHEXSTATS_FIGURE_DIR"]
    for (name, svg) in allFigures {
      let inspector = assertValidSVG(svg)
      XCTAssertGreaterThan(inspector.elementCounts["text", default: 0], 5, name)
      if let directory {
        try Data(svg.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name + ".svg"))
      }
    }
  }

  func testFiguresDrawEveryPointOnce() {
    // 2 groups x 16 architectures as circles and squares, plus one legend marker each; the
    // squares share `rect` with the background and the plot frame.
    let a = assertValidSVG(FigureRenderer.render(FigureSamples.imageNetFull))
    XCTAssertEqual(a.elementCounts["circle"], 17)
    XCTAssertEqual(a.elementCounts["rect"], 17 + 2)
    // One polyline per family with two or more members (MNASNet has one).
    let b = assertValidSVG(FigureRenderer.render(FigureSamples.familyFull))
    XCTAssertEqual(b.elementCounts["polyline"], 5)
    // One polyline per architecture; 24 variants drawn as markers.
    let d = assertValidSVG(FigureRenderer.render(FigureSamples.truncationFull))
    XCTAssertEqual(d.elementCounts["polyline"], 6)
    for name in FigureSamples.architectures.map(\.0) {
      XCTAssertTrue(a.text.contains(name), "label \(name) missing")
    }
  }

  func testLabelsCanBeLimitedToOneGroup() {
    var figure = FigureSamples.imageNetSmall
    figure.groups[1].labelPoints = false
    let svg = FigureRenderer.render(figure)
    // Three labels (pretrained) rather than six.
    XCTAssertEqual(svg.components(separatedBy: ">ResNet18</text>").count - 1, 1)
    figure.labelPoints = false
    XCTAssertFalse(FigureRenderer.render(figure).contains(">ResNet18</text>"))
  }

  func testGoldenImageNetVsCheXpert() throws {
    try assertSnapshot(FigureRenderer.render(FigureSamples.imageNetSmall), named: "figure1a.svg")
  }

  func testGoldenFamilyAndSize() throws {
    try assertSnapshot(FigureRenderer.render(FigureSamples.familySmall), named: "figure1b.svg")
  }

  func testGoldenPretrainingBoost() throws {
    try assertSnapshot(FigureRenderer.render(FigureSamples.boostSmall), named: "figure1c.svg")
  }

  func testGoldenTruncation() throws {
    try assertSnapshot(FigureRenderer.render(FigureSamples.truncationSmall), named: "figure1d.svg")
  }

  func testRenderingIsDeterministic() {
    XCTAssertEqual(
      FigureRenderer.render(FigureSamples.truncationFull), FigureRenderer.render(FigureSamples.truncationFull)
    )
  }

  // MARK: - Edge cases

  func testEmptyInputs() {
    assertValidSVG(FigureRenderer.render(ImageNetVsCheXpertFigure(groups: [])))
    assertValidSVG(
      FigureRenderer.render(ImageNetVsCheXpertFigure(groups: [.init(name: "Empty", points: [])])))
    assertValidSVG(FigureRenderer.render(FamilyAndSizeFigure(families: [])))
    assertValidSVG(FigureRenderer.render(PretrainingBoostFigure(rows: [])))
    assertValidSVG(FigureRenderer.render(TruncationFigure(architectures: [])))
  }

  func testSinglePointAndEqualValues() {
    let one = FigureEstimate(0.85)
    let a = ImageNetVsCheXpertFigure(groups: [
      .init(
        name: "One", points: [.init(name: "A", imageNetTop1: 75, auroc: one)],
        fit: LineFit(slope: 1, intercept: 0))
    ])
    let inspector = assertValidSVG(FigureRenderer.render(a))
    // One point: a fit line has no x range to span, so no fit polyline is drawn and the only
    // dashed element is the legend's sample (a <line>). With a second point at another x, the
    // same fit is drawn: one dashed polyline.
    XCTAssertEqual(inspector.elementCounts["polyline", default: 0], 0)
    XCTAssertEqual(FigureRenderer.render(a).components(separatedBy: "stroke-dasharray").count - 1, 1)
    var two = a
    two.groups[0].points.append(.init(name: "B", imageNetTop1: 80, auroc: FigureEstimate(0.9)))
    let twoInspector = assertValidSVG(FigureRenderer.render(two))
    XCTAssertEqual(twoInspector.elementCounts["polyline", default: 0], 1)
    XCTAssertEqual(FigureRenderer.render(two).components(separatedBy: "stroke-dasharray").count - 1, 2)
    let equal = ImageNetVsCheXpertFigure(groups: [
      .init(
        name: "Equal",
        points: [
          .init(name: "A", imageNetTop1: 75, auroc: one), .init(name: "B", imageNetTop1: 75, auroc: one),
        ], fit: LineFit(slope: 0, intercept: 0.85))
    ])
    assertValidSVG(FigureRenderer.render(equal))
    assertValidSVG(
      FigureRenderer.render(
        FamilyAndSizeFigure(families: [
          .init(
            name: "F",
            members: [
              .init(name: "A", parameters: 5e6, auroc: one), .init(name: "B", parameters: 5e6, auroc: one),
            ])
        ])))
    assertValidSVG(
      FigureRenderer.render(
        PretrainingBoostFigure(rows: [.init(name: "A", parameters: 1e6, randomInit: one, pretrained: one)])))
    assertValidSVG(
      FigureRenderer.render(
        TruncationFigure(architectures: [
          .init(name: "A", variants: [.init(blocksCut: 0, parameters: 1e6, auroc: one)])
        ])))
  }

  func testNonFiniteValuesAreSkipped() {
    let nanBar = FigureEstimate(0.85, lower: .nan, upper: 0.9)
    let missing = FigureEstimate(.nan)
    let a = ImageNetVsCheXpertFigure(groups: [
      .init(
        name: "G",
        points: [
          .init(name: "A", imageNetTop1: 75, auroc: nanBar),
          .init(name: "B", imageNetTop1: .nan, auroc: nanBar),
          .init(name: "C", imageNetTop1: 76, auroc: missing),
          .init(name: "D", imageNetTop1: 77, auroc: .init(0.8)),
        ], fit: LineFit(slope: .nan, intercept: 0))
    ])
    let inspector = assertValidSVG(FigureRenderer.render(a))
    // A and D are drawn (plus the legend marker); B and C cannot be placed; no bar has two ends.
    XCTAssertEqual(inspector.elementCounts["circle"], 3)
    XCTAssertFalse(inspector.text.contains("B\n"))
    let b = FamilyAndSizeFigure(families: [
      .init(
        name: "F",
        members: [
          .init(name: "A", parameters: 0, auroc: nanBar), .init(name: "B", parameters: -3, auroc: nanBar),
          .init(name: "C", parameters: .infinity, auroc: nanBar),
          .init(name: "D", parameters: 2e6, auroc: nanBar),
        ])
    ])
    assertValidSVG(FigureRenderer.render(b))
    let c = PretrainingBoostFigure(rows: [
      .init(name: "A", parameters: .nan, randomInit: missing, pretrained: nanBar),
      .init(
        name: "B", parameters: 2e6, randomInit: .init(0.8, lower: 0.7, upper: .infinity), pretrained: nanBar),
    ])
    let boost = assertValidSVG(FigureRenderer.render(c))
    XCTAssertTrue(boost.text.contains("–"), "a boost that cannot be computed prints as an en dash")
    let d = TruncationFigure(architectures: [
      .init(
        name: "A",
        variants: [
          .init(blocksCut: 0, parameters: .nan, auroc: nanBar),
          .init(blocksCut: 1, parameters: 1e6, auroc: missing),
          .init(blocksCut: 2, parameters: 5e5, auroc: nanBar, significantDrop: true),
        ])
    ])
    assertValidSVG(FigureRenderer.render(d))
  }

  func testExtremeMagnitudesDoNotCrash() {
    let huge = ImageNetVsCheXpertFigure(groups: [
      .init(
        name: "G",
        points: [
          .init(name: "A", imageNetTop1: -Double.greatestFiniteMagnitude, auroc: .init(0.8)),
          .init(name: "B", imageNetTop1: Double.greatestFiniteMagnitude, auroc: .init(0.9)),
          .init(name: "C", imageNetTop1: 1e299, auroc: .init(1e299, lower: -1e299, upper: 2e299)),
        ])
    ])
    assertValidSVG(FigureRenderer.render(huge))
    let tiny = TruncationFigure(architectures: [
      .init(
        name: "A",
        variants: [
          .init(blocksCut: 0, parameters: Double.leastNonzeroMagnitude, auroc: .init(0.8)),
          .init(blocksCut: 1, parameters: 1e-290, auroc: .init(0.8)),
          .init(blocksCut: -1, parameters: Double.greatestFiniteMagnitude, auroc: .init(0.8)),
        ])
    ])
    assertValidSVG(FigureRenderer.render(tiny))
  }

  func testNamesAreEscaped() {
    let name = "A&B <x> \"q\" 'a'"
    let a = ImageNetVsCheXpertFigure(
      groups: [
        .init(
          name: name, points: [.init(name: name, imageNetTop1: 75, auroc: .init(0.8))], legendNote: "ρ < 0.1")
      ], title: name, xLabel: name, yLabel: name, note: name)
    let svg = FigureRenderer.render(a)
    let inspector = assertValidSVG(svg)
    XCTAssertFalse(svg.contains("A&B"))
    XCTAssertTrue(svg.contains("A&amp;B &lt;x&gt; &quot;q&quot; &apos;a&apos;"))
    // The parser gives the original text back (title, legend, label, axis titles, note).
    XCTAssertGreaterThanOrEqual(inspector.text.components(separatedBy: name).count - 1, 5)
    XCTAssertTrue(inspector.text.contains("ρ < 0.1"))
    for figure in [
      FigureRenderer.render(
        FamilyAndSizeFigure(families: [
          .init(name: name, members: [.init(name: name, parameters: 1e6, auroc: .init(0.8))])
        ])),
      FigureRenderer.render(
        PretrainingBoostFigure(rows: [
          .init(name: name, parameters: 1, randomInit: .init(0.8), pretrained: .init(0.9), annotation: name)
        ])),
      FigureRenderer.render(
        TruncationFigure(architectures: [
          .init(name: name, variants: [.init(blocksCut: 0, parameters: 1e6, auroc: .init(0.8))])
        ])),
    ] {
      assertValidSVG(figure)
      XCTAssertFalse(figure.contains("A&B"))
    }
  }

  func testEscapeReplacesCharactersXMLForbids() {
    XCTAssertEqual(SVGText.escape("a\u{1}b\u{FFFE}c\td"), "a\u{FFFD}b\u{FFFD}c d")
    XCTAssertEqual(SVGText.escape("plain ρ"), "plain ρ")
    assertValidSVG(
      FigureRenderer.render(
        PretrainingBoostFigure(rows: [
          .init(name: "bell\u{7}", parameters: 1, randomInit: .init(0.8), pretrained: .init(0.9))
        ])))
  }

  // MARK: - Numbers and text

  func testPixelNumbersAreCompact() {
    XCTAssertEqual(SVGText.number(12), "12")
    XCTAssertEqual(SVGText.number(12.5), "12.5")
    XCTAssertEqual(SVGText.number(3.14159), "3.14")
    XCTAssertEqual(SVGText.number(0.999), "1")
    XCTAssertEqual(SVGText.number(-0.001), "0")
    XCTAssertEqual(SVGText.number(-7.25), "-7.25")
  }

  func testWrap() {
    // 0.6 em per character at 10 px: 6 px each, so 60 px holds 10 characters.
    XCTAssertEqual(SVGText.wrap("aaaa bbbb cccc", size: 10, maxWidth: 60), ["aaaa bbbb", "cccc"])
    XCTAssertEqual(SVGText.wrap("abcdefghijklmno x", size: 10, maxWidth: 60), ["abcdefghijklmno", "x"])
    XCTAssertEqual(SVGText.wrap("", size: 10, maxWidth: 60), [])
  }

  // MARK: - Nice ticks (hand-worked)

  private func values(_ axis: Axis) -> [String] { axis.ticks.map(\.label) }

  func testNiceNumber() {
    XCTAssertEqual(NiceTicks.niceNumber(0.055, round: true), 0.05, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(0.14, round: true), 0.1, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(0.16, round: true), 0.2, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(7.5, round: true), 10, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(2.2, round: false), 5, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(2, round: false), 2, accuracy: 1e-15)
    XCTAssertEqual(NiceTicks.niceNumber(5.01, round: false), 10, accuracy: 1e-15)
  }

  func testLinearTicks() {
    // Span 0.22 / 4 = 0.055 -> step 0.05; floor(0.71 / 0.05) = 14, ceil(0.93 / 0.05) = 19.
    let auroc = NiceTicks.linear(min: 0.71, max: 0.93)
    XCTAssertEqual(values(auroc), ["0.70", "0.75", "0.80", "0.85", "0.90", "0.95"])
    XCTAssertEqual(auroc.lower, 0.70, accuracy: 1e-12)
    XCTAssertEqual(auroc.upper, 0.95, accuracy: 1e-12)
    // 100 / 4 = 25, mantissa 2.5 -> 2 -> step 20.
    XCTAssertEqual(values(NiceTicks.linear(min: 0, max: 100)), ["0", "20", "40", "60", "80", "100"])
    // 11.13 / 4 = 2.78 -> step 2; 68 ... 82.
    XCTAssertEqual(
      values(NiceTicks.linear(min: 69.75, max: 80.88)), ["68", "70", "72", "74", "76", "78", "80", "82"])
    // 0.75 / 4 = 0.1875 -> step 0.2; -0.4 ... 0.6, and no "-0.0".
    XCTAssertEqual(
      values(NiceTicks.linear(min: -0.3, max: 0.45)), ["-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6"])
    // Bounds already on a tick stay put (0.8 / 0.05 is 16.000000000000004 in binary).
    XCTAssertEqual(
      values(NiceTicks.linear(min: 0.8, max: 0.9)), ["0.80", "0.82", "0.84", "0.86", "0.88", "0.90"])
  }

  func testLogTicks() {
    let params = NiceTicks.logarithmic(min: 2.23, max: 42.5)
    XCTAssertEqual(values(params), ["2", "5", "10", "20", "50"])
    XCTAssertEqual(params.lower, 2, accuracy: 1e-12)
    XCTAssertEqual(params.upper, 50, accuracy: 1e-12)
    // Ten 1-2-5 ticks are kept ...
    XCTAssertEqual(
      values(NiceTicks.logarithmic(min: 0.19, max: 23.5)),
      ["0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50"])
    XCTAssertEqual(
      values(NiceTicks.logarithmic(min: 1, max: 1000)),
      ["1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"])
    // ... thirteen become decades.
    XCTAssertEqual(values(NiceTicks.logarithmic(min: 1, max: 10000)), ["1", "10", "100", "1000", "10000"])
    XCTAssertEqual(values(NiceTicks.logarithmic(min: 0.03, max: 0.04)), ["0.02", "0.05"])
  }

  func testAxisFittingEdgeCases() {
    let empty = Axis.fitting([], scale: .linear)
    XCTAssertEqual([empty.lower, empty.upper], [0, 1])
    let equal = Axis.fitting([0.85, 0.85], scale: .linear)
    XCTAssertLessThan(equal.lower, 0.85)
    XCTAssertGreaterThan(equal.upper, 0.85)
    let zero = Axis.fitting([0], scale: .linear)
    XCTAssertLessThan(zero.lower, 0)
    XCTAssertGreaterThan(zero.upper, 0)
    let ignored = Axis.fitting([.nan, 0.5, .infinity, 0.6], scale: .linear)
    XCTAssertTrue(ignored.lower <= 0.5 && ignored.upper >= 0.6 && ignored.upper <= 0.7)
    // AUROCs near 1 are clipped to [0, 1] before ticks are chosen.
    XCTAssertEqual(Axis.fitting([0.9, 1.0], scale: .linear, limits: 0...1).upper, 1, accuracy: 1e-12)
    let logEmpty = Axis.fitting([], scale: .log10)
    XCTAssertEqual([logEmpty.lower, logEmpty.upper], [1, 10])
    let logEqual = Axis.fitting([3e6, 3e6, 0, -1], scale: .log10)
    XCTAssertLessThan(logEqual.lower, 3e6)
    XCTAssertGreaterThan(logEqual.upper, 3e6)
  }

  // MARK: - Coordinate mapping (hand-worked)

  func testLinearMapping() {
    let x = Axis(scale: .linear, lower: 60, upper: 80, ticks: [])
    let y = Axis(scale: .linear, lower: 0.7, upper: 0.9, ticks: [])
    let plot = Plot(
      title: "", xLabel: "", yLabel: "", note: nil, xAxis: x, yAxis: y, plotWidth: 400, plotHeight: 200,
      legend: [])
    XCTAssertEqual(plot.px(60), plot.left)
    XCTAssertEqual(plot.px(80), plot.left + 400)
    XCTAssertEqual(try XCTUnwrap(plot.px(65)), plot.left + 100, accuracy: 1e-9)
    // y grows downwards: the axis minimum sits at the bottom of the plot area.
    XCTAssertEqual(try XCTUnwrap(plot.py(0.7)), plot.top + 200, accuracy: 1e-9)
    XCTAssertEqual(try XCTUnwrap(plot.py(0.9)), plot.top, accuracy: 1e-9)
    XCTAssertEqual(try XCTUnwrap(plot.py(0.85)), plot.top + 50, accuracy: 1e-9)
    XCTAssertNil(plot.px(.nan))
  }

  func testLogMapping() {
    let axis = Axis(scale: .log10, lower: 1, upper: 100, ticks: [])
    XCTAssertEqual(try XCTUnwrap(axis.fraction(10)), 0.5, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(axis.fraction(1)), 0, accuracy: 1e-12)
    // log10(2) / 2.
    XCTAssertEqual(try XCTUnwrap(axis.fraction(2)), 0.150514997831990597, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(axis.fraction(1000)), 1.5, accuracy: 1e-12)
    XCTAssertNil(axis.fraction(0))
    XCTAssertNil(axis.fraction(-5))
    let plot = Plot(
      title: "", xLabel: "", yLabel: "", note: nil, xAxis: axis, yAxis: nil, plotWidth: 300, legend: [])
    XCTAssertEqual(try XCTUnwrap(plot.px(10)), plot.left + 150, accuracy: 1e-9)
  }

  func testRowsRunTopToBottomInParameterOrder() throws {
    let svg = FigureRenderer.render(FigureSamples.boostFull)
    // MobileNetV2 (2.2 M) is the first row, Inception-v4 (41 M) second to last, ResNet101 last.
    let order = ["MobileNetV2", "MNASNet1.0", "EfficientNet-B0", "Inception-v4", "ResNet101"]
    let positions = try order.map { name in
      try XCTUnwrap(svg.range(of: ">\(name)</text>")).lowerBound
    }
    XCTAssertEqual(positions, positions.sorted())
    // The default annotation is the boost: 0.845 - 0.812 for MobileNetV2.
    XCTAssertTrue(svg.contains(">+0.033</text>"))
  }

  // MARK: - Label placement

  func testLabelsAvoidMarkersAndEachOther() {
    var plot = Plot(
      title: "", xLabel: "", yLabel: "", note: nil,
      xAxis: Axis(scale: .linear, lower: 0, upper: 1, ticks: []),
      yAxis: Axis(scale: .linear, lower: 0, upper: 1, ticks: []), plotWidth: 400, plotHeight: 300, legend: [])
    // Two markers 20 px apart on one row: the first label cannot go right (the second marker is
    // there) and must not cover either marker.
    let x = plot.left + 200
    let y = plot.top + 150
    plot.point(.circle, x: x, y: y, colour: "#000000")
    plot.point(.circle, x: x + 20, y: y, colour: "#000000")
    plot.label("Alpha", x: x, y: y)
    plot.label("Beta", x: x + 20, y: y)
    let texts = plot.canvas.elements.filter { $0.hasPrefix("<text") }
    XCTAssertEqual(texts.count, 2)
    // Alpha goes left of its point (anchor start at x - 7 - 30), Beta right of its point.
    XCTAssertTrue(texts[0].contains("x=\"\(SVGText.number(x - 7 - 30))\""), texts[0])
    XCTAssertTrue(texts[1].contains("x=\"\(SVGText.number(x + 20 + 7))\""), texts[1])
  }

  // MARK: - Least squares

  func testLeastSquaresHandWorked() throws {
    // x = 1, 2, 3; y = 2, 4, 7: Sxx = 2, Sxy = 5, slope 2.5, intercept 13/3 - 5 = -2/3.
    let fit = try XCTUnwrap(LineFit.leastSquares(x: [1, 2, 3], y: [2, 4, 7]))
    XCTAssertEqual(fit.slope, 2.5, accuracy: 1e-14)
    XCTAssertEqual(fit.intercept, -2.0 / 3.0, accuracy: 1e-14)
    // Non-finite pairs are left out.
    let skipping = try XCTUnwrap(LineFit.leastSquares(x: [1, .nan, 2, 3], y: [2, 5, 4, 7]))
    XCTAssertEqual(skipping, fit)
    XCTAssertNil(LineFit.leastSquares(x: [1], y: [1]))
    XCTAssertNil(LineFit.leastSquares(x: [2, 2, 2], y: [1, 2, 3]))
    XCTAssertEqual(LineFit(slope: 2, intercept: 1).value(at: 3), 7)
  }

  func testEstimateFromInterval() {
    let e = FigureEstimate(0.8, interval: ConfidenceInterval(lower: 0.7, upper: 0.9, level: 0.95))
    XCTAssertEqual(e, FigureEstimate(0.8, lower: 0.7, upper: 0.9))
    let undefined = FigureEstimate(nil, interval: nil)
    XCTAssertTrue(undefined.value.isNaN)
    XCTAssertNil(undefined.lower)
    XCTAssertEqual(undefined.extent, [])
  }

  /// Against numpy.polyfit(x, y, 1) on the 16 sample architectures (ImageNet top-1 vs the
  /// pretrained AUROC). Expected values printed by notebooks-export/figure_least_squares.py
  /// (numpy 2.4.6, Python 3.11.7).
  func testLeastSquaresMatchesNumpy() throws {
    let x = FigureSamples.architectures.map(\.3)
    let y = FigureSamples.architectures.map(\.5)
    let fit = try XCTUnwrap(LineFit.leastSquares(x: x, y: y))
    XCTAssertEqual(fit.slope, Self.numpySlope, accuracy: 1e-12)
    XCTAssertEqual(fit.intercept, Self.numpyIntercept, accuracy: 1e-10)
  }

  static let numpySlope = -0.00023928201693795405
  static let numpyIntercept = 0.8774454955589212
}
