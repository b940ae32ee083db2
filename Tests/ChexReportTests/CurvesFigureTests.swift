import ChexTestSupport
import XCTest

@testable import ChexReport

final class CurvesFigureTests: XCTestCase {
  // MARK: - Helpers

  /// The `points` attribute of every polyline in `svg`, as coordinate pairs.
  private func polylines(_ svg: String) -> [[(x: Double, y: Double)]] {
    svg.split(separator: "\n").filter { $0.hasPrefix("<polyline points=\"") }.map { line in
      let list = line.dropFirst("<polyline points=\"".count).prefix { $0 != "\"" }
      return list.split(separator: " ").map { pair in
        let xy = pair.split(separator: ",").map { Double($0) ?? .nan }
        return (xy[0], xy[1])
      }
    }
  }

  /// How often `text` is written as a whole text element in the ROC panel (before the group
  /// that holds the PR panel) and in the PR panel.
  private func counts(of text: String, in svg: String) -> (roc: Int, pr: Int) {
    let parts = svg.components(separatedBy: "<g transform=")
    XCTAssertEqual(parts.count, 2, "one group, the PR panel")
    let element = ">\(text)</text>"
    return (
      parts[0].components(separatedBy: element).count - 1,
      (parts.last ?? "").components(separatedBy: element).count - 1
    )
  }

  // MARK: - Whole figure

  func testGoldenCurves() throws {
    try assertSnapshot(FigureSamples.curvesSmall.render(), named: "curves-figure.svg")
  }

  func testRendererEntryPointsAgree() {
    let figure = FigureSamples.curvesSmall
    XCTAssertEqual(FigureRenderer.render(figure), figure.render())
    XCTAssertEqual(figure.render(), figure.render())
  }

  /// With CHEXSTATS_FIGURE_DIR set, the sample is also written there for looking at.
  func testWellFormedWithEveryElement() throws {
    let svg = FigureSamples.curvesSmall.render()
    let inspector = assertValidSVG(svg)
    // Three ROC curves, two PR curves (the baseline has none); the chance line is a <line>.
    XCTAssertEqual(inspector.elementCounts["polyline"], 5)
    XCTAssertEqual(svg.components(separatedBy: "stroke-dasharray").count - 1, 1)
    // Reader diamonds: 3 in ROC, 2 in PR (Rad3 has no precision), 1 in the legend.
    XCTAssertEqual(inspector.elementCounts["polygon"], 6)
    XCTAssertEqual(inspector.elementCounts["g"], 1)
    for text in [
      "Pleural Effusion", "DenseNet121 (AUROC 0.912, AUPRC 0.801)", "ResNet50 (AUROC 0.840)",
      "Baseline (AUROC 0.600)", "Reader", "Readers' mean", "1 - specificity (false-positive rate)",
      "Recall (sensitivity)",
      "n = 500 studies, 151 positive; 1000 bootstrap replicates, seed 2021. Bars: 95% bootstrap CI.",
    ] {
      XCTAssertTrue(inspector.text.contains(text + "\n"), "missing \(text)")
    }
    if let directory = ProcessInfo.processInfo.environment["CHEXSTATS_FIGURE_DIR"] {
      try Data(svg.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("curves.svg"))
    }
  }

  func testEachReaderIsLabelledOncePerPanel() {
    let svg = FigureSamples.curvesSmall.render()
    XCTAssertEqual(counts(of: "Rad1", in: svg).roc, 1)
    XCTAssertEqual(counts(of: "Rad1", in: svg).pr, 1)
    XCTAssertEqual(counts(of: "Rad2", in: svg).roc, 1)
    XCTAssertEqual(counts(of: "Rad2", in: svg).pr, 1)
    // Rad3 has no precision: in the ROC panel only.
    XCTAssertEqual(counts(of: "Rad3", in: svg).roc, 1)
    XCTAssertEqual(counts(of: "Rad3", in: svg).pr, 0)
  }

  func testReaderLabelsDoNotOverlap() {
    // Four readers at nearly the same operating point still get four separate label boxes.
    let readers = (0..<4).map {
      CurvesFigure.Reader(
        name: "Reader \($0)", sensitivity: 0.8 + 0.005 * Double($0), specificity: 0.85, precision: 0.7)
    }
    let svg = CurvesFigure(task: "Edema", curves: [], readers: readers).render()
    let part = svg.components(separatedBy: "<g transform=")[0]
    let boxes = part.split(separator: "\n").filter { $0.contains(">Reader ") && $0.hasPrefix("<text") }.map {
      line -> Box in
      let x = attribute("x", in: String(line))
      let y = attribute("y", in: String(line))
      let w = SVGText.width("Reader 0", size: Plot.pointLabelSize)
      return Box(minX: x, minY: y - Plot.pointLabelSize, maxX: x + w, maxY: y)
    }
    XCTAssertEqual(boxes.count, 4)
    for i in boxes.indices {
      for j in boxes.indices where j > i {
        XCTAssertEqual(boxes[i].overlap(boxes[j]), 0, "labels \(i), \(j)")
      }
    }
  }

  private func attribute(_ name: String, in element: String) -> Double {
    guard let range = element.range(of: " \(name)=\"") else { return .nan }
    return Double(element[range.upperBound...].prefix { $0 != "\"" }) ?? .nan
  }

  // MARK: - Positions (hand-worked)

  func testReaderPositionByHand() throws {
    // Both panels: y tick labels "0.0" ... "1.0" are 3 x 11 x 0.6 = 19.8 px wide, the y title
    // takes 12 + 10, so left = ceil(16 + 22 + 19.8 + 10) = 68; top = 48; plots are 320 square.
    let layout = FigureSamples.curvesSmall.panels()
    XCTAssertEqual(layout.roc.left, 68)
    XCTAssertEqual(layout.roc.top, 48)
    XCTAssertEqual(layout.roc.plotWidth, 320)
    XCTAssertEqual(layout.pr.left, 68)
    // ROC canvas: 68 + 320 + 16 wide; the PR panel starts there.
    XCTAssertEqual(layout.prOffset, 404)
    // Rad1: sensitivity 0.75, specificity 0.8 -> ROC x = 68 + 0.2 x 320 = 132, y = 48 + 0.25 x
    // 320 = 128; a diamond's corners are 4 x 1.3 = 5.2 px from its centre.
    let svg = FigureSamples.curvesSmall.render()
    let parts = svg.components(separatedBy: "<g transform=\"translate(404 0)\">")
    XCTAssertEqual(parts.count, 2)
    XCTAssertTrue(parts[0].contains("<polygon points=\"132,122.8 137.2,128 132,133.2 126.8,128\""))
    // PR (in the panel's own coordinates): x = 68 + 0.75 x 320 = 308, precision 0.6 -> y = 48 +
    // 0.4 x 320 = 176.
    XCTAssertTrue(parts[1].contains("<polygon points=\"308,170.8 313.2,176 308,181.2 302.8,176\""))
  }

  func testReaderMeanCrossByHand() {
    let svg = FigureSamples.curvesSmall.render()
    let parts = svg.components(separatedBy: "<g transform=")
    // ROC: specificity 0.85 [0.8, 0.9] -> x = 68 + 0.15 x 320 = 116, the bar from 1 - 0.9 to
    // 1 - 0.8, x = 100 ... 132; sensitivity 0.75 [0.68, 0.82] -> y = 128, bar y = 48 + 0.32 x
    // 320 = 150.4 ... 48 + 0.18 x 320 = 105.6.
    XCTAssertTrue(parts[0].contains("<line x1=\"100\" y1=\"128\" x2=\"132\" y2=\"128\""))
    XCTAssertTrue(parts[0].contains("<line x1=\"116\" y1=\"150.4\" x2=\"116\" y2=\"105.6\""))
    XCTAssertTrue(parts[0].contains("<rect x=\"112.4\" y=\"124.4\" width=\"7.2\" height=\"7.2\""))
    // PR: sensitivity as x, x = 68 + 0.68 x 320 = 285.6 ... 68 + 0.82 x 320 = 330.4 at precision
    // 0.64, y = 48 + 0.36 x 320 = 163.2.
    XCTAssertTrue(parts[1].contains("<line x1=\"285.6\" y1=\"163.2\" x2=\"330.4\" y2=\"163.2\""))
  }

  func testChanceLineIsTheDiagonal() {
    let svg = FigureSamples.curvesSmall.render()
    // (0, 0) at (68, 368), (1, 1) at (388, 48).
    XCTAssertTrue(svg.contains("<line x1=\"68\" y1=\"368\" x2=\"388\" y2=\"48\" stroke=\"#555555\""))
  }

  // MARK: - Long curves

  func testLongCurvesAreThinned() throws {
    // A staircase ROC curve from 10,000 scored cases with seeded labels (about 4,000 positives),
    // and a PR curve of the same length.
    var generator = SeededGenerator(seed: 2021)
    let labels = (0..<10_000).map { i in
      Double.random(in: 0..<1, using: &generator) < 0.2 + 0.4 * Double(i) / 10_000
    }
    let positives = Double(labels.filter { $0 }.count)
    let negatives = Double(labels.count) - positives
    var fpr = [0.0]
    var tpr = [0.0]
    var recalls: [Double] = []
    var precisions: [Double] = []
    var tp = 0.0
    var fp = 0.0
    for label in labels.reversed() {
      if label { tp += 1 } else { fp += 1 }
      fpr.append(fp / negatives)
      tpr.append(tp / positives)
      if tp > 0 {
        recalls.append(tp / positives)
        precisions.append(tp / (tp + fp))
      }
    }
    XCTAssertGreaterThan(fpr.count, 10_000)
    let figure = CurvesFigure(
      task: "Edema",
      curves: [
        .init(
          name: "Long", falsePositiveRates: fpr, truePositiveRates: tpr, recalls: recalls,
          precisions: precisions)
      ])
    let svg = figure.render()
    assertValidSVG(svg)
    let lines = polylines(svg)
    XCTAssertEqual(lines.count, 2)
    for line in lines {
      XCTAssertGreaterThan(line.count, 50)
      XCTAssertLessThanOrEqual(line.count, 3_000)
      // Consecutive points differ.
      for (a, b) in zip(line, line.dropFirst()) { XCTAssertFalse(a == b) }
    }
    // The ROC line still runs from (0, 0) to (1, 1).
    let roc = try XCTUnwrap(lines.first)
    XCTAssertTrue(try XCTUnwrap(roc.first) == (68, 368))
    XCTAssertTrue(try XCTUnwrap(roc.last) == (388, 48))
    // A monotone curve on a half-pixel grid over 320 x 320 px keeps at most 2 x 640 + 1 points.
    XCTAssertLessThanOrEqual(roc.count, 1_281)
  }

  func testThinningByHand() {
    let points: [(x: Double, y: Double)] = [
      (0, 0), (0.2, 0.1), (1, 0), (2, 0), (3, 0), (3, 1), (3, 1.1), (.nan, 1), (4, 2), (5, 3), (4.1, 2.1),
    ]
    // (0.2, 0.1) snaps onto (0, 0); (1, 0) and (2, 0) lie on the way to (3, 0); (3, 1.1) snaps onto
    // (3, 1); NaN is left out; (4, 2) lies on the way to (5, 3); going back to (4, 2) is kept.
    let thinned = CurvesFigure.thinned(points)
    XCTAssertEqual(thinned.map(\.x), [0, 3, 3, 5, 4])
    XCTAssertEqual(thinned.map(\.y), [0, 0, 1, 3, 2])
    XCTAssertEqual(CurvesFigure.thinned([]).count, 0)
    XCTAssertEqual(CurvesFigure.thinned([(1.26, 2.74)]).map(\.x), [1.5])
  }

  // MARK: - Legend

  func testLegendLabels() {
    func label(_ auroc: Double?, _ auprc: Double?) -> String {
      CurvesFigure.legendLabel(
        .init(name: "M", falsePositiveRates: [], truePositiveRates: [], auroc: auroc, auprc: auprc))
    }
    XCTAssertEqual(label(0.9124, 0.8006), "M (AUROC 0.912, AUPRC 0.801)")
    XCTAssertEqual(label(0.9, nil), "M (AUROC 0.900)")
    XCTAssertEqual(label(nil, 0.5), "M (AUPRC 0.500)")
    XCTAssertEqual(label(nil, nil), "M")
    XCTAssertEqual(label(.nan, .infinity), "M")
  }

  // MARK: - Edge cases

  func testEmptyAndMissingInputs() {
    let empty = assertValidSVG(CurvesFigure(task: "Edema", curves: []).render())
    XCTAssertEqual(empty.elementCounts["polyline", default: 0], 0)
    XCTAssertGreaterThan(empty.elementCounts["text", default: 0], 5)
    assertValidSVG(
      CurvesFigure(
        task: "", curves: [.init(name: "Empty", falsePositiveRates: [], truePositiveRates: [])], note: ""
      ).render())
    // Only a mean, without precision: drawn in ROC only.
    let mean = CurvesFigure(
      task: "Edema", curves: [],
      readerMean: .init(sensitivity: .init(0.7), specificity: .init(0.8, lower: nil, upper: 0.9)))
    let meanInspector = assertValidSVG(mean.render())
    // The ROC marker, the legend marker, the background and the two frames.
    XCTAssertEqual(meanInspector.elementCounts["rect"], 2 + 3)
    // Non-finite and mismatched values are left out.
    let odd = CurvesFigure(
      task: "Edema",
      curves: [
        .init(
          name: "Odd", falsePositiveRates: [0, .nan, 0.5, 1, 1], truePositiveRates: [0, 0.5, .infinity, 1],
          recalls: [0.5, 1], precisions: [.nan, .nan], auroc: .nan)
      ],
      readers: [
        .init(name: "Missing", sensitivity: .nan, specificity: 0.8, precision: .nan),
        .init(name: "Unbounded", sensitivity: 0.8, specificity: -.infinity, precision: 0.5),
      ],
      readerMean: .init(
        sensitivity: .init(.nan, lower: 0.1, upper: 0.2), specificity: .init(0.5, lower: .nan, upper: 1),
        precision: .init(0.5, lower: 0.4, upper: .infinity)))
    let oddSVG = odd.render()
    assertValidSVG(oddSVG)
    XCTAssertEqual(polylines(oddSVG).count, 1)
    XCTAssertFalse(oddSVG.contains(">Missing</text>"))
    // "Unbounded" has no ROC position but a PR one.
    XCTAssertEqual(counts(of: "Unbounded", in: oddSVG).roc, 0)
    XCTAssertEqual(counts(of: "Unbounded", in: oddSVG).pr, 1)
  }

  func testNamesAreEscaped() {
    let name = "A&B <x> \"q\" 'a'"
    let figure = CurvesFigure(
      task: name, curves: [.init(name: name, falsePositiveRates: [0, 1], truePositiveRates: [0, 1])],
      readers: [.init(name: name, sensitivity: 0.5, specificity: 0.5, precision: 0.5)], note: name)
    let svg = figure.render()
    let inspector = assertValidSVG(svg)
    XCTAssertFalse(svg.contains("A&B"))
    // Title element, title text, legend, two reader labels, note (and desc).
    XCTAssertGreaterThanOrEqual(inspector.text.components(separatedBy: name).count - 1, 6)
  }
}
