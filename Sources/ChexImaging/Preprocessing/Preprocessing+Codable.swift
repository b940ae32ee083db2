import Foundation

/// The JSON form of a ``Preprocessing``, as a run's `run.json` records it under `preprocessing`
/// and `--preprocessing-from RUN/run.json` reads it back.
///
/// Encoding writes every field, with snake_case keys and string names for the choices:
///
///     {"preset":"chexpert","size":320,"resize":"short-side-crop","interpolation":"bilinear",
///      "channels":3,"intensity":"unit","mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}
///
/// `preset` is `chexpert`, `xrv` or `custom`. Decoding validates as the initializers do and
/// throws a ``PreprocessingError`` naming the key:
/// - `custom` must state every other key;
/// - a named preset may stand alone (`{"preset": "xrv"}`); any other key it states must hold the
///   preset's own value, so a record cannot say `chexpert` while describing something else.
///
/// Foundation's `JSONEncoder` orders keys by hash (differently in each process) unless told
/// `outputFormatting = .sortedKeys`: writers of `run.json` should set it, as ``canonicalJSON``
/// does.
extension Preprocessing: Codable {
  enum CodingKeys: String, CodingKey {
    case preset, size, resize, interpolation, channels, intensity, mean, std
  }

  /// The compact JSON form with sorted keys, the same bytes in every process (for logs and
  /// fingerprints): `{"channels":3,"intensity":"unit",...,"std":[0.229,0.224,0.225]}`.
  public var canonicalJSON: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain strings, integers and finite doubles cannot fail.
    guard let data = try? encoder.encode(self) else { preconditionFailure("Preprocessing.canonicalJSON") }
    return String(decoding: data, as: UTF8.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(presetName, forKey: .preset)
    try container.encode(size, forKey: .size)
    try container.encode(resize.rawValue, forKey: .resize)
    try container.encode(interpolation.rawValue, forKey: .interpolation)
    try container.encode(channels, forKey: .channels)
    try container.encode(intensity.rawValue, forKey: .intensity)
    try container.encode(mean, forKey: .mean)
    try container.encode(std, forKey: .std)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let presetName = try Self.value(String.self, .preset, in: container, expected: "a string")
    let named: Preprocessing?
    switch presetName {
    case nil: throw PreprocessingError.missingKey("preset")
    case "custom": named = nil
    case let name?:
      guard let preset = Preset(rawValue: name) else {
        throw PreprocessingError.invalidValue(
          key: "preset", found: "'\(name)'", expected: "one of 'chexpert', 'xrv', 'custom'")
      }
      named = Preprocessing(preset: preset)
    }

    let size = try Self.value(Int.self, .size, in: container, expected: "an integer")
    let resize = try Self.choice(Resize.self, .resize, in: container)
    let interpolation = try Self.choice(Interpolation.self, .interpolation, in: container)
    let channels = try Self.value(Int.self, .channels, in: container, expected: "an integer")
    let intensity = try Self.choice(Intensity.self, .intensity, in: container)
    let mean = try Self.value([Double].self, .mean, in: container, expected: "an array of numbers")
    let std = try Self.value([Double].self, .std, in: container, expected: "an array of numbers")

    if let named {
      // A preset: absent keys take the preset's value, present ones must equal it.
      func check<T: Equatable>(_ found: T?, _ expected: T, _ key: CodingKeys, _ show: (T) -> String) throws {
        if let found, found != expected {
          throw PreprocessingError.presetMismatch(
            preset: named.presetName, key: key.rawValue, found: show(found), expected: show(expected))
        }
      }
      let list = { (values: [Double]) in "[" + values.map { String($0) }.joined(separator: ", ") + "]" }
      try check(size, named.size, .size) { String($0) }
      try check(resize, named.resize, .resize) { "'\($0.rawValue)'" }
      try check(interpolation, named.interpolation, .interpolation) { "'\($0.rawValue)'" }
      try check(channels, named.channels, .channels) { String($0) }
      try check(intensity, named.intensity, .intensity) { "'\($0.rawValue)'" }
      try check(mean, named.mean, .mean, list)
      try check(std, named.std, .std, list)
      self = named
      return
    }
    guard let size else { throw PreprocessingError.missingKey("size") }
    guard let resize else { throw PreprocessingError.missingKey("resize") }
    guard let interpolation else { throw PreprocessingError.missingKey("interpolation") }
    guard let channels else { throw PreprocessingError.missingKey("channels") }
    guard let intensity else { throw PreprocessingError.missingKey("intensity") }
    guard let mean else { throw PreprocessingError.missingKey("mean") }
    guard let std else { throw PreprocessingError.missingKey("std") }
    try self.init(
      preset: nil, size: size, resize: resize, interpolation: interpolation, channels: channels,
      intensity: intensity, mean: mean, std: std)
  }

  /// The value under `key`, `nil` when absent; a value of another JSON type is an
  /// ``PreprocessingError/invalidValue(key:found:expected:)``.
  private static func value<T: Decodable>(
    _ type: T.Type, _ key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>, expected: String
  ) throws -> T? {
    guard container.contains(key) else { return nil }
    do {
      return try container.decode(T.self, forKey: key)
    } catch {
      throw PreprocessingError.invalidValue(
        key: key.rawValue, found: "another kind of value", expected: expected)
    }
  }

  /// The choice named under `key`, `nil` when absent; an unknown name is an error listing the
  /// accepted ones.
  private static func choice<T: RawRepresentable & CaseIterable>(
    _ type: T.Type, _ key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>
  ) throws -> T? where T.RawValue == String {
    let names = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    guard let name = try value(String.self, key, in: container, expected: "one of \(names)") else {
      return nil
    }
    guard let choice = T(rawValue: name) else {
      throw PreprocessingError.invalidValue(
        key: key.rawValue, found: "'\(name)'", expected: "one of \(names)")
    }
    return choice
  }
}
