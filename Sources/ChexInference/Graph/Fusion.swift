/// Load-time rewrites that remove whole passes over activations (as ONNX Runtime's
/// ConvActivationFusion / NchwcConvSumFusion and ncnn's fuse_convolution_* do):
/// - BatchNormalization after a Conv: scale folded into the weights, shift into the bias;
/// - Conv -> Add(other): the residual added in the conv epilogue;
/// - Conv or unfolded BatchNormalization -> Relu / Clip / HardSwish / HardSigmoid / Sigmoid:
///   the activation applied in the epilogue;
/// - Conv -> Sigmoid and Mul(conv, sigmoid): SiLU in the epilogue.
/// A producer is fused only when its output feeds exactly the fused consumers and is not a
/// graph output. The fused step takes the place of its last consumer, so every input it reads
/// (including the residual) exists by then.
extension GraphBuilder {
  func fuse(protecting graphOutputs: Set<Int>) {
    var current: [Step?] = steps
    var valuesPerStorage = [Int](repeating: 0, count: storages.count)
    for value in values { valuesPerStorage[value.storage] += 1 }

    // The steps that read each value, in ascending order, kept up to date as steps are fused
    // (rebuilding it after every fusion was quadratic: a fifth of DenseNet121's load time).
    var users: [Int: [Int]] = [:]
    for (index, step) in current.enumerated() {
      guard let step else { continue }
      for input in Set(step.inputs) { users[input, default: []].append(index) }
    }
    func replace(_ position: Int, _ old: Step?, with new: Step?) {
      for input in Set(old?.inputs ?? []) { users[input]?.removeAll { $0 == position } }
      for input in Set(new?.inputs ?? []) {
        var list = users[input, default: []]
        list.insert(position, at: list.firstIndex { $0 > position } ?? list.count)
        users[input] = list
      }
    }
    func isPrivate(_ value: Int) -> Bool {
      !graphOutputs.contains(value) && valuesPerStorage[values[value].storage] == 1
    }

    for index in current.indices {
      while let step = current[index], step.outputs.count == 1, isPrivate(step.outputs[0]) {
        let value = step.outputs[0]
        let uses = users[value] ?? []
        let touched = Array(Set([index] + uses))
        let before = touched.map { current[$0] }
        guard let fused = fusion(of: step, uses: uses, in: &current, isPrivate: isPrivate, users: users)
        else {
          break
        }
        current[index] = nil
        current[fused.position] = fused.step
        for (position, old) in zip(touched, before) { replace(position, old, with: current[position]) }
      }
    }
    steps = current.compactMap { $0 }
  }

  /// The fused step and where it goes, or nil when nothing fuses.
  private func fusion(
    of step: Step, uses: [Int], in current: inout [Step?], isPrivate: (Int) -> Bool, users: [Int: [Int]]
  ) -> (step: Step, position: Int)? {
    let value = step.outputs[0]
    if var scaleShift = step.kernel as? ScaleShiftKernel {
      guard uses.count == 1, let next = current[uses[0]], scaleShift.activation == .none,
        let unary = next.kernel as? UnaryKernel
      else { return nil }
      scaleShift.activation = unary.activation
      return (
        Step(kernel: scaleShift, inputs: step.inputs, outputs: next.outputs, inPlace: [0], node: step.node),
        uses[0]
      )
    }
    guard var conv = step.kernel as? ConvKernel, conv.activation == .none else { return nil }
    if uses.count == 1, let next = current[uses[0]] {
      var inputs = step.inputs
      if let bn = next.kernel as? ScaleShiftKernel, !conv.hasResidual {
        let perOut = conv.weights.count / conv.geometry.outChannels
        for o in 0..<conv.geometry.outChannels {
          for i in 0..<perOut {
            conv.weights[o * perOut + i] = Float(Double(conv.weights[o * perOut + i]) * bn.scale[o])
          }
          conv.bias[o] = Float(Double(conv.bias[o]) * bn.scale[o] + bn.shift[o])
        }
        conv.activation = bn.activation
      } else if let unary = next.kernel as? UnaryKernel {
        conv.activation = unary.activation
      } else if let add = next.kernel as? BinaryKernel, add.operation == .add, !conv.hasResidual,
        next.inputs.count == 2, let other = next.inputs.first(where: { $0 != value }),
        values[other].shape == values[value].shape
      {
        conv.hasResidual = true
        inputs.append(other)
      } else {
        return nil
      }
      return (
        Step(kernel: conv, inputs: inputs, outputs: next.outputs, inPlace: [], node: step.node), uses[0]
      )
    }
    if uses.count == 2, let first = current[uses[0]], let second = current[uses[1]],
      let sigmoid = first.kernel as? UnaryKernel, sigmoid.activation == .sigmoid,
      let mul = second.kernel as? BinaryKernel, mul.operation == .mul,
      let gate = first.outputs.first, isPrivate(gate), users[gate] == [uses[1]],
      Set(second.inputs) == [value, gate], values[gate].shape == values[value].shape
    {
      conv.activation = .silu
      current[uses[0]] = nil
      return (
        Step(kernel: conv, inputs: step.inputs, outputs: second.outputs, inPlace: [], node: step.node),
        uses[1]
      )
    }
    return nil
  }
}
