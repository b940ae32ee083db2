import ChexInference
import Dispatch
import Synchronization

/// Scores a list of images with one or more models, as a pipeline: while the models run on one
/// batch, the next batch is decoded and preprocessed, so decoding is hidden behind inference
/// where there are cores for both.
///
/// Two stages and a queue of `depth` ready batches between them bound memory: at most
/// `depth + 2` batches of input exist at once (one being prepared, the ready ones, one being
/// scored), whatever the list's length. Each image is prepared once, whatever the number of
/// models. Batches reach `deliver` in list order on the calling thread, so a journal written
/// there is always a prefix of the list.
///
/// Results do not depend on `threads` or `batch`: the engine runs every image through the same
/// arithmetic whatever the batch (`InferenceSession`), and preparation is per image.
public struct ScoringPipeline: Sendable {
  /// What one batch produced.
  public struct Batch: Sendable {
    /// The index in the list of the batch's first image.
    public let start: Int
    /// One entry per image of the batch, in list order.
    public let outcomes: [Outcome]

    public init(start: Int, outcomes: [Outcome]) {
      self.start = start
      self.outcomes = outcomes
    }
  }

  /// One image's result.
  public enum Outcome: Sendable, Equatable {
    /// The outputs of each model for this image (`values[model][output]`).
    case scored([[Float]])
    /// The image could not be read or prepared (`skipUnreadable`); the reason, without the path.
    case failed(String)
  }

  public let models: [ScoringModel]
  /// The input of one image (channels, height, width).
  public let inputShape: [Int]
  public let batch: Int
  /// Threads preparing images; the sessions have their own.
  public let threads: Int
  public let skipUnreadable: Bool
  /// Batches prepared ahead of the one being scored.
  public let depth: Int

  public init(
    models: [ScoringModel], inputShape: [Int], batch: Int, threads: Int, skipUnreadable: Bool, depth: Int = 1
  ) {
    precondition(!models.isEmpty && batch >= 1 && threads >= 1 && depth >= 1)
    self.models = models
    self.inputShape = inputShape
    self.batch = batch
    self.threads = threads
    self.skipUnreadable = skipUnreadable
    self.depth = depth
  }

  /// Prepares one image into `input` (its `inputShape.reduce(1, *)` floats).
  public typealias Prepare =
    @Sendable (ImageList.Entry, UnsafeMutableBufferPointer<Float>) throws(ScoringError) ->
    Void

  /// Scores `entries` (indices `range` of `list`) batch by batch, handing each finished batch to
  /// `deliver` in order.
  ///
  /// - Throws: the first error: an image that cannot be prepared (without `skipUnreadable`), an
  ///   engine error, or what `deliver` throws. Batches before it have been delivered; the
  ///   preparing thread has stopped when this returns.
  public func run(
    list: ImageList, range: Range<Int>, prepare: @escaping Prepare, deliver: (Batch) throws -> Void
  ) throws {
    let queue = BatchQueue(depth: depth)
    let producer = DispatchGroup()
    let plan = self
    DispatchQueue.global().async(group: producer) {
      var start = range.lowerBound
      while start < range.upperBound, !queue.isCancelled {
        let end = min(start + plan.batch, range.upperBound)
        let prepared = plan.prepareBatch(list.entries[start..<end], start: start, prepare: prepare)
        queue.push(prepared)
        if case .failure = prepared { break }
        start = end
      }
      queue.finish()
    }
    defer {
      queue.cancel()
      producer.wait()
    }
    while let prepared = queue.pop() {
      let ready = try prepared.get()
      try deliver(try score(ready))
    }
  }

  /// A batch's input, with the images that failed left out.
  struct Prepared: Sendable {
    let start: Int
    let count: Int
    /// The images prepared, packed: `scoredIndices.count * perImage` floats.
    let input: [Float]
    /// Offsets within the batch of the images in `input`.
    let scoredIndices: [Int]
    let failures: [Int: String]
  }

  func prepareBatch(_ entries: ArraySlice<ImageList.Entry>, start: Int, prepare: Prepare) -> Result<
    Prepared, Error
  > {
    let perImage = inputShape.reduce(1, *)
    var (input, failed) = ImagePreparation.prepare(entries, perImage: perImage, threads: threads, by: prepare)
    if !skipUnreadable, let first = failed.keys.min(), let error = failed[first] { return .failure(error) }
    var failures: [Int: String] = [:]
    for (index, error) in failed {
      if case .image(_, let reason) = error { failures[index] = reason } else { failures[index] = "\(error)" }
    }
    let scoredIndices = (0..<entries.count).filter { failures[$0] == nil }
    if !failures.isEmpty {
      var packed: [Float] = []
      packed.reserveCapacity(scoredIndices.count * perImage)
      for index in scoredIndices { packed += input[(index * perImage)..<((index + 1) * perImage)] }
      input = packed
    }
    return .success(
      Prepared(
        start: start, count: entries.count, input: input, scoredIndices: scoredIndices, failures: failures))
  }

  /// Runs every model on a prepared batch.
  func score(_ prepared: Prepared) throws -> Batch {
    var values = [[[Float]]](repeating: [], count: prepared.count)
    if !prepared.scoredIndices.isEmpty {
      let tensor = Tensor(shape: [prepared.scoredIndices.count] + inputShape, data: prepared.input)
      for model in models {
        let output: Tensor
        do {
          guard let first = try model.session.run(images: tensor).first else {
            throw ScoringError.model(path: model.path, reason: "produced no output")
          }
          output = first
        } catch let error as InferenceError {
          throw ScoringError.model(path: model.path, reason: "\(error)")
        }
        let perImage = output.count / prepared.scoredIndices.count
        for (row, index) in prepared.scoredIndices.enumerated() {
          values[index].append(Array(output.data[(row * perImage)..<((row + 1) * perImage)]))
        }
      }
    }
    let outcomes = (0..<prepared.count).map { index in
      prepared.failures[index].map(Outcome.failed) ?? .scored(values[index])
    }
    return Batch(start: prepared.start, outcomes: outcomes)
  }
}

/// The bounded queue between the preparing thread and the scoring one.
private final class BatchQueue: Sendable {
  private let state = Mutex<
    (items: [Result<ScoringPipeline.Prepared, Error>], finished: Bool, cancelled: Bool)
  >(
    ([], false, false))
  /// Free places in the queue. Made at 0 and signalled `depth` times: libdispatch traps when a
  /// semaphore is freed with a value below the one it was made with, which a cancelled pipeline
  /// may leave.
  private let slots = DispatchSemaphore(value: 0)
  private let ready = DispatchSemaphore(value: 0)

  init(depth: Int) {
    for _ in 0..<depth { slots.signal() }
  }

  var isCancelled: Bool { state.withLock { $0.cancelled } }

  /// Waits for a free slot (or cancellation), then adds `item`.
  func push(_ item: Result<ScoringPipeline.Prepared, Error>) {
    slots.wait()
    state.withLock { state in
      if !state.cancelled { state.items.append(item) }
    }
    ready.signal()
  }

  /// No more items will come.
  func finish() {
    state.withLock { $0.finished = true }
    ready.signal()
  }

  /// The consumer stops: a producer waiting for a slot is let go.
  func cancel() {
    let first = state.withLock { state in
      defer { state.cancelled = true }
      return !state.cancelled
    }
    if first { slots.signal() }
  }

  /// The next item, or nil when the producer has finished and everything was taken.
  func pop() -> Result<ScoringPipeline.Prepared, Error>? {
    while true {
      ready.wait()
      let item: Result<ScoringPipeline.Prepared, Error>?? = state.withLock { state in
        if !state.items.isEmpty { return .some(state.items.removeFirst()) }
        return state.finished ? .some(nil) : nil
      }
      if let item {
        if item != nil { slots.signal() }
        return item
      }
    }
  }
}
