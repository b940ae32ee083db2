import ChexKernels

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
/// Six paths, chosen when the plan is compiled (`run` dispatches on what the passes set), one
/// file each:
/// - native dense (on CPUs with AVX-512, `ConvolutionKernels.automatic` or `.fast`;
///   ConvKernel+Native.swift): `PackedConvolution` does the whole step with the epilogue in
///   registers, by the method `KernelPolicy` chose (direct, packed panels, Winograd F(2x2) or
///   F(4x4)), with an optional BatchNormalization + ReLU prologue applied to its input;
/// - native dense with the stems' max pooling fused after it (`maxPool`; the same file);
/// - native depthwise (the same file): `DepthwiseConvolution`, strides 1 or 2;
/// - depthwise in Swift (group = C_in = C_out; ConvKernel+Depthwise.swift): a direct vector
///   kernel over a padded copy of each plane;
/// - pointwise (1x1, stride 1, no pads, group 1; ConvKernel+OpenBLAS.swift): one `sgemm` per
///   image directly on the activations, `Y[Cout x HW] = W[Cout x Cin] * X[Cin x HW]`;
/// - everything else (the same file): im2col in tiles of output pixels, so at most
///   `patchRows x tile` floats of patches exist at once, each tile followed by one `sgemm` per
///   group.
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

  var scratchCount: Int {
    if let native, maxPool != nil {
      return native.maxPooledScratchCount(bandRows: native.maxPoolBandRows) + native.sharedInputCount
    }
    if let native { return native.scratchCount + native.sharedInputCount }
    if nativeDepthwise != nil { return 0 }
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
            runNativeDepthwise(nativeDepthwise, x: x, y: y, residual: r, io: io)
          } else if g.isDepthwise {
            runDepthwise(x: x, y: y, residual: r, w: w, b: b, io: io)
          } else if g.isPointwise {
            pointwise(x: x, y: y, residual: r, w: w, b: b, io: io)
          } else {
            tiled(x: x, y: y, residual: r, w: w, b: b, io: io)
          }
        }
      }
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
