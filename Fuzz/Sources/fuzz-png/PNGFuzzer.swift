import Foundation
import ImageFuzzSupport

/// Fuzzes the PNG decoder: see `checkDecoding` (ImageFuzzSupport) for what is checked.
///
/// libpng checks every chunk's CRC, so almost every mutation would stop there: before decoding,
/// the CRC of each whole chunk is rewritten to match its type and data (a chunk cut by the end of
/// the input is left as it is), so that mutations reach the chunk parsers, zlib and the filters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Data(withValidCRCs(Array(UnsafeBufferPointer(start: start, count: count))))
  checkDecoding(bytes, path: "fuzz.png")
  return 0
}

/// The CRC-32 of PNG (ISO 3309, polynomial EDB88320 reflected), over `bytes[range]`.
private func crc32(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes[range] {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

/// `bytes` with the CRC of every complete chunk after the signature recomputed.
private func withValidCRCs(_ input: [UInt8]) -> [UInt8] {
  var bytes = input
  var at = 8
  while at + 12 <= bytes.count {
    let length =
      Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    guard length <= bytes.count - at - 12 else { break }
    let crc = crc32(bytes, at + 4..<at + 8 + length)
    for index in 0..<4 { bytes[at + 8 + length + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
    at += 12 + length
  }
  return bytes
}
