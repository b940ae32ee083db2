import ChexFiles
import ChexONNX
import Foundation

/// Reads and encodes NumPy `.npy` files holding float32 arrays in C order.
///
/// Format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic
/// `\x93NUMPY`, a major and minor version byte, a little-endian header length (2 bytes in
/// version 1.0, 4 bytes in 2.0 and 3.0), an ASCII Python dict with `descr`, `fortran_order`
/// and `shape`, then the raw data. Only `descr` `<f4` (little-endian float32) and
/// `fortran_order` False are accepted; anything else is an `InferenceError.npy` naming the file,
/// what was expected and what was found. The declared shape is checked against
/// `Limits.maxTensorElements` (overflow-checked) and against the bytes present before anything is
/// allocated.
public enum NumPy {
  /// Decodes the bytes of a `.npy` file; `file` names it in errors.
  /// - Complexity: O(bytes).
  public static func decode(_ bytes: [UInt8], file: String) throws(InferenceError) -> Tensor {
    let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw .npy(
        file: file, detail: "expected the magic string \\x93NUMPY at the start, found something else")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else {
        throw .npy(file: file, detail: "the file ends inside the header length")
      }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw .npy(file: file, detail: "expected format version 1, 2 or 3, found \(major).\(bytes[7])")
    }
    guard bytes.count >= headerStart + headerLength else {
      throw .npy(file: file, detail: "the header claims \(headerLength) bytes but the file ends before")
    }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = field("descr", in: header) else {
      throw .npy(file: file, detail: "the header has no 'descr' key: \(header)")
    }
    let quote = descr.first ?? "'"
    let type = String(descr.dropFirst().prefix { $0 != quote })
    guard type == "<f4" else {
      throw .npy(file: file, detail: "expected dtype '<f4' (little-endian float32), found '\(type)'")
    }
    guard let fortran = field("fortran_order", in: header), fortran.hasPrefix("False") else {
      throw .npy(file: file, detail: "expected fortran_order False (C order)")
    }
    guard let shapeText = field("shape", in: header), shapeText.hasPrefix("("),
      let close = shapeText.firstIndex(of: ")")
    else {
      throw .npy(file: file, detail: "the header has no 'shape' tuple: \(header)")
    }
    var shape: [Int] = []
    for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
      let trimmed = part.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      guard let n = Int(trimmed), n >= 0 else {
        throw .npy(file: file, detail: "shape entry '\(trimmed)' is not a non-negative integer")
      }
      shape.append(n)
    }
    let dataStart = headerStart + headerLength
    guard shape.count <= Limits.maxRank else {
      throw .npy(
        file: file,
        detail:
          "the shape has \(shape.count) dimensions, more than the limit of \(Limits.maxRank) (Limits.maxRank)"
      )
    }
    guard let count = Limits.elementCount(shape) else {
      throw .npy(
        file: file,
        detail:
          "shape \(shape) declares \(Limits.describeCount(shape)) elements, more than the limit of "
          + "\(Limits.maxTensorElements) (Limits.maxTensorElements)")
    }
    guard bytes.count - dataStart == count * 4 else {
      throw .npy(
        file: file, detail: "shape \(shape) needs \(count * 4) data bytes, found \(bytes.count - dataStart)")
    }
    var data = [Float](repeating: 0, count: count)
    for i in 0..<count {
      let o = dataStart + 4 * i
      let bits =
        UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
      data[i] = Float(bitPattern: bits)
    }
    return Tensor(shape: shape, data: data)
  }

  /// The text after `'key':` in a header dict, up to the end of the header.
  private static func field(_ key: String, in header: String) -> String? {
    for quote in ["'", "\""] {
      if let range = header.range(of: quote + key + quote + ":") {
        return header[range.upperBound...].trimmingCharacters(in: .whitespaces)
      }
    }
    return nil
  }

  /// Encodes a tensor as a version 1.0 `.npy` file (little-endian float32, C order), with the
  /// header padded so the data starts at a multiple of 64 bytes.
  public static func encode(_ tensor: Tensor) -> [UInt8] {
    let shapeText: String
    switch tensor.shape.count {
    case 0: shapeText = "()"
    case 1: shapeText = "(\(tensor.shape[0]),)"
    default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    }
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
    let length = header.utf8.count
    bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
    bytes += Array(header.utf8)
    bytes.reserveCapacity(bytes.count + 4 * tensor.count)
    for value in tensor.data {
      let bits = value.bitPattern
      bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
    }
    return bytes
  }

  /// Reads a `.npy` file: a regular file, or a stream such as a FIFO or `/dev/stdin` (see
  /// ChexFiles' `InputFile`).
  public static func read(path: String) throws(InferenceError) -> Tensor {
    let data: Data
    do {
      data = try InputFile.read(path: path)
    } catch {
      throw .npy(file: path, detail: "the file cannot be read: \(error.reason)")
    }
    return try decode([UInt8](data), file: path)
  }
}
