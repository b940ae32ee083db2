import Foundation
import ImageFuzzSupport

/// Fuzzes the JPEG decoder: see `checkDecoding` (ImageFuzzSupport) for what is checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Data(UnsafeBufferPointer(start: start, count: count))
  checkDecoding(bytes, path: "fuzz.jpg")
  return 0
}
