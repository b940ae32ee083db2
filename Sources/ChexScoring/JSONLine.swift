import Foundation

/// JSON for the journal's header and `run.json`: keys sorted, so equal values give equal bytes.
enum JSONLine {
  struct Failure: Error {
    let reason: String
  }

  /// One line of JSON.
  static func encode<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: encoded(value, by: encoder), as: UTF8.self)
  }

  /// Indented JSON ending in a newline, for files people read.
  static func encodePretty<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    return String(decoding: encoded(value, by: encoder), as: UTF8.self) + "\n"
  }

  /// The values encoded here are structs of strings, integers, arrays and finite numbers (a
  /// preprocessing's mean and std are checked finite, times are measured), for which
  /// `JSONEncoder` cannot fail; only a non-finite number would make it throw.
  private static func encoded<Value: Encodable>(_ value: Value, by encoder: JSONEncoder) -> Data {
    do {
      return try encoder.encode(value)
    } catch {
      preconditionFailure("JSON encoding of \(Value.self) failed: \(error)")
    }
  }

  static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws(Failure) -> Value {
    try decode(type, from: Data(text.utf8))
  }

  /// Decodes `data`, wording a failure as a phrase naming the key.
  static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(Failure) -> Value {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch let error as DecodingError {
      func key(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : "key '" + path.map(\.stringValue).joined(separator: ".") + "'"
      }
      switch error {
      case .keyNotFound(let missing, let context):
        let inside = context.codingPath.isEmpty ? "" : " in \(key(context.codingPath))"
        throw Failure(reason: "key '\(missing.stringValue)' is missing\(inside)")
      case .typeMismatch(_, let context), .valueNotFound(_, let context):
        throw Failure(reason: "\(key(context.codingPath)): \(context.debugDescription)")
      case .dataCorrupted(let context):
        throw Failure(
          reason: context.codingPath.isEmpty
            ? "not valid JSON" : "\(key(context.codingPath)): \(context.debugDescription)")
      @unknown default:
        throw Failure(reason: "\(error)")
      }
    } catch {
      throw Failure(reason: "\(error)")
    }
  }
}
