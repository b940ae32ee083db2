import ArgumentParser
import ChexONNX
import Foundation

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
    let loaded: ONNXModel
    do {
      loaded = try ONNXLoader.load(path: model)
    } catch {
      FileHandle.standardError.write(Data("chexstats inspect: \(error.description.singleLine)\n".utf8))
      throw ExitCode(1)
    }
    let summary = ModelSummary(model: loaded)
    switch format {
    case .text: print(summary.renderText(modelName: model), terminator: "")
    case .json: print(summary.renderJSON(modelName: model), terminator: "")
    }
  }
}
