import XCTest

@testable import ChexInference

/// The compiler's passes (`GraphBuilder.passes`): the list a reader sees is the order they run in.
final class GraphBuilderPassesTests: XCTestCase {
  func testPassesInOrder() {
    XCTAssertEqual(GraphBuilder.passes(kernels: .openBLAS).map(\.name), ["fuse"])
    let native = ["fuse", "absorbPrologues", "selectKernels", "fuseMaxPools", "chooseLayouts"]
    for kernels in [ConvolutionKernels.automatic, .fast] {
      XCTAssertEqual(
        GraphBuilder.passes(kernels: kernels).map(\.name), kernels.resolved == .openBLAS ? ["fuse"] : native,
        "\(kernels)")
    }
  }
}
