import ChexReport

/// Inputs for the figure tests: small fixed ones for the golden files, and a full-size one
/// shaped like the CheXtransfer study (16 architectures; values from the demo study's planted
/// AUROCs in data/demo/planted.csv rounded to 3 decimals, parameter counts for 5 outputs from
/// data/architectures.csv and data/demo/truncation-params.csv) for looking at.
enum FigureSamples {
  static func e(_ value: Double, _ half: Double = 0.01) -> FigureEstimate {
    FigureEstimate(value, lower: value - half, upper: value + half)
  }

  // MARK: - Small fixed inputs (golden files)

  static let imageNetSmall = ImageNetVsCheXpertFigure(
    groups: [
      .init(
        name: "Pretrained",
        points: [
          .init(name: "ResNet18", imageNetTop1: 70, auroc: e(0.86)),
          .init(name: "DenseNet121", imageNetTop1: 75, auroc: e(0.89)),
          .init(name: "EfficientNet-B0", imageNetTop1: 77, auroc: e(0.86)),
        ], fit: LineFit(slope: 0.002, intercept: 0.72), legendNote: "Spearman ρ = 0.50"),
      .init(
        name: "Random init",
        points: [
          .init(name: "ResNet18", imageNetTop1: 70, auroc: e(0.85)),
          .init(name: "DenseNet121", imageNetTop1: 75, auroc: e(0.86)),
          .init(name: "EfficientNet-B0", imageNetTop1: 77, auroc: FigureEstimate(0.83)),
        ], fit: LineFit(slope: -0.001, intercept: 0.92), legendNote: "Spearman ρ = -0.50"),
    ], note: "Error bars: 95% bootstrap CI. Dashed: least-squares fit.")

  static let familySmall = FamilyAndSizeFigure(
    families: [
      .init(
        name: "ResNet",
        members: [
          .init(name: "ResNet50", parameters: 23_518_277, auroc: e(0.848)),
          .init(name: "ResNet18", parameters: 11_179_077, auroc: e(0.846)),
        ]),
      .init(
        name: "MobileNet",
        members: [.init(name: "MobileNetV2", parameters: 2_230_277, auroc: e(0.812))]),
    ], note: "Error bars: 95% bootstrap CI.")

  static let boostSmall = PretrainingBoostFigure(
    rows: [
      .init(name: "ResNet50", parameters: 23_518_277, randomInit: e(0.848), pretrained: e(0.871)),
      .init(
        name: "MobileNetV2", parameters: 2_230_277, randomInit: e(0.812), pretrained: e(0.845),
        annotation: "+0.033 (p < 0.001)"),
    ], note: "Boost = mean AUROC pretrained - mean AUROC random init.")

  static let truncationSmall = TruncationFigure(
    architectures: [
      .init(
        name: "ResNet50",
        variants: [
          .init(blocksCut: 0, parameters: 23_518_277, auroc: e(0.871)),
          .init(blocksCut: 1, parameters: 8_548_421, auroc: e(0.871)),
          .init(blocksCut: 2, parameters: 1_447_493, auroc: e(0.849), significantDrop: true),
        ]),
      .init(
        name: "MobileNetV2",
        variants: [
          .init(blocksCut: 1, parameters: 1_338_597, auroc: e(0.845)),
          .init(blocksCut: 0, parameters: 2_230_277, auroc: e(0.845)),
        ]),
    ], note: "Hollow: drop from the full model significant (DeLong, p < 0.05).")

  /// Hand-made curves for one task: three runs (the third without a PR curve or AUPRC), three
  /// readers (the third without a precision) and their mean with intervals.
  static let curvesSmall = CurvesFigure(
    task: "Pleural Effusion",
    curves: [
      .init(
        name: "DenseNet121", falsePositiveRates: [0, 0, 0.1, 0.1, 0.3, 0.6, 1],
        truePositiveRates: [0, 0.4, 0.6, 0.8, 0.9, 1, 1], recalls: [0.4, 0.6, 0.8, 0.9, 1],
        precisions: [1, 0.86, 0.8, 0.68, 0.5], auroc: 0.912, auprc: 0.801),
      .init(
        name: "ResNet50", falsePositiveRates: [0, 0.05, 0.2, 0.4, 0.7, 1],
        truePositiveRates: [0, 0.3, 0.55, 0.8, 0.95, 1], recalls: [0.3, 0.55, 0.8, 0.95, 1],
        precisions: [0.9, 0.75, 0.67, 0.58, 0.5], auroc: 0.84),
      .init(name: "Baseline", falsePositiveRates: [0, 0.5, 1], truePositiveRates: [0, 0.7, 1], auroc: 0.6),
    ],
    readers: [
      .init(name: "Rad1", sensitivity: 0.75, specificity: 0.8, precision: 0.6),
      .init(name: "Rad2", sensitivity: 0.8, specificity: 0.85, precision: 0.68),
      .init(name: "Rad3", sensitivity: 0.7, specificity: 0.9),
    ],
    readerMean: .init(
      sensitivity: FigureEstimate(0.75, lower: 0.68, upper: 0.82),
      specificity: FigureEstimate(0.85, lower: 0.8, upper: 0.9),
      precision: FigureEstimate(0.64, lower: 0.55, upper: 0.72)),
    note: "n = 500 studies, 151 positive; 1000 bootstrap replicates, seed 2021. Bars: 95% bootstrap CI.")

  // MARK: - Full-size study

  /// (name, family, parameters for 5 outputs, ImageNet top-1 timm, AUROC random, AUROC pretrained)
  static let architectures: [(String, String, Double, Double, Double, Double)] = [
    ("DenseNet121", "DenseNet", 6_958_981, 74.750, 0.859, 0.886),
    ("DenseNet169", "DenseNet", 12_492_805, 75.922, 0.855, 0.869),
    ("DenseNet201", "DenseNet", 18_102_533, 77.284, 0.854, 0.868),
    ("ResNet18", "ResNet", 11_179_077, 69.752, 0.846, 0.864),
    ("ResNet34", "ResNet", 21_287_237, 73.298, 0.849, 0.855),
    ("ResNet50", "ResNet", 23_518_277, 76.156, 0.848, 0.871),
    ("ResNet101", "ResNet", 42_510_405, 77.404, 0.847, 0.865),
    ("Inception-v3", "Inception", 21_795_813, 77.472, 0.851, 0.871),
    ("Inception-v4", "Inception", 41_150_501, 80.144, 0.855, 0.873),
    ("MNASNet1.0", "MNASNet", 3_108_717, 74.672, 0.802, 0.840),
    ("MobileNetV2", "MobileNet", 2_230_277, 72.910, 0.812, 0.845),
    ("MobileNetV3-Large", "MobileNet", 4_208_437, 75.510, 0.816, 0.843),
    ("EfficientNet-B0", "EfficientNet", 4_013_953, 76.542, 0.828, 0.860),
    ("EfficientNet-B1", "EfficientNet", 6_519_589, 78.546, 0.822, 0.846),
    ("EfficientNet-B2", "EfficientNet", 7_708_039, 79.612, 0.827, 0.846),
    ("EfficientNet-B3", "EfficientNet", 10_703_917, 80.878, 0.828, 0.845),
  ]

  static var imageNetFull: ImageNetVsCheXpertFigure {
    func group(_ name: String, _ pick: (Double, Double) -> Double, note: String)
      -> ImageNetVsCheXpertFigure.Group
    {
      let points = architectures.map { a in
        ImageNetVsCheXpertFigure.Point(name: a.0, imageNetTop1: a.3, auroc: e(pick(a.4, a.5), 0.006))
      }
      let fit = LineFit.leastSquares(x: points.map(\.imageNetTop1), y: points.map(\.auroc.value))
      return .init(name: name, points: points, fit: fit, legendNote: note)
    }
    return ImageNetVsCheXpertFigure(
      groups: [
        group("Pretrained", { $1 }, note: "Spearman ρ = 0.06"),
        group("Random init", { r, _ in r }, note: "Spearman ρ = 0.08"),
      ],
      note: "Error bars: ±1 SD over 3 seeds (demo study). Dashed: least-squares fit per group.")
  }

  static var familyFull: FamilyAndSizeFigure {
    var families: [FamilyAndSizeFigure.Family] = []
    for a in architectures {
      let member = FamilyAndSizeFigure.Member(name: a.0, parameters: a.2, auroc: e(a.4, 0.005))
      if let i = families.firstIndex(where: { $0.name == a.1 }) {
        families[i].members.append(member)
      } else {
        families.append(.init(name: a.1, members: [member]))
      }
    }
    return FamilyAndSizeFigure(families: families, note: "Error bars: ±1 SD over 3 seeds (demo study).")
  }

  static var boostFull: PretrainingBoostFigure {
    PretrainingBoostFigure(
      rows: architectures.map { a in
        .init(name: a.0, parameters: a.2, randomInit: e(a.4, 0.005), pretrained: e(a.5, 0.005))
      },
      note: "Boost = mean AUROC pretrained - mean AUROC random init. Error bars: ±1 SD over 3 seeds.")
  }

  static var truncationFull: TruncationFigure {
    // (architecture, [(blocks cut, parameters, AUROC, significant drop)])
    let data: [(String, [(Int, Double, Double, Bool)])] = [
      (
        "DenseNet121",
        [
          (0, 6_958_981, 0.886, false), (1, 4_272_517, 0.886, false), (2, 1_300_101, 0.884, false),
          (3, 345_861, 0.856, true),
        ]
      ),
      (
        "ResNet50",
        [
          (0, 23_518_277, 0.871, false), (1, 8_548_421, 0.871, false), (2, 1_447_493, 0.849, true),
          (3, 226_629, 0.816, true),
        ]
      ),
      (
        "Inception-v3",
        [
          (0, 21_795_813, 0.871, false), (1, 15_719_013, 0.871, false), (2, 10_670_565, 0.870, false),
          (3, 8_969_701, 0.843, true),
        ]
      ),
      (
        "MNASNet1.0",
        [
          (0, 3_108_717, 0.840, false), (1, 2_085_677, 0.839, false), (2, 473_741, 0.837, false),
          (3, 264_477, 0.805, true),
        ]
      ),
      (
        "MobileNetV2",
        [
          (0, 2_230_277, 0.845, false), (1, 1_338_597, 0.845, false), (2, 543_013, 0.825, true),
          (3, 239_685, 0.800, true),
        ]
      ),
      (
        "EfficientNet-B0",
        [
          (0, 4_013_953, 0.860, false), (1, 2_879_121, 0.860, false), (2, 852_373, 0.858, false),
          (3, 309_065, 0.830, true),
        ]
      ),
    ]
    return TruncationFigure(
      architectures: data.map { name, variants in
        .init(
          name: name,
          variants: variants.map {
            .init(blocksCut: $0.0, parameters: $0.1, auroc: e($0.2, 0.005), significantDrop: $0.3)
          })
      },
      note: "Hollow markers: AUROC drop from the full model significant. Error bars: ±1 SD over 3 seeds.")
  }
}
