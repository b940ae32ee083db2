import ChexStats

/// The four panels of the paper's Figure 1, drawn from a ``ExperimentReport``.
public enum ExperimentFigures {
  /// File names (under `figures/`) and captions, in panel order.
  public static let catalogue: [(file: String, caption: String)] = [
    ("fig1a-imagenet-vs-chexpert.svg", "(a) ImageNet top-1 vs CheXpert mean AUROC"),
    ("fig1b-family-and-size.svg", "(b) CheXpert AUROC by family and size, random initialisation"),
    ("fig1c-pretraining.svg", "(c) Pretrained vs random initialisation per architecture"),
    ("fig1d-truncation.svg", "(d) AUROC vs parameters under truncation"),
  ]

  static let errorBars = "Error bars: seed-averaged bootstrap 95% CIs over studies."

  /// (relative path, SVG text) for each panel.
  public static func render(_ report: ExperimentReport) -> [(name: String, text: String)] {
    let svgs = [
      FigureRenderer.render(imagenet(report)), FigureRenderer.render(familyAndSize(report)),
      FigureRenderer.render(pretraining(report)), FigureRenderer.render(truncation(report)),
    ]
    return zip(catalogue, svgs).map { ("figures/" + $0.file, $1) }
  }

  static func estimate(_ e: Estimate) -> FigureEstimate {
    FigureEstimate(e.value, interval: e.interval)
  }

  /// (a): one point per architecture and group, the group's least-squares line, and its
  /// Spearman rho (from the report's correlations) in the legend.
  static func imagenet(_ report: ExperimentReport) -> ImageNetVsCheXpertFigure {
    let a = report.analysis
    let groups = [("pretrained", "ImageNet pretrained"), ("random", "Random init")].map { key, label in
      let points = a.architectures.compactMap { row -> ImageNetVsCheXpertFigure.Point? in
        guard let top1 = row.imagenetTop1,
          let index = key == "pretrained" ? row.pretrained : row.random
        else { return nil }
        return .init(
          name: row.architecture, imageNetTop1: top1, auroc: estimate(a.configurations[index].mean))
      }
      let fit = LineFit.leastSquares(
        x: points.map(\.imageNetTop1), y: points.map(\.auroc.value))
      let rho = report.correlations.first {
        $0.group == key && $0.x == "imagenet_top1" && $0.method == "spearman"
      }
      return ImageNetVsCheXpertFigure.Group(
        name: label, points: points, fit: fit,
        legendNote: rho.map { "Spearman ρ = " + NumberFormat.fixed($0.estimate, decimals: 2) },
        labelPoints: key == "pretrained")
    }
    return ImageNetVsCheXpertFigure(groups: groups, note: errorBars)
  }

  /// (b): random-init AUROC against parameters, joined within families.
  static func familyAndSize(_ report: ExperimentReport) -> FamilyAndSizeFigure {
    let a = report.analysis
    var families: [FamilyAndSizeFigure.Family] = []
    for row in a.architectures {
      guard let index = row.random, let parameters = row.parameters else { continue }
      let member = FamilyAndSizeFigure.Member(
        name: row.architecture, parameters: parameters, auroc: estimate(a.configurations[index].mean))
      if let k = families.firstIndex(where: { $0.name == row.family }) {
        families[k].members.append(member)
      } else {
        families.append(.init(name: row.family, members: [member]))
      }
    }
    return FamilyAndSizeFigure(families: families, note: errorBars)
  }

  /// (c): random init and pretrained per architecture, with the boost and its Holm p.
  static func pretraining(_ report: ExperimentReport) -> PretrainingBoostFigure {
    let a = report.analysis
    let rows = a.architectures.compactMap { row -> PretrainingBoostFigure.Row? in
      guard let pre = row.pretrained, let rnd = row.random else { return nil }
      let annotation = row.boost?.value.map {
        NumberFormat.signed($0, decimals: 3)
          + (row.boostPHolm.map { $0 <= 1 - a.level ? " *" : "" } ?? "")
      }
      return .init(
        name: row.architecture, parameters: row.parameters ?? .nan,
        randomInit: estimate(a.configurations[rnd].mean),
        pretrained: estimate(a.configurations[pre].mean), annotation: annotation)
    }
    return PretrainingBoostFigure(
      rows: rows, annotationHeader: "Boost (* Holm p ≤ \(NumberFormat.fixed(1 - a.level, decimals: 2)))",
      note: errorBars)
  }

  /// (d): each truncated architecture from its full model through its cut variants.
  static func truncation(_ report: ExperimentReport) -> TruncationFigure {
    let a = report.analysis
    var architectures: [TruncationFigure.Architecture] = []
    for name in a.truncation.map(\.architecture).uniqued() {
      let cuts = a.truncation.filter { $0.architecture == name }
      let full = a.configurations[cuts[0].full]
      var variants = [
        TruncationFigure.Variant(
          blocksCut: 0, parameters: full.parameters ?? .nan, auroc: estimate(full.mean))
      ]
      for cut in cuts {
        let c = a.configurations[cut.configuration]
        variants.append(
          .init(
            blocksCut: cut.truncatedBlocks, parameters: c.parameters ?? .nan,
            auroc: estimate(c.mean), significantDrop: cut.significantDrop))
      }
      architectures.append(.init(name: name, variants: variants))
    }
    return TruncationFigure(
      architectures: architectures,
      note: errorBars + " Hollow markers: a significant drop from the full model.")
  }
}
