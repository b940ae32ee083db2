import ChexStats

/// The four panels of the paper's Figure 1, drawn from a ``StudyReport``.
public enum StudyFigures {
  /// File names (under `figures/`) and captions, in panel order.
  public static let catalogue: [(file: String, caption: String)] = [
    ("fig1a-imagenet-vs-chexpert.svg", "(a) ImageNet top-1 vs CheXpert mean AUROC"),
    ("fig1b-family-and-size.svg", "(b) CheXpert AUROC by family and size, random initialisation"),
    ("fig1c-pretraining.svg", "(c) Pretrained vs random initialisation per architecture"),
    ("fig1d-truncation.svg", "(d) AUROC vs parameters under truncation"),
  ]

  /// (relative path, SVG text) for each panel.
  public static func render(_ report: StudyReport) -> [(name: String, text: String)] { [] }
}
