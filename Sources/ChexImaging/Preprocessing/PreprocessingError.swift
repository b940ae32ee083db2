/// A preprocessing description that cannot be used: a `run.json`'s `preprocessing` object (or a
/// custom one built in code) with a missing key, a value out of range, or a preset whose fields
/// were changed.
///
/// Each case names the JSON key; the caller adds the file it came from.
public enum PreprocessingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A key that a custom preprocessing must state is absent.
  case missingKey(String)
  /// A key holds a value outside what chexstats accepts.
  case invalidValue(key: String, found: String, expected: String)
  /// A named preset whose key holds another value than the preset's: write `"preset": "custom"`
  /// to use other values.
  case presetMismatch(preset: String, key: String, found: String, expected: String)

  public var description: String {
    switch self {
    case .missingKey(let key):
      "preprocessing: the key '\(key)' is missing (a custom preprocessing states every field)"
    case .invalidValue(let key, let found, let expected):
      "preprocessing: '\(key)' must be \(expected), found \(found)"
    case .presetMismatch(let preset, let key, let found, let expected):
      "preprocessing: preset '\(preset)' has '\(key)' \(expected), found \(found); "
        + "write \"preset\": \"custom\" to use other values"
    }
  }
}
