import ChexKernels

/// Which of chexstats' own kernels, and which method of it, a layer gets: the measured policy
/// of the engine, in one place. The kernels in ChexKernels run whatever method they are given;
/// what each method can take at all (`PackedConvolution.winogradApplies`,
/// `DepthwiseConvolution.channelsLastApplies`) stays with them.
///
/// Every choice depends on the layer's geometry alone, never on the thread count, so a plan's
/// arithmetic (and so its results, bit for bit) is the same on any number of threads. The
/// measurements are single-image runs on this project's machine (AVX-512, 1 MB L2 per core), in
/// isolation and inside whole networks, with `chexstats-bench inference` (`CHEXBENCH_PROFILE=1` prints
/// every step's time and method).
enum KernelPolicy {
  /// Dense convolutions (group 1) go through `PackedConvolution`; grouped ones do not (depthwise
  /// ones through `DepthwiseConvolution`, see `depthwiseMethod`).
  static func usesPackedConvolution(_ geometry: ConvGeometry) -> Bool { geometry.group == 1 }

  /// The output pixels below which the Winograd methods are not used: on 10x10 planes their
  /// transforms cost what they save, and F(4x4) there is 1.4x slower than direct (9 tiles of 16
  /// cover 144 pixels, and the transformed weights are read for them alone).
  static let winogradMinimumPixels = 256

  /// The dense convolution's method:
  /// 1. `packedPanels` when the output channels waste the direct kernel's tiles
  ///    (`wastesDirectTiles`);
  /// 2. Winograd where it applies (`PackedConvolution.winogradApplies`: 3x3, stride 1, padding 1,
  ///    at least 16 input channels, no prologue) and the output has at least
  ///    `winogradMinimumPixels` pixels: F(2x2, 3x3) (1.3-1.7x faster than direct here, rounding
  ///    about 1e-6 relative), or F(4x4, 3x3) when `winogradTile` is 4 (`ConvolutionKernels.fast`:
  ///    another 1.2-1.4x on 40x40 and 80x80 planes, rounding 4-7x larger, see
  ///    `PackedConvolution`);
  /// 3. `packedPanels` for 1x1 convolutions over few input channels, where the direct kernel's
  ///    transposed store costs as much as the few multiply-adds per output: fewer than 129 input
  ///    channels when the direct kernel would read the input in place
  ///    (`PackedConvolution.readsInputInPlace`: the MobileNet/EfficientNet expansions, ResNet's
  ///    64->256 and 128->512 layers, 5-15 % faster with the panels), fewer than 64 otherwise;
  /// 4. else `directBroadcast` (200-255 GFLOP/s here; about 250 is the core's peak).
  /// - Complexity: O(1).
  static func denseMethod(
    _ g: PackedConvolution.Geometry, hasPrologue: Bool, winogradTile: Int
  ) -> PackedConvolution.Method {
    if wastesDirectTiles(g) { return .packedPanels }
    if PackedConvolution.winogradApplies(geometry: g, hasPrologue: hasPrologue)
      && g.outHeight * g.outWidth >= winogradMinimumPixels
    {
      return winogradTile == 4 ? .winograd4x4 : .winograd2x2
    }
    if g.kernelHeight * g.kernelWidth == 1 {
      let inPlace = PackedConvolution.readsInputInPlace(geometry: g, hasPrologue: hasPrologue)
      if g.inChannels < (inPlace ? 129 : 64) { return .packedPanels }
    }
    return .directBroadcast
  }

  /// Whether rounding the output channels up to the direct kernel's 32-channel register tiles
  /// would waste more than a quarter of its work (fewer than 32 channels, or 40, 48, ...): such
  /// convolutions take `packedPanels` (8-channel tiles), measured faster there, and so keep NCHW
  /// activations (`chooseLayouts`).
  static func wastesDirectTiles(_ g: PackedConvolution.Geometry) -> Bool {
    let padded = (g.outChannels + 31) / 32 * 32
    return g.outChannels < 32 || 4 * (padded - g.outChannels) > g.outChannels
  }

  /// Whether a depthwise convolution goes through `DepthwiseConvolution`: strides 1 or 2, no
  /// dilation, on a CPU that runs it; else the Swift kernel (`ConvKernel.depthwise`).
  static func usesDepthwiseConvolution(_ g: ConvGeometry) -> Bool {
    g.isDepthwise
      && DepthwiseConvolution.supports(
        strideY: g.strideY, strideX: g.strideX, dilationY: g.dilationY, dilationX: g.dilationX)
  }

  /// The depthwise method: `channelsLast` wherever it applies (the padded input plane at most
  /// 1024 pixels: 20x20 and 10x10 planes at 320 px input), 1.5-2x faster than `rows` there,
  /// since a 20-wide row fills only 20 of `rows`' 32 lanes; else `rows`.
  static func depthwiseMethod(_ g: ConvGeometry) -> DepthwiseConvolution.Method {
    DepthwiseConvolution.channelsLastApplies(
      kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, strideY: g.strideY, strideX: g.strideX,
      outHeight: g.outHeight, outWidth: g.outWidth) ? .channelsLast : .rows
  }
}
