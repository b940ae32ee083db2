import XCTest

@testable import ChexKernels

/// chexstats' own AVX-512 convolution kernels against an obviously correct seven-loop
/// convolution in double precision, on seeded random data: panel and channel-block tails,
/// several K blocks, strides, dilations, asymmetric (TF "SAME") padding, the prologue, the
/// residual, every activation, and partial pixel / channel ranges (which must write exactly
/// their own outputs and give the same values as one whole call).
final class PackedConvolutionTests: XCTestCase {
  override func setUpWithError() throws {
    try requireNativeKernels()
  }

  /// Runs one case through `PackedConvolution` (whole, then in pieces) and compares.
  func checkDense(
    _ c: ConvolutionCase, activation: PackedConvolution.Activation = .identity, residual: Bool = false,
    prologue: Bool = false, seed: UInt64, file: StaticString = #filePath, line: UInt = #line
  ) {
    for method in PackedConvolution.Method.allCases
    where method.winogradTile == nil
      || PackedConvolution.winogradApplies(geometry: c.geometry, hasPrologue: prologue)
    {
      checkDense(
        c, method: method, activation: activation, residual: residual, prologue: prologue, seed: seed,
        file: file,
        line: line)
    }
  }

  /// Checks one case against `naiveConvolution` (whole and in pieces) with the given layouts (the data are
  /// made NCHW and transposed for an NHWC side); returns the whole output in NCHW order.
  @discardableResult
  func checkDense(
    _ c: ConvolutionCase, method: PackedConvolution.Method, activation: PackedConvolution.Activation,
    residual: Bool,
    prologue: Bool, seed: UInt64,
    layouts: (PackedConvolution.Layout, PackedConvolution.Layout) = (.nchw, .nchw),
    file: StaticString, line: UInt
  ) -> [Float] {
    let g = c.geometry
    var numbers = Numbers(state: seed)
    let source = numbers.array(g.inChannels * g.height * g.width)
    let weights = numbers.array(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth)
    let bias = numbers.array(g.outChannels)
    let plane = g.outHeight * g.outWidth
    let sourceResidual = residual ? numbers.array(g.outChannels * plane) : nil
    let pre =
      prologue
      ? PackedConvolution.Prologue(
        scale: numbers.array(g.inChannels), shift: numbers.array(g.inChannels), relu: true) : nil
    let kernel = PackedConvolution(
      geometry: g, weights: weights, bias: bias, activation: activation, prologue: pre, method: method,
      inputLayout: layouts.0, outputLayout: layouts.1)
    XCTAssertEqual(kernel.method, method, file: file, line: line)
    let expected = naiveConvolution(
      g, x: source, weights: weights, bias: bias, residual: sourceResidual, activation: activation,
      prologue: pre)
    let x =
      layouts.0 == .nhwc ? transposed(source, channels: g.inChannels, pixels: g.height * g.width) : source
    let r =
      layouts.1 == .nhwc
      ? sourceResidual.map { transposed($0, channels: g.outChannels, pixels: plane) } : sourceResidual
    let depth = g.inChannels * g.kernelHeight * g.kernelWidth

    func compute(pieces: [(Range<Int>, Range<Int>)]) -> [Float] {
      var y = [Float](repeating: .nan, count: g.outChannels * plane)
      var scratch = [Float](repeating: 0, count: kernel.scratchCount + 1)
      var shared = [Float](repeating: .nan, count: kernel.sharedInputCount + 1)
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
          scratch.withUnsafeMutableBufferPointer { sp in
            (r ?? []).withUnsafeBufferPointer { rp in
              shared.withUnsafeMutableBufferPointer { shp in
                // The shared copy in two unit ranges, as threads would write it.
                let half = kernel.prepareUnits / 2
                for range in [0..<half, half..<kernel.prepareUnits] {
                  kernel.prepareInput(input: xp.baseAddress!, shared: shp.baseAddress!, units: range)
                }
                for (pixels, channels) in pieces {
                  kernel.run(
                    input: xp.baseAddress!, shared: shp.baseAddress!, output: yp.baseAddress!,
                    residual: r == nil ? nil : rp.baseAddress, pixels: pixels, channels: channels,
                    scratch: sp.baseAddress!)
                }
              }
            }
          }
        }
      }
      return layouts.1 == .nhwc ? transposed(y, channels: g.outChannels, pixels: plane, inverse: true) : y
    }

    let whole = compute(pieces: [(0..<kernel.workCount, 0..<g.outChannels)])
    var worst = 0.0
    for (index, value) in whole.enumerated() {
      // Each output is a sum of `depth` products of values below 1 in magnitude.
      let tolerance = 1e-6 * Double(depth + 2)
      let error = abs(Double(value) - expected[index])
      worst = max(worst, error.isNaN ? .infinity : error / tolerance)
    }
    XCTAssertLessThanOrEqual(
      worst, 1, "\(c) \(activation): error / tolerance \(worst)", file: file, line: line)

    // Pieces: every pixel split and channel split gives bit-identical values (Winograd: the
    // pixel ranges count tiles).
    let work = kernel.workCount
    let midPixel = work / 3
    let midChannel = (g.outChannels / 2) / kernel.channelBlock * kernel.channelBlock
    let split = compute(
      pieces: [
        (0..<midPixel, 0..<g.outChannels), (midPixel..<work, 0..<midChannel),
        (midPixel..<work, midChannel..<g.outChannels),
      ].filter { !$0.1.isEmpty })
    XCTAssertEqual(
      split.map(\.bitPattern), whole.map(\.bitPattern), "\(c): pieces differ from one call", file: file,
      line: line)
    return whole
  }

  func testPointwiseWithTails() {
    checkDense(ConvolutionCase(cin: 5, h: 7, w: 9, cout: 13, kh: 1, kw: 1), seed: 1)
    checkDense(ConvolutionCase(cin: 16, h: 10, w: 10, cout: 8, kh: 1, kw: 1), seed: 2)
    // 300 input channels: three K blocks of the packed product.
    checkDense(ConvolutionCase(cin: 300, h: 5, w: 11, cout: 20, kh: 1, kw: 1), seed: 3)
    // Several 32-channel blocks with a tail, split across calls.
    checkDense(ConvolutionCase(cin: 140, h: 6, w: 7, cout: 70, kh: 1, kw: 1), seed: 13)
  }

  func testSpatialKernels() {
    checkDense(ConvolutionCase(cin: 6, h: 13, w: 17, cout: 11, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 4)
    checkDense(
      ConvolutionCase(cin: 4, h: 15, w: 15, cout: 9, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)),
      seed: 5)
    checkDense(
      ConvolutionCase(cin: 3, h: 21, w: 19, cout: 16, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)),
      seed: 6)
    checkDense(ConvolutionCase(cin: 5, h: 9, w: 12, cout: 7, kh: 1, kw: 7, pads: (0, 3, 0, 3)), seed: 7)
    checkDense(ConvolutionCase(cin: 5, h: 12, w: 9, cout: 7, kh: 7, kw: 1, pads: (3, 0, 3, 0)), seed: 8)
    checkDense(
      ConvolutionCase(cin: 3, h: 11, w: 11, cout: 10, kh: 3, kw: 3, dilation: (2, 2), pads: (2, 2, 2, 2)),
      seed: 9)
    // TF "SAME" padding: nothing on top/left, one row and column at the bottom/right.
    checkDense(
      ConvolutionCase(cin: 4, h: 9, w: 9, cout: 8, kh: 3, kw: 3, stride: (2, 2), pads: (0, 0, 1, 1)), seed: 10
    )
    // 1x1 with stride 2 (ResNet downsampling) and a wide row (panels across rows and within).
    checkDense(ConvolutionCase(cin: 9, h: 12, w: 12, cout: 24, kh: 1, kw: 1, stride: (2, 2)), seed: 11)
    checkDense(ConvolutionCase(cin: 3, h: 3, w: 130, cout: 9, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 12)
    checkDense(
      ConvolutionCase(cin: 7, h: 9, w: 14, cout: 70, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)),
      seed: 14)
  }

  func testWinograd() {
    // Odd sizes (partial tiles at the right and bottom), several tile blocks (16 x 40 x 40 has
    // 400 tiles), an output channel tail; the direct sum is the oracle as for every case.
    checkDense(ConvolutionCase(cin: 16, h: 9, w: 13, cout: 40, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 50)
    checkDense(
      ConvolutionCase(cin: 64, h: 40, w: 40, cout: 33, kh: 3, kw: 3, pads: (1, 1, 1, 1)), activation: .silu,
      seed: 51)
    checkDense(ConvolutionCase(cin: 20, h: 7, w: 70, cout: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 52)
  }

  func testEpilogueAndPrologue() {
    let c = ConvolutionCase(cin: 20, h: 8, w: 9, cout: 12, kh: 3, kw: 3, pads: (1, 1, 1, 1))
    let activations: [PackedConvolution.Activation] = [
      .identity, .clamp(lower: 0, upper: .infinity), .clamp(lower: 0, upper: 6), .sigmoid, .silu,
      .hardSigmoid(alpha: 1 / 6, beta: 0.5), .hardSwish,
    ]
    for (index, activation) in activations.enumerated() {
      checkDense(c, activation: activation, residual: index % 2 == 0, seed: 20 + UInt64(index))
    }
    checkDense(
      ConvolutionCase(cin: 40, h: 6, w: 6, cout: 16, kh: 1, kw: 1),
      activation: .clamp(lower: 0, upper: .infinity),
      prologue: true, seed: 30)
    // The prologue must not touch the padding (it pads the transformed input).
    checkDense(c, prologue: true, seed: 31)
    // 1x1 with stride 2 and a prologue: the compact input copy.
    checkDense(
      ConvolutionCase(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), prologue: true, seed: 32)
    checkDense(
      ConvolutionCase(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), residual: true, seed: 33)
  }

  /// Channels-last input, output or both (`PackedConvolution.Layout`) for the direct and Winograd
  /// methods: each against the double-precision oracle, and against the NCHW result: identical
  /// bits for 1x1 and Winograd (same sums in the same order), rounding-level otherwise (an NHWC
  /// input orders K by tap, then channel). Covers the in-place strided 1x1 read, the padded
  /// NHWC copy (cut into rows), 7x7 stems reading NCHW, channel tails (40, 70, 33, 48 outputs),
  /// residuals (Winograd adds it in the output transform), Winograd F(2x2) and F(4x4) over
  /// partial tiles, 1x7 / 7x1 kernels with their one-sided padding and a dilated kernel.
  func testChannelsLast() {
    let cases: [(ConvolutionCase, residual: Bool)] = [
      (ConvolutionCase(cin: 64, h: 9, w: 11, cout: 70, kh: 1, kw: 1), true),
      (ConvolutionCase(cin: 140, h: 6, w: 7, cout: 40, kh: 1, kw: 1), false),
      (ConvolutionCase(cin: 24, h: 12, w: 13, cout: 64, kh: 1, kw: 1, stride: (2, 2)), false),
      (ConvolutionCase(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), true),
      (
        ConvolutionCase(cin: 20, h: 13, w: 11, cout: 40, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)),
        false
      ),
      (
        ConvolutionCase(cin: 3, h: 21, w: 19, cout: 32, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)),
        false
      ),
      (ConvolutionCase(cin: 17, h: 8, w: 9, cout: 36, kh: 3, kw: 3, pads: (0, 0, 1, 1)), true),
      (ConvolutionCase(cin: 16, h: 9, w: 13, cout: 40, kh: 3, kw: 3, pads: (1, 1, 1, 1)), false),
      (ConvolutionCase(cin: 20, h: 7, w: 30, cout: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1)), false),
      (ConvolutionCase(cin: 24, h: 11, w: 9, cout: 48, kh: 3, kw: 3, pads: (1, 1, 1, 1)), true),
      // Inception's 1x7 and 7x1 layers, and a dilated kernel.
      (ConvolutionCase(cin: 20, h: 9, w: 12, cout: 32, kh: 1, kw: 7, pads: (0, 3, 0, 3)), false),
      (ConvolutionCase(cin: 20, h: 12, w: 9, cout: 32, kh: 7, kw: 1, pads: (3, 0, 3, 0)), true),
      (
        ConvolutionCase(cin: 18, h: 11, w: 11, cout: 32, kh: 3, kw: 3, dilation: (2, 2), pads: (2, 2, 2, 2)),
        false
      ),
    ]
    let layouts: [(PackedConvolution.Layout, PackedConvolution.Layout)] = [
      (.nhwc, .nhwc), (.nchw, .nhwc), (.nhwc, .nchw),
    ]
    for (index, (c, residual)) in cases.enumerated() {
      let g = c.geometry
      for method in [PackedConvolution.Method.directBroadcast, .winograd2x2, .winograd4x4]
      where method.winogradTile == nil
        || PackedConvolution.winogradApplies(geometry: g, hasPrologue: false)
      {
        let seed = 60 + UInt64(index)
        let activation = PackedConvolution.Activation.clamp(lower: 0, upper: .infinity)
        let reference = checkDense(
          c, method: method, activation: activation, residual: residual, prologue: false, seed: seed,
          file: #filePath, line: #line)
        for layout in layouts {
          let result = checkDense(
            c, method: method, activation: activation, residual: residual, prologue: false, seed: seed,
            layouts: layout, file: #filePath, line: #line)
          if layout.0 == .nchw || g.kernelHeight * g.kernelWidth == 1 || method != .directBroadcast {
            XCTAssertEqual(
              result.map(\.bitPattern), reference.map(\.bitPattern), "case \(index) \(method) \(layout)")
          }
        }
      }
    }
    // An NHWC layout never takes the packed panels: `withLayouts` makes them direct.
    let small = ConvolutionCase(cin: 16, h: 6, w: 6, cout: 8, kh: 1, kw: 1).geometry
    let weights = [Float](repeating: 0.5, count: 128)
    let kernel = PackedConvolution(
      geometry: small, weights: weights, bias: [Float](repeating: 0, count: 8), activation: .identity,
      method: .packedPanels)
    XCTAssertEqual(kernel.withLayouts(input: .nchw, output: .nhwc, weights: weights).method, .directBroadcast)
  }

  /// DenseNet's BatchNormalization + ReLU + 1x1 layers: the direct kernel copies its input a
  /// strip of about 65,536 values at a time (300 channels: strips of 216 pixels, so 15 x 16
  /// pixels are one whole strip and a 24-pixel tail; 1,100 channels: strips of 48 pixels over
  /// 90, with a residual). The pieces check cuts the pixels inside a strip.
  func testPrologueCopiedInStrips() {
    let pointwise = ConvolutionCase(cin: 300, h: 15, w: 16, cout: 64, kh: 1, kw: 1)
    checkDense(
      pointwise, method: .directBroadcast, activation: .clamp(lower: 0, upper: .infinity), residual: false,
      prologue: true, seed: 34, file: #filePath, line: #line)
    checkDense(
      ConvolutionCase(cin: 1100, h: 9, w: 10, cout: 64, kh: 1, kw: 1), method: .directBroadcast,
      activation: .identity,
      residual: true, prologue: true, seed: 35, file: #filePath, line: #line)
  }

  /// `runMaxPooled` (the stems' convolution and 3x3/2 max pooling in bands, the convolution's
  /// output never stored) against `run` followed by `Pooling2D.run`: bit-identical, for pooling
  /// padding 1 and 0, odd sizes, one to three pooled rows per band, a channel count that is not a
  /// multiple of 32, a 1x1 convolution read in place, and calls cut into row ranges.
  func testMaxPoolFusedIntoConvolution() {
    // (case, pool padding)
    let cases: [(ConvolutionCase, Int)] = [
      (ConvolutionCase(cin: 3, h: 23, w: 21, cout: 64, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)), 1),
      (ConvolutionCase(cin: 5, h: 17, w: 30, cout: 40, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)), 0),
      (ConvolutionCase(cin: 4, h: 9, w: 36, cout: 33, kh: 3, kw: 3, pads: (1, 1, 1, 1)), 1),
      (ConvolutionCase(cin: 70, h: 8, w: 11, cout: 32, kh: 1, kw: 1), 1),
    ]
    for (index, (c, padding)) in cases.enumerated() {
      let g = c.geometry
      var numbers = Numbers(state: 60 + UInt64(index))
      let x = numbers.array(g.inChannels * g.height * g.width)
      let weights = numbers.array(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth)
      let bias = numbers.array(g.outChannels)
      let conv = PackedConvolution(
        geometry: g, weights: weights, bias: bias, activation: .clamp(lower: 0, upper: .infinity),
        method: .directBroadcast)
      let pool = Pooling2D(
        mode: .max, planes: g.outChannels, height: g.outHeight, width: g.outWidth,
        outHeight: (g.outHeight + 2 * padding - 3) / 2 + 1, outWidth: (g.outWidth + 2 * padding - 3) / 2 + 1,
        kernelHeight: 3, kernelWidth: 3, strideY: 2, strideX: 2, dilationY: 1, dilationX: 1, padTop: padding,
        padLeft: padding, padBottom: padding, padRight: padding)
      XCTAssertTrue(conv.fusesMaxPool(pool), "case \(index)")
      let pooledPlane = pool.outHeight * pool.outWidth
      var shared = [Float](repeating: .nan, count: conv.sharedInputCount + 1)
      var expected = [Float](repeating: .nan, count: g.outChannels * pooledPlane)
      x.withUnsafeBufferPointer { xp in
        shared.withUnsafeMutableBufferPointer { sp in
          conv.prepareInput(input: xp.baseAddress!, shared: sp.baseAddress!, units: 0..<conv.prepareUnits)
          var full = [Float](repeating: .nan, count: g.outChannels * g.outHeight * g.outWidth)
          var scratch = [Float](repeating: 0, count: conv.scratchCount + 1)
          full.withUnsafeMutableBufferPointer { fp in
            scratch.withUnsafeMutableBufferPointer { scp in
              conv.run(
                input: xp.baseAddress!, shared: sp.baseAddress!, output: fp.baseAddress!, residual: nil,
                pixels: 0..<conv.workCount, channels: 0..<g.outChannels, scratch: scp.baseAddress!)
            }
            expected.withUnsafeMutableBufferPointer { ep in
              pool.run(input: fp.baseAddress!, output: ep.baseAddress!, planes: 0..<g.outChannels)
            }
          }
        }
      }
      for bandRows in 1...3 {
        for cuts in [
          [0, pool.outHeight], [0, 1, pool.outHeight],
          [0, pool.outHeight / 2, pool.outHeight - 1, pool.outHeight],
        ] {
          var y = [Float](repeating: .nan, count: g.outChannels * pooledPlane)
          var band = [Float](repeating: .nan, count: conv.maxPooledScratchCount(bandRows: bandRows))
          x.withUnsafeBufferPointer { xp in
            shared.withUnsafeBufferPointer { sp in
              y.withUnsafeMutableBufferPointer { yp in
                band.withUnsafeMutableBufferPointer { bp in
                  for (lower, upper) in zip(cuts, cuts.dropFirst()) {
                    conv.runMaxPooled(
                      input: xp.baseAddress!, shared: sp.baseAddress!, pool: pool, output: yp.baseAddress!,
                      rows: lower..<upper, channels: 0..<g.outChannels, bandRows: bandRows,
                      scratch: bp.baseAddress!)
                  }
                }
              }
            }
          }
          XCTAssertEqual(
            y.map(\.bitPattern), expected.map(\.bitPattern),
            "case \(index), \(bandRows) rows per band, cuts \(cuts)")
        }
      }
    }
    // Not fused: a pooling over other planes, or a 2x2 one.
    let g = ConvolutionCase(cin: 3, h: 9, w: 9, cout: 32, kh: 3, kw: 3, pads: (1, 1, 1, 1)).geometry
    let conv = PackedConvolution(
      geometry: g, weights: [Float](repeating: 0.5, count: 32 * 27), bias: [Float](repeating: 0, count: 32),
      activation: .identity, method: .directBroadcast)
    let average = Pooling2D(
      mode: .max, planes: 32, height: 9, width: 9, outHeight: 4, outWidth: 4, kernelHeight: 2, kernelWidth: 2,
      strideY: 2, strideX: 2, dilationY: 1, dilationX: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
    XCTAssertFalse(conv.fusesMaxPool(average))
  }

}
