import ChexONNX
import XCTest

@testable import ChexInference

/// Issue 12, defect 3: sizes a model computes (shapes, pads, folded constants, working memory)
/// are checked against `Limits` before anything is allocated; each refusal names the op, the node,
/// the size asked for and the limit.
final class LimitsTests: XCTestCase {
  /// The error compiling `nodes` (input `x` of `inputShape`, output `y`) for `inputShape`.
  private func compileError(
    _ nodes: [ONNXNode], _ initializers: [ONNXTensor] = [], inputShape: [Int] = [1, 2, 3, 3],
    file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    let model = makeModel(nodes: nodes, initializers: initializers, inputShape: inputShape)
    do {
      try InferenceSession(model: model).prepare(inputShape: inputShape)
      XCTFail("compiled without an error", file: file, line: line)
      return ""
    } catch {
      return "\(error)"
    }
  }

  private func assertNames(
    _ message: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line
  ) {
    for part in parts {
      XCTAssertTrue(message.contains(part), "'\(part)' missing from: \(message)", file: file, line: line)
    }
  }

  func testElementCountIsOverflowChecked() {
    XCTAssertEqual(Limits.elementCount([2, 3, 4]), 24)
    XCTAssertEqual(Limits.elementCount([]), 1)
    XCTAssertEqual(Limits.elementCount([Int(Int32.max)]), Int(Int32.max))
    XCTAssertNil(Limits.elementCount([Int(Int32.max) + 1]))
    XCTAssertNil(Limits.elementCount([1 << 32, 1 << 32]))
    XCTAssertNil(Limits.elementCount([-1, 4]))
    XCTAssertEqual(Limits.elementCount([1 << 32, 0]), 0)
    XCTAssertEqual(Limits.describeCount([1 << 32, 1 << 32]), "more than 2^63")
  }

  /// 10^12 elements folded at compile time: refused against the constant limit, not allocated.
  func testConstantOfShapeOfATrillionElements() {
    let message = compileError(
      [
        ONNXNode(opType: "ConstantOfShape", name: "fill", inputs: ["shape"], outputs: ["c"]),
        ONNXNode(opType: "Add", name: "add", inputs: ["x", "c"], outputs: ["y"]),
      ], [intTensor("shape", [1_000_000, 1_000_000])])
    assertNames(
      message,
      [
        "ConstantOfShape node 'fill'", "[1000000, 1000000]", "1000000000000 elements", "268435456",
        "Limits.maxConstantElements",
      ])
  }

  func testPadOfTwoToTheSixtyTwoOverflowsNothing() {
    let message = compileError(
      [ONNXNode(opType: "Pad", name: "pad", inputs: ["x", "pads"], outputs: ["y"])],
      [intTensor("pads", [0, 0, 0, 1 << 62, 0, 0, 0, 1 << 62])])
    assertNames(message, ["Pad node 'pad'", "padded axis 3", "4611686018427387904", "2147483647"])
  }

  func testPadOfAHundredThousandPerSideExceedsTheTensorLimit() {
    let message = compileError(
      [ONNXNode(opType: "Pad", name: "pad", inputs: ["x", "pads"], outputs: ["y"])],
      [intTensor("pads", [0, 0, 100_000, 100_000, 0, 0, 100_000, 100_000])])
    // 1 x 2 x 200003 x 200003 = 80,002,400,018 elements.
    assertNames(message, ["Pad node 'pad'", "80002400018 elements", "Limits.maxTensorElements"])
  }

  func testConvPadsAndDilationsAreBounded() {
    let weight = floatTensor("w", [1, 2, 3, 3], .init(repeating: 1, count: 18))
    let pads = compileError(
      [
        ONNXNode(
          opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["y"],
          attributes: ["pads": .ints([1 << 62, 0, 1 << 62, 0])])
      ], [weight])
    assertNames(pads, ["Conv node 'conv'", "padded height", "2147483647"])
    let wide = compileError(
      [
        ONNXNode(
          opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["y"],
          attributes: ["pads": .ints([100_000, 100_000, 100_000, 100_000])])
      ], [weight])
    assertNames(wide, ["Conv node 'conv'", "padded input shape [2, 200003, 200003]"])
    let dilated = compileError(
      [
        ONNXNode(
          opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["y"],
          attributes: ["dilations": .ints([1 << 40, 1])])
      ], [weight])
    assertNames(dilated, ["Conv node 'conv'", "dilations", "Limits.maxTensorElements"])
  }

  func testReshapeToTwoToTheSixtyTwo() {
    let message = compileError(
      [ONNXNode(opType: "Reshape", name: "reshape", inputs: ["x", "shape"], outputs: ["y"])],
      [intTensor("shape", [1 << 62, 4, -1])])
    assertNames(message, ["Reshape node 'reshape'", "requested shape", "more than 2^63", "2147483647"])
  }

  /// A list of 100,000 axes would make a rank-100,002 tensor (and quadratic bookkeeping).
  func testUnsqueezeBeyondTheRankLimit() {
    let message = compileError(
      [ONNXNode(opType: "Unsqueeze", name: "deep", inputs: ["x", "axes"], outputs: ["y"])],
      [intTensor("axes", (0..<100_000).map { Int64($0) })], inputShape: [1, 2])
    assertNames(message, ["Unsqueeze node 'deep'", "rank 100002", "limit of 64", "Limits.maxRank"])
  }

  /// Step INT64_MIN on an axis of 4 takes one element (the start, clamped to the last index), as
  /// onnxruntime does; `-step` is never formed.
  func testSliceWithStepInt64MinTakesOneElement() throws {
    let model = makeModel(
      nodes: [
        ONNXNode(
          opType: "Slice", name: "slice", inputs: ["x", "starts", "ends", "axes", "steps"], outputs: ["y"])
      ],
      initializers: [
        intTensor("starts", [Int64.max]), intTensor("ends", [Int64.min]), intTensor("axes", [1]),
        intTensor("steps", [Int64.min]),
      ], inputShape: [1, 4])
    let output = try InferenceSession(model: model).run(Tensor(shape: [1, 4], data: [10, 11, 12, 13]))
    XCTAssertEqual(output.first, Tensor(shape: [1, 1], data: [13]))
  }

  /// [1, 65536, 1] + [65536] broadcasts to 2^32 elements.
  func testBroadcastBeyondTheTensorLimit() {
    let message = compileError(
      [ONNXNode(opType: "Add", name: "wide", inputs: ["x", "row"], outputs: ["y"])],
      [floatTensor("row", [65536], .init(repeating: 1, count: 65536))], inputShape: [1, 65536, 1])
    assertNames(message, ["Add node 'wide'", "[1, 65536, 65536]", "4294967296 elements", "2147483647"])
  }

  /// Each image's output (1 x 2^24 after padding) is within the limit; a batch of 256 images'
  /// outputs (2^32 elements) is refused before the outputs are allocated.
  func testBatchOutputIsBounded() throws {
    let model = makeModel(
      nodes: [ONNXNode(opType: "Pad", name: "pad", inputs: ["x", "pads"], outputs: ["y"])],
      initializers: [intTensor("pads", [0, 0, 0, (1 << 24) - 1])], inputShape: [1, 1])
    let session = try InferenceSession(model: model)
    XCTAssertThrowsError(try session.run(Tensor(zeros: [256, 1]))) { error in
      assertNames(
        "\(error)", ["output 'y' for 256 images needs 4294967296 elements", "Limits.maxTensorElements"])
    }
  }

  /// [1, 65536, 1] x [1, 65536] is a [1, 65536, 65536] product: 2^32 elements.
  func testMatMulBeyondTheTensorLimit() {
    let message = compileError(
      [ONNXNode(opType: "MatMul", name: "outer", inputs: ["x", "row"], outputs: ["y"])],
      [floatTensor("row", [1, 65536], .init(repeating: 1, count: 65536))], inputShape: [1, 65536, 1])
    assertNames(message, ["MatMul node 'outer'", "[1, 65536, 65536]", "4294967296 elements"])
  }

  /// Three padded tensors of 2^31 - 1 floats each are alive at once: each is within the tensor
  /// limit, the plan (about 6.4 billion floats) is not. Nothing is allocated while planning.
  func testWorkingMemoryIsBoundedByThePlan() {
    let pad = Int64(Limits.maxTensorElements - 1)
    let message = compileError(
      [
        ONNXNode(opType: "Pad", name: "p1", inputs: ["x", "pads"], outputs: ["a"]),
        ONNXNode(opType: "Pad", name: "p2", inputs: ["x", "pads"], outputs: ["b"]),
        ONNXNode(opType: "Pad", name: "p3", inputs: ["x", "pads"], outputs: ["c"]),
        ONNXNode(opType: "Add", name: "ab", inputs: ["a", "b"], outputs: ["d"]),
        ONNXNode(opType: "Add", name: "abc", inputs: ["d", "c"], outputs: ["y"]),
      ], [intTensor("pads", [0, 0, 0, pad])], inputShape: [1, 1])
    assertNames(
      message, ["Model too large", "floats of activations", "4294967296", "Limits.maxWorkingElements"])
  }
}
