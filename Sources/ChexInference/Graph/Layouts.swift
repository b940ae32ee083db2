import ChexKernels

extension GraphBuilder {
  /// After kernel selection: the activations that go channels-last (NHWC). A value does when
  /// the step that writes it and every step that reads it take that layout:
  /// - written by a native dense convolution (not one with a fused max pooling, nor one whose
  ///   output channels waste the direct kernel's tiles) or a channels-last depthwise one (small
  ///   planes, `DepthwiseConvolution.Method.channelsLast`);
  /// - read by such convolutions, as their input (without a prologue) or residual, or by a
  ///   global average (GlobalAveragePool, ReduceMean over the plane), which then averages rows
  ///   of channels;
  /// - not a graph output, not viewed under another shape, and a convolution's residual and
  ///   output in the same layout (pairs that disagree both stay NCHW, until nothing changes).
  /// In ResNets every activation after the stem qualifies; in MobileNets and EfficientNets those
  /// of the 20x20 and 10x10 blocks (not the squeeze-excitation products, nor the planes where
  /// the depthwise kernels work on NCHW rows); DenseNets keep NCHW for their concatenations.
  /// Channels-last lets the direct kernel store a register tile's channels of a pixel as whole
  /// vectors (no transpose, the residual read the same way) and read strided 1x1 inputs in place.
  /// - Complexity: O(steps) per round, a few rounds.
  func chooseLayouts(protecting graphOutputs: Set<Int>) {
    let (valuesPerStorage, users) = usage()
    var writer: [Int: Int] = [:]
    for (index, step) in steps.enumerated() {
      for output in step.outputs { writer[output] = index }
    }
    // Convolutions whose output channels waste the direct kernel's tiles keep the packed panels.
    func directConvolution(_ index: Int) -> PackedConvolution? {
      guard let conv = steps[index].kernel as? ConvKernel, let native = conv.native, conv.maxPool == nil,
        !KernelPolicy.wastesDirectTiles(native.geometry)
      else { return nil }
      return native
    }
    // Depthwise convolutions on small planes work channels-last inside (`channelsLast`).
    func channelsLastDepthwise(_ index: Int) -> Bool {
      (steps[index].kernel as? ConvKernel)?.nativeDepthwise?.method == .channelsLast
    }
    func readsChannelsLast(_ index: Int, _ value: Int) -> Bool {
      let step = steps[index]
      if let native = directConvolution(index) { return step.inputs[0] != value || native.prologue == nil }
      return channelsLastDepthwise(index) || planeMean(step, of: values[value].shape) != nil
    }
    var channelsLast = Set<Int>()
    for (value, index) in writer where directConvolution(index) != nil || channelsLastDepthwise(index) {
      guard !graphOutputs.contains(value), values[value].shape.count == 4,
        valuesPerStorage[values[value].storage] == 1, let readers = users[value],
        readers.allSatisfy({ readsChannelsLast($0, value) })
      else { continue }
      channelsLast.insert(value)
    }
    // Until nothing changes: a residual and its convolution's output agree (else both stay
    // NCHW), and a 1x1 convolution over few input channels (NCHW: the packed panels, measured
    // faster there) reads NHWC only to write NHWC (MobileNetV2's 16->96 expansion at 160x160
    // read NHWC and transposed its NCHW output: 1.6x slower; ResNet50's 64->256 writing NHWC:
    // 1.25x faster).
    var changed = true
    while changed {
      changed = false
      for step in steps {
        guard let conv = step.kernel as? ConvKernel else { continue }
        let (input, output) = (step.inputs[0], step.outputs[0])
        if conv.hasResidual, step.inputs.count > 1,
          channelsLast.contains(output) != channelsLast.contains(step.inputs[1])
        {
          channelsLast.remove(output)
          channelsLast.remove(step.inputs[1])
          changed = true
        }
        if conv.native?.method == .packedPanels, channelsLast.contains(input), !channelsLast.contains(output)
        {
          channelsLast.remove(input)
          changed = true
        }
      }
    }
    for index in steps.indices {
      let step = steps[index]
      if var conv = step.kernel as? ConvKernel, let native = conv.native {
        let input: PackedConvolution.Layout = channelsLast.contains(step.inputs[0]) ? .nhwc : .nchw
        let output: PackedConvolution.Layout = channelsLast.contains(step.outputs[0]) ? .nhwc : .nchw
        guard input == .nhwc || output == .nhwc else { continue }
        conv.native = native.withLayouts(input: input, output: output, weights: conv.weights)
        steps[index].kernel = conv
      } else if var conv = step.kernel as? ConvKernel, let depthwise = conv.nativeDepthwise {
        let input: PackedConvolution.Layout = channelsLast.contains(step.inputs[0]) ? .nhwc : .nchw
        let output: PackedConvolution.Layout = channelsLast.contains(step.outputs[0]) ? .nhwc : .nchw
        conv.nativeDepthwise = depthwise.withLayouts(input: input, output: output)
        steps[index].kernel = conv
      } else if step.inputs.count == 1, channelsLast.contains(step.inputs[0]),
        let mean = planeMean(step, of: values[step.inputs[0]].shape)
      {
        steps[index].kernel = mean
      }
    }
  }

  /// For a step that averages each channel plane of an `[N, C, H, W]` value (GlobalAveragePool,
  /// ReduceMean over H and W), the same average over that value stored channels-last.
  private func planeMean(_ step: Step, of shape: [Int]) -> MeanKernel? {
    guard shape.count == 4, step.inputs.count == 1 else { return nil }
    let (batch, channels, plane) = (shape[0], shape[1], shape[2] * shape[3])
    if let rowMean = step.kernel as? RowMeanKernel, rowMean.rows == batch * channels, rowMean.inner == plane {
      return MeanKernel(outer: batch, reduced: plane, inner: channels)
    }
    if let mean = step.kernel as? MeanKernel, mean.outer == batch * channels, mean.reduced == plane,
      mean.inner == 1
    {
      return MeanKernel(outer: batch, reduced: plane, inner: channels)
    }
    return nil
  }
}
