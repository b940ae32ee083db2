import ChexImaging
import Foundation

/// Fuzzes the PNG decoder through `ImageDecoder.decode(bytes:path:limits:)`, the entry every
/// caller uses (the format is told by the first bytes, so mutated inputs may reach the other
/// decoders too): any bytes decode to an image or throw an `ImageError`; never a trap, never an
/// allocation beyond the limits. Limits of 4 million pixels keep one decoded image under 32 MB.
/// A decoded image must hold width x height x channels samples (checked by `Image.init`), none
/// above its white value, and a second decode must give the same image.
///
/// libpng checks every chunk's CRC, so almost every mutation would stop there: before decoding,
/// the CRC of each whole chunk is rewritten to match its type and data (a chunk cut by the end of
/// the input is left as it is), so that mutations reach the chunk parsers, zlib and the filters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Data(withValidCRCs(Array(UnsafeBufferPointer(start: start, count: count))))
  var limits = ImageLimits.standard
  limits.pixels = 1 << 22
  limits.fileBytes = 1 << 20
  guard let image = try? ImageDecoder.decode(bytes: bytes, path: "fuzz.png", limits: limits) else { return 0 }
  let largest: Int
  switch image.samples {
  case .uint8(let samples): largest = Int(samples.max() ?? 0)
  case .uint16(let samples): largest = Int(samples.max() ?? 0)
  }
  precondition(largest <= image.maxValue, "a sample \(largest) above white \(image.maxValue)")
  precondition(
    (try? ImageDecoder.decode(bytes: bytes, path: "again.png", limits: limits)) == image,
    "a second decode differs")
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
