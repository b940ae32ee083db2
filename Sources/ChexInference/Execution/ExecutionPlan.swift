import Dispatch

/// A compiled graph for one input shape: kernels in order, each input and output bound to an
/// offset in one activation arena (or in the plan's constant pool), with buffers reused.
///
/// Memory plan: every arena storage lives from the step that writes it to the last step that
/// reads it (graph outputs to the end). Elementwise steps may write over an input that dies
/// there. Storages are then packed greedily into reusable buffers in execution order: a free
/// buffer that is large enough (the smallest such) is reused, otherwise the largest free one
/// grows, otherwise a new one is opened. Buffers are laid out one after another in the arena.
/// - Complexity: building is O(steps * buffers); running is the sum of the kernels' costs.
final class ExecutionPlan: @unchecked Sendable {
  enum Location {
    case arena(Int)
    case constant(Int)
  }

  struct BoundStep {
    let kernel: any Kernel
    let inputs: [Location]
    let outputs: [Location]
  }

  let steps: [BoundStep]
  let arenaCount: Int
  let scratchCount: Int
  let inputOffset: Int
  let inputCount: Int
  let outputs: [(location: Location, shape: [Int])]
  private let constants: UnsafeMutablePointer<Float>

  deinit { constants.deallocate() }

  init(builder: GraphBuilder, input: Int, outputs outputValues: [Value]) {
    // Graph outputs that are constants become constant storages.
    let outputIDs = outputValues.map { builder.runtime($0) }
    let storages = builder.storages
    let values = builder.values
    let steps = builder.steps
    let end = steps.count

    var lastUse = [Int](repeating: -1, count: storages.count)
    for (index, step) in steps.enumerated() {
      for v in step.inputs + step.outputs {
        lastUse[values[v].storage] = max(lastUse[values[v].storage], index)
      }
    }
    for v in outputIDs { lastUse[values[v].storage] = end }
    let inputStorage = values[input].storage

    func count(_ s: Int) -> Int {
      if case .arena(let n) = storages[s] { return n }
      return 0
    }
    func isArena(_ s: Int) -> Bool {
      if case .arena = storages[s] { return true }
      return false
    }

    // Concatenations placed in place (DenseNet blocks): see `placeConcatenations`.
    let placement = Self.placeConcatenations(
      steps: steps, values: values, count: count,
      isEligible: { s in
        isArena(s) && s != inputStorage && lastUse[s] >= 0 && lastUse[s] < end
      })
    for (s, p) in placement.parent.enumerated() where p >= 0 {
      lastUse[p] = max(lastUse[p], lastUse[s])
    }
    func isPlaced(_ s: Int) -> Bool { placement.parent[s] >= 0 || placement.isRoot[s] }

    // In-place merges (never into or out of a placed concatenation).
    var representative = Array(0..<storages.count)
    for (index, step) in steps.enumerated() {
      guard let out = step.outputs.first else { continue }
      let target = values[out].storage
      if isPlaced(target) { continue }
      for k in step.inPlace {
        let source = representative[values[step.inputs[k]].storage]
        if isArena(source), !isPlaced(source), lastUse[source] == index, count(source) >= count(target),
          source != representative[target]
        {
          representative[target] = source
          lastUse[source] = lastUse[target]
          break
        }
      }
    }

    // Greedy buffer assignment.
    var capacity: [Int] = []
    var free: [Bool] = []
    var bufferOf = [Int](repeating: -1, count: storages.count)
    var dying: [Int: [Int]] = [:]
    for s in storages.indices
    where representative[s] == s && isArena(s) && lastUse[s] >= 0 && placement.parent[s] < 0 {
      dying[lastUse[s], default: []].append(s)
    }
    func allocate(_ s: Int) {
      let need = count(s)
      var best: Int?
      for b in capacity.indices where free[b] && capacity[b] >= need {
        if best.map({ capacity[b] < capacity[$0] }) ?? true { best = b }
      }
      if best == nil {
        for b in capacity.indices where free[b] {
          if best.map({ capacity[b] > capacity[$0] }) ?? true { best = b }
        }
        if let b = best { capacity[b] = need }
      }
      if let b = best {
        free[b] = false
        bufferOf[s] = b
      } else {
        capacity.append(need)
        free.append(false)
        bufferOf[s] = capacity.count - 1
      }
    }
    allocate(inputStorage)
    if lastUse[inputStorage] < 0 { lastUse[inputStorage] = 0 }
    for (index, step) in steps.enumerated() {
      for v in step.outputs {
        var s = values[v].storage
        if placement.parent[s] >= 0 { s = placement.parent[s] }
        if representative[s] == s && bufferOf[s] < 0 { allocate(s) }
      }
      for s in dying[index] ?? [] where bufferOf[s] >= 0 { free[bufferOf[s]] = true }
    }
    var bufferOffset: [Int] = []
    var total = 0
    for c in capacity {
      bufferOffset.append(total)
      total += (c + 15) / 16 * 16
    }

    // Constant pool.
    var constantOffset = [Int](repeating: -1, count: storages.count)
    var constantTotal = 0
    for (s, storage) in storages.enumerated() {
      if case .constant(let data) = storage {
        constantOffset[s] = constantTotal
        constantTotal += data.count
      }
    }
    let pool = UnsafeMutablePointer<Float>.allocate(capacity: max(constantTotal, 1))
    for (s, storage) in storages.enumerated() {
      if case .constant(let data) = storage {
        for (i, x) in data.enumerated() { pool[constantOffset[s] + i] = x }
      }
    }
    constants = pool

    func locate(_ v: Int) -> Location {
      let s = representative[values[v].storage]
      if constantOffset[s] >= 0 { return .constant(constantOffset[s]) }
      if placement.parent[s] >= 0 {
        return .arena(bufferOffset[bufferOf[placement.parent[s]]] + placement.offset[s])
      }
      return .arena(bufferOffset[bufferOf[s]])
    }
    self.steps = steps.map { step in
      BoundStep(kernel: step.kernel, inputs: step.inputs.map(locate), outputs: step.outputs.map(locate))
    }
    arenaCount = max(total, 1)
    scratchCount = max(steps.map { $0.kernel.scratchCount }.max() ?? 0, 1)
    inputOffset = bufferOffset[bufferOf[inputStorage]]
    inputCount = count(inputStorage)
    outputs = outputIDs.map { (locate($0), values[$0].shape) }
  }

  /// Where channel concatenations can be built in place, as DenseNet needs.
  ///
  /// In a DenseNet block each layer concatenates all earlier feature maps, `[x0, f1, ..., fi]`,
  /// and the next layer the same list plus one. For batch 1 (a single `outer` row) a
  /// concatenation's inputs are consecutive ranges of its output. Going backwards, the last
  /// concatenation of a chain becomes a root: each input storage is placed at its offset inside
  /// the root's storage, so its producer writes there directly. An earlier concatenation whose
  /// inputs all sit in one root at the offsets it would copy them to becomes a view of that root
  /// (offset 0). Its Concat step then finds every input already in place and copies nothing
  /// (`ConcatKernel` skips inputs whose pointer is their target). Placed storages take part in
  /// no in-place merge, and a root lives as long as any storage placed in it.
  /// - Returns: for each storage, the root it is placed in (-1 if none) and its offset, and
  ///   whether it is a root.
  /// - Complexity: O(steps + inputs of the concatenations).
  static func placeConcatenations(
    steps: [Step], values: [RuntimeValue], count: (Int) -> Int, isEligible: (Int) -> Bool
  ) -> (parent: [Int], offset: [Int], isRoot: [Bool]) {
    let storageCount = values.map(\.storage).max().map { $0 + 1 } ?? 0
    var parent = [Int](repeating: -1, count: storageCount)
    var offset = [Int](repeating: 0, count: storageCount)
    var isRoot = [Bool](repeating: false, count: storageCount)
    for step in steps.reversed() {
      guard let concat = step.kernel as? ConcatKernel, concat.outer == 1, step.outputs.count == 1 else {
        continue
      }
      let output = values[step.outputs[0]].storage
      let inputs = step.inputs.map { values[$0].storage }
      guard Set(inputs).count == inputs.count, !inputs.contains(output), isEligible(output),
        parent[output] < 0, !isRoot[output]
      else { continue }
      var offsets: [Int] = []
      var position = 0
      for (s, chunk) in zip(inputs, concat.chunks) {
        guard count(s) == chunk else { break }
        offsets.append(position)
        position += chunk
      }
      guard offsets.count == inputs.count, let first = inputs.first else { continue }
      let root = parent[first]
      if root >= 0, zip(inputs, offsets).allSatisfy({ parent[$0] == root && offset[$0] == $1 }) {
        parent[output] = root
        offset[output] = 0
      } else if inputs.allSatisfy({ parent[$0] < 0 && !isRoot[$0] && isEligible($0) }) {
        isRoot[output] = true
        for (s, o) in zip(inputs, offsets) {
          parent[s] = output
          offset[s] = o
        }
      }
    }
    return (parent, offset, isRoot)
  }

  /// Runs the plan on one input, writing each output to the matching pointer.
  /// `arena` must hold `arenaCount` floats, and `workers.scratch` `workers.count` areas of
  /// `scratchCount` floats; both belong to the calling thread for the duration of the call.
  func run(
    input: UnsafePointer<Float>, outputs targets: [UnsafeMutablePointer<Float>],
    arena: UnsafeMutablePointer<Float>, workers: Workers, stepNanoseconds: UnsafeMutablePointer<UInt64>? = nil
  ) {
    precondition(
      workers.count == 1 || workers.scratchStride >= scratchCount,
      "ExecutionPlan.run: scratch stride \(workers.scratchStride) is below \(scratchCount)")
    (arena + inputOffset).update(from: input, count: inputCount)
    let constantBase = constants
    func pointer(_ location: Location) -> UnsafeMutablePointer<Float> {
      switch location {
      case .arena(let offset): return arena + offset
      case .constant(let offset): return constantBase + offset
      }
    }
    for (index, step) in steps.enumerated() {
      let start = stepNanoseconds == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      step.kernel.run(
        KernelIO(
          inputs: step.inputs.map(pointer), outputs: step.outputs.map(pointer), scratch: workers.scratch,
          workers: workers))
      if let stepNanoseconds { stepNanoseconds[index] += DispatchTime.now().uptimeNanoseconds - start }
    }
    for (target, output) in zip(targets, outputs) {
      target.update(from: pointer(output.location), count: output.shape.reduce(1, *))
    }
  }
}
