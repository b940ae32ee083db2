import Foundation

/// A tiny reader of the `.npy` files the preprocessing fixtures are made of (format 1.0 to 3.0,
/// C order, little-endian `u1`, `u2`, `f4`, `f8`). ChexInference has the full reader; the imaging
/// tests do not depend on the engine, so they carry this one.
///
/// Reference: NumPy's `numpy/lib/format.py` (the NPY format description).
struct NumPyFile {
  enum Values {
    case uint8([UInt8])
    case uint16([UInt16])
    case float32([Float])
    case float64([Double])
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  let shape: [Int]
  let values: Values

  /// The values as doubles (every stored type converts exactly).
  var doubles: [Double] {
    switch values {
    case .uint8(let v): v.map { Double($0) }
    case .uint16(let v): v.map { Double($0) }
    case .float32(let v): v.map { Double($0) }
    case .float64(let v): v
    }
  }

  init(url: URL) throws {
    let bytes = [UInt8](try Data(contentsOf: url))
    let name = url.lastPathComponent
    guard bytes.count >= 10, bytes[0..<6].elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
      throw Failure(description: "\(name): not an .npy file")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else {
      guard bytes.count >= 12 else { throw Failure(description: "\(name): truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    }
    guard bytes.count >= headerStart + headerLength else {
      throw Failure(description: "\(name): truncated header")
    }
    let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    guard !header.contains("'fortran_order': True") else {
      throw Failure(description: "\(name): Fortran order is not supported")
    }
    guard let descrRange = header.range(of: "'descr': '"),
      let descrEnd = header[descrRange.upperBound...].firstIndex(of: "'"),
      let shapeStart = header.range(of: "'shape': ("),
      let shapeEnd = header[shapeStart.upperBound...].firstIndex(of: ")")
    else { throw Failure(description: "\(name): header without descr or shape: \(header)") }
    let descr = String(header[descrRange.upperBound..<descrEnd])
    shape = header[shapeStart.upperBound..<shapeEnd].split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    let count = shape.reduce(1, *)
    let payload = Array(bytes[(headerStart + headerLength)...])
    func load<T>(_ type: T.Type) throws -> [T] {
      guard payload.count == count * MemoryLayout<T>.size else {
        throw Failure(description: "\(name): \(payload.count) data bytes for \(count) values of \(descr)")
      }
      return payload.withUnsafeBytes { raw in
        (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
      }
    }
    switch descr {
    case "|u1": values = .uint8(try load(UInt8.self))
    case "<u2": values = .uint16(try load(UInt16.self))
    case "<f4": values = .float32(try load(Float.self))
    case "<f8": values = .float64(try load(Double.self))
    default: throw Failure(description: "\(name): dtype \(descr) is not supported")
    }
  }
}
