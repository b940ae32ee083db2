import ChexTestSupport
import XCTest

@testable import ChexKernels

/// Skips a test of the native kernels on a CPU without AVX-512F, saying so once per run on
/// standard error, so that a run where they were never exercised is visible in its log.
func requireNativeKernels() throws {
  if !PackedConvolution.isAvailable {
    Notice.once("CPU without AVX-512F: native kernel tests skipped (ChexKernelsTests)")
  }
  try XCTSkipUnless(PackedConvolution.isAvailable, "this CPU has no AVX-512F; the kernels are not used here")
}

/// Test data in [-1, 1) with 24 random bits, from the shared seeded generator.
struct Numbers {
  private var generator: SeededGenerator
  init(state: UInt64) { generator = SeededGenerator(seed: state) }
  mutating func next() -> Float { Float(Double(generator.next() >> 40) / Double(1 << 24) * 2 - 1) }
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
func naiveConvolution(
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

struct ConvolutionCase {
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
