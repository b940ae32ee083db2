import ChexImaging
import XCTest

final class ImageTests: XCTestCase {
  func testLayoutsNameTheirChannelsAsPillowDoes() {
    XCTAssertEqual(Image.Layout.allCases.map(\.channels), [1, 2, 3, 4])
    XCTAssertEqual(Image.Layout.allCases.map(\.name), ["L", "LA", "RGB", "RGBA"])
  }

  func testSamplesKeepTheirDepth() {
    let gray = Image(
      width: 3, height: 2, layout: .gray, samples: .uint8([0, 1, 2, 3, 4, 255]), maxValue: 255)
    XCTAssertEqual(gray.storageBits, 8)
    XCTAssertEqual(gray.samples.count, 6)
    let deep = Image(
      width: 1, height: 2, layout: .rgb, samples: .uint16([0, 1, 2, 32767, 5, 6]), maxValue: 32767)
    XCTAssertEqual(deep.storageBits, 16)
    XCTAssertEqual(deep.maxValue, 32767)
  }
}
