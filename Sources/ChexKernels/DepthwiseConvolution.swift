import CChexKernels

/// A depthwise 2-D convolution (group = input channels = output channels, NCHW, strides 1 or
/// 2, no dilation) for chexstats' own AVX-512 kernel (Sources/CChexKernels).
///
/// Two methods (`Method`); the caller names one (the inference engine chooses by the geometry
/// alone, in its `KernelPolicy`):
/// - `rows`: 16 output pixels of a row at a time take kh kw fused multiply-adds of shifted input
///   rows: for 3x3 and 5x5 with symmetric padding built from whole 16-value row chunks by lane
///   shifts (stride 2: even/odd lane permutes), otherwise read with masked loads that leave the
///   padding at zero.
/// - `channelsLast`, for small planes (the padded input at most 1024 pixels, e.g. 20x20 and
///   10x10 at 320 px input): blocks of 16 channels are transposed to pixels x 16 with zero
///   padding, each output pixel is kh kw multiply-adds of whole vectors (a 20-wide row would
///   fill 20 of 32 lanes in `rows`), and transposed back (`channelsLastApplies`).
/// `channelsLast` also reads and writes NHWC activations (`inputLayout`, `outputLayout`: no
/// transpose on that side), with the same values.
/// Bias, residual and activation (SiLU included) are applied in registers before the one store.
/// Channels are independent, so the work may be cut into any channel ranges without changing a
/// result.
/// - Complexity: O(channels x output pixels x kh kw).
public struct DepthwiseConvolution: Sendable {
  public typealias Activation = PackedConvolution.Activation

  public let channels, height, width, kernelHeight, kernelWidth, strideY, strideX: Int
  public let padTop, padLeft, outHeight, outWidth: Int
  public let weights: [Float]
  public let bias: [Float]
  public let activation: Activation
  public let method: Method
  /// The layout of `run`'s input, and of its output and residual (NHWC only for `channelsLast`).
  public private(set) var inputLayout = PackedConvolution.Layout.nchw
  public private(set) var outputLayout = PackedConvolution.Layout.nchw

  /// How the kernel walks the plane (see the type's description).
  public enum Method: String, Sendable, CaseIterable {
    case rows
    case channelsLast = "channels-last"
  }

  /// Whether `channelsLast` takes this geometry: the zero-padded input plane
  /// ((outHeight - 1) strideY + kh) x ((outWidth - 1) strideX + kw) has at most 1024 pixels (the
  /// C kernel's block buffer, `chex_depthwise_channels_last_applies`).
  public static func channelsLastApplies(
    kernelHeight: Int, kernelWidth: Int, strideY: Int, strideX: Int, outHeight: Int, outWidth: Int
  ) -> Bool {
    ((outHeight - 1) * strideY + kernelHeight) * ((outWidth - 1) * strideX + kernelWidth) <= 1024
  }

  /// Whether the kernel handles this geometry (strides 1 or 2, no dilation) on this CPU.
  public static func supports(strideY: Int, strideX: Int, dilationY: Int, dilationX: Int) -> Bool {
    PackedConvolution.isAvailable && (1...2).contains(strideY) && (1...2).contains(strideX) && dilationY == 1
      && dilationX == 1
  }

  /// `weights` holds `channels x kh x kw` values, `bias` one per channel; `channelsLast` only
  /// where it applies (a precondition).
  public init(
    channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideY: Int, strideX: Int,
    padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int, weights: [Float], bias: [Float],
    activation: Activation, method: Method
  ) {
    precondition(
      method != .channelsLast
        || Self.channelsLastApplies(
          kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideY: strideY, strideX: strideX,
          outHeight: outHeight, outWidth: outWidth),
      "DepthwiseConvolution: channels-last needs a padded plane of <= 1024 pixels")
    self.method = method
    precondition(
      weights.count == channels * kernelHeight * kernelWidth && bias.count == channels,
      "DepthwiseConvolution: \(weights.count) weights and \(bias.count) biases for \(channels) channels of "
        + "\(kernelHeight)x\(kernelWidth)")
    precondition(
      (1...2).contains(strideY) && (1...2).contains(strideX), "DepthwiseConvolution: strides 1 or 2")
    (self.channels, self.height, self.width) = (channels, height, width)
    (self.kernelHeight, self.kernelWidth, self.strideY, self.strideX) = (
      kernelHeight, kernelWidth, strideY, strideX
    )
    (self.padTop, self.padLeft, self.outHeight, self.outWidth) = (padTop, padLeft, outHeight, outWidth)
    (self.weights, self.bias, self.activation) = (weights, bias, activation)
  }

  /// This convolution with other activation layouts (NHWC needs `channelsLast`).
  public func withLayouts(input: PackedConvolution.Layout, output: PackedConvolution.Layout) -> Self {
    precondition(
      method == .channelsLast || (input == .nchw && output == .nchw),
      "DepthwiseConvolution: NHWC activations need the channels-last method")
    var copy = self
    (copy.inputLayout, copy.outputLayout) = (input, output)
    return copy
  }

  private var shape: chex_depthwise_shape {
    chex_depthwise_shape(
      channels: channels, height: height, width: width, kernel_h: kernelHeight, kernel_w: kernelWidth,
      stride_y: strideY, stride_x: strideX, pad_top: padTop, pad_left: padLeft, out_height: outHeight,
      out_width: outWidth, input_nhwc: inputLayout == .nhwc ? 1 : 0,
      output_nhwc: outputLayout == .nhwc ? 1 : 0)
  }

  /// Computes output `channels` of one image: `input` holds `channels` planes of
  /// height x width, `output` and `residual` planes of outHeight x outWidth (or those pixels'
  /// channels together, for NHWC layouts). The pointers come from the inference engine's arena;
  /// the range is checked here, the extents are the caller's.
  public func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?,
    channels range: Range<Int>
  ) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= channels,
      "DepthwiseConvolution.run: channels \(range) outside 0..<\(channels)")
    guard !range.isEmpty else { return }
    var shape = self.shape
    var epilogue = activation.epilogue
    epilogue.residual = residual
    weights.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        epilogue.bias = b.baseAddress
        chex_depthwise_run(
          &shape, w.baseAddress, input, output, &epilogue, range.lowerBound, range.upperBound,
          method == .channelsLast ? 1 : 0)
      }
    }
  }
}
