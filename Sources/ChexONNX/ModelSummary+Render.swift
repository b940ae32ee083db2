import Foundation

/// Text and JSON forms of a `ModelSummary`, as `chexstats inspect` prints them. Pure functions:
/// they return strings and print nothing.
extension ModelSummary {
  /// A human-readable summary, one fact per line.
  ///
  /// Example (abridged):
  /// ```
  /// Model:      resnet18.onnx
  /// Producer:   pytorch 2.13.0
  /// Opset:      20
  /// Inputs:     input  float  [batch, 3, 320, 320]
  /// Parameters: 11,183,694 (initializer elements, without BatchNormalization statistics)
  /// FLOPs:      7.40 GFLOP = 7,399,452,672 (2 per multiply-add in Conv, Gemm, MatMul; batch = 1)
  ///             Conv 7.39 GFLOP, Gemm 9.22 MFLOP
  /// ```
  public func renderText(modelName: String) -> String {
    var lines: [String] = []
    lines.append("Model:      \(modelName)")
    lines.append("Producer:   \(producer.isEmpty ? "(not recorded)" : producer)")
    lines.append("Opset:      \(opsetVersion)")
    lines += Self.valueLines(title: "Inputs:", inputs)
    lines += Self.valueLines(title: "Outputs:", outputs)
    let ops = opCounts.map { "\($0.opType) \($0.count)" }.joined(separator: ", ")
    lines.append("Nodes:      \(nodeCount)\(ops.isEmpty ? "" : " (\(ops))")")
    lines.append(
      "Parameters: \(Self.grouped(parameterCount)) (initializer elements, without BatchNormalization statistics)"
    )
    lines.append(
      "BN stats:   \(Self.grouped(batchNormStatisticCount)) (BatchNormalization running mean and variance)")
    switch flops {
    case .known(let total, let byOpType, let assumed):
      let parts = byOpType.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.scaled($0.value))" }
      var how = "2 per multiply-add in Conv, Gemm, MatMul"
      if !assumed.isEmpty { how += "; " + assumed.map { "\($0) = 1" }.joined(separator: ", ") }
      let exact = total < 1000 ? "" : " = \(Self.grouped(total))"
      lines.append("FLOPs:      \(Self.scaled(total))\(exact) (\(how))")
      if !parts.isEmpty { lines.append("            " + parts.joined(separator: ", ")) }
    case .unavailable(let reason):
      lines.append("FLOPs:      unavailable: \(reason)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A JSON object with the same facts; keys sorted, FLOPs `null` with a reason when unavailable.
  public func renderJSON(modelName: String) -> String {
    let flopsValue: JSONSummary.FLOPsValue
    switch flops {
    case .known(let total, let byOpType, let assumed):
      flopsValue = .init(total: total, byOpType: byOpType, assumedDimensions: assumed, unavailableReason: nil)
    case .unavailable(let reason):
      flopsValue = .init(total: nil, byOpType: nil, assumedDimensions: nil, unavailableReason: reason)
    }
    let value = JSONSummary(
      model: modelName, producer: producer, opset: opsetVersion,
      inputs: inputs.map(JSONSummary.Value.init), outputs: outputs.map(JSONSummary.Value.init),
      nodes: nodeCount, opCounts: Dictionary(uniqueKeysWithValues: opCounts.map { ($0.opType, $0.count) }),
      parameters: parameterCount, batchNormStatistics: batchNormStatisticCount, flops: flopsValue)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
      preconditionFailure("ModelSummary.renderJSON: encoding plain values cannot fail")
    }
    return text + "\n"
  }

  // MARK: - Formatting

  static func valueLines(title: String, _ values: [ONNXValueInfo]) -> [String] {
    guard !values.isEmpty else {
      return [title.padding(toLength: 12, withPad: " ", startingAt: 0) + "(none)"]
    }
    let width = values.map(\.name.count).max() ?? 0
    return values.enumerated().map { index, value in
      let head = (index == 0 ? title : "").padding(toLength: 12, withPad: " ", startingAt: 0)
      let name = value.name.padding(toLength: width, withPad: " ", startingAt: 0)
      return "\(head)\(name)  \(typeName(value.dataType))  \(shapeText(value.shape))"
    }
  }

  static func typeName(_ type: ONNXDataType?) -> String {
    guard let type else { return "?" }
    return "\(type)"
  }

  static func shapeText(_ shape: [ONNXDimension]) -> String {
    let parts = shape.map { dimension -> String in
      switch dimension {
      case .fixed(let size): return "\(size)"
      case .symbolic(let name): return name
      }
    }
    return "[" + parts.joined(separator: ", ") + "]"
  }

  /// 11183694 -> "11,183,694".
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return value < 0 ? "-" + result : result
  }

  /// FLOPs with a unit that keeps three significant figures: "7.40 GFLOP", "1.92 MFLOP", "972 FLOP".
  static func scaled(_ flops: Int) -> String {
    let value = Double(flops)
    for (unit, scale) in [("TFLOP", 1e12), ("GFLOP", 1e9), ("MFLOP", 1e6), ("kFLOP", 1e3)]
    where value >= scale {
      return String(format: "%.2f", value / scale) + " " + unit
    }
    return "\(flops) FLOP"
  }
}

/// The JSON shape of `ModelSummary.renderJSON`.
private struct JSONSummary: Encodable {
  struct Value: Encodable {
    var name: String
    var type: String?
    /// Fixed dimensions as numbers, symbolic ones as their names.
    var shape: [Dimension]

    enum Dimension: Encodable {
      case fixed(Int)
      case symbolic(String)

      func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .fixed(let size): try container.encode(size)
        case .symbolic(let name): try container.encode(name)
        }
      }
    }

    init(_ info: ONNXValueInfo) {
      name = info.name
      type = info.dataType.map { "\($0)" }
      shape = info.shape.map { dimension in
        switch dimension {
        case .fixed(let size): return .fixed(size)
        case .symbolic(let name): return .symbolic(name)
        }
      }
    }
  }

  struct FLOPsValue: Encodable {
    var total: Int?
    var byOpType: [String: Int]?
    var assumedDimensions: [String]?
    var unavailableReason: String?

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(total, forKey: .total)
      try container.encodeIfPresent(byOpType, forKey: .byOpType)
      try container.encodeIfPresent(assumedDimensions, forKey: .assumedDimensions)
      try container.encodeIfPresent(unavailableReason, forKey: .unavailableReason)
    }

    enum CodingKeys: String, CodingKey {
      case total
      case byOpType = "by_op_type"
      case assumedDimensions = "assumed_dimensions"
      case unavailableReason = "unavailable_reason"
    }
  }

  var model: String
  var producer: String
  var opset: Int
  var inputs: [Value]
  var outputs: [Value]
  var nodes: Int
  var opCounts: [String: Int]
  var parameters: Int
  var batchNormStatistics: Int
  var flops: FLOPsValue

  enum CodingKeys: String, CodingKey {
    case model, producer, opset, inputs, outputs, nodes, parameters, flops
    case opCounts = "op_counts"
    case batchNormStatistics = "batch_norm_statistics"
  }
}
