import ChexLinalg
import ChexONNX
import Dispatch
import Synchronization

/// Runs an ONNX image classifier on float32 batches.
///
/// At creation the session checks that every node's op is implemented (anything else is an
/// `InferenceError.unsupported` naming the op and node), that the graph has one input, and the
/// graph's structure as onnxruntime's checker does (`GraphValidation`). The
/// first `run` for an input shape compiles a plan: shape arithmetic folded for that size,
/// BatchNormalization folded into convolutions, activations and residual adds fused into
/// convolution epilogues, weights stored once per plan, activations between chexstats' own
/// convolution kernels kept channels-last where every reader takes them (`chooseLayouts`; inputs
/// and outputs stay NCHW), and a memory plan that reuses buffers.
///
/// When the batch dimension is symbolic (or 1), a batch is run image by image on a plan
/// compiled for batch 1, with `threadCount` threads taking images in turn; when there are fewer
/// images than threads, the threads share each image instead, splitting convolutions into chunks
/// fixed by the layer's shape (see `Workers`). Each image goes through exactly the same
/// arithmetic either way, so results do not depend on the thread count. OpenBLAS is set to one
/// thread, since the session does its own threading.
///
/// Working memory (the activation arena and scratch) is allocated on first use and kept for
/// later runs, so repeated runs do not pay for fresh pages.
///
/// Image layouts: `run(_:)` takes the input as the model declares it; `run(images:)` takes NCHW
/// batches whatever the model's layout (`input`): for a model whose NHWC input goes straight into
/// a `Transpose` to NCHW (TensorFlow / Keras exports), the plan binds the batch to that
/// Transpose's output and skips it, so the images are never copied into NHWC and back.
public final class InferenceSession: Sendable {
  public let model: ONNXModel
  /// The name of the graph's single runtime input.
  public let inputName: String
  public let declaredInputShape: [ONNXDimension]
  /// The input's declared shape and image layout (where the channel axis is).
  public let input: ModelInput
  public let outputNames: [String]
  public let threadCount: Int
  /// How dense convolutions are computed (see `ConvolutionKernels`).
  public let kernels: ConvolutionKernels
  private let plans = Mutex<[PlanKey: ExecutionPlan]>([:])

  /// A plan is compiled per input shape, and for NHWC models per way of feeding them.
  private struct PlanKey: Hashable {
    var shape: [Int]
    /// Whether the input is NCHW bound past the model's leading Transpose (`run(images:)`).
    var skipsTranspose: Bool
  }
  /// Working memory of finished runs, taken by the next ones.
  private let workspaces = Mutex<[Workspace]>([])

  /// Checks the model and prepares a session; plans are compiled lazily per input shape.
  /// - Parameters:
  ///   - threads: worker threads across the images of a batch (1 to `Limits.maxThreads`).
  ///   - kernels: `.automatic` (chexstats' own AVX-512 convolution kernels where the CPU has
  ///     them), `.fast` (the same with Winograd F(4x4, 3x3)) or `.openBLAS` (im2col + sgemm
  ///     everywhere).
  public init(model: ONNXModel, threads: Int = 1, kernels: ConvolutionKernels = .automatic)
    throws(InferenceError)
  {
    precondition(
      (1...Limits.maxThreads).contains(threads),
      "InferenceSession.init: threads must be in 1...\(Limits.maxThreads), got \(threads)")
    let runtimeInputs = model.graph.inputs.filter { model.graph.initializers[$0.name] == nil }
    guard runtimeInputs.count == 1, let input = runtimeInputs.first else {
      throw .invalidModel(
        detail:
          "expected exactly one graph input besides the initializers, found \(runtimeInputs.map(\.name))")
    }
    guard !model.graph.outputs.isEmpty else { throw .invalidModel(detail: "the graph has no outputs") }
    if let type = input.dataType, type != .float {
      throw .invalidModel(detail: "input '\(input.name)' has element type \(type), only float is supported")
    }
    for node in model.graph.nodes where OpRegistry.table[node.opType] == nil {
      throw .unsupported(
        op: node.opType, node: node.name.isEmpty ? (node.outputs.first ?? "?") : node.name,
        detail:
          "no implementation for this op (supported: \(OpRegistry.supportedOps.joined(separator: ", ")))")
    }
    try GraphValidation.check(model.graph)
    self.model = model
    self.inputName = input.name
    self.declaredInputShape = input.shape
    self.input = ModelInput(input, in: model.graph)
    self.outputNames = model.graph.outputs.map(\.name)
    self.threadCount = threads
    self.kernels = kernels
    BLAS.setThreadCount(1)
  }

  /// True when batches are split into single images (symbolic or unit batch dimension).
  private var splitsBatch: Bool {
    switch declaredInputShape.first {
    case .symbolic?, .fixed(1)?, nil: return true
    default: return false
    }
  }

  /// The declared input shape in the order a batch comes in: as declared, or NCHW when the
  /// batch skips an NHWC model's leading Transpose.
  private func expectedShape(skipsTranspose: Bool) -> [ONNXDimension] {
    let d = declaredInputShape
    return skipsTranspose && d.count == 4 ? [d[0], d[3], d[1], d[2]] : d
  }

  /// Whether `run(images:)` skips the model's leading Transpose; throws when the input has no
  /// image layout.
  private func imagesSkipTranspose() throws(InferenceError) -> Bool {
    switch input.layout {
    case .nchw?: return false
    case .nhwc?: return true
    case nil:
      let readers = model.graph.nodes.filter { $0.inputs.contains(inputName) }.map(\.opType)
      throw .invalidModel(
        detail:
          "input '\(inputName)' with declared shape \(describe(declaredInputShape)) read by "
          + "\(readers.isEmpty ? "no node" : readers.joined(separator: ", ")) is neither NCHW nor NHWC behind a "
          + "Transpose with perm [0, 3, 1, 2], so NCHW images cannot be fed to it")
    }
  }

  /// A declared shape in words, symbolic dimensions by name (`?` when unnamed).
  private func describe(_ dimensions: [ONNXDimension]) -> String {
    "["
      + dimensions.map { dimension -> String in
        switch dimension {
        case .fixed(let n): return String(n)
        case .symbolic(let name): return name.isEmpty ? "?" : name
        }
      }.joined(separator: ", ") + "]"
  }

  /// Checks `shape` against the declared input shape (in NCHW order when the batch skips the
  /// model's leading Transpose).
  private func validate(_ shape: [Int], skipsTranspose: Bool = false) throws(InferenceError) {
    let declaredInputShape = expectedShape(skipsTranspose: skipsTranspose)
    let description = describe(declaredInputShape)
    guard declaredInputShape.isEmpty || shape.count == declaredInputShape.count else {
      throw .inputShape(name: inputName, expected: description, found: shape)
    }
    for (dimension, size) in zip(declaredInputShape, shape) {
      if case .fixed(let n) = dimension, n != size,
        !(splitsBatch && n == 1 && dimension == declaredInputShape[0])
      {
        throw .inputShape(name: inputName, expected: description, found: shape)
      }
    }
    guard shape.allSatisfy({ $0 >= 1 }) else {
      throw .inputShape(name: inputName, expected: description, found: shape)
    }
  }

  /// The plan for one input shape, compiled on first use; with `skipsTranspose` the input is
  /// bound to the output of the NHWC model's leading Transpose (`shape` is then NCHW).
  func plan(for shape: [Int], skipsTranspose: Bool = false) throws(InferenceError) -> ExecutionPlan {
    let key = PlanKey(shape: shape, skipsTranspose: skipsTranspose)
    if let plan = plans.withLock({ $0[key] }) { return plan }
    let builder = GraphBuilder(opset: model.opsetVersion)
    let lowered = try builder.lower(
      model.graph, inputName: inputName, inputShape: shape, skippingTranspose: skipsTranspose)
    var protected = Set<Int>()
    for case .runtime(let id) in lowered.outputs { protected.insert(id) }
    builder.runPasses(kernels: kernels, protecting: protected)
    let plan = ExecutionPlan(builder: builder, input: lowered.input, outputs: lowered.outputs)
    let (scratch, scratchOverflow) = plan.scratchCount.multipliedReportingOverflow(by: threadCount)
    let (working, workingOverflow) = plan.arenaCount.addingReportingOverflow(scratch)
    guard !scratchOverflow, !workingOverflow, working <= Limits.maxWorkingElements else {
      throw .limit(
        op: "", node: "",
        detail:
          "input shape \(shape) needs \(plan.arenaCount) floats of activations plus \(plan.scratchCount) of "
          + "scratch per thread for \(threadCount) threads, more than the limit of "
          + "\(Limits.maxWorkingElements) (Limits.maxWorkingElements)")
    }
    plans.withLock { $0[key] = plan }
    return plan
  }

  /// Compiles the plan `run(_:)` uses for `shape` (as declared) ahead of the first run (optional).
  public func prepare(inputShape shape: [Int]) throws(InferenceError) {
    try validate(shape)
    _ = try plan(for: splitsBatch ? [1] + shape.dropFirst() : shape)
  }

  /// Compiles the plan `run(images:)` uses for NCHW batches of `shape` ahead of the first run
  /// (optional); throws as `run(images:)` does.
  public func prepare(imageShape shape: [Int]) throws(InferenceError) {
    let skips = try imagesSkipTranspose()
    try validate(shape, skipsTranspose: skips)
    _ = try plan(for: splitsBatch ? [1] + shape.dropFirst() : shape, skipsTranspose: skips)
  }

  /// The plan to run `shape` with and the number of images it is applied to.
  private func choosePlan(for shape: [Int], skipsTranspose: Bool = false) throws(InferenceError) -> (
    ExecutionPlan, Int
  ) {
    if splitsBatch, let batch = shape.first {
      let single = try plan(for: [1] + shape.dropFirst(), skipsTranspose: skipsTranspose)
      if single.outputs.allSatisfy({ $0.shape.first == 1 }) { return (single, batch) }
    }
    return (try plan(for: shape, skipsTranspose: skipsTranspose), 1)
  }

  /// Working memory left by an earlier run, or a new one.
  fileprivate func takeWorkspace() -> Workspace { workspaces.withLock { $0.popLast() } ?? Workspace() }

  /// Gives working memory back for later runs.
  fileprivate func returnWorkspace(_ workspace: Workspace) { workspaces.withLock { $0.append(workspace) } }

  /// Runs the model on `input`, shaped as the model declares its input, and returns every graph
  /// output, in graph order.
  /// - Complexity: the model's cost per image times the batch size, divided by the threads.
  public func run(_ input: Tensor) throws(InferenceError) -> [Tensor] {
    try run(input, skipsTranspose: false)
  }

  /// Runs the model on an NCHW batch of images `[N, C, H, W]`, whatever the model's own layout
  /// (`input.layout`): an NCHW model takes it as `run(_:)` does; an NHWC model whose input goes
  /// straight into a Transpose to NCHW gets the batch bound past that Transpose (no copy, the
  /// same values as transposing the batch to NHWC and calling `run(_:)`). `C`, `H` and `W` must
  /// match the dimensions the model fixes (`input.nchwShape`).
  /// - Throws: `InferenceError.invalidModel` when the input has no image layout (see
  ///   `ModelInput`), `.inputShape` (naming the expected NCHW shape) when the batch does not fit.
  /// - Complexity: as `run(_:)`.
  public func run(images: Tensor) throws(InferenceError) -> [Tensor] {
    try run(images, skipsTranspose: try imagesSkipTranspose())
  }

  private func run(_ input: Tensor, skipsTranspose: Bool) throws(InferenceError) -> [Tensor] {
    try validate(input.shape, skipsTranspose: skipsTranspose)
    let (plan, images) = try choosePlan(for: input.shape, skipsTranspose: skipsTranspose)
    let perImageOutputs = plan.outputs.map { $0.shape.reduce(1, *) }
    for (index, count) in perImageOutputs.enumerated() {
      let (total, overflow) = count.multipliedReportingOverflow(by: images)
      guard !overflow, total <= Limits.maxTensorElements else {
        throw .limit(
          op: "", node: "",
          detail:
            "output '\(outputNames[index])' for \(images) images needs \(overflow ? "more than 2^63" : "\(total)") "
            + "elements, more than the limit of \(Limits.maxTensorElements) (Limits.maxTensorElements)")
      }
    }
    let targets = perImageOutputs.map { UnsafeMutablePointer<Float>.allocate(capacity: max($0 * images, 1)) }
    defer { targets.forEach { $0.deallocate() } }
    let perImageInput = input.count / images
    let workers = min(threadCount, images)
    let inner = max(1, threadCount / workers)
    input.data.withUnsafeBufferPointer { source in
      let shared = UnsafeShared(source: source.baseAddress, targets: targets)
      let work: @Sendable (Int) -> Void = { worker in
        let workspace = self.takeWorkspace()
        defer { self.returnWorkspace(workspace) }
        workspace.reserve(arena: plan.arenaCount, scratch: plan.scratchCount * inner, threads: inner)
        let threads = Workers(
          count: inner, scratch: workspace.scratch, scratchStride: plan.scratchCount, team: workspace.team)
        guard let source = shared.source else { return }
        for image in stride(from: worker, to: images, by: workers) {
          plan.run(
            input: source + image * perImageInput,
            outputs: zip(shared.targets, perImageOutputs).map { $0 + image * $1 }, arena: workspace.arena,
            workers: threads)
        }
      }
      if workers == 1 {
        work(0)
      } else {
        DispatchQueue.concurrentPerform(iterations: workers, execute: work)
      }
    }
    return plan.outputs.indices.map { index in
      var shape = plan.outputs[index].shape
      if images > 1 { shape[0] = images }
      let data = Array(UnsafeBufferPointer(start: targets[index], count: perImageOutputs[index] * images))
      return Tensor(shape: shape, data: data)
    }
  }
}

extension InferenceSession {
  /// Where a run's time goes: runs the model `runs` times on `input` and returns the mean time
  /// of every step of its plan, in execution order. The images of a batch go one after another
  /// through all `threadCount` threads, so each step's time is that of the whole team on one
  /// image at a time (summed over the batch). For finding slow layers; `run` is what to time
  /// for throughput.
  /// - Complexity: `runs` runs, plus the clock read twice per step.
  public func profile(_ input: Tensor, runs: Int = 10) throws(InferenceError) -> [StepProfile] {
    precondition(runs >= 1, "InferenceSession.profile: runs must be at least 1, got \(runs)")
    try validate(input.shape)
    let (plan, images) = try choosePlan(for: input.shape)
    let perImageInput = input.count / images
    let targets = plan.outputs.map {
      UnsafeMutablePointer<Float>.allocate(capacity: max($0.shape.reduce(1, *), 1))
    }
    defer { targets.forEach { $0.deallocate() } }
    var nanoseconds = [UInt64](repeating: 0, count: plan.steps.count)
    let workspace = takeWorkspace()
    defer { returnWorkspace(workspace) }
    workspace.reserve(arena: plan.arenaCount, scratch: plan.scratchCount * threadCount, threads: threadCount)
    let workers = Workers(
      count: threadCount, scratch: workspace.scratch, scratchStride: plan.scratchCount, team: workspace.team)
    input.data.withUnsafeBufferPointer { source in
      nanoseconds.withUnsafeMutableBufferPointer { times in
        guard let source = source.baseAddress else { return }
        for _ in 0..<runs {
          for image in 0..<images {
            plan.run(
              input: source + image * perImageInput, outputs: targets, arena: workspace.arena,
              workers: workers,
              stepNanoseconds: times.baseAddress)
          }
        }
      }
    }
    return plan.steps.enumerated().map { index, step in
      let (operation, multiplyAdds) = profileDescription(of: step.kernel)
      return StepProfile(
        index: index, operation: operation, seconds: Double(nanoseconds[index]) / 1e9 / Double(runs),
        multiplyAdds: multiplyAdds.map { $0 * images })
    }
  }
}

/// An activation arena, scratch space and helper threads owned by one run at a time; grown,
/// never shrunk.
private final class Workspace: @unchecked Sendable {
  private(set) var arena = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private(set) var scratch = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  private var arenaCapacity = 1
  private var scratchCapacity = 1

  /// Helper threads for runs that split one image across `team.count` threads.
  private(set) var team: ThreadTeam?

  deinit {
    team?.stop()
    arena.deallocate()
    scratch.deallocate()
  }

  /// Makes room for at least the given numbers of floats (contents are not kept) and keeps a
  /// team of `threads` threads when more than one is asked for.
  func reserve(arena arenaCount: Int, scratch scratchCount: Int, threads: Int) {
    if threads > 1, team?.count != threads {
      team?.stop()
      team = ThreadTeam(count: threads)
    }
    if arenaCapacity < arenaCount {
      arena.deallocate()
      arena = .allocate(capacity: arenaCount)
      arenaCapacity = arenaCount
    }
    if scratchCapacity < scratchCount {
      scratch.deallocate()
      scratch = .allocate(capacity: scratchCount)
      scratchCapacity = scratchCount
    }
  }
}

/// Pointers shared read-only (input) or by disjoint slices (outputs) across worker threads.
private struct UnsafeShared: @unchecked Sendable {
  let source: UnsafePointer<Float>?
  let targets: [UnsafeMutablePointer<Float>]
}
