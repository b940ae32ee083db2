import ChexImaging
import Foundation

/// What every decoder fuzz target checks, through `ImageDecoder.decode(bytes:path:limits:)`, the
/// entry every caller uses (the format is told by the first bytes, so mutated inputs may reach the
/// other decoders too): any bytes decode to an image or throw an `ImageError`; never a trap, never
/// an allocation beyond the limits. Limits of 4 million pixels keep one decoded image under 32 MB.
/// A decoded image must hold width x height x channels samples (checked by `Image.init`), none
/// above its white value, and a second decode must give the same image.
public func checkDecoding(_ bytes: Data, path: String) {
  var limits = ImageLimits.standard
  limits.pixels = 1 << 22
  limits.fileBytes = 1 << 20
  guard let image = try? ImageDecoder.decode(bytes: bytes, path: path, limits: limits) else { return }
  let largest: Int
  switch image.samples {
  case .uint8(let samples): largest = Int(samples.max() ?? 0)
  case .uint16(let samples): largest = Int(samples.max() ?? 0)
  }
  precondition(largest <= image.maxValue, "a sample \(largest) above white \(image.maxValue)")
  precondition(
    (try? ImageDecoder.decode(bytes: bytes, path: "again-" + path, limits: limits)) == image,
    "a second decode differs")
}
