import Foundation
import ImageFuzzSupport

/// Fuzzes the DICOM decoder: see `checkDecoding` (ImageFuzzSupport) for what is checked.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDICOM(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Data(UnsafeBufferPointer(start: start, count: count))
  checkDecoding(bytes, path: "fuzz.dcm")
  return 0
}
