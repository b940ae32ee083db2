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
  /// Floats of scratch the depthwise path needs: one padded plane and 8 zeros after it, so
  /// that a row's last vector may read past the row's end.
  var depthwiseScratchCount: Int { DepthwisePlaneLayout(geometry).count + 8 }

  /// One image through `depthwise`, its channels cut into up to `Parallelism.parts` chunks.
  func runDepthwise(
    x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, residual r: UnsafeMutablePointer<Float>?,
    w: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>, io: KernelIO
  ) {
    let g = geometry
    let taps = g.outChannels * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth
    let parts = taps < Parallelism.minimumValues ? 1 : min(g.outChannels, Parallelism.parts)
    io.workers.forEach(chunks: parts) { chunk, scratch in
      depthwise(
        x: x, y: y, residual: r, w: w, b: b,
        channels: chunkRange(chunk, of: parts, count: g.outChannels), scratch: scratch)
    }
  }

  /// Depthwise convolution (group = C_in = C_out), channel by channel.
  ///
  /// Each input plane is copied once into the padded, phase-split layout of
  /// `DepthwisePlaneLayout` (O(H W)); each output row is then accumulated 8 columns at a time
  /// over the kh * kw taps, and bias, residual and activation are applied to the channel's
  /// plane while it is still in cache.
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
        let target = y + c * plane
        for oy in 0..<g.outHeight {
          let window = UnsafePointer(scratch + oy * g.strideY * layout.rowStride)
          let row = target + oy * g.outWidth
          var ox = 0
          // Four independent accumulators per step hide the add latency.
          while ox + 32 <= g.outWidth {
            var acc0 = FloatVector.zero
            var acc1 = FloatVector.zero
            var acc2 = FloatVector.zero
            var acc3 = FloatVector.zero
            for t in 0..<taps {
              let weight = FloatVector(repeating: weights[t])
              let source = window + offsets[t] + ox
              acc0 += weight * source.vector(at: 0)
              acc1 += weight * source.vector(at: 8)
              acc2 += weight * source.vector(at: 16)
              acc3 += weight * source.vector(at: 24)
            }
            row.setVector(acc0, at: ox)
            row.setVector(acc1, at: ox + 8)
            row.setVector(acc2, at: ox + 16)
            row.setVector(acc3, at: ox + 24)
            ox += 32
          }
          while ox + 8 <= g.outWidth {
            var acc = FloatVector.zero
            for t in 0..<taps {
              acc += FloatVector(repeating: weights[t]) * window.vector(at: offsets[t] + ox)
            }
            row.setVector(acc, at: ox)
            ox += 8
          }
          if ox < g.outWidth {
            // The lanes past the row's end read the next row or the zero slack; not stored.
            var acc = FloatVector.zero
            for t in 0..<taps {
              acc += FloatVector(repeating: weights[t]) * window.vector(at: offsets[t] + ox)
            }
            storePartial(acc, row + ox, count: g.outWidth - ox)
          }
        }
        activation.applyWithBias(
          target, count: plane, bias: b[c], residual: residual.map { UnsafePointer($0 + c * plane) })
      }
    }
  }

  /// Copies one input plane into `scratch` in the layout of `layout` (zeros in the padding).
  private func fillDepthwisePlane(
    source: UnsafeMutablePointer<Float>, layout: DepthwisePlaneLayout, scratch: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    (scratch + layout.count).update(repeating: 0, count: 8)
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
        target.update(repeating: 0, count: layout.rowStride)
        if layout.phases == 2 {
          splitPairs(sourceRow, target, target + layout.phaseWidth, from: firstInside, to: endInside)
        } else {
          // Phase p, entry k holds padded column k * phases + p.
          for j in firstInside..<endInside {
            target[(j % layout.phases) * layout.phaseWidth + j / layout.phases] = sourceRow[j]
          }
        }
      }
    }
  }
}

/// De-interleaves `source[first ..< end]` into `even[j / 2]` (even j) and `odd[j / 2]` (odd j),
/// 16 values per step for the pairs wholly inside the range.
/// - Complexity: O(end - first).
private func splitPairs(
  _ source: UnsafeMutablePointer<Float>, _ even: UnsafeMutablePointer<Float>,
  _ odd: UnsafeMutablePointer<Float>, from first: Int, to end: Int
) {
  guard first < end else { return }
  let pairsStart = (first + 1) / 2
  let pairsEnd = end / 2
  if first % 2 == 1 { odd[first / 2] = source[first] }
  if end % 2 == 1 { even[end / 2] = source[end - 1] }
  var k = pairsStart
  while k + 8 <= pairsEnd {
    let v = UnsafeRawPointer(source + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
    even.setVector(v.evenHalf, at: k)
    odd.setVector(v.oddHalf, at: k)
    k += 8
  }
  while k < pairsEnd {
    even[k] = source[2 * k]
    odd[k] = source[2 * k + 1]
    k += 1
  }
}
