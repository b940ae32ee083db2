/// The padded, phase-split copy of one input plane that the depthwise kernel reads.
///
/// Rows cover the input rows the output needs, from `-padTop`; columns likewise from
/// `-padLeft`, with zeros where they fall in the padding. Each row is stored as `strideX`
/// phases: phase `p` holds columns `p, p + strideX, p + 2 strideX, ...`. Kernel tap `kx` then
/// reads a contiguous run of one phase for consecutive output columns (for stride 1, the one
/// phase is the padded row itself), so the inner loop is a vector multiply-add without
/// bounds checks or gathers.
struct DepthwisePlaneLayout: Sendable, Equatable {
  let rows: Int
  let columns: Int
  let phases: Int
  let phaseWidth: Int
  var rowStride: Int { phases * phaseWidth }
  var count: Int { rows * rowStride }

  init(_ g: ConvGeometry) {
    rows = (g.outHeight - 1) * g.strideY + (g.kernelHeight - 1) * g.dilationY + 1
    columns = (g.outWidth - 1) * g.strideX + (g.kernelWidth - 1) * g.dilationX + 1
    phases = g.strideX
    phaseWidth = (columns + g.strideX - 1) / g.strideX
  }

  /// Offset of kernel tap (ky, kx) from the start of output row 0's window.
  func tapOffset(_ g: ConvGeometry, ky: Int, kx: Int) -> Int {
    let column = kx * g.dilationX
    return ky * g.dilationY * rowStride + (column % phases) * phaseWidth + column / phases
  }
}

extension ConvKernel {
  /// Floats of scratch the depthwise path needs: one padded plane.
  var depthwiseScratchCount: Int { DepthwisePlaneLayout(geometry).count }

  /// Depthwise convolution (group = C_in = C_out), channel by channel.
  ///
  /// Each input plane is copied once into the padded, phase-split layout of
  /// `DepthwisePlaneLayout` (O(H W)); each output row is then accumulated 8 columns at a time
  /// over the kh * kw taps, with bias, residual and activation applied before the store, so the
  /// output is written once.
  /// - Complexity: O(C * (H W + OH OW kh kw)).
  func depthwise(
    x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
    residual: UnsafeMutablePointer<Float>?, w: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    channels: Range<Int>, scratch: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let layout = DepthwisePlaneLayout(g)
    let inPlane = g.height * g.width
    let plane = g.outHeight * g.outWidth
    let taps = g.kernelHeight * g.kernelWidth
    withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offsets in
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          offsets[ky * g.kernelWidth + kx] = layout.tapOffset(g, ky: ky, kx: kx)
        }
      }
      for c in channels {
        fillDepthwisePlane(source: x + c * inPlane, layout: layout, scratch: scratch)
        let weights = w.baseAddress.unsafelyUnwrapped + c * taps
        let bias = FloatVector(repeating: b[c])
        let target = y + c * plane
        let res = residual.map { UnsafePointer($0 + c * plane) }
        for oy in 0..<g.outHeight {
          let window = UnsafePointer(scratch + oy * g.strideY * layout.rowStride)
          let row = target + oy * g.outWidth
          let resRow = res.map { $0 + oy * g.outWidth }
          var ox = 0
          while ox < g.outWidth {
            let lanes = min(8, g.outWidth - ox)
            var acc = bias
            if lanes == 8 {
              for t in 0..<taps {
                acc += FloatVector(repeating: weights[t]) * window.vector(at: offsets[t] + ox)
              }
              if let resRow { acc += resRow.vector(at: ox) }
              row.setVector(activation(acc), at: ox)
            } else {
              for t in 0..<taps {
                acc +=
                  FloatVector(repeating: weights[t]) * partialVector(window + offsets[t] + ox, count: lanes)
              }
              if let resRow { acc += partialVector(resRow + ox, count: lanes) }
              storePartial(activation(acc), row + ox, count: lanes)
            }
            ox += lanes
          }
        }
      }
    }
  }

  /// Copies one input plane into `scratch` in the layout of `layout` (zeros in the padding).
  private func fillDepthwisePlane(
    source: UnsafeMutablePointer<Float>, layout: DepthwisePlaneLayout, scratch: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    // Padded columns j in 0..<columns read input column j - padLeft when that is in the row.
    let firstInside = min(max(g.padLeft, 0), layout.columns)
    let endInside = min(max(g.padLeft + g.width, firstInside), layout.columns)
    for r in 0..<layout.rows {
      let target = scratch + r * layout.rowStride
      let iy = r - g.padTop
      guard iy >= 0, iy < g.height else {
        target.update(repeating: 0, count: layout.rowStride)
        continue
      }
      let sourceRow = source + iy * g.width - g.padLeft
      if layout.phases == 1 {
        target.update(repeating: 0, count: firstInside)
        (target + firstInside).update(from: sourceRow + firstInside, count: endInside - firstInside)
        (target + endInside).update(repeating: 0, count: layout.phaseWidth - endInside)
      } else {
        for phase in 0..<layout.phases {
          let phaseRow = target + phase * layout.phaseWidth
          for k in 0..<layout.phaseWidth {
            let j = k * layout.phases + phase
            phaseRow[k] = j >= firstInside && j < endInside ? sourceRow[j] : 0
          }
        }
      }
    }
  }
}
