/// What `chexstats inspect` shows about a model: inputs, outputs, opset, producer, op counts,
/// parameter count and FLOPs at the model's input size.
///
/// Counting rules:
/// - `parameterCount`: elements of all initializers except the running mean and variance of
///   `BatchNormalization` nodes (their inputs 3 and 4), which are counted in
///   `batchNormStatisticCount`. BatchNormalization scale and bias are parameters. An initializer
///   used by several nodes is counted once.
/// - FLOPs: 2 per multiply-add, Conv, Gemm and MatMul only (bias additions, activations and
///   pooling are left out, as in the "GFLOP @320" column of the reference table):
///   Conv `2 · N · M · prod(output spatial) · (C / group) · prod(kernel)`;
///   Gemm `2 · M · N · K`; MatMul `2 · prod(batch dims) · M · N · K`.
///   Shapes come from `ShapeInference` with symbolic dimensions set to 1 (batch 1).
public struct ModelSummary: Sendable {
  /// One op type and how many nodes use it.
  public struct OpCount: Sendable, Equatable {
    public var opType: String
    public var count: Int

    public init(opType: String, count: Int) {
      self.opType = opType
      self.count = count
    }
  }

  /// FLOPs of the model at its declared input size, or why they are unavailable.
  public enum FLOPs: Sendable, Equatable {
    /// The total and the share of each op type, with the symbolic input dimensions that were set
    /// to 1 (for example `["batch"]`).
    case known(total: Int, byOpType: [String: Int], assumedDimensions: [String])
    /// Shapes of a Conv, Gemm or MatMul node could not be inferred; `reason` names the node.
    case unavailable(reason: String)
  }

  public var inputs: [ONNXValueInfo]
  public var outputs: [ONNXValueInfo]
  public var opsetVersion: Int
  public var producer: String
  public var nodeCount: Int
  /// Node counts by op type, most frequent first, ties by name.
  public var opCounts: [OpCount]
  public var parameterCount: Int
  public var batchNormStatisticCount: Int
  public var initializerCount: Int
  public var flops: FLOPs
  /// Nodes whose output shapes could not be inferred (empty when all could).
  public var shapeFailures: [ShapeInferenceFailure]

  /// Summarises `model`.
  /// - Complexity: O(nodes + initializers + total rank).
  public init(model: ONNXModel) {
    let graph = model.graph
    inputs = graph.inputs
    outputs = graph.outputs
    opsetVersion = model.opsetVersion
    producer = model.producer
    nodeCount = graph.nodes.count
    initializerCount = graph.initializers.count

    var counts: [String: Int] = [:]
    for node in graph.nodes { counts[node.opType, default: 0] += 1 }
    opCounts = counts.map { OpCount(opType: $0.key, count: $0.value) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.opType < $1.opType }

    var statistics = Set<String>()
    for node in graph.nodes where node.opType == "BatchNormalization" && node.domain.isEmpty {
      for index in [3, 4] where index < node.inputs.count && graph.initializers[node.inputs[index]] != nil {
        statistics.insert(node.inputs[index])
      }
    }
    var parameters = 0
    var statisticElements = 0
    for (name, tensor) in graph.initializers {
      if statistics.contains(name) {
        statisticElements += tensor.elementCount
      } else {
        parameters += tensor.elementCount
      }
    }
    parameterCount = parameters
    batchNormStatisticCount = statisticElements

    let inference = ShapeInference.infer(graph)
    shapeFailures = inference.failures
    flops = Self.countFLOPs(graph, inference)
  }

  static func countFLOPs(_ graph: ONNXGraph, _ inference: ShapeInferenceResult) -> FLOPs {
    var total = 0
    var byOpType: [String: Int] = [:]
    for (index, node) in graph.nodes.enumerated() where node.domain.isEmpty {
      guard ["Conv", "Gemm", "MatMul"].contains(node.opType) else { continue }
      let shapes = node.inputs.prefix(2).map { inference.shapes[$0] }
      guard let output = node.outputs.first.flatMap({ inference.shapes[$0] }), shapes.count == 2,
        let a = shapes[0], let b = shapes[1]
      else {
        return .unavailable(reason: unavailableReason(node, index: index, inference))
      }
      guard let count = multiplyAdds(node, a, b, output) else {
        return .unavailable(reason: "the FLOP count of \(describe(node, index)) overflows")
      }
      let (flops, overflowDouble) = count.multipliedReportingOverflow(by: 2)
      let (sum, overflowSum) = total.addingReportingOverflow(flops)
      guard !overflowDouble, !overflowSum else {
        return .unavailable(reason: "the FLOP count overflows at \(describe(node, index))")
      }
      total = sum
      byOpType[node.opType, default: 0] += flops
    }
    return .known(total: total, byOpType: byOpType, assumedDimensions: inference.assumedDimensions)
  }

  /// Multiply-adds of one Conv/Gemm/MatMul from its input and output shapes; nil on overflow.
  static func multiplyAdds(_ node: ONNXNode, _ a: [Int], _ b: [Int], _ output: [Int]) -> Int? {
    var factors: [Int]
    switch node.opType {
    case "Conv":
      // Each output element sums (C / group) · prod(kernel) products: the weight's dims 1...
      factors = output + Array(b.dropFirst())
    case "Gemm":
      let transA: Bool = {
        if case .int(let value) = node.attributes["transA"] { return value != 0 }
        return false
      }()
      factors = output + [transA ? a[0] : a[1]]
    default:
      factors = output + [a.last ?? 1]
    }
    var result = 1
    for factor in factors {
      let (next, overflow) = result.multipliedReportingOverflow(by: factor)
      if overflow { return nil }
      result = next
    }
    return result
  }

  static func describe(_ node: ONNXNode, _ index: Int) -> String {
    node.name.isEmpty ? "\(node.opType) node #\(index)" : "\(node.opType) node '\(node.name)'"
  }

  /// Names the node whose shapes are missing and, when known, the upstream node that caused it.
  static func unavailableReason(_ node: ONNXNode, index: Int, _ inference: ShapeInferenceResult) -> String {
    let target = describe(node, index)
    if let own = inference.failures.first(where: { $0.nodeIndex == index }) {
      return "shapes of \(target) could not be inferred: \(own.reason)"
    }
    if let first = inference.failures.first(where: { $0.nodeIndex < index }) {
      return "shapes of \(target) are unknown because shape inference stopped at \(first)"
    }
    return "shapes of \(target) are unknown (an input has no declared shape)"
  }
}
