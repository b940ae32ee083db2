import ChexInference

/// Fuzzes the `.npy` reader: any bytes decode to a tensor or throw an `InferenceError`; never a
/// trap, and never an allocation beyond what the file holds. A decoded tensor is written back
/// with `NumPy.encode` and must read back bit for bit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumPy(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  guard let tensor = try? NumPy.decode(bytes, file: "fuzz.npy") else { return 0 }
  precondition(tensor.data.count <= count / 4, "more elements than the file has bytes for")
  do {
    let again = try NumPy.decode(NumPy.encode(tensor), file: "written.npy")
    precondition(
      again.shape == tensor.shape && again.data.map(\.bitPattern) == tensor.data.map(\.bitPattern),
      "NumPy.encode round trip")
  } catch {
    preconditionFailure("NumPy.encode wrote a file that does not decode: \(error)")
  }
  return 0
}
