import XCTest

@testable import ChexLinalg

/// chexstats' own AVX-512 convolution kernels against an obviously correct seven-loop
/// convolution in double precision, on seeded random data: panel and channel-block tails,
/// several K blocks, strides, dilations, asymmetric (TF "SAME") padding, the prologue, the
/// residual, every activation, and partial pixel / channel ranges (which must write exactly
/// their own outputs and give the same values as one whole call).
final class ConvolutionKernelTests: XCTestCase {
  override func setUpWithError() throws {
    try XCTSkipUnless(
      PackedConvolution.isAvailable, "this CPU has no AVX-512F; the kernels are not used here")
  }

  /// A small deterministic generator (SplitMix64) for test data.
  struct Numbers {
    var state: UInt64
    mutating func next() -> Float {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      return Float(Double(z >> 40) / Double(1 << 24) * 2 - 1)
    }
    mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
  }

  func activate(_ v: Double, _ activation: PackedConvolution.Activation) -> Double {
    switch activation {
    case .clamp(let lower, let upper): return min(max(v, Double(lower)), Double(upper))
    case .sigmoid: return 1 / (1 + exp(-v))
    case .silu: return v / (1 + exp(-v))
    case .hardSigmoid(let alpha, let beta): return max(0, min(1, Double(alpha) * v + Double(beta)))
    case .hardSwish: return v * max(0, min(1, v / 6 + 0.5))
    }
  }

  /// out[o][p] = act(bias[o] + sum w * pre(x) + residual[o][p]), padding contributing 0.
  func naive(
    _ g: PackedConvolution.Geometry, x: [Float], weights: [Float], bias: [Float], residual: [Float]?,
    activation: PackedConvolution.Activation, prologue: PackedConvolution.Prologue?, group: Int = 1
  ) -> [Double] {
    let plane = g.outHeight * g.outWidth
    let cinG = g.inChannels / group
    let coutG = g.outChannels / group
    var out = [Double](repeating: 0, count: g.outChannels * plane)
    for o in 0..<g.outChannels {
      for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
          var sum = Double(bias[o])
          for ci in 0..<cinG {
            let c = o / coutG * cinG + ci
            for ky in 0..<g.kernelHeight {
              for kx in 0..<g.kernelWidth {
                let iy = oy * g.strideY + ky * g.dilationY - g.padTop
                let ix = ox * g.strideX + kx * g.dilationX - g.padLeft
                guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                var v = Double(x[(c * g.height + iy) * g.width + ix])
                if let prologue {
                  v = v * Double(prologue.scale[c]) + Double(prologue.shift[c])
                  if prologue.relu { v = max(v, 0) }
                }
                sum += Double(weights[((o * cinG + ci) * g.kernelHeight + ky) * g.kernelWidth + kx]) * v
              }
            }
          }
          let p = oy * g.outWidth + ox
          if let residual { sum += Double(residual[o * plane + p]) }
          out[o * plane + p] = activate(sum, activation)
        }
      }
    }
    return out
  }

  struct Case {
    var cin, h, w, cout, kh, kw: Int
    var stride = (1, 1)
    var dilation = (1, 1)
    /// top, left, bottom, right
    var pads = (0, 0, 0, 0)

    var geometry: PackedConvolution.Geometry {
      let oh = (h + pads.0 + pads.2 - ((kh - 1) * dilation.0 + 1)) / stride.0 + 1
      let ow = (w + pads.1 + pads.3 - ((kw - 1) * dilation.1 + 1)) / stride.1 + 1
      return PackedConvolution.Geometry(
        inChannels: cin, height: h, width: w, outChannels: cout, kernelHeight: kh, kernelWidth: kw,
        strideY: stride.0, strideX: stride.1, dilationY: dilation.0, dilationX: dilation.1, padTop: pads.0,
        padLeft: pads.1, outHeight: oh, outWidth: ow)
    }
  }

  /// Runs one case through `PackedConvolution` (whole, then in pieces) and compares.
  func checkDense(
    _ c: Case, activation: PackedConvolution.Activation = .identity, residual: Bool = false,
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

  /// `values` (`channels` planes of `pixels`) channels-last, or back (`inverse`).
  func transposed(_ values: [Float], channels: Int, pixels: Int, inverse: Bool = false) -> [Float] {
    var out = values
    for c in 0..<channels {
      for p in 0..<pixels {
        if inverse {
          out[c * pixels + p] = values[p * channels + c]
        } else {
          out[p * channels + c] = values[c * pixels + p]
        }
      }
    }
    return out
  }

  /// Checks one case against `naive` (whole and in pieces) with the given layouts (the data are
  /// made NCHW and transposed for an NHWC side); returns the whole output in NCHW order.
  @discardableResult
  func checkDense(
    _ c: Case, method: PackedConvolution.Method, activation: PackedConvolution.Activation, residual: Bool,
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
    let expected = naive(
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
    checkDense(Case(cin: 5, h: 7, w: 9, cout: 13, kh: 1, kw: 1), seed: 1)
    checkDense(Case(cin: 16, h: 10, w: 10, cout: 8, kh: 1, kw: 1), seed: 2)
    // 300 input channels: three K blocks of the packed product.
    checkDense(Case(cin: 300, h: 5, w: 11, cout: 20, kh: 1, kw: 1), seed: 3)
    // Several 32-channel blocks with a tail, split across calls.
    checkDense(Case(cin: 140, h: 6, w: 7, cout: 70, kh: 1, kw: 1), seed: 13)
  }

  func testSpatialKernels() {
    checkDense(Case(cin: 6, h: 13, w: 17, cout: 11, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 4)
    checkDense(Case(cin: 4, h: 15, w: 15, cout: 9, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)), seed: 5)
    checkDense(
      Case(cin: 3, h: 21, w: 19, cout: 16, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)), seed: 6)
    checkDense(Case(cin: 5, h: 9, w: 12, cout: 7, kh: 1, kw: 7, pads: (0, 3, 0, 3)), seed: 7)
    checkDense(Case(cin: 5, h: 12, w: 9, cout: 7, kh: 7, kw: 1, pads: (3, 0, 3, 0)), seed: 8)
    checkDense(
      Case(cin: 3, h: 11, w: 11, cout: 10, kh: 3, kw: 3, dilation: (2, 2), pads: (2, 2, 2, 2)), seed: 9)
    // TF "SAME" padding: nothing on top/left, one row and column at the bottom/right.
    checkDense(Case(cin: 4, h: 9, w: 9, cout: 8, kh: 3, kw: 3, stride: (2, 2), pads: (0, 0, 1, 1)), seed: 10)
    // 1x1 with stride 2 (ResNet downsampling) and a wide row (panels across rows and within).
    checkDense(Case(cin: 9, h: 12, w: 12, cout: 24, kh: 1, kw: 1, stride: (2, 2)), seed: 11)
    checkDense(Case(cin: 3, h: 3, w: 130, cout: 9, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 12)
    checkDense(
      Case(cin: 7, h: 9, w: 14, cout: 70, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)), seed: 14)
  }

  func testWinograd() {
    // Odd sizes (partial tiles at the right and bottom), several tile blocks (16 x 40 x 40 has
    // 400 tiles), an output channel tail; the direct sum is the oracle as for every case.
    checkDense(Case(cin: 16, h: 9, w: 13, cout: 40, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 50)
    checkDense(
      Case(cin: 64, h: 40, w: 40, cout: 33, kh: 3, kw: 3, pads: (1, 1, 1, 1)), activation: .silu, seed: 51)
    checkDense(Case(cin: 20, h: 7, w: 70, cout: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1)), seed: 52)
    let layer = Case(cin: 64, h: 40, w: 40, cout: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1)).geometry
    XCTAssertEqual(PackedConvolution.preferredMethod(geometry: layer), .winograd2x2)
    XCTAssertEqual(PackedConvolution.preferredMethod(geometry: layer, winogradTile: 4), .winograd4x4)
  }

  func testEpilogueAndPrologue() {
    let c = Case(cin: 20, h: 8, w: 9, cout: 12, kh: 3, kw: 3, pads: (1, 1, 1, 1))
    let activations: [PackedConvolution.Activation] = [
      .identity, .clamp(lower: 0, upper: .infinity), .clamp(lower: 0, upper: 6), .sigmoid, .silu,
      .hardSigmoid(alpha: 1 / 6, beta: 0.5), .hardSwish,
    ]
    for (index, activation) in activations.enumerated() {
      checkDense(c, activation: activation, residual: index % 2 == 0, seed: 20 + UInt64(index))
    }
    checkDense(
      Case(cin: 40, h: 6, w: 6, cout: 16, kh: 1, kw: 1), activation: .clamp(lower: 0, upper: .infinity),
      prologue: true, seed: 30)
    // The prologue must not touch the padding (it pads the transformed input).
    checkDense(c, prologue: true, seed: 31)
    // 1x1 with stride 2 and a prologue: the compact input copy.
    checkDense(Case(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), prologue: true, seed: 32)
    checkDense(Case(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), residual: true, seed: 33)
  }

  /// Channels-last input, output or both (`PackedConvolution.Layout`) for the direct and Winograd
  /// methods: each against the double-precision oracle, and against the NCHW result: identical
  /// bits for 1x1 and Winograd (same sums in the same order), rounding-level otherwise (an NHWC
  /// input orders K by tap, then channel). Covers the in-place strided 1x1 read, the padded
  /// NHWC copy (cut into rows), 7x7 stems reading NCHW, channel tails (40, 70, 33, 48 outputs),
  /// residuals (Winograd adds it in the output transform), Winograd F(2x2) and F(4x4) over
  /// partial tiles, 1x7 / 7x1 kernels with their one-sided padding and a dilated kernel.
  func testChannelsLast() {
    let cases: [(Case, residual: Bool)] = [
      (Case(cin: 64, h: 9, w: 11, cout: 70, kh: 1, kw: 1), true),
      (Case(cin: 140, h: 6, w: 7, cout: 40, kh: 1, kw: 1), false),
      (Case(cin: 24, h: 12, w: 13, cout: 64, kh: 1, kw: 1, stride: (2, 2)), false),
      (Case(cin: 9, h: 11, w: 13, cout: 33, kh: 1, kw: 1, stride: (2, 2)), true),
      (Case(cin: 20, h: 13, w: 11, cout: 40, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)), false),
      (Case(cin: 3, h: 21, w: 19, cout: 32, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)), false),
      (Case(cin: 17, h: 8, w: 9, cout: 36, kh: 3, kw: 3, pads: (0, 0, 1, 1)), true),
      (Case(cin: 16, h: 9, w: 13, cout: 40, kh: 3, kw: 3, pads: (1, 1, 1, 1)), false),
      (Case(cin: 20, h: 7, w: 30, cout: 64, kh: 3, kw: 3, pads: (1, 1, 1, 1)), false),
      (Case(cin: 24, h: 11, w: 9, cout: 48, kh: 3, kw: 3, pads: (1, 1, 1, 1)), true),
      // Inception's 1x7 and 7x1 layers, and a dilated kernel.
      (Case(cin: 20, h: 9, w: 12, cout: 32, kh: 1, kw: 7, pads: (0, 3, 0, 3)), false),
      (Case(cin: 20, h: 12, w: 9, cout: 32, kh: 7, kw: 1, pads: (3, 0, 3, 0)), true),
      (Case(cin: 18, h: 11, w: 11, cout: 32, kh: 3, kw: 3, dilation: (2, 2), pads: (2, 2, 2, 2)), false),
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
    // An NHWC layout never takes the packed panels.
    let small = Case(cin: 16, h: 6, w: 6, cout: 8, kh: 1, kw: 1).geometry
    XCTAssertEqual(PackedConvolution.preferredMethod(geometry: small), .packedPanels)
    let kernel = PackedConvolution(
      geometry: small, weights: [Float](repeating: 0.5, count: 128), bias: [Float](repeating: 0, count: 8),
      activation: .identity, outputLayout: .nhwc)
    XCTAssertEqual(kernel.method, .directBroadcast)
  }

  /// DenseNet's BatchNormalization + ReLU + 1x1 layers: the direct kernel copies its input a
  /// strip of about 65,536 values at a time (300 channels: strips of 216 pixels, so 15 x 16
  /// pixels are one whole strip and a 24-pixel tail; 1,100 channels: strips of 48 pixels over
  /// 90, with a residual). The pieces check cuts the pixels inside a strip.
  func testPrologueCopiedInStrips() {
    let pointwise = Case(cin: 300, h: 15, w: 16, cout: 64, kh: 1, kw: 1)
    XCTAssertEqual(
      PackedConvolution.preferredMethod(geometry: pointwise.geometry, hasPrologue: true), .directBroadcast)
    checkDense(
      pointwise, method: .directBroadcast, activation: .clamp(lower: 0, upper: .infinity), residual: false,
      prologue: true, seed: 34, file: #filePath, line: #line)
    checkDense(
      Case(cin: 1100, h: 9, w: 10, cout: 64, kh: 1, kw: 1), method: .directBroadcast, activation: .identity,
      residual: true, prologue: true, seed: 35, file: #filePath, line: #line)
  }

  /// `runMaxPooled` (the stems' convolution and 3x3/2 max pooling in bands, the convolution's
  /// output never stored) against `run` followed by `Pooling2D.run`: bit-identical, for pooling
  /// padding 1 and 0, odd sizes, one to three pooled rows per band, a channel count that is not a
  /// multiple of 32, a 1x1 convolution read in place, and calls cut into row ranges.
  func testMaxPoolFusedIntoConvolution() {
    // (case, pool padding)
    let cases: [(Case, Int)] = [
      (Case(cin: 3, h: 23, w: 21, cout: 64, kh: 7, kw: 7, stride: (2, 2), pads: (3, 3, 3, 3)), 1),
      (Case(cin: 5, h: 17, w: 30, cout: 40, kh: 3, kw: 3, stride: (2, 2), pads: (1, 1, 1, 1)), 0),
      (Case(cin: 4, h: 9, w: 36, cout: 33, kh: 3, kw: 3, pads: (1, 1, 1, 1)), 1),
      (Case(cin: 70, h: 8, w: 11, cout: 32, kh: 1, kw: 1), 1),
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
    let g = Case(cin: 3, h: 9, w: 9, cout: 32, kh: 3, kw: 3, pads: (1, 1, 1, 1)).geometry
    let conv = PackedConvolution(
      geometry: g, weights: [Float](repeating: 0.5, count: 32 * 27), bias: [Float](repeating: 0, count: 32),
      activation: .identity, method: .directBroadcast)
    let average = Pooling2D(
      mode: .max, planes: 32, height: 9, width: 9, outHeight: 4, outWidth: 4, kernelHeight: 2, kernelWidth: 2,
      strideY: 2, strideX: 2, dilationY: 1, dilationX: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
    XCTAssertFalse(conv.fusesMaxPool(average))
  }

  /// `kernel`'s output for `x` and `residual`, computed in two channel ranges (one channel,
  /// then the rest).
  func depthwiseOutput(_ kernel: DepthwiseConvolution, x: [Float], residual: [Float]) -> [Float] {
    var y = [Float](repeating: .nan, count: residual.count)
    x.withUnsafeBufferPointer { xp in
      residual.withUnsafeBufferPointer { rp in
        y.withUnsafeMutableBufferPointer { yp in
          for range in [0..<1, 1..<kernel.channels] {
            kernel.run(
              input: xp.baseAddress!, output: yp.baseAddress!, residual: rp.baseAddress, channels: range)
          }
        }
      }
    }
    return y
  }

  func testDepthwise() {
    let cases: [(Int, Int, Int, Int, Int, (Int, Int, Int, Int))] = [
      // channels, h, w, k, stride, pads
      (5, 9, 11, 3, 1, (1, 1, 1, 1)), (4, 19, 40, 3, 2, (1, 1, 1, 1)), (3, 12, 12, 5, 1, (2, 2, 2, 2)),
      (6, 13, 13, 5, 2, (2, 2, 2, 2)), (2, 10, 10, 3, 2, (0, 0, 1, 1)), (3, 7, 33, 3, 1, (0, 0, 0, 0)),
      // Rows wide enough for chunks whose taps all lie inside the row (the unmasked path).
      (2, 6, 80, 3, 2, (1, 1, 1, 1)), (2, 7, 90, 5, 2, (2, 2, 2, 2)), (2, 8, 50, 5, 1, (2, 2, 2, 2)),
      (2, 5, 70, 7, 1, (3, 3, 3, 3)),
      // Several 16-channel blocks for the channels-last method, a tail, a first range of one
      // channel; a 7x7 kernel; asymmetric padding.
      (37, 10, 10, 3, 1, (1, 1, 1, 1)), (40, 20, 20, 5, 1, (2, 2, 2, 2)), (18, 15, 17, 3, 2, (0, 0, 1, 1)),
      (17, 9, 8, 7, 1, (3, 3, 3, 3)),
    ]
    for (index, (channels, h, w, k, stride, pads)) in cases.enumerated() {
      let c = Case(
        cin: channels, h: h, w: w, cout: channels, kh: k, kw: k, stride: (stride, stride), pads: pads)
      let g = c.geometry
      var numbers = Numbers(state: 40 + UInt64(index))
      let x = numbers.array(channels * h * w)
      let weights = numbers.array(channels * k * k)
      let bias = numbers.array(channels)
      let plane = g.outHeight * g.outWidth
      let residual = numbers.array(channels * plane)
      let activation: PackedConvolution.Activation = index % 2 == 0 ? .silu : .clamp(lower: 0, upper: 6)
      let expected = naive(
        g, x: x, weights: weights, bias: bias, residual: residual, activation: activation, prologue: nil,
        group: channels)
      let fits = DepthwiseConvolution.channelsLastApplies(
        kernelHeight: k, kernelWidth: k, strideY: stride, strideX: stride, outHeight: g.outHeight,
        outWidth: g.outWidth)
      for method in DepthwiseConvolution.Method.allCases where method == .rows || fits {
        let kernel = DepthwiseConvolution(
          channels: channels, height: h, width: w, kernelHeight: k, kernelWidth: k, strideY: stride,
          strideX: stride, padTop: pads.0, padLeft: pads.1, outHeight: g.outHeight, outWidth: g.outWidth,
          weights: weights, bias: bias, activation: activation, method: method)
        let y = depthwiseOutput(kernel, x: x, residual: residual)
        for (i, value) in y.enumerated() {
          XCTAssertEqual(
            Double(value), expected[i], accuracy: 1e-5 * Double(k * k + 2),
            "depthwise case \(index) \(method) at \(i)")
        }
        guard method == .channelsLast else { continue }
        // NHWC input, output or both: the same values, bit for bit.
        let layouts: [(PackedConvolution.Layout, PackedConvolution.Layout)] = [
          (.nhwc, .nhwc), (.nhwc, .nchw), (.nchw, .nhwc),
        ]
        for layout in layouts {
          let other = kernel.withLayouts(input: layout.0, output: layout.1)
          let source = layout.0 == .nhwc ? transposed(x, channels: channels, pixels: h * w) : x
          let added = layout.1 == .nhwc ? transposed(residual, channels: channels, pixels: plane) : residual
          let z = depthwiseOutput(other, x: source, residual: added)
          let back = layout.1 == .nhwc ? transposed(z, channels: channels, pixels: plane, inverse: true) : z
          XCTAssertEqual(back.map(\.bitPattern), y.map(\.bitPattern), "depthwise case \(index) \(layout)")
        }
      }
    }
  }
}

/// chexstats' AVX-512 pooling against a window-by-window loop in double precision.
final class Pooling2DTests: XCTestCase {
  func naive(_ p: Pooling2D, _ x: [Float]) -> [Double] {
    var out: [Double] = []
    for plane in 0..<p.planes {
      for oy in 0..<p.outHeight {
        for ox in 0..<p.outWidth {
          var best = -Double.infinity
          var sum = 0.0
          var inside = 0
          var window = 0
          for ky in 0..<p.kernelHeight {
            for kx in 0..<p.kernelWidth {
              let iy = oy * p.strideY - p.padTop + ky * p.dilationY
              let ix = ox * p.strideX - p.padLeft + kx * p.dilationX
              if iy < p.height + p.padBottom, ix < p.width + p.padRight { window += 1 }
              guard iy >= 0, iy < p.height, ix >= 0, ix < p.width else { continue }
              let v = Double(x[(plane * p.height + iy) * p.width + ix])
              best = max(best, v)
              sum += v
              inside += 1
            }
          }
          switch p.mode {
          case .max: out.append(best)
          case .average(let includePad):
            let divisor = includePad ? window : inside
            out.append(divisor > 0 ? sum / Double(divisor) : 0)
          }
        }
      }
    }
    return out
  }

  func testAgainstWindowLoop() throws {
    try XCTSkipUnless(PackedConvolution.isAvailable, "this CPU has no AVX-512F; the kernel is not used here")
    // (h, w, k, stride, dilation, pads top/left/bottom/right)
    let cases: [(Int, Int, Int, Int, Int, (Int, Int, Int, Int))] = [
      (9, 11, 3, 2, 1, (1, 1, 1, 1)), (8, 40, 3, 1, 1, (1, 1, 1, 1)), (7, 37, 2, 2, 1, (0, 0, 0, 0)),
      (10, 70, 3, 2, 1, (0, 0, 1, 1)), (9, 9, 3, 1, 2, (2, 2, 2, 2)), (6, 23, 5, 1, 1, (2, 2, 2, 2)),
      // The stems' 3x3 stride-2 max pooling and DenseNet's 2x2 stride-2 average (own kernels).
      (11, 70, 3, 2, 1, (1, 1, 1, 1)), (12, 67, 3, 2, 1, (0, 0, 0, 0)), (10, 66, 2, 2, 1, (0, 0, 0, 0)),
      (9, 35, 2, 2, 1, (0, 0, 0, 0)),
      // Max 3x3/2 rows whose last window ends on the row's last column (64 + padding 1: a
      // whole 32-column chunk) or needs the next chunk's first column (65, no padding).
      (8, 64, 3, 2, 1, (1, 1, 1, 1)), (7, 65, 3, 2, 1, (0, 0, 0, 0)), (5, 33, 3, 2, 1, (0, 0, 0, 0)),
    ]
    var numbers = ConvolutionKernelTests.Numbers(state: 99)
    for (index, (h, w, k, stride, dilation, pads)) in cases.enumerated() {
      let oh = (h + pads.0 + pads.2 - ((k - 1) * dilation + 1)) / stride + 1
      let ow = (w + pads.1 + pads.3 - ((k - 1) * dilation + 1)) / stride + 1
      let x = numbers.array(3 * h * w)
      for mode in [Pooling2D.Mode.max, .average(countIncludePad: false), .average(countIncludePad: true)] {
        let pool = Pooling2D(
          mode: mode, planes: 3, height: h, width: w, outHeight: oh, outWidth: ow, kernelHeight: k,
          kernelWidth: k, strideY: stride, strideX: stride, dilationY: dilation, dilationX: dilation,
          padTop: pads.0, padLeft: pads.1, padBottom: pads.2, padRight: pads.3)
        XCTAssertTrue(pool.isSupported)
        var y = [Float](repeating: .nan, count: 3 * oh * ow)
        x.withUnsafeBufferPointer { xp in
          y.withUnsafeMutableBufferPointer { yp in
            pool.run(input: xp.baseAddress!, output: yp.baseAddress!, planes: 0..<1)
            pool.run(input: xp.baseAddress!, output: yp.baseAddress!, planes: 1..<3)
          }
        }
        let expected = naive(pool, x)
        for (i, value) in y.enumerated() {
          XCTAssertEqual(Double(value), expected[i], accuracy: 1e-6, "case \(index) \(mode) at \(i)")
        }
      }
    }
  }
}
