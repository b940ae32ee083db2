extension ExperimentAnalysis {
  /// Something the analysis could not compute, and why; reports print each one as a sentence.
  public enum Gap: Sendable, Hashable, CustomStringConvertible {
    /// Random-init runs of an architecture but no full pretrained ones: no boost.
    case noFullPretrainedModel(architecture: String)
    /// Full pretrained runs of an architecture but no random-init twin: no boost.
    case noRandomTwin(architecture: String)
    /// A truncated configuration whose full model is not in the experiment: no comparison.
    case noFullModel(architecture: String, truncatedBlocks: Int)
    /// A truncated configuration or its full model without a parameter count: no efficiency.
    case unknownParameters(architecture: String, truncatedBlocks: Int)

    public var description: String {
      switch self {
      case .noFullPretrainedModel(let architecture):
        return "\(architecture): random-init runs but no full pretrained runs; no boost."
      case .noRandomTwin(let architecture):
        return "\(architecture): pretrained runs but no random-init twin; no boost."
      case .noFullModel(let architecture, let blocks):
        return "\(architecture) cut by \(blocks) blocks: no full model to compare with."
      case .unknownParameters(let architecture, let blocks):
        return "\(architecture) cut by \(blocks) blocks: parameters unknown, so no efficiency."
      }
    }
  }
}
