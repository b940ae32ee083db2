import ChexData
import ChexFiles
import ChexInference
import ChexONNX
import Foundation

/// One model ready to score: its session, its fingerprint and the names of its outputs.
public struct ScoringModel: Sendable {
  /// The `.onnx` file as given.
  public let path: String
  /// The file's name without `.onnx`: the run folder's name when several models are scored.
  public let stem: String
  /// SHA-256 of the `.onnx` file's bytes (external weight files are not included).
  public let sha256: String
  /// Trainable parameters (initializer elements, BatchNormalization running statistics excluded).
  public let parameters: Int
  public let session: InferenceSession
  /// One name per output value of an image, in the model's order.
  public let labelNames: [String]

  public init(
    path: String, stem: String, sha256: String, parameters: Int, session: InferenceSession,
    labelNames: [String]
  ) {
    self.path = path
    self.stem = stem
    self.sha256 = sha256
    self.parameters = parameters
    self.session = session
    self.labelNames = labelNames
  }

  /// Loads `path`, creates its session and checks it on one zero image of `inputShape`
  /// (channels, height, width): the plan is compiled before any image is read, an input size the
  /// model refuses is reported at once, and the number of outputs per image is known.
  ///
  /// Output names come from `labelNames` (`--label-names`), else the model's `labels` metadata
  /// (comma-separated), else the CheXpert order when there are 14 or 5 outputs (`Observations.all`,
  /// `Observations.competition`).
  ///
  /// - Throws: `ScoringError.model` naming the file, for a model that cannot be read or run, an
  ///   output that is not one vector per image, and names that do not match the outputs.
  public static func load(
    path: String, inputShape: [Int], threads: Int, kernels: ConvolutionKernels, labelNames: [String]?
  ) throws(ScoringError) -> ScoringModel {
    // Mapped once (no copy): hashed here, then decoded.
    let bytes: Data
    do {
      bytes = try InputFile.map(path: path)
    } catch {
      throw .model(path: path, reason: "cannot be read: \(error.reason)")
    }
    let model: ONNXModel
    do {
      model = try ONNXLoader.load(data: bytes, path: path)
    } catch {
      throw .model(path: path, reason: "\(error)")
    }
    let session: InferenceSession
    do {
      session = try InferenceSession(model: model, threads: threads, kernels: kernels)
    } catch {
      throw .model(path: path, reason: "\(error)")
    }
    try checkImageSize(session.input, inputShape: inputShape, path: path)
    let outputs: [Tensor]
    do {
      outputs = try session.run(images: Tensor(zeros: [1] + inputShape))
    } catch {
      throw .model(path: path, reason: "\(error)")
    }
    guard let first = outputs.first, let batch = first.shape.first, batch == 1, first.count >= 1 else {
      throw .model(
        path: path,
        reason:
          "expected its first output to hold one vector per image ([batch, outputs]), found shape \(outputs.first?.shape ?? [])"
      )
    }
    guard first.count <= ScoringLimits.maxOutputs else {
      throw .limit(
        "model '\(path)' has \(first.count) outputs per image, more than \(ScoringLimits.maxOutputs)")
    }
    let names = try resolveNames(
      count: first.count, given: labelNames, metadata: model.metadata["labels"], path: path)
    let file = path.split(separator: "/").last.map(String.init) ?? path
    let stem = file.hasSuffix(".onnx") ? String(file.dropLast(5)) : file
    return ScoringModel(
      path: path, stem: stem, sha256: SHA256.hex(bytes),
      parameters: ModelSummary(model: model).parameterCount,
      session: session, labelNames: names)
  }

  /// Refuses, in the words of the options, a preprocessing whose tensor the model does not take:
  /// another channel count, or another size where the model fixes its height and width. (A model
  /// whose input is not an image, NCHW or NHWC behind a Transpose, is refused by the engine.)
  static func checkImageSize(_ input: ModelInput, inputShape: [Int], path: String) throws(ScoringError) {
    guard let declared = input.nchwShape, declared.count == 4, inputShape.count == 3 else { return }
    let wanted = Array(declared.dropFirst())
    let mismatch = zip(wanted, inputShape).contains { expected, made in expected.map { $0 != made } ?? false }
    guard mismatch else { return }
    func dimension(_ value: Int?) -> String { value.map(String.init) ?? "any" }
    throw .model(
      path: path,
      reason:
        "it takes images of \(wanted.map(dimension).joined(separator: " x ")) (channels x height x width, "
        + "\(input.layout?.rawValue.uppercased() ?? "") input '\(input.name)'), but the preprocessing makes "
        + "\(inputShape.map(String.init).joined(separator: " x ")); choose a preset or --size/--channels that fit"
    )
  }

  /// The names of `count` outputs: given, else from metadata, else CheXpert's when the count is
  /// 14 or 5.
  static func resolveNames(count: Int, given: [String]?, metadata: String?, path: String) throws(ScoringError)
    -> [String]
  {
    func checked(_ names: [String], source: String) throws(ScoringError) -> [String] {
      guard names.count == count else {
        throw .model(
          path: path, reason: "\(source) gives \(names.count) names but the model has \(count) outputs")
      }
      var seen = Set<String>()
      for name in names {
        guard !name.isEmpty else { throw .model(path: path, reason: "\(source) has an empty name") }
        guard seen.insert(name).inserted else {
          throw .model(path: path, reason: "\(source) names '\(name)' twice")
        }
      }
      return names
    }
    if let given { return try checked(given, source: "--label-names") }
    if let metadata {
      let names = metadata.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      return try checked(names, source: "its metadata 'labels'")
    }
    if count == Observations.all.count { return Observations.all }
    if count == Observations.competition.count { return Observations.competition }
    throw .model(
      path: path,
      reason:
        "it has \(count) outputs per image and no 'labels' metadata; name them with --label-names "
        + "(CheXpert's order is assumed only for 14 or 5 outputs)")
  }
}
