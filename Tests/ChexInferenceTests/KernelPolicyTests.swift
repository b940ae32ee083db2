import XCTest

@testable import ChexInference

/// The measured selection policy (`KernelPolicy`) on the layers its thresholds were measured on
/// and at their edges. The policy is plain arithmetic on the geometry, so these run on any CPU.
final class KernelPolicyTests: XCTestCase {
  /// One image's convolution, padded by `pad` on every side.
  func geometry(
    cin: Int, size: Int, cout: Int, kernel: Int, stride: Int = 1, pad: Int = 0, group: Int = 1
  ) -> ConvGeometry {
    let out = (size + 2 * pad - kernel) / stride + 1
    return ConvGeometry(
      batch: 1, inChannels: cin, height: size, width: size, outChannels: cout, kernelHeight: kernel,
      kernelWidth: kernel, strideY: stride, strideX: stride, dilationY: 1, dilationX: 1, padTop: pad,
      padLeft: pad, outHeight: out, outWidth: out, group: group)
  }

  func testWinogradWhereItAppliesOnLargeEnoughPlanes() {
    let layer = geometry(cin: 64, size: 40, cout: 64, kernel: 3, pad: 1).packed
    XCTAssertEqual(KernelPolicy.denseMethod(layer, hasPrologue: false, winogradTile: 2), .winograd2x2)
    XCTAssertEqual(KernelPolicy.denseMethod(layer, hasPrologue: false, winogradTile: 4), .winograd4x4)
    // A prologue rules Winograd out; 15x15 (225 pixels) is below the 256-pixel threshold, 16x16 not.
    XCTAssertEqual(KernelPolicy.denseMethod(layer, hasPrologue: true, winogradTile: 2), .directBroadcast)
    let small = geometry(cin: 64, size: 15, cout: 64, kernel: 3, pad: 1).packed
    XCTAssertEqual(KernelPolicy.denseMethod(small, hasPrologue: false, winogradTile: 2), .directBroadcast)
    let edge = geometry(cin: 64, size: 16, cout: 64, kernel: 3, pad: 1).packed
    XCTAssertEqual(KernelPolicy.denseMethod(edge, hasPrologue: false, winogradTile: 2), .winograd2x2)
  }

  func testPackedPanelsForFewOutputOrInputChannels() {
    // Output channels that waste the direct kernel's 32-channel tiles: fewer than 32, or 40.
    for cout in [8, 31, 40] {
      let g = geometry(cin: 64, size: 20, cout: cout, kernel: 3, pad: 1).packed
      XCTAssertTrue(KernelPolicy.wastesDirectTiles(g), "\(cout)")
      XCTAssertEqual(KernelPolicy.denseMethod(g, hasPrologue: false, winogradTile: 2), .packedPanels)
    }
    for cout in [32, 64, 96, 120] {
      let g = geometry(cin: 64, size: 20, cout: cout, kernel: 3, pad: 1).packed
      XCTAssertFalse(KernelPolicy.wastesDirectTiles(g), "\(cout)")
    }
    // 1x1 read in place: packed panels up to 128 input channels; with a prologue (a copy), below 64.
    let flat128 = geometry(cin: 128, size: 20, cout: 512, kernel: 1).packed
    let flat129 = geometry(cin: 129, size: 20, cout: 512, kernel: 1).packed
    XCTAssertEqual(KernelPolicy.denseMethod(flat128, hasPrologue: false, winogradTile: 2), .packedPanels)
    XCTAssertEqual(KernelPolicy.denseMethod(flat129, hasPrologue: false, winogradTile: 2), .directBroadcast)
    XCTAssertEqual(KernelPolicy.denseMethod(flat128, hasPrologue: true, winogradTile: 2), .directBroadcast)
    let copied = geometry(cin: 63, size: 20, cout: 64, kernel: 1, stride: 2).packed
    XCTAssertEqual(KernelPolicy.denseMethod(copied, hasPrologue: false, winogradTile: 2), .packedPanels)
    // DenseNet's BatchNormalization + ReLU + 1x1 layers keep the direct kernel.
    let dense = geometry(cin: 300, size: 15, cout: 64, kernel: 1).packed
    XCTAssertEqual(KernelPolicy.denseMethod(dense, hasPrologue: true, winogradTile: 2), .directBroadcast)
  }

  func testDepthwiseChannelsLastOnSmallPlanes() {
    // 20x20 output, 3x3 stride 1: a 22x22 padded plane (484 pixels); 40x40: 1764 pixels.
    let small = geometry(cin: 32, size: 20, cout: 32, kernel: 3, pad: 1, group: 32)
    let large = geometry(cin: 32, size: 40, cout: 32, kernel: 3, pad: 1, group: 32)
    XCTAssertEqual(KernelPolicy.depthwiseMethod(small), .channelsLast)
    XCTAssertEqual(KernelPolicy.depthwiseMethod(large), .rows)
    XCTAssertTrue(KernelPolicy.usesPackedConvolution(geometry(cin: 8, size: 8, cout: 8, kernel: 3)))
    XCTAssertFalse(KernelPolicy.usesPackedConvolution(small))
  }
}
