/// Why an `.onnx` file could not be read. Every case names the file (the model, or the external
/// data file next to it) and says what was expected and what was found.
///
/// The loader never traps on file contents: offsets, lengths and element counts read from the
/// file are checked before use, and a failed check becomes one of these cases.
public enum ONNXError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No file exists at the path.
  case fileNotFound(file: String)
  /// The file exists but could not be read (permissions, a folder, an I/O error).
  case unreadable(file: String, reason: String)
  /// The file has zero bytes.
  case emptyFile(file: String)
  /// The bytes end in the middle of a protobuf field: the file was cut short.
  case truncated(file: String)
  /// The bytes are not a protobuf-encoded `ModelProto`.
  case notProtobuf(file: String, detail: String)
  /// The model has no `graph` field.
  case noGraph(file: String)
  /// The model imports no version of the default `ai.onnx` operator set.
  case noDefaultOpset(file: String)
  /// A tensor stores its data in an external file that does not exist or cannot be read.
  case missingExternalData(file: String, tensor: String, dataFile: String)
  /// A tensor's external data range reaches past the end of the external file.
  case externalDataTooShort(
    file: String, tensor: String, dataFile: String, offset: Int, length: Int, available: Int)
  /// A tensor's external data reference cannot be used (no `location`, a location outside the
  /// model's folder, a malformed offset or length, or no folder to resolve it against).
  case badExternalDataReference(file: String, tensor: String, detail: String)
  /// A tensor uses an element type chexstats does not handle (for example float16 or string).
  case unsupportedDataType(file: String, tensor: String, dataType: String)
  /// A tensor's declared shape and its stored data disagree, or the shape is invalid.
  case invalidTensor(file: String, tensor: String, detail: String)

  public var description: String {
    switch self {
    case .fileNotFound(let file):
      return "ONNX model '\(file)' was not found."
    case .unreadable(let file, let reason):
      return "ONNX model '\(file)' could not be read: \(reason)."
    case .emptyFile(let file):
      return "ONNX model '\(file)' is empty (0 bytes); expected a protobuf-encoded ModelProto."
    case .truncated(let file):
      return
        "ONNX model '\(file)' is truncated: the protobuf data ends in the middle of a field "
        + "(was the file copied or downloaded completely?)."
    case .notProtobuf(let file, let detail):
      return "'\(file)' is not an ONNX model: the bytes are not a protobuf ModelProto (\(detail))."
    case .noGraph(let file):
      return "ONNX model '\(file)' has no graph; expected a ModelProto with a 'graph' field."
    case .noDefaultOpset(let file):
      return
        "ONNX model '\(file)' imports no version of the default 'ai.onnx' operator set "
        + "(no opset_import with an empty or 'ai.onnx' domain)."
    case .missingExternalData(let file, let tensor, let dataFile):
      return
        "ONNX model '\(file)': tensor '\(tensor)' stores its data in '\(dataFile)', "
        + "which was not found or could not be read."
    case .externalDataTooShort(let file, let tensor, let dataFile, let offset, let length, let available):
      return
        "ONNX model '\(file)': tensor '\(tensor)' expects \(length) bytes at offset \(offset) of "
        + "'\(dataFile)', but that file has only \(available) bytes."
    case .badExternalDataReference(let file, let tensor, let detail):
      return "ONNX model '\(file)': tensor '\(tensor)' has an unusable external data reference: \(detail)."
    case .unsupportedDataType(let file, let tensor, let dataType):
      return
        "ONNX model '\(file)': tensor '\(tensor)' has element type \(dataType); chexstats reads "
        + "float, double, int8, uint8, int32, int64 and bool."
    case .invalidTensor(let file, let tensor, let detail):
      return "ONNX model '\(file)': tensor '\(tensor)' is invalid: \(detail)."
    }
  }
}
