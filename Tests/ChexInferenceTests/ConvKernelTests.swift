import ChexONNX
import ChexTestSupport
import Foundation
import XCTest

@testable import ChexInference

/// Convolution paths (the native AVX-512 kernel, pointwise sgemm, tiled im2col, depthwise
/// direct) and the fusions, each against an obviously correct seven-loop convolution on seeded
/// random data. Every case runs with both `ConvolutionKernels` choices.
final class ConvKernelTests: XCTestCase {
  /// Direct NCHW convolution with per-side pads, strides, dilations and groups.
  func naiveConv(
    x: [Float], n: Int, cin: Int, h: Int, w: Int, weights: [Float], bias: [Float], cout: Int, kh: Int,
    kw: Int,
    stride: (Int, Int), pads: [Int], dilation: (Int, Int), group: Int
  ) -> Tensor {
    let oh = (h + pads[0] + pads[2] - ((kh - 1) * dilation.0 + 1)) / stride.0 + 1
    let ow = (w + pads[1] + pads[3] - ((kw - 1) * dilation.1 + 1)) / stride.1 + 1
    let cinG = cin / group
    let coutG = cout / group
    var y = [Float](repeating: 0, count: n * cout * oh * ow)
    for b in 0..<n {
      for o in 0..<cout {
        let g = o / coutG
        for oy in 0..<oh {
          for ox in 0..<ow {
            var sum = Double(bias[o])
            for ci in 0..<cinG {
              for ky in 0..<kh {
                for kx in 0..<kw {
                  let iy = oy * stride.0 - pads[0] + ky * dilation.0
                  let ix = ox * stride.1 - pads[1] + kx * dilation.1
                  guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                  let xv = x[((b * cin + g * cinG + ci) * h + iy) * w + ix]
                  let wv = weights[((o * cinG + ci) * kh + ky) * kw + kx]
                  sum += Double(xv) * Double(wv)
                }
              }
            }
            y[((b * cout + o) * oh + oy) * ow + ox] = Float(sum)
          }
        }
      }
    }
    return Tensor(shape: [n, cout, oh, ow], data: y)
  }

  struct Case {
    var cin, cout, h, w, kh, kw: Int
    var stride = (1, 1)
    var pads = [0, 0, 0, 0]
    var dilation = (1, 1)
    var group = 1
  }

  func check(
    _ c: Case, seed: UInt64, batch n: Int = 2, threads: Int = 1, file: StaticString = #filePath,
    line: UInt = #line
  ) throws {
    var generator = SeededGenerator(seed: seed)
    let x = randomFloats(n * c.cin * c.h * c.w, &generator)
    let weights = randomFloats(c.cout * c.cin / c.group * c.kh * c.kw, &generator, scale: 0.5)
    let bias = randomFloats(c.cout, &generator)
    let node = ONNXNode(
      opType: "Conv", name: "conv", inputs: ["x", "w", "b"], outputs: ["y"],
      attributes: [
        "strides": .ints([c.stride.0, c.stride.1]), "pads": .ints(c.pads),
        "dilations": .ints([c.dilation.0, c.dilation.1]), "group": .int(c.group),
      ])
    let model = makeModel(
      nodes: [node],
      initializers: [
        floatTensor("w", [c.cout, c.cin / c.group, c.kh, c.kw], weights), floatTensor("b", [c.cout], bias),
      ], inputShape: [n, c.cin, c.h, c.w])
    let input = Tensor(shape: [n, c.cin, c.h, c.w], data: x)
    let expected = naiveConv(
      x: x, n: n, cin: c.cin, h: c.h, w: c.w, weights: weights, bias: bias, cout: c.cout, kh: c.kh, kw: c.kw,
      stride: c.stride, pads: c.pads, dilation: c.dilation, group: c.group)
    for kernels in ConvolutionKernels.allCases {
      let output = try InferenceSession(model: model, threads: threads, kernels: kernels).run(input)
      if threads > 1 {
        let serial = try InferenceSession(model: model, threads: 1, kernels: kernels).run(input)
        XCTAssertEqual(
          output, serial, "\(kernels): \(threads) threads differ from 1 thread: \(c)", file: file, line: line)
      }
      assertClose(
        try XCTUnwrap(output.first), expected, relativeTo: 1e-5, "\(kernels): \(c)", file: file, line: line)
    }
  }

  func testPointwise() throws {
    try check(Case(cin: 17, cout: 9, h: 6, w: 7, kh: 1, kw: 1), seed: 1)
  }

  func testDense3x3Variants() throws {
    try check(Case(cin: 5, cout: 6, h: 9, w: 8, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 2)
    try check(Case(cin: 5, cout: 6, h: 9, w: 8, kh: 3, kw: 3, stride: (2, 2), pads: [0, 0, 1, 1]), seed: 3)
    try check(Case(cin: 3, cout: 4, h: 10, w: 7, kh: 3, kw: 3, stride: (2, 1), pads: [2, 0, 1, 3]), seed: 4)
    try check(
      Case(cin: 3, cout: 4, h: 10, w: 9, kh: 3, kw: 3, pads: [2, 2, 2, 2], dilation: (2, 2)), seed: 5)
  }

  func testLargeAndRectangularKernels() throws {
    try check(Case(cin: 3, cout: 5, h: 15, w: 14, kh: 7, kw: 7, stride: (2, 2), pads: [3, 3, 3, 3]), seed: 6)
    try check(Case(cin: 4, cout: 3, h: 9, w: 10, kh: 1, kw: 7, pads: [0, 3, 0, 3]), seed: 7)
    try check(Case(cin: 4, cout: 3, h: 9, w: 10, kh: 7, kw: 1, pads: [3, 0, 3, 0]), seed: 8)
    try check(Case(cin: 4, cout: 3, h: 8, w: 8, kh: 1, kw: 1, stride: (2, 2)), seed: 9)
  }

  func testDepthwiseAndGrouped() throws {
    try check(Case(cin: 6, cout: 6, h: 9, w: 11, kh: 3, kw: 3, pads: [1, 1, 1, 1], group: 6), seed: 10)
    try check(
      Case(cin: 5, cout: 5, h: 12, w: 9, kh: 5, kw: 5, stride: (2, 2), pads: [2, 2, 2, 2], group: 5), seed: 11
    )
    try check(
      Case(cin: 4, cout: 4, h: 8, w: 8, kh: 3, kw: 3, stride: (2, 2), pads: [0, 0, 1, 1], group: 4), seed: 12)
    try check(Case(cin: 6, cout: 4, h: 7, w: 7, kh: 3, kw: 3, pads: [1, 1, 1, 1], group: 2), seed: 13)
  }

  /// Rows wider than one vector (full vectors plus a tail), stride 2 phases, dilation and
  /// asymmetric pads through the depthwise kernel.
  func testDepthwiseWideRows() throws {
    try check(Case(cin: 3, cout: 3, h: 11, w: 37, kh: 3, kw: 3, pads: [1, 1, 1, 1], group: 3), seed: 17)
    try check(
      Case(cin: 3, cout: 3, h: 10, w: 40, kh: 5, kw: 5, stride: (2, 2), pads: [2, 2, 2, 2], group: 3),
      seed: 18)
    try check(
      Case(cin: 2, cout: 2, h: 9, w: 33, kh: 3, kw: 3, stride: (2, 2), pads: [0, 0, 1, 1], group: 2), seed: 19
    )
    try check(
      Case(
        cin: 2, cout: 2, h: 9, w: 26, kh: 3, kw: 3, stride: (1, 3), pads: [2, 3, 0, 1], dilation: (2, 2),
        group: 2),
      seed: 20)
    try check(Case(cin: 2, cout: 2, h: 4, w: 4, kh: 3, kw: 3, pads: [5, 6, 5, 6], group: 2), seed: 21)
  }

  /// One image on two threads: each way of cutting a convolution into chunks (pointwise along
  /// pixels and along channels, im2col per tile and per channel block, depthwise per channel
  /// block) gives the oracle's values and exactly the one-thread result. The sizes are just
  /// above the `Parallelism` thresholds, so that the work is really split.
  func testIntraImageThreadsGiveIdenticalResults() throws {
    try check(Case(cin: 64, cout: 64, h: 32, w: 32, kh: 1, kw: 1), seed: 22, batch: 1, threads: 2)
    try check(Case(cin: 256, cout: 128, h: 12, w: 12, kh: 1, kw: 1), seed: 23, batch: 1, threads: 2)
    try check(
      Case(cin: 64, cout: 80, h: 11, w: 11, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 24, batch: 1, threads: 2)
    try check(
      Case(cin: 16, cout: 8, h: 100, w: 100, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 25, batch: 1, threads: 2
    )
    try check(
      Case(cin: 8, cout: 8, h: 64, w: 64, kh: 3, kw: 3, pads: [1, 1, 1, 1], group: 8), seed: 26, batch: 1,
      threads: 2)
    try check(
      Case(cin: 64, cout: 48, h: 24, w: 24, kh: 1, kw: 1), seed: 27, batch: 3, threads: 2)
    // More output channels than pixels: split by channels.
    try check(
      Case(cin: 128, cout: 160, h: 10, w: 10, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 29, batch: 1,
      threads: 2)
    // Winograd (3x3, stride 1, padded by one, at least 256 output pixels), odd sizes, cut by
    // tiles or (fewer than 4 register tiles per thread) by output channels: 21x19 has 110 F(2x2)
    // tiles (by tiles) and 30 F(4x4) ones (`fast`: by channels), 16x17 72 and 20 (both by
    // channels), 41x43 462 and 121 (both by tiles).
    try check(
      Case(cin: 32, cout: 64, h: 21, w: 19, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 28, batch: 2, threads: 2)
    try check(
      Case(cin: 24, cout: 96, h: 16, w: 17, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 31, batch: 1, threads: 2)
    try check(
      Case(cin: 16, cout: 64, h: 41, w: 43, kh: 3, kw: 3, pads: [1, 1, 1, 1]), seed: 30, batch: 1, threads: 2)
  }

  /// Forces tiles smaller than the output plane (and not aligned with rows) and compares.
  func testTiledIm2colMatchesWholePlane() {
    var generator = SeededGenerator(seed: 14)
    let geometry = ConvGeometry(
      batch: 1, inChannels: 3, height: 9, width: 7, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
      strideY: 1, strideX: 1, dilationY: 1, dilationX: 1, padTop: 1, padLeft: 1, outHeight: 9, outWidth: 7,
      group: 1)
    let weights = randomFloats(4 * 3 * 9, &generator)
    let bias = randomFloats(4, &generator)
    var x = randomFloats(3 * 63, &generator)
    var kernel = ConvKernel(geometry: geometry, weights: weights, bias: bias)
    kernel.maximumTile = 10
    XCTAssertEqual(kernel.tile, 10)
    var y = [Float](repeating: 0, count: 4 * 63)
    var scratch = [Float](repeating: 0, count: kernel.scratchCount)
    x.withUnsafeMutableBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        scratch.withUnsafeMutableBufferPointer { sp in
          guard let xb = xp.baseAddress, let yb = yp.baseAddress, let sb = sp.baseAddress else { return }
          kernel.run(KernelIO(inputs: [xb], outputs: [yb], scratch: sb))
        }
      }
    }
    let expected = naiveConv(
      x: x, n: 1, cin: 3, h: 9, w: 7, weights: weights, bias: bias, cout: 4, kh: 3, kw: 3, stride: (1, 1),
      pads: [1, 1, 1, 1], dilation: (1, 1), group: 1)
    assertClose(Tensor(shape: [1, 4, 9, 7], data: y), expected, relativeTo: 1e-5)
  }

  /// Conv -> BatchNormalization -> Add(residual) -> Relu becomes one fused step and still
  /// equals the unfused arithmetic done here by hand.
  func testBatchNormResidualAndReluFuseIntoConv() throws {
    var generator = SeededGenerator(seed: 15)
    let (c, h, w) = (4, 5, 6)
    let x = randomFloats(c * h * w, &generator)
    let weights = randomFloats(c * c, &generator)
    let gamma = randomFloats(c, &generator)
    let beta = randomFloats(c, &generator)
    let mean = randomFloats(c, &generator)
    let variance = randomFloats(c, &generator).map { abs($0) + 0.5 }
    let nodes = [
      ONNXNode(opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["c"]),
      ONNXNode(
        opType: "BatchNormalization", name: "bn", inputs: ["c", "g", "b", "m", "v"], outputs: ["n"]),
      ONNXNode(opType: "Add", name: "add", inputs: ["x", "n"], outputs: ["s"]),
      ONNXNode(opType: "Relu", name: "relu", inputs: ["s"], outputs: ["y"]),
    ]
    let model = makeModel(
      nodes: nodes,
      initializers: [
        floatTensor("w", [c, c, 1, 1], weights), floatTensor("g", [c], gamma), floatTensor("b", [c], beta),
        floatTensor("m", [c], mean), floatTensor("v", [c], variance),
      ], inputShape: [1, c, h, w])
    let session = try InferenceSession(model: model)
    let output = try XCTUnwrap(try session.run(Tensor(shape: [1, c, h, w], data: x)).first)
    XCTAssertEqual(try session.plan(for: [1, c, h, w]).steps.count, 1)
    var expected = [Float](repeating: 0, count: c * h * w)
    for o in 0..<c {
      for p in 0..<(h * w) {
        var conv = 0.0
        for i in 0..<c { conv += Double(weights[o * c + i]) * Double(x[i * h * w + p]) }
        let normalized = (conv - Double(mean[o])) / (Double(variance[o]) + 1e-5).squareRoot()
        let bn = normalized * Double(gamma[o]) + Double(beta[o])
        expected[o * h * w + p] = Float(max(bn + Double(x[o * h * w + p]), 0))
      }
    }
    assertClose(output, Tensor(shape: [1, c, h, w], data: expected), relativeTo: 1e-5)
  }

  /// Conv -> Sigmoid, Mul(conv, sigmoid) becomes one step computing x * sigmoid(x).
  func testSiLUFusesIntoConv() throws {
    var generator = SeededGenerator(seed: 16)
    let x = randomFloats(2 * 3 * 3, &generator)
    let weights = randomFloats(2 * 2, &generator)
    let nodes = [
      ONNXNode(opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["c"]),
      ONNXNode(opType: "Sigmoid", name: "sig", inputs: ["c"], outputs: ["s"]),
      ONNXNode(opType: "Mul", name: "mul", inputs: ["c", "s"], outputs: ["y"]),
    ]
    let model = makeModel(
      nodes: nodes, initializers: [floatTensor("w", [2, 2, 1, 1], weights)], inputShape: [1, 2, 3, 3])
    let session = try InferenceSession(model: model)
    let output = try XCTUnwrap(try session.run(Tensor(shape: [1, 2, 3, 3], data: x)).first)
    XCTAssertEqual(try session.plan(for: [1, 2, 3, 3]).steps.count, 1)
    var expected = [Float](repeating: 0, count: 18)
    for o in 0..<2 {
      for p in 0..<9 {
        let v = Double(weights[o * 2]) * Double(x[p]) + Double(weights[o * 2 + 1]) * Double(x[9 + p])
        expected[o * 9 + p] = Float(v / (1 + Foundation.exp(-v)))
      }
    }
    assertClose(output, Tensor(shape: [1, 2, 3, 3], data: expected), relativeTo: 1e-5)
  }
}
