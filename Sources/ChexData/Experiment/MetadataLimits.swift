/// The ranges a run's numbers must fall in, from `run.json` or the architecture table, in one
/// place. A value outside is a `DataError` naming the file, the field and the range, so that a
/// typo (1e308 for a top-1 of 76.1) cannot reach a correlation as a silent outlier. The README's
/// "What chexstats refuses and why" lists them.
public enum MetadataLimits {
  /// ImageNet top-1 accuracy is a percentage.
  public static let imagenetTop1: ClosedRange<Double> = 0...100
  /// Parameter counts from 1 to 10^12: a trained model has at least one parameter, and 10^12
  /// is above the largest network ever published, let alone a chest X-ray classifier (DenseNet-121
  /// has 7 million, ViT-H 632 million).
  public static let parameters: ClosedRange<Int> = 1...1_000_000_000_000
  /// Blocks cut off a model: 0 (the full model) to 1,000, above the block count of any
  /// architecture in the table (DenseNet-201 has 98 dense layers).
  public static let truncatedBlocks: ClosedRange<Int> = 0...1_000
}
