import ChexKernels

/// The time one step of a compiled plan took, averaged over the runs of
/// `InferenceSession.profile`: a developer's view of where a model spends its time.
public struct StepProfile: Sendable, Equatable {
  /// The step's position in execution order (after fusion: a convolution step includes its
  /// folded BatchNormalization, bias, activation and residual add).
  public let index: Int
  /// What the step does, e.g. `Conv 3x3/1 64->64 80x80->80x80 winograd2x2 +residual`.
  public let operation: String
  /// Mean seconds per run (all images of the batch).
  public let seconds: Double
  /// Multiply-adds per run for convolution steps, nil for the others.
  public let multiplyAdds: Int?

  /// Multiply-adds x 2 per second, for convolution steps.
  public var flopsPerSecond: Double? {
    guard let multiplyAdds, seconds > 0 else { return nil }
    return 2 * Double(multiplyAdds) / seconds
  }
}

extension ConvKernel {
  /// `Conv kh x kw / stride Cin->Cout HxW->OHxOW method [layouts] [+residual] [+prologue]`, the
  /// layouts (`nchw->nhwc`, ...) when either is channels-last.
  var profileDescription: String {
    let g = geometry
    let method: String
    if let native {
      method = native.method.rawValue + layouts(native.inputLayout, native.outputLayout)
    } else if let nativeDepthwise {
      method =
        "depthwise " + nativeDepthwise.method.rawValue
        + layouts(nativeDepthwise.inputLayout, nativeDepthwise.outputLayout)
    } else {
      method = g.isDepthwise ? "depthwise" : g.isPointwise ? "sgemm" : "im2col sgemm"
    }
    var text =
      "Conv \(g.kernelHeight)x\(g.kernelWidth)/\(g.strideY) \(g.inChannels)->\(g.outChannels)"
      + "\(g.group > 1 ? " group \(g.group)" : "") \(g.height)x\(g.width)->\(g.outHeight)x\(g.outWidth) \(method)"
    if hasResidual { text += " +residual" }
    if native?.prologue != nil { text += " +prologue" }
    if let maxPool {
      text +=
        " +maxpool \(maxPool.kernelHeight)x\(maxPool.kernelWidth)/\(maxPool.strideY) -> \(maxPool.outHeight)x\(maxPool.outWidth)"
    }
    return text
  }

  /// ` nchw->nhwc` and the like when either layout is channels-last, else nothing.
  private func layouts(_ input: PackedConvolution.Layout, _ output: PackedConvolution.Layout) -> String {
    input == .nchw && output == .nchw ? "" : " \(input.rawValue)->\(output.rawValue)"
  }

  /// Multiply-adds of the whole step (every image of its batch).
  var multiplyAdds: Int {
    let g = geometry
    return g.batch * g.outChannels * g.outHeight * g.outWidth * g.patchRows
  }
}

/// A step's description for `StepProfile`: convolutions in detail, other kernels by name.
func profileDescription(of kernel: any Kernel) -> (operation: String, multiplyAdds: Int?) {
  if let conv = kernel as? ConvKernel { return (conv.profileDescription, conv.multiplyAdds) }
  var name = String(describing: type(of: kernel))
  if name.hasSuffix("Kernel") { name.removeLast("Kernel".count) }
  return (name, nil)
}
