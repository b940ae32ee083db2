import ChexONNX
import ChexTestSupport
import XCTest

@testable import ChexInference

/// MaxPool and AveragePool (both count_include_pad modes, pads, strides, dilations, ceil_mode)
/// against a window-by-window loop written from the ONNX operator pages, on seeded random data,
/// with one and two threads.
final class PoolingTests: XCTestCase {
  struct Case {
    var op = "MaxPool"
    var c = 3
    var h = 9
    var w = 11
    var kernel = [3, 3]
    var strides = [2, 2]
    var pads = [1, 1, 1, 1]
    var dilations = [1, 1]
    var ceil = 0
    var includePad = 0
  }

  /// Output size per the ONNX pages: floor (or ceil) of (in + pads - dilated kernel) / stride
  /// + 1, dropping a ceil-mode window that would start in the trailing pad.
  func outSize(_ n: Int, _ before: Int, _ after: Int, _ k: Int, _ s: Int, _ d: Int, ceil: Bool) -> Int {
    let span = Double(n + before + after - ((k - 1) * d + 1)) / Double(s)
    var out = Int(ceil ? span.rounded(.up) : span.rounded(.down)) + 1
    if ceil && (out - 1) * s >= n + before { out -= 1 }
    return out
  }

  func naive(_ x: [Float], _ t: Case) -> Tensor {
    let oh = outSize(t.h, t.pads[0], t.pads[2], t.kernel[0], t.strides[0], t.dilations[0], ceil: t.ceil == 1)
    let ow = outSize(t.w, t.pads[1], t.pads[3], t.kernel[1], t.strides[1], t.dilations[1], ceil: t.ceil == 1)
    var y = [Float](repeating: 0, count: t.c * oh * ow)
    for c in 0..<t.c {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var best = -Float.infinity
          var sum = 0.0
          var inside = 0
          var padded = 0
          for ky in 0..<t.kernel[0] {
            for kx in 0..<t.kernel[1] {
              let iy = oy * t.strides[0] - t.pads[0] + ky * t.dilations[0]
              let ix = ox * t.strides[1] - t.pads[1] + kx * t.dilations[1]
              if iy < t.h + t.pads[2] && ix < t.w + t.pads[3] { padded += 1 }
              guard iy >= 0, iy < t.h, ix >= 0, ix < t.w else { continue }
              let v = x[(c * t.h + iy) * t.w + ix]
              best = max(best, v)
              sum += Double(v)
              inside += 1
            }
          }
          let divisor = t.includePad == 1 ? padded : inside
          y[(c * oh + oy) * ow + ox] = t.op == "MaxPool" ? best : Float(sum / Double(divisor))
        }
      }
    }
    return Tensor(shape: [1, t.c, oh, ow], data: y)
  }

  func check(_ t: Case, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
    var generator = SeededGenerator(seed: seed)
    let x = randomFloats(t.c * t.h * t.w, &generator)
    var attributes: [String: ONNXAttribute] = [
      "kernel_shape": .ints(t.kernel), "strides": .ints(t.strides), "pads": .ints(t.pads),
      "dilations": .ints(t.dilations), "ceil_mode": .int(t.ceil),
    ]
    if t.op == "AveragePool" { attributes["count_include_pad"] = .int(t.includePad) }
    let node = ONNXNode(opType: t.op, name: "pool", inputs: ["x"], outputs: ["y"], attributes: attributes)
    let model = makeModel(nodes: [node], initializers: [], inputShape: [1, t.c, t.h, t.w], opset: 19)
    let input = Tensor(shape: [1, t.c, t.h, t.w], data: x)
    let expected = naive(x, t)
    for threads in [1, 2] {
      let output = try XCTUnwrap(try InferenceSession(model: model, threads: threads).run(input).first)
      assertClose(output, expected, relativeTo: 1e-6, "\(t) threads \(threads)", file: file, line: line)
    }
  }

  func testMaxPool() throws {
    try check(Case(), seed: 40)
    try check(Case(h: 12, w: 40, pads: [0, 0, 0, 0]), seed: 41)
    try check(Case(kernel: [2, 3], strides: [1, 2], pads: [0, 2, 1, 0], dilations: [2, 1]), seed: 42)
    try check(Case(h: 8, w: 8, kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], ceil: 1), seed: 43)
    try check(Case(c: 70, h: 64, w: 70), seed: 44)
  }

  func testAveragePool() throws {
    try check(Case(op: "AveragePool", kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0]), seed: 45)
    try check(Case(op: "AveragePool", strides: [1, 1], includePad: 1), seed: 46)
    try check(Case(op: "AveragePool", strides: [1, 1], includePad: 0), seed: 47)
    try check(
      Case(op: "AveragePool", h: 8, w: 9, strides: [2, 2], pads: [1, 0, 1, 2], ceil: 1, includePad: 1),
      seed: 48)
    try check(Case(op: "AveragePool", c: 70, h: 64, w: 70, kernel: [2, 2], pads: [0, 0, 0, 0]), seed: 49)
  }
}
