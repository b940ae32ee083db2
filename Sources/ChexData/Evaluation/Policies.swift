/// How several images of one study become one row.
///
/// The CheXpert group scores per study, taking the maximum over views; torchxrayvision and
/// CheXNet reproductions score per image. For study-level files every choice is a no-op except
/// that `image` keeps image keys apart.
public enum Aggregation: String, Sendable, CaseIterable {
  /// One row per study; a prediction is the maximum over its images (the CheXpert default).
  case studyMax = "study-max"
  /// One row per study; a prediction is the mean over its images.
  case studyMean = "study-mean"
  /// One row per image; image keys are not reduced to studies.
  case image
}

/// What an uncertain label (`-1`) becomes at evaluation.
public enum UncertainPolicy: String, Sendable, CaseIterable {
  /// Drop the study from that task (the CheXpert group's evaluator).
  case ignore
  /// Count it as negative (U-Zeros).
  case zeros
  /// Count it as positive (U-Ones).
  case ones
}

/// What a blank label (not mentioned) becomes at evaluation.
public enum BlankPolicy: String, Sendable, CaseIterable {
  /// Drop the study from that task (torchxrayvision).
  case ignore
  /// Count it as negative (the CheXpert group's evaluator; the default).
  case zeros
}
