import ChexONNX

/// A value computed at run time: its shape and the storage that holds it (several values share
/// a storage when one is a reshaped view of another).
struct RuntimeValue {
  var shape: [Int]
  var storage: Int
}

/// Where a runtime value's floats live.
enum StorageKind {
  /// Activation memory, placed by the memory plan.
  case arena(count: Int)
  /// A constant operand of a kernel (for example the other side of a broadcast Add).
  case constant([Float])
}

/// One kernel application in execution order.
struct Step {
  var kernel: any Kernel
  var inputs: [Int]
  var outputs: [Int]
  /// Indices of inputs whose storage the output may take over (elementwise kernels).
  var inPlace: [Int]
  var node: String
}

/// Compiles an ONNX graph for one fixed input shape: walks the nodes in order, folds every node
/// whose inputs are known, lowers the rest to kernels through `OpRegistry`, then rewrites the
/// steps with the passes of `passes(kernels:)`, in that order.
///
/// - Complexity: O(nodes + weights) plus the cost of folding.
final class GraphBuilder {
  private(set) var values: [RuntimeValue] = []
  private(set) var storages: [StorageKind] = []
  var steps: [Step] = []
  let opset: Int

  init(opset: Int) {
    self.opset = opset
  }

  func shape(of value: Value) -> [Int] {
    switch value {
    case .constant(let c): return c.shape
    case .runtime(let id): return values[id].shape
    }
  }

  /// A new runtime value with its own arena storage.
  func newValue(shape: [Int]) -> Int {
    storages.append(.arena(count: shape.reduce(1, *)))
    values.append(RuntimeValue(shape: shape, storage: storages.count - 1))
    return values.count - 1
  }

  /// A view of `id` with another shape (Reshape, Flatten, Unsqueeze, Identity): no copy.
  func alias(_ id: Int, shape: [Int]) -> Int {
    precondition(
      shape.reduce(1, *) == values[id].shape.reduce(1, *), "GraphBuilder.alias: element count changes")
    values.append(RuntimeValue(shape: shape, storage: values[id].storage))
    return values.count - 1
  }

  /// A runtime operand holding a constant.
  func materialize(_ constant: Constant) -> Int {
    storages.append(.constant(constant.floats))
    values.append(RuntimeValue(shape: constant.shape, storage: storages.count - 1))
    return values.count - 1
  }

  /// The runtime value of `value`, materialising a constant if needed.
  func runtime(_ value: Value) -> Int {
    switch value {
    case .constant(let c): return materialize(c)
    case .runtime(let id): return id
    }
  }

  /// Appends a step producing fresh values of the given shapes.
  @discardableResult
  func emit(
    _ kernel: any Kernel, inputs: [Int], outputShapes: [[Int]], inPlace: [Int] = [], node: String
  ) -> [Int] {
    let outputs = outputShapes.map { newValue(shape: $0) }
    steps.append(Step(kernel: kernel, inputs: inputs, outputs: outputs, inPlace: inPlace, node: node))
    return outputs
  }

  // MARK: Passes

  /// One rewrite of the lowered steps, for a graph whose outputs (`graphOutputs`) must survive.
  struct Pass {
    let name: String
    let run: (_ builder: GraphBuilder, _ graphOutputs: Set<Int>) -> Void
  }

  /// The passes from the lowered steps to the steps a plan runs, in the order they run. Each
  /// pass reads what the ones before it left; the native-kernel passes run only when `kernels`
  /// resolves to chexstats' own kernels on this CPU.
  static func passes(kernels: ConvolutionKernels) -> [Pass] {
    // BatchNormalization folded into convolution weights; activations, residual adds and SiLU
    // (Sigmoid + Mul) into convolution epilogues, activations into unfolded BatchNormalizations
    // (Fusion.swift).
    let fusion = Pass(name: "fuse") { builder, outputs in builder.fuse(protecting: outputs) }
    guard kernels.resolved != .openBLAS else { return [fusion] }
    return [
      fusion,
      // A BatchNormalization (+ ReLU) in front of a dense convolution becomes the prologue its
      // native kernel applies to the input (DenseNet's BN-ReLU-Conv; KernelSelection.swift).
      Pass(name: "absorbPrologues") { builder, outputs in builder.absorbPrologues(protecting: outputs) },
      // Each dense and depthwise convolution and each pooling gets its native kernel, with the
      // method `KernelPolicy` measured best for its geometry (KernelSelection.swift).
      Pass(name: "selectKernels") { builder, _ in builder.selectKernels(kernels) },
      // A direct convolution feeding only the stems' 3x3/2 max pooling takes the pooling into its
      // step; the full-size output is never stored (KernelSelection.swift).
      Pass(name: "fuseMaxPools") { builder, outputs in builder.fuseMaxPools(protecting: outputs) },
      // The activations between native convolutions that go channels-last (Layouts.swift).
      Pass(name: "chooseLayouts") { builder, outputs in builder.chooseLayouts(protecting: outputs) },
    ]
  }

  /// Runs `passes(kernels:)` in order.
  func runPasses(kernels: ConvolutionKernels, protecting graphOutputs: Set<Int>) {
    for pass in Self.passes(kernels: kernels) { pass.run(self, graphOutputs) }
  }

  // MARK: Lowering

  /// Lowers `graph` with its single runtime input fixed to `inputShape`.
  /// Returns the runtime input value and the graph output values.
  ///
  /// With `skippingTranspose` (an NHWC model fed NCHW images, see `ModelInput`), `inputShape` is
  /// NCHW and the input stands for the output of the Transpose that reads the graph input, which
  /// is not lowered: the caller has checked that it is the input's only reader.
  func lower(_ graph: ONNXGraph, inputName: String, inputShape: [Int], skippingTranspose: Bool = false)
    throws(InferenceError) -> (input: Int, outputs: [Value])
  {
    var names: [String: Value] = [:]
    for (name, tensor) in graph.initializers {
      names[name] = .constant(Constant(tensor))
    }
    let input = newValue(shape: inputShape)
    names[inputName] = .runtime(input)
    for node in graph.nodes {
      if skippingTranspose, node.opType == "Transpose", node.inputs == [inputName],
        let output = node.outputs.first
      {
        names[output] = .runtime(input)
        continue
      }
      let opName = node.opType
      let nodeName = node.name.isEmpty ? (node.outputs.first ?? "?") : node.name
      guard node.domain.isEmpty || node.domain == "ai.onnx" else {
        throw .unsupported(op: opName, node: nodeName, detail: "domain '\(node.domain)' is not ai.onnx")
      }
      guard let lowering = OpRegistry.table[opName] else {
        throw .unsupported(op: opName, node: nodeName, detail: "no implementation for this op")
      }
      var inputs: [Value?] = []
      for name in node.inputs {
        if name.isEmpty {
          inputs.append(nil)
          continue
        }
        guard let value = names[name] else {
          throw .invalidNode(op: opName, node: nodeName, detail: "input '\(name)' is never produced")
        }
        inputs.append(value)
      }
      let context = NodeContext(node: node, inputs: inputs, opset: opset, builder: self)
      let results = try lowering(context)
      for (index, name) in node.outputs.enumerated() where !name.isEmpty && index < results.count {
        names[name] = results[index]
      }
    }
    var outputs: [Value] = []
    for output in graph.outputs {
      guard let value = names[output.name] else {
        throw .invalidModel(detail: "graph output '\(output.name)' is never produced")
      }
      outputs.append(value)
    }
    return (input, outputs)
  }
}
