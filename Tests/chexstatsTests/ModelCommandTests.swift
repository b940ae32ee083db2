import ChexTestSupport
import Foundation
import XCTest

/// End-to-end `chexstats inspect` and `chexstats run` on a real exported network: torchvision's
/// DenseNet class (growth 8, blocks 2-2-2-2, 14 outputs, legacy exporter, opset 17) with its
/// input batch and onnxruntime's output, and bad model and input files. Fixtures and expected
/// values: Fixtures/models (notebooks-export/make_architecture_fixtures.py); parameters and op
/// counts come from the onnx package, FLOPs from forward hooks on the torch modules.
final class ModelCommandTests: XCTestCase {
  struct Expected: Decodable {
    let parameters_onnx: Int
    let batchnorm_statistics_onnx: Int
    let flops_torch_hooks: Int
    let flops_by_op_torch_hooks: [String: Int]
    let nodes: Int
    let op_counts: [String: Int]
    let opset: Int
    let producer: String
  }

  func fixture(_ name: String) throws -> String {
    try fixtures.path("models/" + name)
  }

  struct ExpectedFile: Decodable {
    let densenet_g8: Expected
  }

  func expected() throws -> Expected {
    let data = try Data(contentsOf: URL(fileURLWithPath: try fixture("expected_inspect.json")))
    return try JSONDecoder().decode(ExpectedFile.self, from: data).densenet_g8
  }

  // MARK: - inspect

  func testInspectTextMatchesOnnxAndTorchCounts() throws {
    let model = try fixture("densenet_g8.onnx")
    let expected = try expected()
    let result = try CLI.run(["inspect", model])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stderr, "")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "Model:      \(model)")
    XCTAssertTrue(lines.contains("Producer:   \(expected.producer)"), result.stdout)
    XCTAssertTrue(lines.contains("Opset:      17"), result.stdout)
    XCTAssertTrue(lines.contains("Inputs:     x  float  [batch, 3, 48, 48]"), result.stdout)
    XCTAssertTrue(lines.contains("Outputs:    logits  float  [batch, 14]"), result.stdout)
    // Hand-formatted from the expected numbers: 16,846 parameters, 576 statistics, 4,022,656 FLOPs.
    XCTAssertEqual(expected.parameters_onnx, 16_846)
    XCTAssertTrue(
      lines.contains(
        "Parameters: 16,846 (initializer elements, without BatchNormalization statistics)"),
      result.stdout)
    XCTAssertEqual(expected.batchnorm_statistics_onnx, 576)
    XCTAssertTrue(lines.contains { $0.hasPrefix("BN stats:   576 ") }, result.stdout)
    XCTAssertEqual(expected.flops_torch_hooks, 4_022_656)
    XCTAssertTrue(lines.contains { $0.hasPrefix("FLOPs:      4.02 MFLOP = 4,022,656 ") }, result.stdout)
    XCTAssertTrue(lines.contains { $0.hasPrefix("Nodes:      \(expected.nodes) (") }, result.stdout)
  }

  func testInspectJSONMatchesOnnxAndTorchCounts() throws {
    let expected = try expected()
    let result = try CLI.run(["inspect", "--format", "json", try fixture("densenet_g8.onnx")])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["parameters"] as? Int, expected.parameters_onnx)
    XCTAssertEqual(json["batch_norm_statistics"] as? Int, expected.batchnorm_statistics_onnx)
    XCTAssertEqual(json["nodes"] as? Int, expected.nodes)
    XCTAssertEqual(json["opset"] as? Int, expected.opset)
    XCTAssertEqual(json["op_counts"] as? [String: Int], expected.op_counts)
    let flops = try XCTUnwrap(json["flops"] as? [String: Any])
    XCTAssertEqual(flops["total"] as? Int, expected.flops_torch_hooks)
    XCTAssertEqual(flops["by_op_type"] as? [String: Int], expected.flops_by_op_torch_hooks)
    let inputs = try XCTUnwrap(json["inputs"] as? [[String: Any]])
    XCTAssertEqual(inputs.count, 1)
    XCTAssertEqual(inputs.first?["name"] as? String, "x")
    let shape = try XCTUnwrap(inputs.first?["shape"] as? [Any])
    XCTAssertEqual(shape.first as? String, "batch")
    XCTAssertEqual(shape.dropFirst().compactMap { $0 as? Int }, [3, 48, 48])
  }

  /// Inspect only reads the graph, so a valid file with an op the engine lacks still inspects.
  func testInspectListsAnUnsupportedOp() throws {
    let result = try CLI.run(["inspect", try fixture("unsupported_op.onnx")])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("Nodes:      1 (Softmax 1)"), result.stdout)
  }

  // MARK: - run

  func testRunMatchesOnnxRuntimeWithOneAndTwoThreads() throws {
    let scratch = TemporaryFolder()
    let reference = try NPY.read(try fixture("densenet_g8_ort_output.npy"))
    XCTAssertEqual(reference.shape, [2, 14])
    let scale = max(1, reference.values.map(abs).max() ?? 0)
    for threads in [1, 2] {
      let output = scratch.file("out\(threads).npy")
      let result = try CLI.run([
        "run", try fixture("densenet_g8.onnx"), "--input", try fixture("densenet_g8_input.npy"),
        "--output", output, "--threads", "\(threads)",
      ])
      XCTAssertEqual(result.status, 0, result.stderr)
      XCTAssertEqual(result.stderr, "")
      let actual = try NPY.read(output)
      XCTAssertEqual(actual.shape, reference.shape)
      XCTAssertEqual(actual.values.count, reference.values.count)
      let worst = zip(actual.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
      XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "threads \(threads)")
    }
  }

  /// Weights in `MODEL.onnx.data` beside the model (the dynamo exporter's default), the model
  /// named by a path relative to the working directory: same numbers as the self-contained file.
  func testExternalWeightsFromAnotherFolder() throws {
    let scratch = TemporaryFolder()
    let models = URL(fileURLWithPath: try fixture("densenet_g8_external.onnx")).deletingLastPathComponent()
    let folder = models.deletingLastPathComponent()
    let relative = "models/densenet_g8_external.onnx"
    let inspect = try CLI.run(["inspect", "--format", "json", relative], currentDirectory: folder)
    XCTAssertEqual(inspect.status, 0, inspect.stderr)
    let json = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["parameters"] as? Int, try expected().parameters_onnx)
    let output = scratch.file("y.npy")
    let run = try CLI.run(
      ["run", relative, "--input", try fixture("densenet_g8_input.npy"), "--output", output],
      currentDirectory: folder)
    XCTAssertEqual(run.status, 0, run.stderr)
    let reference = try NPY.read(try fixture("densenet_g8_ort_output.npy"))
    let actual = try NPY.read(output)
    XCTAssertEqual(actual.shape, reference.shape)
    let scale = max(1, reference.values.map(abs).max() ?? 0)
    let worst = zip(actual.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
    XCTAssertLessThanOrEqual(worst, 1e-4 * scale)
  }

  // MARK: - bad files: exit 1, one line on stderr naming the file and the problem

  /// Runs the command and checks the failure contract; returns the stderr line.
  @discardableResult
  func assertFailsCleanly(
    _ arguments: [String], naming file: String, mentions phrase: String,
    line: UInt = #line
  ) throws -> String {
    let result = try CLI.run(arguments)
    XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)", line: line)
    XCTAssertEqual(result.stdout, "", line: line)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.count, 2, "one line then the newline: \(result.stderr)", line: line)
    XCTAssertTrue(result.stderr.contains(file), "'\(file)' not named: \(result.stderr)", line: line)
    XCTAssertTrue(
      result.stderr.localizedCaseInsensitiveContains(phrase), "'\(phrase)' not in: \(result.stderr)",
      line: line)
    return result.stderr
  }

  /// Both commands on one bad model.
  func assertBothCommandsFail(_ model: String, mentions phrase: String, line: UInt = #line) throws {
    let scratch = TemporaryFolder()
    try assertFailsCleanly(["inspect", model], naming: model, mentions: phrase, line: line)
    try assertFailsCleanly(
      ["run", model, "--input", try fixture("densenet_g8_input.npy"), "--output", scratch.file("y.npy")],
      naming: model, mentions: phrase, line: line)
    XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("y.npy")), line: line)
  }

  func testTruncatedModel() throws {
    let scratch = TemporaryFolder()
    let whole = try Data(contentsOf: URL(fileURLWithPath: try fixture("densenet_g8.onnx")))
    let path = scratch.file("truncated.onnx")
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
    try assertBothCommandsFail(path, mentions: "truncated")
  }

  func testFileThatIsNotProtobuf() throws {
    let scratch = TemporaryFolder()
    let path = try scratch.write("notes.onnx", "task,auroc\nEdema,0.93\n")
    try assertBothCommandsFail(path, mentions: "not an ONNX model")
  }

  func testEmptyAndMissingModelFiles() throws {
    let scratch = TemporaryFolder()
    try assertBothCommandsFail(try scratch.write("empty.onnx", ""), mentions: "empty")
    try assertBothCommandsFail(scratch.file("absent.onnx"), mentions: "not found")
  }

  func testMissingExternalData() throws {
    let model = try fixture("missing_external.onnx")
    try assertBothCommandsFail(model, mentions: "absent.onnx.data")
  }

  func testUnsupportedOpFailsToRun() throws {
    let scratch = TemporaryFolder()
    let input = scratch.file("x.npy")
    try NPY.write(shape: [1, 3, 8, 8], values: [Float](repeating: 0, count: 192), to: input)
    let model = try fixture("unsupported_op.onnx")
    let message = try assertFailsCleanly(
      ["run", model, "--input", input, "--output", scratch.file("y.npy")], naming: model,
      mentions: "Softmax")
    XCTAssertTrue(message.contains("softmax_0"), "the node is named: \(message)")
  }

  func testInputOfWrongRankOrShape() throws {
    let scratch = TemporaryFolder()
    let model = try fixture("densenet_g8.onnx")
    let cases: [(name: String, shape: [Int])] = [
      ("rank3.npy", [3, 48, 48]), ("channels4.npy", [1, 4, 48, 48]), ("small.npy", [1, 3, 16, 16]),
    ]
    for (name, shape) in cases {
      let input = scratch.file(name)
      try NPY.write(shape: shape, values: [Float](repeating: 0.5, count: shape.reduce(1, *)), to: input)
      let message = try assertFailsCleanly(
        ["run", model, "--input", input, "--output", scratch.file("y.npy")], naming: input,
        mentions: "expects shape [batch, 3, 48, 48]")
      XCTAssertTrue(message.contains(model), message)
      XCTAssertTrue(message.contains("found \(shape)"), message)
    }
  }

  func testInputThatIsNotFloat32NumPy() throws {
    let scratch = TemporaryFolder()
    let model = try fixture("densenet_g8.onnx")
    let text = try scratch.write("x.npy", "0.1,0.2,0.3\n")
    try assertFailsCleanly(
      ["run", model, "--input", text, "--output", scratch.file("y.npy")], naming: text,
      mentions: "NUMPY")
    try assertFailsCleanly(
      ["run", model, "--input", scratch.file("absent.npy"), "--output", scratch.file("y.npy")],
      naming: "absent.npy", mentions: "cannot be read")
    // The reader quotes the bad header, which ends in a newline: still one line on stderr.
    let misnamed = scratch.file("misnamed.npy")
    try NPY.write(
      shape: [1, 3, 48, 48], values: [Float](repeating: 0, count: 6912), to: misnamed, typeKey: "dtype")
    try assertFailsCleanly(
      ["run", model, "--input", misnamed, "--output", scratch.file("y.npy")], naming: misnamed,
      mentions: "descr")
  }

  /// Issue 12, defect 4 end to end: a header declaring 2^62 x 4 elements (an overflowing
  /// product) with four bytes of data is one line naming the file, the shape and the limit.
  func testInputDeclaringAHugeShape() throws {
    let scratch = TemporaryFolder()
    let model = try fixture("densenet_g8.onnx")
    let huge = scratch.file("huge.npy")
    try NPY.write(shape: [1 << 62, 4], values: [0], to: huge)
    let message = try assertFailsCleanly(
      ["run", model, "--input", huge, "--output", scratch.file("y.npy")], naming: huge,
      mentions: "[4611686018427387904, 4]")
    XCTAssertTrue(message.contains("limit of 2147483647"), message)
  }

  /// Issue 12, defect 9: --threads is capped (40,000 threads took 35 s and 2.2 GB).
  func testRunThreadsAreCapped() throws {
    let scratch = TemporaryFolder()
    let result = try CLI.run([
      "run", try fixture("densenet_g8.onnx"), "--input", try fixture("densenet_g8_input.npy"), "--output",
      scratch.file("y.npy"), "--threads", "40000",
    ])
    XCTAssertEqual(result.status, 64, result.stderr)
    XCTAssertTrue(result.stderr.contains("--threads must be between 1 and 256, got 40000."), result.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("y.npy")))
  }
}

/// A minimal reader and writer of version-1 little-endian float32 `.npy` files, written from the
/// NumPy format description, so the tests check the binary's files without its own reader.
enum NPY {
  struct Batch {
    let shape: [Int]
    let values: [Float]
  }

  static func read(_ path: String) throws -> Batch {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let bytes = [UInt8](data)
    XCTAssertEqual(Array(bytes.prefix(6)), [0x93] + Array("NUMPY".utf8), path)
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    XCTAssertTrue(header.contains("'descr': '<f4'"), header)
    XCTAssertTrue(header.contains("'fortran_order': False"), header)
    let open = try XCTUnwrap(header.range(of: "'shape': ("))
    let close = try XCTUnwrap(header[open.upperBound...].firstIndex(of: ")"))
    let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    let body = bytes[(10 + headerLength)...]
    XCTAssertEqual(body.count, 4 * shape.reduce(1, *), path)
    var values: [Float] = []
    values.reserveCapacity(body.count / 4)
    var index = body.startIndex
    while index + 4 <= body.endIndex {
      let bits =
        UInt32(body[index]) | UInt32(body[index + 1]) << 8 | UInt32(body[index + 2]) << 16
        | UInt32(body[index + 3]) << 24
      values.append(Float(bitPattern: bits))
      index += 4
    }
    return Batch(shape: shape, values: values)
  }

  /// `typeKey` other than "descr" makes a malformed file (for the error tests).
  static func write(shape: [Int], values: [Float], to path: String, typeKey: String = "descr") throws {
    let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var header = "{'\(typeKey)': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8)
    for value in values {
      let bits = value.bitPattern
      bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }
}
