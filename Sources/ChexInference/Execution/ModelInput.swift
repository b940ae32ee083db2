import ChexONNX

/// What a model expects as its image: the declared shape of its single runtime input and where
/// the channel axis is, so that a caller that makes NCHW batches (the scorer) can feed models of
/// either layout (see `InferenceSession.run(images:)`).
///
/// Two layouts are recognised from the graph, nothing else is guessed:
/// - `.nchw`: a rank-4 input `[N, C, H, W]` that no `Transpose` reads (PyTorch exports);
/// - `.nhwc`: a rank-4 input `[N, H, W, C]` whose only reader is a `Transpose` with
///   `perm = [0, 3, 1, 2]`, so the graph itself works on NCHW from there on (TensorFlow / Keras
///   models exported through tf2onnx, and torch modules that permute their input first).
/// Any other input (another rank, another permutation, a Transpose beside other readers) has no
/// layout (`layout == nil`), and `run(images:)` refuses it naming the input and what it found.
public struct ModelInput: Sendable, Equatable {
  /// Where an image input keeps its channels.
  public enum Layout: String, Sendable, Equatable {
    /// `[N, C, H, W]`.
    case nchw
    /// `[N, H, W, C]`, transposed to NCHW by the graph's first node.
    case nhwc
  }

  /// The input's name in the graph.
  public let name: String
  /// The declared shape, in the declared layout; a symbolic or unknown dimension is nil (an
  /// input declared without a shape has an empty one).
  public let shape: [Int?]
  /// The layout, or nil when the input is not recognisably an image (see the type's description).
  public let layout: Layout?
  /// For `.nhwc`: the name of the Transpose node that turns the input into NCHW, which
  /// `run(images:)` skips.
  public let transposeNode: String?

  /// The index of the channel axis in `shape` (1 for NCHW, 3 for NHWC), nil without a layout.
  public var channelAxis: Int? {
    switch layout {
    case .nchw: return 1
    case .nhwc: return 3
    case nil: return nil
    }
  }

  /// The declared channel count, height and width (nil where symbolic or without a layout): the
  /// size to resize images to when the model fixes it.
  public var channels: Int? { dimension(channelAxis) }
  public var height: Int? { dimension(layout == .nhwc ? 1 : layout == .nchw ? 2 : nil) }
  public var width: Int? { dimension(layout == .nhwc ? 2 : layout == .nchw ? 3 : nil) }

  /// The declared shape in NCHW order (what `run(images:)` takes), nil without a layout.
  public var nchwShape: [Int?]? {
    switch layout {
    case .nchw: return shape
    case .nhwc: return [shape[0], shape[3], shape[1], shape[2]]
    case nil: return nil
    }
  }

  public init(name: String, shape: [Int?], layout: Layout?, transposeNode: String? = nil) {
    self.name = name
    self.shape = shape
    self.layout = layout
    self.transposeNode = transposeNode
  }

  private func dimension(_ axis: Int?) -> Int? {
    guard let axis, axis < shape.count else { return nil }
    return shape[axis]
  }

  /// The description of `input` in `graph`, from its declared shape and the nodes that read it.
  /// - Complexity: O(nodes).
  init(_ input: ONNXValueInfo, in graph: ONNXGraph) {
    let shape: [Int?] = input.shape.map { dimension in
      if case .fixed(let size) = dimension { return size }
      return nil
    }
    let readers = graph.nodes.filter { $0.inputs.contains(input.name) }
    let isOutput = graph.outputs.contains { $0.name == input.name }
    let transposes = readers.filter { $0.opType == "Transpose" }
    var layout: Layout?
    var transposeNode: String?
    if shape.count == 4, !isOutput, readers.count == 1, let transpose = transposes.first,
      transpose.inputs.count == 1, transpose.outputs.count == 1, transpose.domain.isEmpty,
      case .ints([0, 3, 1, 2])? = transpose.attributes["perm"], transpose.attributes.count == 1
    {
      layout = .nhwc
      transposeNode = transpose.name.isEmpty ? transpose.outputs[0] : transpose.name
    } else if shape.count == 4, transposes.isEmpty {
      layout = .nchw
    }
    self.init(name: input.name, shape: shape, layout: layout, transposeNode: transposeNode)
  }
}
