import ChexKernels

/// The native paths of `ConvKernel` (on CPUs with AVX-512, `ConvolutionKernels.automatic` or
/// `.fast`): chexstats' own kernels in ChexKernels do the whole step with the epilogue in
/// registers, whatever method (`PackedConvolution.Method`) the plan chose; here the work of one
/// image is cut across the threads.
extension ConvKernel {
  /// One image through the native kernel. Its results do not depend on how the work is cut
  /// (every output is the same ordered sum whichever call computes it), so the cut follows the
  /// thread count: one call on one thread (each input panel packed once); with more threads,
  /// one equal chunk of pixels per thread, or of output channels when the plane is small.
  func runNative(
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
  func runNativeMaxPooled(
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

  /// One image through the native depthwise kernel: its channels in up to two chunks per thread
  /// (whole 16-channel vectors for the channels-last method); channels are independent, so the
  /// cut never changes a value.
  func runNativeDepthwise(
    _ nativeDepthwise: DepthwiseConvolution, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
    residual r: UnsafeMutablePointer<Float>?, io: KernelIO
  ) {
    let g = geometry
    let outPlane = g.outHeight * g.outWidth
    let taps = g.outChannels * outPlane * g.kernelHeight * g.kernelWidth
    let parts = taps < Parallelism.minimumValues ? 1 : min(g.outChannels, 2 * io.workers.count)
    // Whole 16-channel vectors per chunk for the channels-last method.
    let alignment = nativeDepthwise.method == .channelsLast ? 16 : 1
    io.workers.forEach(chunks: parts) { chunk, _ in
      nativeDepthwise.run(
        input: x, output: y, residual: r,
        channels: chunkRange(chunk, of: parts, count: g.outChannels, alignment: alignment))
    }
  }
}
