import ChexInference
import ChexONNX

/// Fuzzes the model path of `inspect` and `run` up to, not including, running: the loader, the
/// model summary (shape inference), then an inference session that compiles its plan for the
/// declared input shape (symbolic dimensions taken as 1). Inputs of more than `maxInputElements`
/// elements are not planned, so that a slow plan is not mistaken for a hang. Every outcome is a
/// plan or an `ONNXError` / `InferenceError`; never a trap. Sizes the model computes are the
/// engine's to bound: libFuzzer's `-malloc_limit_mb` reports any allocation beyond the limit as
/// a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  guard let model = try? ONNXLoader.load(bytes: bytes, directory: nil, path: "fuzz.onnx") else {
    return 0
  }
  _ = ModelSummary(model: model)
  guard let session = try? InferenceSession(model: model) else { return 0 }
  var shape: [Int] = []
  var elements = 1
  for dimension in session.declaredInputShape {
    guard case .fixed(let size) = dimension else {
      shape.append(1)
      continue
    }
    let (product, overflow) = elements.multipliedReportingOverflow(by: max(size, 1))
    guard !overflow, product <= maxInputElements else { return 0 }
    elements = product
    shape.append(size)
  }
  _ = try? session.prepare(inputShape: shape)
  return 0
}

/// The largest input planned: 3 x 64 x 64 fits, a full 3 x 224 x 224 image does not.
private let maxInputElements = 1 << 14
