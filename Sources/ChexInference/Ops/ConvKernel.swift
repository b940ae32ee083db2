import ChexLinalg

/// The fixed shapes of one 2-D convolution (NCHW input, OIHW weights).
struct ConvGeometry: Sendable, Equatable {
  var batch, inChannels, height, width: Int
  var outChannels, kernelHeight, kernelWidth: Int
  var strideY, strideX, dilationY, dilationX: Int
  var padTop, padLeft: Int
  var outHeight, outWidth: Int
  var group: Int

  var isDepthwise: Bool { group == inChannels && outChannels == inChannels && group > 1 }
  var isPointwise: Bool {
    group == 1 && kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1
      && padTop == 0 && padLeft == 0 && outHeight == height && outWidth == width
  }
  /// Rows of the patch matrix per group: (C_in / group) * kh * kw.
  var patchRows: Int { inChannels / group * kernelHeight * kernelWidth }
}

/// A 2-D convolution with a fused epilogue: `y = act(conv(x, W) + b [+ residual])`.
///
/// Three paths, chosen from the geometry at compile time:
/// - pointwise (1x1, stride 1, no pads, group 1): one `sgemm` per image directly on the
///   activations, `Y[Cout x HW] = W[Cout x Cin] * X[Cin x HW]`;
/// - depthwise (group = C_in = C_out): a direct vector kernel over a padded copy of each
///   plane (DepthwiseConv.swift);
/// - everything else: im2col in tiles of output pixels, so at most `patchRows x tile` floats of
///   patches exist at once, each tile followed by one `sgemm` per group.
///
/// Weights are stored once in OIHW order, with BatchNormalization folded in when possible.
/// - Complexity: O(N * C_out * OH * OW * C_in / group * kh * kw).
struct ConvKernel: Kernel {
  var geometry: ConvGeometry
  var weights: [Float]
  var bias: [Float]
  var activation: Activation = .none
  /// When true the kernel takes a second input of the output's shape and adds it before the
  /// activation (a residual Add fused into the epilogue).
  var hasResidual = false
  /// Upper bound on output pixels per im2col tile (tests set it to force several tiles).
  var maximumTile = Int.max

  init(geometry: ConvGeometry, weights: [Float], bias: [Float]) {
    self.geometry = geometry
    self.weights = weights
    self.bias = bias
  }

  /// Output pixels per im2col tile: about 1 MB of patches, at least one output row.
  var tile: Int {
    let pixels = geometry.outHeight * geometry.outWidth
    return min(pixels, maximumTile, max(geometry.outWidth, 262_144 / max(geometry.patchRows, 1)))
  }

  var scratchCount: Int {
    if geometry.isDepthwise { return depthwiseScratchCount }
    return geometry.isPointwise ? 0 : geometry.patchRows * tile
  }

  func run(_ io: KernelIO) {
    let g = geometry
    let inPlane = g.height * g.width
    let outPlane = g.outHeight * g.outWidth
    weights.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        for n in 0..<g.batch {
          let x = io.inputs[0] + n * g.inChannels * inPlane
          let y = io.outputs[0] + n * g.outChannels * outPlane
          let r = hasResidual ? io.inputs[1] + n * g.outChannels * outPlane : nil
          if g.isDepthwise {
            depthwise(
              x: x, y: y, residual: r, w: w, b: b, channels: 0..<g.outChannels, scratch: io.scratch)
          } else if g.isPointwise {
            BLAS.sgemm(
              m: g.outChannels, n: outPlane, k: g.inChannels, a: w, lda: g.inChannels,
              b: UnsafeBufferPointer(start: x, count: g.inChannels * inPlane), ldb: outPlane,
              c: UnsafeMutableBufferPointer(start: y, count: g.outChannels * outPlane), ldc: outPlane)
            epilogue(y: y, residual: r, channels: 0..<g.outChannels, pixels: 0..<outPlane, b: b)
          } else {
            tiled(x: x, y: y, residual: r, w: w, b: b, scratch: io.scratch)
          }
        }
      }
    }
  }

  /// Adds bias and residual and applies the activation to `pixels` of `channels`.
  @inline(__always)
  private func epilogue(
    y: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>?, channels: Range<Int>,
    pixels: Range<Int>, b: UnsafeBufferPointer<Float>
  ) {
    let plane = geometry.outHeight * geometry.outWidth
    for c in channels {
      let row = y + c * plane + pixels.lowerBound
      activation.applyWithBias(
        row, count: pixels.count, bias: b[c],
        residual: residual.map { UnsafePointer($0 + c * plane + pixels.lowerBound) })
    }
  }

  private func tiled(
    x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
    residual: UnsafeMutablePointer<Float>?, w: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let plane = g.outHeight * g.outWidth
    let inPlane = g.height * g.width
    let rows = g.patchRows
    let cinG = g.inChannels / g.group
    let coutG = g.outChannels / g.group
    let tile = self.tile
    var start = 0
    while start < plane {
      let count = min(tile, plane - start)
      for group in 0..<g.group {
        // Build the patch matrix P[rows x count] for this group and tile.
        for ci in 0..<cinG {
          let source = x + (group * cinG + ci) * inPlane
          for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
              let row = (ci * g.kernelHeight + ky) * g.kernelWidth + kx
              fillPatchRow(
                source: source, destination: scratch + row * count, start: start, count: count, ky: ky,
                kx: kx)
            }
          }
        }
        BLAS.sgemm(
          m: coutG, n: count, k: rows,
          a: UnsafeBufferPointer(rebasing: w[(group * coutG * rows)..<((group + 1) * coutG * rows)]),
          lda: rows, b: UnsafeBufferPointer(start: scratch, count: rows * count), ldb: count,
          c: UnsafeMutableBufferPointer(
            start: y + group * coutG * plane + start, count: (coutG - 1) * plane + count),
          ldc: plane)
      }
      epilogue(y: y, residual: residual, channels: 0..<g.outChannels, pixels: start..<(start + count), b: b)
      start += count
    }
  }

  /// Writes the input values that kernel tap (ky, kx) sees for output pixels
  /// `start ..< start + count` (zero where the tap falls in the padding).
  @inline(__always)
  private func fillPatchRow(
    source: UnsafeMutablePointer<Float>, destination: UnsafeMutablePointer<Float>, start: Int, count: Int,
    ky: Int, kx: Int
  ) {
    let g = geometry
    var oy = start / g.outWidth
    var ox = start % g.outWidth
    var done = 0
    let xOffset = kx * g.dilationX - g.padLeft
    // Output columns whose tap lands inside the row: ox*sx + xOffset in [0, width).
    let firstValid = max(0, ceilDiv(-xOffset, g.strideX))
    let lastValid = min(g.outWidth - 1, floorDiv(g.width - 1 - xOffset, g.strideX))
    while done < count {
      let length = min(g.outWidth - ox, count - done)
      let out = destination + done
      let iy = oy * g.strideY + ky * g.dilationY - g.padTop
      if iy < 0 || iy >= g.height || firstValid > lastValid {
        out.update(repeating: 0, count: length)
      } else {
        let sourceRow = source + iy * g.width
        let lo = max(ox, firstValid)
        let hi = min(ox + length - 1, lastValid)
        if lo > hi {
          out.update(repeating: 0, count: length)
        } else {
          if lo > ox { out.update(repeating: 0, count: lo - ox) }
          if g.strideX == 1 {
            (out + (lo - ox)).update(from: sourceRow + lo + xOffset, count: hi - lo + 1)
          } else {
            for j in lo...hi { out[j - ox] = sourceRow[j * g.strideX + xOffset] }
          }
          let tail = ox + length - 1 - hi
          if tail > 0 { (out + (hi + 1 - ox)).update(repeating: 0, count: tail) }
        }
      }
      done += length
      ox = 0
      oy += 1
    }
  }
}

@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
  a >= 0 ? a / b : -((-a + b - 1) / b)
}

@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int {
  -floorDiv(-a, b)
}
