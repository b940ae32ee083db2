import Foundation

/// What tensor conversion needs besides the tensor: the model file (for messages), the folder of
/// external data, and the external files already read.
struct TensorContext {
  let file: String
  let directory: String?
  var externalFiles: [String: Data] = [:]

  init(file: String, directory: String?) {
    self.file = file
    self.directory = directory
  }
}

extension ONNXLoader {
  /// Converts a `TensorProto` to an `ONNXTensor`, reading its data from wherever it is stored.
  ///
  /// Validates, in order: the element type, the dimensions (non-negative, product without
  /// overflow), the data location, and that the number of stored elements equals the product of
  /// the dimensions.
  /// - Complexity: O(element count).
  static func convertTensor(
    _ proto: Onnx_TensorProto, fallbackName: String, context: inout TensorContext
  ) throws(ONNXError) -> ONNXTensor {
    let label = proto.name.isEmpty ? fallbackName : proto.name
    let file = context.file
    guard let dataType = ONNXDataType(rawValue: Int(proto.dataType)) else {
      throw .unsupportedDataType(file: file, tensor: label, dataType: dataTypeName(proto.dataType))
    }
    var count = 1
    var shape: [Int] = []
    shape.reserveCapacity(proto.dims.count)
    for dim in proto.dims {
      guard dim >= 0 else {
        throw .invalidTensor(
          file: file, tensor: label, detail: "dimension \(dim) in \(proto.dims) is negative")
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
      guard !overflow else {
        throw .invalidTensor(
          file: file, tensor: label, detail: "the element count of \(proto.dims) overflows")
      }
      count = product
      shape.append(Int(dim))
    }
    if proto.hasSegment {
      throw .invalidTensor(file: file, tensor: label, detail: "segmented tensors are not supported")
    }

    let width = elementWidth(dataType)
    let raw: Data?
    if proto.dataLocation == .external {
      raw = try externalBytes(proto, label: label, context: &context)
    } else if proto.hasRawData {
      raw = proto.rawData
    } else {
      raw = nil
    }

    var tensor = ONNXTensor(name: proto.name, dataType: dataType, shape: shape)
    if let raw {
      let (expected, overflow) = count.multipliedReportingOverflow(by: width)
      guard !overflow, raw.count == expected else {
        throw .invalidTensor(
          file: file, tensor: label,
          detail: "shape \(shape) of \(dataType) needs \(count) × \(width) bytes, found \(raw.count) bytes")
      }
      switch dataType {
      case .float:
        tensor.floats = copyRaw(raw, count: count) { Float(bitPattern: $0 as UInt32) }
      case .double:
        tensor.floats = decodeRaw(raw, count: count) { Float(Double(bitPattern: $0 as UInt64)) }
      case .int64:
        tensor.ints = copyRaw(raw, count: count) { Int64(bitPattern: $0 as UInt64) }
      case .int32:
        tensor.ints = decodeRaw(raw, count: count) { Int64(Int32(bitPattern: $0 as UInt32)) }
      case .int8:
        tensor.ints = decodeRaw(raw, count: count) { Int64(Int8(bitPattern: $0 as UInt8)) }
      case .uint8:
        tensor.ints = decodeRaw(raw, count: count) { Int64($0 as UInt8) }
      case .bool:
        tensor.ints = decodeRaw(raw, count: count) { ($0 as UInt8) == 0 ? 0 : 1 }
      }
    } else {
      let stored: Int
      switch dataType {
      case .float:
        stored = proto.floatData.count
        tensor.floats = proto.floatData
      case .double:
        stored = proto.doubleData.count
        tensor.floats = proto.doubleData.map { Float($0) }
      case .int64:
        stored = proto.int64Data.count
        tensor.ints = proto.int64Data
      case .int32, .int8, .uint8:
        stored = proto.int32Data.count
        tensor.ints = proto.int32Data.map { Int64($0) }
      case .bool:
        stored = proto.int32Data.count
        tensor.ints = proto.int32Data.map { $0 == 0 ? 0 : 1 }
      }
      guard stored == count else {
        throw .invalidTensor(
          file: file, tensor: label,
          detail: "shape \(shape) has \(count) elements but the file stores \(stored) values")
      }
    }
    return tensor
  }

  /// The bytes of a tensor stored outside the model, per the ONNX external-data convention:
  /// keys `location` (relative to the model's folder), optional `offset` and `length` (decimal).
  static func externalBytes(
    _ proto: Onnx_TensorProto, label: String, context: inout TensorContext
  ) throws(ONNXError) -> Data {
    let file = context.file
    var location: String?
    var offset = 0
    var length: Int?
    for entry in proto.externalData {
      switch entry.key {
      case "location":
        location = entry.value
      case "offset", "length":
        guard let value = Int(entry.value), value >= 0 else {
          throw .badExternalDataReference(
            file: file, tensor: label,
            detail: "'\(entry.key)' is '\(entry.value)', expected a non-negative integer")
        }
        if entry.key == "offset" { offset = value } else { length = value }
      default:
        continue
      }
    }
    guard let location, !location.isEmpty else {
      throw .badExternalDataReference(file: file, tensor: label, detail: "no 'location' key")
    }
    let components = location.split(separator: "/", omittingEmptySubsequences: false)
    if location.hasPrefix("/") || components.contains("..") {
      throw .badExternalDataReference(
        file: file, tensor: label,
        detail: "location '\(location)' is not a relative path inside the model's folder")
    }
    guard let directory = context.directory else {
      throw .badExternalDataReference(
        file: file, tensor: label,
        detail: "its data is in '\(location)' but the model was given as bytes without a folder")
    }
    let dataPath = directory == "/" ? "/" + location : directory + "/" + location
    let data: Data
    if let cached = context.externalFiles[dataPath] {
      data = cached
    } else {
      data = try readFile(dataPath) { _ throws(ONNXError) in
        throw .missingExternalData(file: file, tensor: label, dataFile: dataPath)
      }
      context.externalFiles[dataPath] = data
    }
    let available = data.count
    let wanted = length ?? max(0, available - offset)
    let (end, overflow) = offset.addingReportingOverflow(wanted)
    guard !overflow, offset <= available, end <= available else {
      throw .externalDataTooShort(
        file: file, tensor: label, dataFile: dataPath, offset: offset, length: wanted,
        available: available)
    }
    let start = data.startIndex + offset
    return data[start..<(start + wanted)]
  }

  /// Bytes per element in `raw_data`.
  static func elementWidth(_ type: ONNXDataType) -> Int {
    switch type {
    case .float, .int32: return 4
    case .double, .int64: return 8
    case .uint8, .int8, .bool: return 1
    }
  }

  /// Decodes `count` little-endian elements of type `Raw` from `data` (any alignment).
  /// Precondition: `data.count == count * MemoryLayout<Raw>.size`, checked by the caller.
  static func decodeRaw<Raw: FixedWidthInteger, Element>(
    _ data: Data, count: Int, _ convert: (Raw) -> Element
  ) -> [Element] {
    precondition(data.count == count * MemoryLayout<Raw>.size, "decodeRaw: byte count mismatch")
    return data.withUnsafeBytes { buffer in
      var result: [Element] = []
      result.reserveCapacity(count)
      let stride = MemoryLayout<Raw>.size
      for index in 0..<count {
        let bits = buffer.loadUnaligned(fromByteOffset: index * stride, as: Raw.self)
        result.append(convert(Raw(littleEndian: bits)))
      }
      return result
    }
  }

  /// `decodeRaw` for an element type stored as it is in memory (float32, int64): on a
  /// little-endian machine one copy of the bytes (ResNet50's 94 MB of weights: element by
  /// element took 15 % of its load time), elsewhere `decodeRaw`.
  /// Precondition: as `decodeRaw`, and `Element` is `Raw`'s size.
  static func copyRaw<Raw: FixedWidthInteger, Element>(
    _ data: Data, count: Int, _ convert: (Raw) -> Element
  ) -> [Element] {
    precondition(
      data.count == count * MemoryLayout<Raw>.size && MemoryLayout<Element>.size == MemoryLayout<Raw>.size,
      "copyRaw: byte count mismatch")
    #if _endian(little)
      return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
        initialized = count
      }
    #else
      return decodeRaw(data, count: count, convert)
    #endif
  }

  /// The ONNX name of a `TensorProto.DataType` value, for messages.
  static func dataTypeName(_ code: Int32) -> String {
    if let known = Onnx_TensorProto.DataType(rawValue: Int(code)) {
      return "\(known)".uppercased() + " (\(code))"
    }
    return "unknown (\(code))"
  }
}
