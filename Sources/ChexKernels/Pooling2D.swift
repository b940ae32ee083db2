import CChexKernels

/// Max or average pooling of NCHW planes over 2-D windows with chexstats' own AVX-512 kernel
/// (Sources/CChexKernels/pool_avx512.c): 16 output pixels of a row per vector, each kernel tap
/// one masked load (two and a lane permute for stride 2), lanes outside the input taken as
/// -infinity (max) or 0 (average). Averages divide by the number of input values in the window
/// (`count_include_pad` 0) or by the window clipped to the padded input (1), as ONNX defines.
/// Planes are independent, so the work may be cut into any plane ranges.
/// - Complexity: O(planes x output pixels x kh kw).
public struct Pooling2D: Sendable {
  public enum Mode: Sendable, Equatable {
    case max
    case average(countIncludePad: Bool)
  }

  public let mode: Mode
  public let planes, height, width, outHeight, outWidth: Int
  public let kernelHeight, kernelWidth, strideY, strideX, dilationY, dilationX: Int
  public let padTop, padLeft, padBottom, padRight: Int

  public init(
    mode: Mode, planes: Int, height: Int, width: Int, outHeight: Int, outWidth: Int, kernelHeight: Int,
    kernelWidth: Int, strideY: Int, strideX: Int, dilationY: Int, dilationX: Int, padTop: Int, padLeft: Int,
    padBottom: Int, padRight: Int
  ) {
    (self.mode, self.planes, self.height, self.width) = (mode, planes, height, width)
    (self.outHeight, self.outWidth, self.kernelHeight, self.kernelWidth) = (
      outHeight, outWidth, kernelHeight, kernelWidth
    )
    (self.strideY, self.strideX, self.dilationY, self.dilationX) = (strideY, strideX, dilationY, dilationX)
    (self.padTop, self.padLeft, self.padBottom, self.padRight) = (padTop, padLeft, padBottom, padRight)
  }

  var shape: chex_pool_shape {
    let code: chex_pool_mode
    switch mode {
    case .max: code = CHEX_POOL_MAX
    case .average(let includePad): code = includePad ? CHEX_POOL_AVERAGE_INCLUDE_PAD : CHEX_POOL_AVERAGE
    }
    return chex_pool_shape(
      planes: planes, height: height, width: width, out_height: outHeight, out_width: outWidth,
      kernel_h: kernelHeight, kernel_w: kernelWidth, stride_y: strideY, stride_x: strideX,
      dilation_y: dilationY,
      dilation_x: dilationX, pad_top: padTop, pad_left: padLeft, pad_bottom: padBottom, pad_right: padRight,
      mode: Int32(code.rawValue))
  }

  /// Whether this is the stems' max pooling (3x3, stride 2, padding 0 or 1 on every side, no
  /// dilation), which `PackedConvolution.runMaxPooled` can do as part of the convolution before it.
  public var isStemMaxPool: Bool {
    var shape = self.shape
    return chex_pool_is_max3s2(&shape) != 0
  }

  /// Whether the kernel runs here and takes this geometry (horizontal stride 1 or 2, kernels up
  /// to 16 wide).
  public var isSupported: Bool {
    var shape = self.shape
    return PackedConvolution.isAvailable && chex_pool_supported(&shape) != 0
  }

  /// Pools planes `range` of `input` (planes of height x width) into `output` (planes of
  /// outHeight x outWidth). The pointers come from the inference engine's arena.
  public func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, planes range: Range<Int>)
  {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= planes,
      "Pooling2D.run: planes \(range) outside 0..<\(planes)")
    precondition(isSupported, "Pooling2D.run: the kernel does not take this geometry on this CPU")
    guard !range.isEmpty else { return }
    var shape = self.shape
    chex_pool_run(&shape, input, output, range.lowerBound, range.upperBound)
  }
}
