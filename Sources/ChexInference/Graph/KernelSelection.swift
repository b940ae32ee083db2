import ChexKernels
import ChexLinalg

/// How an `InferenceSession` computes convolutions (and pooling): three choices, two of them
/// chexstats' own kernels, which resolve to `openBLAS` on CPUs without AVX-512F.
public enum ConvolutionKernels: String, Sendable, CaseIterable {
  /// chexstats' own AVX-512 kernels (ChexKernels: `PackedConvolution` for dense convolutions,
  /// `DepthwiseConvolution`, `Pooling2D`) where the CPU runs them, each layer with the method
  /// `KernelPolicy` picks; else `openBLAS`.
  case automatic
  /// `automatic` with Winograd F(4x4, 3x3) instead of F(2x2, 3x3) for 3x3 stride-1 layers: 2-10 %
  /// faster on ResNets and DenseNets, at the price of float32 rounding 4-7x larger in those
  /// layers (logits 2-4x farther from a float64 reference than onnxruntime's; see
  /// `PackedConvolution`).
  case fast
  /// im2col tiles (or the activations themselves for 1x1 convolutions) and OpenBLAS sgemm,
  /// with the epilogue as a second pass; depthwise convolutions and pooling in Swift: the
  /// portable path, kept for comparison.
  case openBLAS = "openblas"

  /// The path a session actually takes on this CPU.
  public var resolved: ConvolutionKernels {
    self != .openBLAS && PackedConvolution.isAvailable ? self : .openBLAS
  }

  /// A short name for logs and benchmark tables.
  public var engineDescription: String {
    switch resolved {
    case .automatic: return "chexstats AVX-512"
    case .fast: return "chexstats AVX-512, Winograd F(4x4)"
    case .openBLAS: return "OpenBLAS \(BLAS.coreName)"
    }
  }
}

extension GraphBuilder {
  /// A BatchNormalization (+ ReLU) that feeds nothing but one dense convolution becomes that
  /// convolution's prologue (`ConvKernel.prologue`), applied while the native kernel packs or
  /// copies its input (DenseNet's BN-ReLU-Conv order, where the BN cannot be folded into weights
  /// because the ReLU sits in between): one pass fewer over the growing concatenation before
  /// every dense layer. Only for native kernels: the OpenBLAS path has no prologue.
  func absorbPrologues(protecting graphOutputs: Set<Int>) {
    let (valuesPerStorage, users) = usage()
    var removed = Set<Int>()
    for (index, step) in steps.enumerated() {
      guard let scaleShift = step.kernel as? ScaleShiftKernel, scaleShift.batch == 1,
        scaleShift.activation == .none || scaleShift.activation == .relu,
        let value = step.outputs.first, step.outputs.count == 1, !graphOutputs.contains(value),
        valuesPerStorage[values[value].storage] == 1, let uses = users[value], uses.count == 1,
        var conv = steps[uses[0]].kernel as? ConvKernel, KernelPolicy.usesPackedConvolution(conv.geometry),
        steps[uses[0]].inputs.firstIndex(of: value) == 0, steps[uses[0]].inputs.lastIndex(of: value) == 0
      else { continue }
      removed.insert(index)
      conv.prologue = PackedConvolution.Prologue(
        scale: scaleShift.scaleF, shift: scaleShift.shiftF, relu: scaleShift.activation == .relu)
      steps[uses[0]].kernel = conv
      steps[uses[0]].inputs[0] = step.inputs[0]
    }
    steps = steps.indices.filter { !removed.contains($0) }.map { steps[$0] }
  }

  /// Gives every dense convolution, every depthwise one with strides 1 or 2 and every pooling
  /// its native kernel, with the method `KernelPolicy` picks from the layer's geometry
  /// (Winograd F(4x4) instead of F(2x2) for `choice` `.fast`).
  func selectKernels(_ choice: ConvolutionKernels) {
    for index in steps.indices {
      if var pool = steps[index].kernel as? PoolKernel {
        let native = pool.native2D
        if native.isSupported {
          pool.native = native
          steps[index].kernel = pool
        }
        continue
      }
      guard var conv = steps[index].kernel as? ConvKernel else { continue }
      let g = conv.geometry
      if KernelPolicy.usesPackedConvolution(g) {
        let method = KernelPolicy.denseMethod(
          g.packed, hasPrologue: conv.prologue != nil, winogradTile: choice.resolved == .fast ? 4 : 2)
        conv.native = PackedConvolution(
          geometry: g.packed, weights: conv.weights, bias: conv.bias,
          activation: conv.activation.packed, prologue: conv.prologue,
          method: method)
      } else if KernelPolicy.usesDepthwiseConvolution(g) {
        conv.nativeDepthwise = DepthwiseConvolution(
          channels: g.outChannels, height: g.height, width: g.width, kernelHeight: g.kernelHeight,
          kernelWidth: g.kernelWidth, strideY: g.strideY, strideX: g.strideX, padTop: g.padTop,
          padLeft: g.padLeft, outHeight: g.outHeight, outWidth: g.outWidth, weights: conv.weights,
          bias: conv.bias, activation: conv.activation.packed, method: KernelPolicy.depthwiseMethod(g))
      } else {
        continue
      }
      steps[index].kernel = conv
    }
  }

  /// How many values share each storage, and the steps that read each value.
  func usage() -> (valuesPerStorage: [Int], users: [Int: [Int]]) {
    var valuesPerStorage = [Int](repeating: 0, count: storages.count)
    for value in values { valuesPerStorage[value.storage] += 1 }
    var users: [Int: [Int]] = [:]
    for (index, step) in steps.enumerated() {
      for input in Set(step.inputs) { users[input, default: []].append(index) }
    }
    return (valuesPerStorage, users)
  }

  /// A native direct convolution whose output feeds nothing but the stems' max pooling (ResNets,
  /// DenseNets, Inception-v3's first pool is 3x3/2 without padding) takes the pooling into its
  /// step (`PackedConvolution.runMaxPooled`): its full-size output is never stored.
  func fuseMaxPools(protecting graphOutputs: Set<Int>) {
    let (valuesPerStorage, users) = usage()
    var removed = Set<Int>()
    for index in steps.indices {
      guard var conv = steps[index].kernel as? ConvKernel, let native = conv.native, !conv.hasResidual,
        conv.maxPool == nil, let value = steps[index].outputs.first, steps[index].outputs.count == 1,
        !graphOutputs.contains(value), valuesPerStorage[values[value].storage] == 1,
        let uses = users[value], uses.count == 1, steps[uses[0]].inputs == [value],
        let pool = steps[uses[0]].kernel as? PoolKernel, let poolNative = pool.native,
        poolNative.planes == conv.geometry.batch * conv.geometry.outChannels
      else { continue }
      let perImage = Pooling2D(
        mode: poolNative.mode, planes: conv.geometry.outChannels, height: poolNative.height,
        width: poolNative.width, outHeight: poolNative.outHeight, outWidth: poolNative.outWidth,
        kernelHeight: poolNative.kernelHeight, kernelWidth: poolNative.kernelWidth,
        strideY: poolNative.strideY,
        strideX: poolNative.strideX, dilationY: poolNative.dilationY, dilationX: poolNative.dilationX,
        padTop: poolNative.padTop, padLeft: poolNative.padLeft, padBottom: poolNative.padBottom,
        padRight: poolNative.padRight)
      guard native.fusesMaxPool(perImage) else { continue }
      conv.maxPool = perImage
      steps[index].kernel = conv
      steps[index].outputs = steps[uses[0]].outputs
      removed.insert(uses[0])
    }
    steps = steps.indices.filter { !removed.contains($0) }.map { steps[$0] }
  }
}

extension ConvGeometry {
  /// The geometry of one image for `PackedConvolution`.
  var packed: PackedConvolution.Geometry {
    PackedConvolution.Geometry(
      inChannels: inChannels, height: height, width: width, outChannels: outChannels,
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideY: strideY, strideX: strideX,
      dilationY: dilationY, dilationX: dilationX, padTop: padTop, padLeft: padLeft,
      outHeight: outHeight, outWidth: outWidth)
  }
}

extension Activation {
  /// The same function in the native kernel's terms.
  var packed: PackedConvolution.Activation {
    switch self {
    case .none: return .identity
    case .relu: return .clamp(lower: 0, upper: .infinity)
    case .clip(let lower, let upper): return .clamp(lower: lower, upper: upper)
    case .sigmoid: return .sigmoid
    case .silu: return .silu
    case .hardSigmoid(let alpha, let beta): return .hardSigmoid(alpha: alpha, beta: beta)
    case .hardSwish: return .hardSwish
    }
  }
}
