import ChexFiles
import XCTest

/// Digests from FIPS 180-4's examples (NIST, "SHA256.pdf" of the Cryptographic Standards and
/// Guidelines examples) and from Python 3.11's `hashlib.sha256` for the other messages.
final class SHA256Tests: XCTestCase {
  func testNISTExamples() {
    XCTAssertEqual(
      SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testEmptyMessage() {
    XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  /// 768 bytes (0...255 three times) fed in pieces that cross block boundaries in every way give
  /// hashlib's digest.
  func testPiecewiseUpdatesGiveTheSameDigest() {
    let message = (0..<768).map { UInt8($0 % 256) }
    let expected = "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363"
    XCTAssertEqual(SHA256.hex(message), expected)
    for piece in [1, 3, 55, 56, 63, 64, 65, 127, 500] {
      var hasher = SHA256()
      var start = 0
      while start < message.count {
        let end = min(start + piece, message.count)
        hasher.update(message[start..<end])
        start = end
      }
      XCTAssertEqual(hasher.finalizeHex(), expected, "pieces of \(piece) bytes")
    }
  }
}
