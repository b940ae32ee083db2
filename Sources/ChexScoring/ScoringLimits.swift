/// The sizes `chexstats score` and `merge` accept, in one place, each checked before anything of
/// that size is allocated.
public enum ScoringLimits {
  /// Rows of an image list: 50 million. CheXpert has 224,316 films, MIMIC-CXR 377,110; the
  /// largest chest X-ray collections are under 1 million. A list this long takes about 5 GB of
  /// paths in memory, so a larger one is more likely a wrong file than a study.
  public static let maxImages = 50_000_000

  /// Images per batch: 1 to 1,024. A 3 x 320 x 320 float batch of 1,024 is 1.26 GB; beyond
  /// that memory grows with no gain, since the engine runs a batch image by image on its threads.
  public static let maxBatch = 1_024

  /// Shards: 1 to 100,000 (Slurm's default `MaxArraySize` is 1,001; large sites raise it).
  public static let maxShards = 100_000

  /// Models scored together: 1 to 256. Each keeps its weights and working memory loaded at once.
  public static let maxModels = 256

  /// Outputs per model: 1 to 100,000 (CheXpert has 14 observations, ImageNet heads 1,000).
  public static let maxOutputs = 100_000
}
