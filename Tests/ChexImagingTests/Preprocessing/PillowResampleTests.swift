import ChexTestSupport
import XCTest

@testable import ChexImaging

/// The fast resampler against a naive oracle written straight from Pillow's description
/// (whole image, tap by tap, no windows, no vector reads), on seeded random images and sizes,
/// plus the geometry rules on hand-worked sizes.
final class PillowResampleTests: XCTestCase {
  /// Pillow's bilinear weights for one output, in double precision: (first input, weights).
  static func naiveWeights(_ inSize: Int, _ outSize: Int, _ xx: Int) -> (Int, [Double]) {
    let scale = Double(inSize) / Double(outSize)
    let filterScale = scale < 1 ? 1 : scale
    let center = (Double(xx) + 0.5) * scale
    let lower = max(0, Int(center - filterScale + 0.5))
    let upper = min(inSize, Int(center + filterScale + 0.5))
    var weights = (lower..<upper).map { i in max(0, 1 - abs((Double(i) - center + 0.5) * (1 / filterScale))) }
    let total = weights.reduce(0, +)
    if total != 0 { weights = weights.map { $0 / total } }
    return (lower, weights)
  }

  /// Pillow's 8-bit bilinear resize of a whole `width x height` image, one pass after the other.
  static func naiveBilinear(_ pixels: [UInt8], width: Int, height: Int, outWidth: Int, outHeight: Int)
    -> [UInt8]
  {
    func fixed(_ w: Double) -> Int { Int(0.5 + w * 4_194_304) }
    func clip(_ sum: Int) -> UInt8 { UInt8(min(255, max(0, sum >> 22))) }
    var image = pixels
    var currentWidth = width
    if outWidth != width {
      var next = [UInt8](repeating: 0, count: outWidth * height)
      for x in 0..<outWidth {
        let (first, weights) = naiveWeights(width, outWidth, x)
        for y in 0..<height {
          var sum = 1 << 21
          for (t, w) in weights.enumerated() { sum += Int(image[y * width + first + t]) * fixed(w) }
          next[y * outWidth + x] = clip(sum)
        }
      }
      image = next
      currentWidth = outWidth
    }
    if outHeight != height {
      var next = [UInt8](repeating: 0, count: currentWidth * outHeight)
      for y in 0..<outHeight {
        let (first, weights) = naiveWeights(height, outHeight, y)
        for x in 0..<currentWidth {
          var sum = 1 << 21
          for (t, w) in weights.enumerated() { sum += Int(image[(first + t) * currentWidth + x]) * fixed(w) }
          next[y * currentWidth + x] = clip(sum)
        }
      }
      image = next
    }
    return image
  }

  /// The same in double precision without rounding.
  static func naiveDouble(_ pixels: [Double], width: Int, height: Int, outWidth: Int, outHeight: Int)
    -> [Double]
  {
    var image = pixels
    var currentWidth = width
    if outWidth != width {
      image = (0..<height).flatMap { y in
        (0..<outWidth).map { x in
          let (first, weights) = naiveWeights(width, outWidth, x)
          return weights.enumerated().reduce(0.0) { $0 + pixels[y * width + first + $1.offset] * $1.element }
        }
      }
      currentWidth = outWidth
    }
    if outHeight != height {
      let rows = image
      image = (0..<outHeight).flatMap { y in
        (0..<currentWidth).map { x in
          let (first, weights) = naiveWeights(height, outHeight, y)
          return weights.enumerated().reduce(0.0) {
            $0 + rows[(first + $1.offset) * currentWidth + x] * $1.element
          }
        }
      }
    }
    return image
  }

  /// A random window of a random resize of a random image, both routes.
  func testFastRoutesEqualTheNaiveOracle() {
    var random = SeededGenerator(seed: 13)
    for trial in 0..<60 {
      let width = Int.random(in: 1...90, using: &random)
      let height = Int.random(in: 1...90, using: &random)
      let outWidth = trial % 5 == 0 ? width : Int.random(in: 1...120, using: &random)
      let outHeight = trial % 7 == 0 ? height : Int.random(in: 1...120, using: &random)
      let wx = Int.random(in: 0..<outWidth, using: &random)
      let wy = Int.random(in: 0..<outHeight, using: &random)
      let window = PillowResample.Window(
        x: wx, y: wy, width: Int.random(in: 1...(outWidth - wx), using: &random),
        height: Int.random(in: 1...(outHeight - wy), using: &random))
      let pixels = (0..<(width * height)).map { _ in UInt8.random(in: 0...255, using: &random) }
      let deep = (0..<(width * height)).map { _ in UInt16.random(in: 0...65535, using: &random) }
      let name = "\(width)x\(height) -> \(outWidth)x\(outHeight), window \(window)"

      let whole = Self.naiveBilinear(
        pixels, width: width, height: height, outWidth: outWidth, outHeight: outHeight)
      let expected = (window.y..<window.y + window.height).flatMap { y in
        (window.x..<window.x + window.width).map { whole[y * outWidth + $0] }
      }
      let fast = pixels.withUnsafeBufferPointer {
        PillowResample.resample(
          .init(base: $0.baseAddress.unsafelyUnwrapped, width: width, height: height, rowStride: width),
          toWidth: outWidth, height: outHeight, window: window, interpolation: .bilinear)
      }
      XCTAssertEqual(fast, expected, name)

      let wholeDeep = Self.naiveDouble(
        deep.map { Double($0) }, width: width, height: height, outWidth: outWidth, outHeight: outHeight)
      let fastDeep = deep.withUnsafeBufferPointer {
        PillowResample.resampleDouble(
          .init(base: $0.baseAddress.unsafelyUnwrapped, width: width, height: height, rowStride: width),
          toWidth: outWidth, height: outHeight, window: window, interpolation: .bilinear)
      }
      var j = 0
      for y in window.y..<window.y + window.height {
        for x in window.x..<window.x + window.width {
          assertClose(fastDeep[j], wholeDeep[y * outWidth + x], relative: 1e-12, absolute: 1e-9, name)
          j += 1
        }
      }
    }
  }

  /// Wide reductions read more than 16 taps per output (several vector chunks).
  func testWideReductionsUseSeveralChunks() {
    var random = SeededGenerator(seed: 5)
    let (width, height, outWidth, outHeight) = (700, 9, 19, 4)
    let pixels = (0..<(width * height)).map { _ in UInt8.random(in: 0...255, using: &random) }
    let expected = Self.naiveBilinear(
      pixels, width: width, height: height, outWidth: outWidth, outHeight: outHeight)
    let fast = pixels.withUnsafeBufferPointer {
      PillowResample.resample(
        .init(base: $0.baseAddress.unsafelyUnwrapped, width: width, height: height, rowStride: width),
        toWidth: outWidth, height: outHeight, window: .init(x: 0, y: 0, width: outWidth, height: outHeight),
        interpolation: .bilinear)
    }
    XCTAssertEqual(fast, expected)
  }

  /// `short-side-crop` of a 20,000 x 1 image resizes it to 6,400,000 x 320 in torchvision's
  /// rule; only the 320 x 320 window is computed (weights included).
  func testAVeryLongImageOnlyComputesItsWindow() {
    let image = Image(
      width: 20_000, height: 1, layout: .gray, samples: .uint8((0..<20_000).map { UInt8($0 % 251) }),
      maxValue: 255)
    let tensor = Preprocessing.chexpert.apply(image)
    XCTAssertEqual(tensor.count, 3 * 320 * 320)
    XCTAssertTrue(tensor.allSatisfy(\.isFinite))
    let geometry = Preprocessing.chexpert.geometry(width: 20_000, height: 1)
    XCTAssertEqual([geometry.resizedWidth, geometry.resizedHeight], [6_400_000, 320])
    XCTAssertEqual(PillowResample.nearestIndices(from: 10, to: 4, outputs: 2..<4), [6, 8])
  }

  func testNearestAccumulatesThePositionAsPillowDoes() {
    XCTAssertEqual(PillowResample.nearestIndices(from: 4, to: 8), [0, 0, 1, 1, 2, 2, 3, 3])
    XCTAssertEqual(PillowResample.nearestIndices(from: 10, to: 4), [1, 3, 6, 8])
    XCTAssertEqual(PillowResample.nearestIndices(from: 5, to: 5), [0, 1, 2, 3, 4])
  }

  func testGeometryFollowsTorchvisionTorchxrayvisionAndCheXzero() throws {
    // A full-size CheXpert film: 320 x int(320 * 2828 / 2320) = 320 x 390, crop from row 35.
    let chexpert = Preprocessing.chexpert.geometry(width: 2320, height: 2828)
    XCTAssertEqual([chexpert.resizedWidth, chexpert.resizedHeight], [320, 390])
    XCTAssertEqual(chexpert.window, .init(x: 0, y: 35, width: 320, height: 320))
    // Margins of 69 and 71 rows: 34.5 -> 34 and 35.5 -> 36 (half to even).
    XCTAssertEqual(Preprocessing.chexpert.geometry(width: 300, height: 365).window.y, 34)
    XCTAssertEqual(Preprocessing.chexpert.geometry(width: 300, height: 367).window.y, 36)
    XCTAssertEqual(Preprocessing.chexpert.geometry(width: 367, height: 300).window.x, 36)
    // torchxrayvision: the square of side min(H, W) at H//2 - c//2.
    let xrv = Preprocessing.xrv.geometry(width: 1841, height: 1955)
    XCTAssertEqual(xrv.crop, .init(x: 0, y: 57, width: 1841, height: 1841))
    // Pad: the longer side stays `size` where CheXzero's float rule gives 319 (a side of 77).
    let pad = try Preprocessing(size: 320, resize: .pad, channels: 1).geometry(width: 77, height: 50)
    XCTAssertEqual([pad.resizedWidth, pad.resizedHeight, pad.placeX, pad.placeY], [320, 207, 0, 56])
  }
}
