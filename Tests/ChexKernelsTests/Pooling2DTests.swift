import XCTest

@testable import ChexKernels

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
    try requireNativeKernels()
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
    var numbers = Numbers(state: 99)
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
