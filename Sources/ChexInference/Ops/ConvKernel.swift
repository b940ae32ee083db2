import ChexKernels
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
/// Five paths, chosen at compile time:
/// - native (on CPUs with AVX-512, `ConvolutionKernels.automatic` or `.fast`): chexstats' own kernels in
///   ChexKernels do the whole step with the epilogue in registers: `PackedConvolution` for dense
///   convolutions (with an optional BatchNormalization + ReLU prologue applied while packing),
///   `DepthwiseConvolution` for depthwise ones with strides 1 or 2, by the method `KernelPolicy`
///   chose;
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
  /// The packed native kernel, set by `GraphBuilder.selectKernels` after fusion; it then
  /// carries the bias, activation and prologue itself.
  var native: PackedConvolution?
  /// The native depthwise kernel, set the same way for depthwise convolutions it supports.
  var nativeDepthwise: DepthwiseConvolution?
  /// A max pooling fused after the native kernel (one image's planes; `native.fusesMaxPool`):
  /// the step then writes the pooled output and never stores the convolution's.
  var maxPool: Pooling2D?
  /// A BatchNormalization (+ ReLU) applied to the input, set by `GraphBuilder.absorbPrologues`
  /// for the native kernel (`native` then carries it too); the other paths have none.
  var prologue: PackedConvolution.Prologue?

  init(geometry: ConvGeometry, weights: [Float], bias: [Float]) {
    self.geometry = geometry
    self.weights = weights
    self.bias = bias
  }

  /// Output pixels per im2col tile: about 1 MB of patches, at least one output row. When that
  /// would give fewer than `Parallelism.parts` tiles, one tile covers the whole plane and the
  /// threads split the output channels instead (late layers: small planes, large weights).
  var tile: Int {
    let pixels = geometry.outHeight * geometry.outWidth
    let natural = min(pixels, maximumTile, max(geometry.outWidth, 262_144 / max(geometry.patchRows, 1)))
    return (pixels + natural - 1) / natural >= Parallelism.parts ? natural : min(pixels, maximumTile)
  }

  var scratchCount: Int {
    if let native, maxPool != nil {
      return native.maxPooledScratchCount(bandRows: native.maxPoolBandRows) + native.sharedInputCount
    }
    if let native { return native.scratchCount + native.sharedInputCount }
    if nativeDepthwise != nil { return 0 }
    if geometry.isDepthwise { return depthwiseScratchCount }
    return geometry.isPointwise ? 0 : geometry.patchRows * tile
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

  func run(_ io: KernelIO) {
    let g = geometry
    let inPlane = g.height * g.width
    let outPlane = g.outHeight * g.outWidth
    weights.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        for n in 0..<g.batch {
          let x = io.inputs[0] + n * g.inChannels * inPlane
          if let native, let maxPool {
            let y = io.outputs[0] + n * g.outChannels * maxPool.outHeight * maxPool.outWidth
            runNativeMaxPooled(native, pool: maxPool, x: x, y: y, io: io)
            continue
          }
          let y = io.outputs[0] + n * g.outChannels * outPlane
          let r = hasResidual ? io.inputs[1] + n * g.outChannels * outPlane : nil
          if let native {
            runNative(native, x: x, y: y, residual: r, io: io)
          } else if let nativeDepthwise {
            let taps = g.outChannels * outPlane * g.kernelHeight * g.kernelWidth
            let parts = taps < Parallelism.minimumValues ? 1 : min(g.outChannels, 2 * io.workers.count)
            // Whole 16-channel vectors per chunk for the channels-last method.
            let alignment = nativeDepthwise.method == .channelsLast ? 16 : 1
            io.workers.forEach(chunks: parts) { chunk, _ in
              nativeDepthwise.run(
                input: x, output: y, residual: r,
                channels: chunkRange(chunk, of: parts, count: g.outChannels, alignment: alignment))
            }
          } else if g.isDepthwise {
            let taps = g.outChannels * outPlane * g.kernelHeight * g.kernelWidth
            let parts = taps < Parallelism.minimumValues ? 1 : min(g.outChannels, Parallelism.parts)
            io.workers.forEach(chunks: parts) { chunk, scratch in
              depthwise(
                x: x, y: y, residual: r, w: w, b: b,
                channels: chunkRange(chunk, of: parts, count: g.outChannels), scratch: scratch)
            }
          } else if g.isPointwise {
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
          } else {
            tiled(x: x, y: y, residual: r, w: w, b: b, io: io)
          }
        }
      }
    }
  }

  /// One image through the native kernel. Its results do not depend on how the work is cut
  /// (every output is the same ordered sum whichever call computes it), so the cut follows the
  /// thread count: one call on one thread (each input panel packed once); with more threads,
  /// one equal chunk of pixels per thread, or of output channels when the plane is small.
  private func runNative(
    _ native: PackedConvolution, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
    residual: UnsafeMutablePointer<Float>?, io: KernelIO
  ) {
    let g = geometry
    let pixels = g.outHeight * g.outWidth
    let block = native.channelBlock
    // The shared input copy sits after the calling thread's own scratch (other threads' scratch
    // areas start a whole `scratchCount` further on).
    let shared = io.scratch + native.scratchCount
    let threads =
      g.outChannels * pixels * g.patchRows < Parallelism.minimumMultiplyAdds ? 1 : io.workers.count
    if native.sharedInputCount > 0 { prepare(native, x: x, shared: shared, threads: threads, io: io) }
    let work = native.workCount
    if threads == 1 {
      native.run(
        input: x, shared: shared, output: y, residual: residual, pixels: 0..<work,
        channels: 0..<g.outChannels,
        scratch: io.scratch)
      return
    }
    // One chunk per thread, cut at register-tile boundaries (12 pixels or Winograd tiles for
    // the direct kernel, 16 pixels for the packed one) so the threads get equal work; along the
    // channels for small planes (fewer than four register tiles per thread) and, except for
    // Winograd (whose calls each transform their tiles' whole input), when there are more output
    // channels than pixels (late layers: each thread then reads only its share of the weights,
    // which outweigh the activations there). A cut along channels needs a 32-channel block per
    // thread.
    let tile = native.method == .packedPanels ? 16 : 12
    let channelParts = min(threads, (g.outChannels + block - 1) / block)
    let fewTiles = work < 4 * tile * threads
    let alongPixels =
      channelParts < threads
      || (native.method.winogradTile != nil ? !fewTiles : !fewTiles && g.outChannels <= pixels)
    let parts = alongPixels ? min(threads, (work + tile - 1) / tile) : channelParts
    io.workers.forEach(chunks: parts) { chunk, scratch in
      native.run(
        input: x, shared: shared, output: y, residual: residual,
        pixels: alongPixels ? chunkRange(chunk, of: parts, count: work, alignment: tile) : 0..<work,
        channels: alongPixels
          ? 0..<g.outChannels : chunkRange(chunk, of: parts, count: g.outChannels, alignment: block),
        scratch: scratch)
    }
  }

  /// The shared input copy of one image (`PackedConvolution.prepareInput`), cut into two parts
  /// per thread.
  private func prepare(
    _ native: PackedConvolution, x: UnsafeMutablePointer<Float>, shared: UnsafeMutablePointer<Float>,
    threads: Int, io: KernelIO
  ) {
    let units = native.prepareUnits
    let parts = threads == 1 ? 1 : min(units, 2 * threads)
    io.workers.forEach(chunks: parts) { chunk, _ in
      native.prepareInput(input: x, shared: shared, units: chunkRange(chunk, of: parts, count: units))
    }
  }

  /// One image through the native kernel and the fused max pooling: the shared padded copy
  /// (after thread 0's band in its scratch), then one range of pooled rows per thread, each with
  /// its own band (the output row two ranges share is computed by both: one of 160 at 2 threads).
  private func runNativeMaxPooled(
    _ native: PackedConvolution, pool: Pooling2D, x: UnsafeMutablePointer<Float>,
    y: UnsafeMutablePointer<Float>,
    io: KernelIO
  ) {
    let g = geometry
    let bandRows = native.maxPoolBandRows
    let shared = io.scratch + native.maxPooledScratchCount(bandRows: bandRows)
    let threads =
      g.outChannels * g.outHeight * g.outWidth * g.patchRows < Parallelism.minimumMultiplyAdds
      ? 1 : io.workers.count
    if native.sharedInputCount > 0 { prepare(native, x: x, shared: shared, threads: threads, io: io) }
    let parts = min(threads, pool.outHeight)
    io.workers.forEach(chunks: parts) { chunk, scratch in
      native.runMaxPooled(
        input: x, shared: shared, pool: pool, output: y,
        rows: chunkRange(chunk, of: parts, count: pool.outHeight),
        channels: 0..<g.outChannels, bandRows: bandRows, scratch: scratch)
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
  private func tiled(
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

@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
  a >= 0 ? a / b : -((-a + b - 1) / b)
}

@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int {
  -floorDiv(-a, b)
}
