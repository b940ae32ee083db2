import XCTest

@testable import ChexKernels

/// The depthwise kernel (both methods, and channels-last activations) against the seven-loop
/// convolution in double precision, with a residual and an activation, cut into two channel
/// ranges.
final class DepthwiseConvolutionTests: XCTestCase {
  override func setUpWithError() throws {
    try requireNativeKernels()
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
      let c = ConvolutionCase(
        cin: channels, h: h, w: w, cout: channels, kh: k, kw: k, stride: (stride, stride), pads: pads)
      let g = c.geometry
      var numbers = Numbers(state: 40 + UInt64(index))
      let x = numbers.array(channels * h * w)
      let weights = numbers.array(channels * k * k)
      let bias = numbers.array(channels)
      let plane = g.outHeight * g.outWidth
      let residual = numbers.array(channels * plane)
      let activation: PackedConvolution.Activation = index % 2 == 0 ? .silu : .clamp(lower: 0, upper: 6)
      let expected = naiveConvolution(
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
