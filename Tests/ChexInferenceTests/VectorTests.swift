import ChexTestSupport
import Foundation
import XCTest

@testable import ChexInference

/// The polynomial exp and the vector activations against Foundation's double-precision
/// functions, lane by lane.
final class VectorTests: XCTestCase {
  func testFastExpRelativeError() {
    var worst = 0.0
    var x: Float = -87
    while x <= 88 {
      var lanes = FloatVector.zero
      for i in 0..<8 { lanes[i] = x + Float(i) * 0.0137 }
      let result = fastExp(lanes)
      for i in 0..<8 where lanes[i] <= 88 {
        let exact = Foundation.exp(Double(lanes[i]))
        worst = max(worst, abs(Double(result[i]) - exact) / exact)
      }
      x += 0.1
    }
    XCTAssertLessThan(worst, 3e-7)
    XCTAssertEqual(fastExp(FloatVector(repeating: 0))[0], 1)
  }

  func testExpClampsOutsideRange() {
    let result = fastExp(FloatVector(-1000, -88, 89, 1000, .infinity, -.infinity, 0, 1))
    XCTAssertEqual(Double(result[0]), Foundation.exp(-87.0), accuracy: 1e-44)
    XCTAssertEqual(Double(result[1]), Foundation.exp(-87.0), accuracy: 1e-44)
    XCTAssertTrue(result[3].isFinite && result[4].isFinite)
    XCTAssertEqual(Double(result[3]) / Foundation.exp(88.0), 1, accuracy: 1e-6)
    XCTAssertEqual(result[5], result[0])
  }

  func testSigmoidAndSiLUMatchDoublePrecision() {
    var generator = SeededGenerator(seed: 30)
    let values = randomFloats(1003, &generator, scale: 30) + [0, -100, 100, 1e-20]
    var sig = [Float](repeating: 0, count: values.count)
    var silu = sig
    values.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      sig.withUnsafeMutableBufferPointer {
        Activation.sigmoid.apply(base, $0.baseAddress.unsafelyUnwrapped, count: values.count)
      }
      silu.withUnsafeMutableBufferPointer {
        Activation.silu.apply(base, $0.baseAddress.unsafelyUnwrapped, count: values.count)
      }
    }
    for (i, v) in values.enumerated() {
      let s = 1 / (1 + Foundation.exp(-Double(v)))
      XCTAssertEqual(Double(sig[i]), s, accuracy: 4e-7 * s + 1e-30, "sigmoid(\(v))")
      XCTAssertEqual(
        Double(silu[i]), Double(v) * s, accuracy: 4e-7 * abs(Double(v) * s) + 1e-30, "silu(\(v))")
      XCTAssertEqual(Activation.silu(v), silu[i], "scalar and vector forms agree at \(v)")
    }
  }

  func testBiasResidualEpilogueOnTail() {
    var values: [Float] = (0..<11).map { Float($0) - 5 }
    let residual: [Float] = (0..<11).map { Float($0) * 0.5 }
    residual.withUnsafeBufferPointer { r in
      values.withUnsafeMutableBufferPointer {
        Activation.relu.applyWithBias(
          $0.baseAddress.unsafelyUnwrapped, count: 11, bias: 1, residual: r.baseAddress)
      }
    }
    XCTAssertEqual(values, (0..<11).map { max(Float($0) - 5 + 1 + Float($0) * 0.5, 0) })
  }
}
