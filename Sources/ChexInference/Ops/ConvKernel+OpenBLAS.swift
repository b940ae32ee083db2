import ChexLinalg

/// The OpenBLAS paths of `ConvKernel` (`ConvolutionKernels.openBLAS`, and every CPU without
/// AVX-512): dense and grouped convolutions as `sgemm` products, with the epilogue as a second
/// pass over each chunk's output.
/// - pointwise (1x1, stride 1, no pads, group 1): one `sgemm` per image directly on the
///   activations;
/// - everything else but depthwise: im2col in tiles of output pixels, so at most
///   `patchRows x tile` floats of patches exist at once, each tile followed by one `sgemm` per
///   group.
extension ConvKernel {
  /// Output pixels per im2col tile: about 1 MB of patches, at least one output row. When that
  /// would give fewer than `Parallelism.parts` tiles, one tile covers the whole plane and the
  /// threads split the output channels instead (late layers: small planes, large weights).
  var tile: Int {
    let pixels = geometry.outHeight * geometry.outWidth
    let natural = min(pixels, maximumTile, max(geometry.outWidth, 262_144 / max(geometry.patchRows, 1)))
    return (pixels + natural - 1) / natural >= Parallelism.parts ? natural : min(pixels, maximumTile)
  }

  /// How the pointwise product is cut: along output pixels (columns of Y) for large planes,
  /// in blocks of about 64 K output values (256 KB, so the epilogue finds them in cache) and
  /// at least `Parallelism.parts` blocks; else along output channels (rows of Y and W); else not
  /// at all.
  private var pointwiseSplit: (alongPixels: Bool, parts: Int) {
    let g = geometry
    let pixels = g.outHeight * g.outWidth
    if g.outChannels * pixels * g.inChannels < Parallelism.minimumMultiplyAdds { return (true, 1) }
    if pixels >= 128 * Parallelism.parts {
      let block = max(128, 65_536 / g.outChannels)
      return (true, max(Parallelism.parts, (pixels + block - 1) / block))
    }
    return (false, max(1, min(Parallelism.parts, g.outChannels / 16)))
  }

  /// The pointwise product (1x1, stride 1, no pads, group 1) for one image: `sgemm` straight on
  /// the activations, `Y[Cout x HW] = W[Cout x Cin] * X[Cin x HW]`, cut by `pointwiseSplit`, each
  /// chunk followed by its epilogue.
  func pointwise(
    x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, residual r: UnsafeMutablePointer<Float>?,
    w: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>, io: KernelIO
  ) {
    let g = geometry
    let outPlane = g.outHeight * g.outWidth
    let split = pointwiseSplit
    io.workers.forEach(chunks: split.parts) { chunk, _ in
      let pixels =
        split.alongPixels
        ? chunkRange(chunk, of: split.parts, count: outPlane, alignment: 16) : 0..<outPlane
      let channels =
        split.alongPixels
        ? 0..<g.outChannels : chunkRange(chunk, of: split.parts, count: g.outChannels)
      multiply(
        w: w, channels: channels, patches: x + pixels.lowerBound, depth: g.inChannels, ldb: outPlane,
        y: y + pixels.lowerBound, pixels: pixels.count)
      epilogue(y: y, residual: r, channels: channels, pixels: pixels, b: b)
    }
  }

  /// `Y[channels, pixels] = W[channels, 0..<depth] * P[0..<depth, pixels]` for one group-1
  /// product, where P has row stride `ldb` and Y the output plane as row stride.
  @inline(__always)
  private func multiply(
    w: UnsafeBufferPointer<Float>, channels: Range<Int>, patches: UnsafeMutablePointer<Float>, depth: Int,
    ldb: Int, y: UnsafeMutablePointer<Float>, pixels: Int
  ) {
    let plane = geometry.outHeight * geometry.outWidth
    guard !channels.isEmpty, pixels > 0 else { return }
    BLAS.sgemm(
      m: channels.count, n: pixels, k: depth,
      a: UnsafeBufferPointer(rebasing: w[(channels.lowerBound * depth)..<(channels.upperBound * depth)]),
      lda: depth, b: UnsafeBufferPointer(start: patches, count: (depth - 1) * ldb + pixels), ldb: ldb,
      c: UnsafeMutableBufferPointer(
        start: y + channels.lowerBound * plane, count: (channels.count - 1) * plane + pixels),
      ldc: plane)
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

  /// im2col + sgemm. With several tiles, each tile is a chunk (own scratch, own patches); with
  /// one tile, the patches are built once and the output channels are split into chunks.
  func tiled(
    x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
    residual: UnsafeMutablePointer<Float>?, w: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    io: KernelIO
  ) {
    let g = geometry
    let plane = g.outHeight * g.outWidth
    let rows = g.patchRows
    let coutG = g.outChannels / g.group
    let tile = self.tile
    let tiles = (plane + tile - 1) / tile
    if tiles == 1 && g.group == 1 {
      // The patch rows of each input channel are independent: build them in parallel too.
      let patchParts = rows * plane < Parallelism.minimumValues ? 1 : min(g.inChannels, Parallelism.parts)
      let scratch = io.scratch
      io.workers.forEach(chunks: patchParts) { chunk, _ in
        fillPatches(
          x: x, group: 0, start: 0, count: plane, scratch: scratch,
          channels: chunkRange(chunk, of: patchParts, count: g.inChannels))
      }
      let parts =
        rows * plane * g.outChannels < Parallelism.minimumMultiplyAdds
        ? 1 : max(1, min(Parallelism.parts, g.outChannels / 16))
      let patches = io.scratch
      io.workers.forEach(chunks: parts) { chunk, _ in
        let channels = chunkRange(chunk, of: parts, count: g.outChannels)
        multiply(w: w, channels: channels, patches: patches, depth: rows, ldb: plane, y: y, pixels: plane)
        epilogue(y: y, residual: residual, channels: channels, pixels: 0..<plane, b: b)
      }
      return
    }
    io.workers.forEach(chunks: tiles) { index, scratch in
      let start = index * tile
      let count = min(tile, plane - start)
      for group in 0..<g.group {
        fillPatches(x: x, group: group, start: start, count: count, scratch: scratch)
        BLAS.sgemm(
          m: coutG, n: count, k: rows,
          a: UnsafeBufferPointer(rebasing: w[(group * coutG * rows)..<((group + 1) * coutG * rows)]),
          lda: rows, b: UnsafeBufferPointer(start: scratch, count: rows * count), ldb: count,
          c: UnsafeMutableBufferPointer(
            start: y + group * coutG * plane + start, count: (coutG - 1) * plane + count),
          ldc: plane)
      }
      epilogue(y: y, residual: residual, channels: 0..<g.outChannels, pixels: start..<(start + count), b: b)
    }
  }

  /// Builds the patch matrix P[patchRows x count] of `group` for output pixels
  /// `start ..< start + count` in `scratch` (only the rows of `channels` when given).
  private func fillPatches(
    x: UnsafeMutablePointer<Float>, group: Int, start: Int, count: Int, scratch: UnsafeMutablePointer<Float>,
    channels: Range<Int>? = nil
  ) {
    let g = geometry
    let inPlane = g.height * g.width
    let cinG = g.inChannels / g.group
    for ci in channels ?? 0..<cinG {
      let source = x + (group * cinG + ci) * inPlane
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          let row = (ci * g.kernelHeight + ky) * g.kernelWidth + kx
          fillPatchRow(
            source: source, destination: scratch + row * count, start: start, count: count, ky: ky, kx: kx)
        }
      }
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
