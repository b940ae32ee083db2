import CChexKernels

/// A dense 2-D convolution (group 1, OIHW weights; NCHW activations, or NHWC for the direct and
/// Winograd methods, see below) with its weights packed once for one of chexstats' own AVX-512
/// kernels (Sources/CChexKernels). All four methods compute
/// `Y[C_out x pixels] = W[C_out x K] * P[K x pixels]` (K = C_in kh kw) without storing the
/// patch matrix P, and apply bias, a residual input and the activation in registers before the
/// single store:
/// - `directBroadcast`: register tiles of 12 output pixels x 32 output channels (lanes along
///   the channels); each K row broadcasts the 12 input values straight from the activations
///   (1x1 stride 1), from a strip of a few hundred output pixels' input values copied into the
///   call's scratch (other 1x1 convolutions without padding: strided, or with a prologue), or
///   from one zero-padded copy of the input per image, and the tile is transposed in registers
///   to store NCHW rows. Nothing is packed: 200-255 GFLOP/s here (about 250 is the core's peak).
/// - `packedPanels`: register tiles of 8 output channels x 48 output pixels (lanes along the
///   pixels); 48 columns x 128 rows of P at a time are packed into a panel that stays in L1
///   (implicit im2col); it wastes less on outputs with few channels.
/// These two can apply a per-input-channel scale, shift and ReLU to the input (a
/// BatchNormalization + ReLU in front of the convolution, as in DenseNet): while packing, or
/// while making the copy.
/// - `winograd2x2` / `winograd4x4`: Winograd F(2x2, 3x3) / F(4x4, 3x3) (Lavin & Gray, CVPR 2016)
///   for 3x3 stride-1 convolutions padded by one: 16 (36) products of transformed weights and
///   transformed 4x4 (6x6) input patches, computed by the direct kernel's register tiles, 2.25x
///   (4x) fewer multiply-adds. F(2x2) is the default: 1.3-1.7x faster than direct here, float32
///   rounding about 1e-6 relative, whole networks as close to a float64 reference as
///   onnxruntime. F(4x4) is another 1.2-1.4x faster on 40x40 and 80x80 planes, but the larger
///   constants of its transforms (5 and 8 against 1) make its rounding 4-7x larger (simulated:
///   rms 2.4e-6 vs 3.6e-7 of the output; ResNet101 at 320 px ends 2.2e-4 from float64 against
///   onnxruntime's 6.5e-5): used only when asked for (`ConvolutionKernels.fast`).
/// The caller names the method; which one a layer gets is the inference engine's measured policy
/// (ChexInference's `KernelPolicy`), not this type's.
///
/// The direct and Winograd methods also read and write channels-last (NHWC) activations
/// (`Layout`): each pixel's channels together, so a register tile's 32 channels of a pixel go out
/// as two whole vectors with no transpose and the residual comes in the same way (ResNet's
/// expansion layers 1.15-1.4x faster in isolation), and strided 1x1 layers read their input in
/// place (skipped pixels are whole lines). The input's layout and the output's are independent.
///
/// Each output value is the fused-multiply-add sum over K in ascending order whichever pixel
/// and channel ranges a call covers, so cutting the work across threads never changes a result.
/// (K's order is input channel, then tap for an NCHW input; tap, then input channel for an NHWC
/// one: the two differ by rounding for kernels larger than 1x1, and are identical otherwise.)
/// - Complexity: O(C_out x pixels x K) multiply-adds per image; packing reads every input
///   value kh kw times per 48-pixel panel.
public struct PackedConvolution: Sendable {
  /// The fixed geometry of one image's convolution.
  public struct Geometry: Sendable, Equatable {
    public var inChannels, height, width: Int
    public var outChannels, kernelHeight, kernelWidth: Int
    public var strideY, strideX, dilationY, dilationX: Int
    public var padTop, padLeft: Int
    public var outHeight, outWidth: Int

    public init(
      inChannels: Int, height: Int, width: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
      strideY: Int, strideX: Int, dilationY: Int, dilationX: Int, padTop: Int, padLeft: Int, outHeight: Int,
      outWidth: Int
    ) {
      (self.inChannels, self.height, self.width) = (inChannels, height, width)
      (self.outChannels, self.kernelHeight, self.kernelWidth) = (outChannels, kernelHeight, kernelWidth)
      (self.strideY, self.strideX, self.dilationY, self.dilationX) = (strideY, strideX, dilationY, dilationX)
      (self.padTop, self.padLeft, self.outHeight, self.outWidth) = (padTop, padLeft, outHeight, outWidth)
    }

    fileprivate var c: chex_conv_shape { shape(input: .nchw, output: .nchw) }

    fileprivate func shape(input: Layout, output: Layout) -> chex_conv_shape {
      chex_conv_shape(
        in_channels: inChannels, height: height, width: width, out_channels: outChannels,
        kernel_h: kernelHeight, kernel_w: kernelWidth, stride_y: strideY, stride_x: strideX,
        dilation_y: dilationY, dilation_x: dilationX, pad_top: padTop, pad_left: padLeft,
        out_height: outHeight, out_width: outWidth, input_nhwc: input == .nhwc ? 1 : 0,
        output_nhwc: output == .nhwc ? 1 : 0)
    }
  }

  /// How one image's activations are laid out in memory.
  public enum Layout: String, Sendable, Equatable {
    /// Channel planes: value (c, y, x) at `c * height * width + y * width + x`.
    case nchw
    /// Channels last: value (c, y, x) at `(y * width + x) * channels + c`.
    case nhwc
  }

  /// What the kernel applies after the sum: `act(sum + bias[c] + residual)`.
  public enum Activation: Sendable, Equatable {
    /// `min(max(v, lower), upper)`: the identity with infinite bounds, ReLU, ReLU6.
    case clamp(lower: Float, upper: Float)
    case sigmoid
    /// `v * sigmoid(v)`.
    case silu
    /// `max(0, min(1, alpha v + beta))`.
    case hardSigmoid(alpha: Float, beta: Float)
    /// `v * max(0, min(1, v / 6 + 1 / 2))`.
    case hardSwish

    public static let identity = Activation.clamp(lower: -.infinity, upper: .infinity)

    /// The C epilogue with this activation and nothing else set.
    var epilogue: chex_conv_epilogue {
      var e = chex_conv_epilogue()
      switch self {
      case .clamp(let lower, let upper):
        (e.activation, e.p0, e.p1) = (Int32(CHEX_ACT_CLAMP.rawValue), lower, upper)
      case .sigmoid: e.activation = Int32(CHEX_ACT_SIGMOID.rawValue)
      case .silu: e.activation = Int32(CHEX_ACT_SILU.rawValue)
      case .hardSigmoid(let alpha, let beta):
        (e.activation, e.p0, e.p1) = (Int32(CHEX_ACT_HARD_SIGMOID.rawValue), alpha, beta)
      case .hardSwish: e.activation = Int32(CHEX_ACT_HARD_SWISH.rawValue)
      }
      return e
    }
  }

  /// A per-input-channel transform applied to in-bounds input values while they are packed:
  /// `x' = x * scale[c] + shift[c]`, then `max(x', 0)` when `relu`. Padding stays zero.
  public struct Prologue: Sendable, Equatable {
    public var scale: [Float]
    public var shift: [Float]
    public var relu: Bool

    public init(scale: [Float], shift: [Float], relu: Bool) {
      self.scale = scale
      self.shift = shift
      self.relu = relu
    }
  }

  /// The kernels (see the type's description).
  public enum Method: String, Sendable, CaseIterable {
    case packedPanels = "packed"
    case directBroadcast = "direct"
    /// Winograd F(2x2, 3x3) over 2x2 output tiles: 3x3 stride-1 convolutions padded by one,
    /// without a prologue (`winogradApplies`).
    case winograd2x2 = "winograd2x2"
    /// Winograd F(4x4, 3x3) over 4x4 output tiles: same convolutions, 4x fewer multiply-adds
    /// than direct, transforms with larger constants (rounding 4-7x F(2x2)'s, see the type's
    /// description).
    case winograd4x4 = "winograd4x4"

    /// The output tile's side for the Winograd methods (2 or 4), else nil.
    public var winogradTile: Int? {
      switch self {
      case .winograd2x2: return 2
      case .winograd4x4: return 4
      default: return nil
      }
    }
  }

  /// Whether the Winograd methods take this convolution: 3x3, stride 1, one pixel of padding on
  /// every side, at least 16 input channels, and no prologue to apply (the residual is added in
  /// the output transform).
  public static func winogradApplies(geometry g: Geometry, hasPrologue: Bool) -> Bool {
    var shape = g.c
    return !hasPrologue && chex_wino_applies(&shape) != 0
  }

  /// Whether the direct method reads this convolution's input in place, without a copy: 1x1,
  /// stride 1, no padding and no prologue (NCHW; an NHWC input is read in place by every 1x1
  /// convolution without padding).
  public static func readsInputInPlace(geometry g: Geometry, hasPrologue: Bool) -> Bool {
    var shape = g.c
    return !hasPrologue && chex_direct_is_flat(&shape) != 0
  }

  /// Whether this CPU runs the kernels (x86-64 with AVX-512F and FMA), this type's and
  /// `DepthwiseConvolution`'s and `Pooling2D`'s. Elsewhere the inference engine takes its
  /// OpenBLAS and Swift paths instead.
  public static let isAvailable: Bool = chex_conv_available() != 0

  /// Output channels per register tile: channel ranges given to `run` start at a multiple.
  public var channelBlock: Int { method == .packedPanels ? Int(CHEX_CONV_CHANNEL_BLOCK) : 32 }

  /// The Winograd output tile's side as the C kernels take it (unused by the other methods).
  private var winogradSide: Int32 { Int32(method.winogradTile ?? 2) }

  /// The units `run`'s `pixels` range counts: output pixels, or for the Winograd methods m x m
  /// output tiles (row-major over ceil(outHeight / m) x ceil(outWidth / m), m = `winogradTile`).
  public var workCount: Int {
    let g = geometry
    guard let m = method.winogradTile else { return g.outHeight * g.outWidth }
    var shape = self.shape
    return chex_wino_tile_count(&shape, Int32(m))
  }

  public let geometry: Geometry
  public let method: Method
  /// The layout of `run`'s input, and of its output and residual.
  public private(set) var inputLayout: Layout
  public private(set) var outputLayout: Layout
  public let bias: [Float]
  public let activation: Activation
  public let prologue: Prologue?
  private let packed: [Float]

  /// Packs `weights` (OIHW, `outChannels x inChannels x kh x kw`) for `method`. An NHWC layout
  /// needs a method other than `packedPanels`, a Winograd method a convolution it applies to
  /// (`winogradApplies`), and an NHWC input no prologue: each a precondition.
  /// - Complexity: O(weights).
  public init(
    geometry: Geometry, weights: [Float], bias: [Float], activation: Activation, prologue: Prologue? = nil,
    method: Method, inputLayout: Layout = .nchw, outputLayout: Layout = .nchw
  ) {
    let g = geometry
    precondition(
      weights.count == g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth,
      "PackedConvolution: \(weights.count) weights for a \(g.outChannels)x\(g.inChannels)x"
        + "\(g.kernelHeight)x\(g.kernelWidth) kernel")
    precondition(
      bias.count == g.outChannels, "PackedConvolution: \(bias.count) biases for \(g.outChannels) channels")
    if let prologue {
      precondition(
        prologue.scale.count == g.inChannels && prologue.shift.count == g.inChannels,
        "PackedConvolution: the prologue needs one scale and shift per input channel")
    }
    self.geometry = geometry
    self.bias = bias
    self.activation = activation
    self.prologue = prologue
    let channelsLast = inputLayout == .nhwc || outputLayout == .nhwc
    precondition(
      !channelsLast || method != .packedPanels,
      "PackedConvolution: the packed panels take NCHW activations only")
    precondition(
      method.winogradTile == nil
        || Self.winogradApplies(geometry: geometry, hasPrologue: prologue != nil),
      "PackedConvolution: winograd does not apply to this convolution")
    precondition(
      inputLayout == .nchw || prologue == nil, "PackedConvolution: a prologue needs an NCHW input")
    self.method = method
    self.inputLayout = inputLayout
    self.outputLayout = outputLayout
    var shape = geometry.shape(input: inputLayout, output: outputLayout)
    let side = Int32(method.winogradTile ?? 2)
    let count: Int
    switch method {
    case .packedPanels: count = chex_conv_packed_count(&shape)
    case .directBroadcast: count = chex_direct_packed_count(&shape)
    case .winograd2x2, .winograd4x4: count = chex_wino_packed_count(&shape, side)
    }
    // Every element is written by the packing functions (zero rows pad the last channel block).
    let packed = [Float](unsafeUninitializedCapacity: count) { p, initialized in
      weights.withUnsafeBufferPointer { w in
        switch method {
        case .packedPanels: chex_conv_pack_weights(&shape, w.baseAddress, p.baseAddress)
        case .directBroadcast: chex_direct_pack_weights(&shape, w.baseAddress, p.baseAddress)
        case .winograd2x2, .winograd4x4:
          chex_wino_pack_weights(&shape, side, w.baseAddress, p.baseAddress)
        }
      }
      initialized = count
    }
    self.packed = packed
  }

  /// This convolution with other activation layouts, `weights` (OIHW, as given to `init`)
  /// repacked only when the packing changes: for `packedPanels` (which becomes
  /// `directBroadcast` if a layout is NHWC), or when the direct kernel's K order changes (an
  /// NHWC input and a kernel larger than 1x1). The Winograd packing and 1x1 direct packing do not
  /// depend on the layouts (ResNet50 loads in half the time this way).
  public func withLayouts(input: Layout, output: Layout, weights: [Float]) -> PackedConvolution {
    let taps = geometry.kernelHeight * geometry.kernelWidth
    let samePacking =
      method == .directBroadcast ? taps == 1 || (input == inputLayout) : method != .packedPanels
    guard samePacking else {
      return PackedConvolution(
        geometry: geometry, weights: weights, bias: bias, activation: activation, prologue: prologue,
        method: method == .packedPanels ? .directBroadcast : method, inputLayout: input,
        outputLayout: output)
    }
    var copy = self
    copy.inputLayout = input
    copy.outputLayout = output
    precondition(input == .nchw || prologue == nil, "PackedConvolution: a prologue needs an NCHW input")
    return copy
  }

  /// The C kernels' shape: the geometry and the layouts.
  private var shape: chex_conv_shape { geometry.shape(input: inputLayout, output: outputLayout) }

  /// Floats of scratch each `run` call needs for itself (its own, per thread).
  public var scratchCount: Int {
    var shape = self.shape
    switch method {
    case .packedPanels: return chex_conv_scratch_count(&shape)
    case .directBroadcast: return chex_direct_scratch_count(&shape, prologue == nil ? 0 : 1)
    case .winograd2x2, .winograd4x4: return chex_wino_scratch_count(&shape, winogradSide)
    }
  }

  /// Floats of the per-image input copy that `prepareInput` writes and every `run` call of that
  /// image reads (for `directBroadcast` with padding or a kernel larger than 1x1: the
  /// zero-padded input with the prologue applied; else 0: 1x1 convolutions read the input as is,
  /// or, strided or with a prologue, copy what they read into their own scratch a strip of
  /// output pixels at a time, so that the copy stays in L2).
  public var sharedInputCount: Int {
    var shape = self.shape
    return method == .directBroadcast ? chex_direct_padded_count(&shape, prologue == nil ? 0 : 1) : 0
  }

  /// The units `prepareInput` cuts its work into: input channels (NCHW input) or rows of the
  /// padded copy (NHWC input).
  public var prepareUnits: Int {
    var shape = self.shape
    return chex_direct_pad_units(&shape)
  }

  /// Writes `units` (see `prepareUnits`) of the shared input copy (when `sharedInputCount` > 0;
  /// unit ranges may be done on different threads). Must finish before the image's `run` calls.
  public func prepareInput(
    input: UnsafePointer<Float>, shared: UnsafeMutablePointer<Float>, units: Range<Int>
  ) {
    precondition(
      units.lowerBound >= 0 && units.upperBound <= prepareUnits,
      "PackedConvolution.prepareInput: units \(units) outside 0..<\(prepareUnits)")
    guard sharedInputCount > 0, !units.isEmpty else { return }
    var shape = self.shape
    withEpilogue(residual: nil) { epilogue, _ in
      chex_direct_pad_input(&shape, input, &epilogue, shared, units.lowerBound, units.upperBound)
    }
  }

  /// Whether `runMaxPooled` takes this convolution followed by `pool`: the direct method reading
  /// its input as is or from the shared padded copy (not a per-call copy), NCHW in and out, and
  /// `pool` the stems' max pooling (`Pooling2D.isStemMaxPool`) over exactly this convolution's output planes.
  public func fusesMaxPool(_ pool: Pooling2D) -> Bool {
    let g = geometry
    return method == .directBroadcast && scratchCount == 0 && pool.isStemMaxPool && inputLayout == .nchw
      && outputLayout == .nchw
      && pool.planes == g.outChannels
      && pool.height == g.outHeight && pool.width == g.outWidth
  }

  /// Pooled rows per band of `runMaxPooled`: about 64 K floats of convolution output per band
  /// (2 x rows + 1 output rows of every channel; 2 for ResNet's and DenseNet's 64 x 160-pixel
  /// stem output), so a band stays in L2 between the convolution that writes it and the pooling
  /// that reads it.
  public var maxPoolBandRows: Int {
    let rowFloats = max(geometry.outChannels * geometry.outWidth, 1)
    return max(1, (65_536 / rowFloats - 1) / 2)
  }

  /// Floats of scratch each `runMaxPooled` call needs for itself (its band).
  public func maxPooledScratchCount(bandRows: Int) -> Int {
    var shape = self.shape
    return chex_direct_pooled_scratch_count(&shape, bandRows)
  }

  /// The convolution followed by `pool` (`fusesMaxPool`) for one image, without storing the
  /// convolution's output: pooled rows `rows` of output `channels` (lower bound a multiple of
  /// `channelBlock`) into `output` (`outChannels` planes of the pooled size). The convolution's
  /// rows are computed `bandRows` pooled rows at a time into `scratch` and pooled from there
  /// (ResNet's and DenseNet's stems otherwise write 6.5 MB and read it back: 0.5 ms of 3.0 here).
  /// The values are exactly `run` followed by `pool.run`, whatever the cut into calls.
  /// - Complexity: the convolution's and the pooling's; the output row two bands share is kept,
  ///   not recomputed (two calls on neighbouring row ranges each compute their shared row).
  public func runMaxPooled(
    input: UnsafePointer<Float>, shared: UnsafePointer<Float>?, pool: Pooling2D,
    output: UnsafeMutablePointer<Float>, rows: Range<Int>, channels: Range<Int>, bandRows: Int,
    scratch: UnsafeMutablePointer<Float>
  ) {
    precondition(
      fusesMaxPool(pool), "PackedConvolution.runMaxPooled: this convolution and pooling do not fuse")
    precondition(
      rows.lowerBound >= 0 && rows.upperBound <= pool.outHeight && bandRows >= 1,
      "PackedConvolution.runMaxPooled: rows \(rows) outside 0..<\(pool.outHeight) or no band")
    checkCall("runMaxPooled", channels: channels, shared: shared)
    guard !rows.isEmpty, !channels.isEmpty else { return }
    var shape = self.shape
    var poolShape = pool.shape
    withEpilogue(residual: nil) { epilogue, w in
      chex_direct_run_max_pooled(
        &shape, w, sharedInputCount > 0 ? shared : input, &epilogue, &poolShape, output, rows.lowerBound,
        rows.upperBound, channels.lowerBound, channels.upperBound, bandRows, scratch)
    }
  }

  /// The checks `run` and `runMaxPooled` share: the channel range and the shared input copy.
  private func checkCall(_ caller: String, channels: Range<Int>, shared: UnsafePointer<Float>?) {
    precondition(
      channels.lowerBound >= 0 && channels.upperBound <= geometry.outChannels
        && channels.lowerBound % channelBlock == 0,
      "PackedConvolution.\(caller): channels \(channels) must lie in 0..<\(geometry.outChannels) and start "
        + "at a multiple of \(channelBlock)")
    precondition(
      sharedInputCount == 0 || shared != nil, "PackedConvolution.\(caller): the shared input copy is missing")
  }

  /// The C epilogue (bias, residual, activation, prologue) and the packed weights, valid for
  /// the duration of `body`.
  private func withEpilogue(
    residual: UnsafePointer<Float>?, _ body: (inout chex_conv_epilogue, UnsafePointer<Float>?) -> Void
  ) {
    var epilogue = activation.epilogue
    epilogue.residual = residual
    epilogue.pre_relu = prologue?.relu == true ? 1 : 0
    packed.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        (prologue?.scale ?? []).withUnsafeBufferPointer { scale in
          (prologue?.shift ?? []).withUnsafeBufferPointer { shift in
            epilogue.bias = b.baseAddress
            epilogue.pre_scale = prologue == nil ? nil : scale.baseAddress
            epilogue.pre_shift = prologue == nil ? nil : shift.baseAddress
            body(&epilogue, w.baseAddress)
          }
        }
      }
    }
  }

  /// Computes `pixels` (row-major positions in the output plane; for the Winograd methods,
  /// output tiles, see `workCount`) of output channels `channels` (lower bound a multiple of
  /// `channelBlock`) for one image. (A Winograd call transforms its tiles' whole input whatever
  /// its channels: split such calls by channels only when the weights outweigh the tiles.)
  /// `input` holds `inChannels` planes (`inputLayout` NCHW) or each pixel's `inChannels` values
  /// (NHWC), `output` and `residual` `outChannels` likewise in `outputLayout`; `shared` is the
  /// copy `prepareInput` wrote (ignored when `sharedInputCount` is 0).
  ///
  /// The pointers come from the inference engine's activation arena, which is why they are
  /// unsafe; the ranges are checked here, the extents are the caller's contract.
  public func run(
    input: UnsafePointer<Float>, shared: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>,
    residual: UnsafePointer<Float>?, pixels: Range<Int>, channels: Range<Int>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    precondition(
      pixels.lowerBound >= 0 && pixels.upperBound <= workCount,
      "PackedConvolution.run: pixels \(pixels) outside 0..<\(workCount) for the \(g.outHeight)x\(g.outWidth) output"
    )
    checkCall("run", channels: channels, shared: shared)
    guard !pixels.isEmpty, !channels.isEmpty else { return }
    var shape = self.shape
    withEpilogue(residual: residual) { epilogue, w in
      switch method {
      case .packedPanels:
        chex_conv_run(
          &shape, w, input, output, &epilogue, pixels.lowerBound, pixels.upperBound, channels.lowerBound,
          channels.upperBound, scratch)
      case .directBroadcast:
        chex_direct_run(
          &shape, w, sharedInputCount > 0 ? shared : input, output, &epilogue, pixels.lowerBound,
          pixels.upperBound, channels.lowerBound, channels.upperBound, scratch)
      case .winograd2x2, .winograd4x4:
        chex_wino_run(
          &shape, winogradSide, w, input, output, &epilogue, pixels.lowerBound,
          pixels.upperBound,
          channels.lowerBound, channels.upperBound, scratch)
      }
    }
  }
}
