import ArgumentParser
import ChexONNX

/// `chexstats inspect MODEL.onnx`: what a model file contains and what it costs to run.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show an ONNX model's inputs, outputs, opset, op counts, parameters and FLOPs.",
    discussion: """
      Parameters are initializer elements; BatchNormalization running statistics are counted \
      separately. FLOPs count 2 per multiply-add in Conv, Gemm and MatMul at the model's input \
      size, with symbolic dimensions such as the batch set to 1. External weight files \
      (MODEL.onnx.data) are read from the model's folder.
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Argument(help: "The .onnx model file.")
  var model: String

  @Option(help: "Output format: text or json.")
  var format: Format = .text

  func run() throws {
    try reportingFailures {
      let loaded = try ONNXLoader.load(path: model)
      let summary = ModelSummary(model: loaded)
      let text =
        switch format {
        case .text: summary.renderText(modelName: model)
        case .json: summary.renderJSON(modelName: model)
        }
      try OutputFile.standardOutput.write(text)
    }
  }
}
