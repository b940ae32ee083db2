/// A value and where it came from (`run.json`, or the architecture table and its column).
public struct Sourced<Value: Sendable & Equatable>: Sendable, Equatable {
  public var value: Value
  public var source: String
  public init(_ value: Value, source: String) {
    self.value = value
    self.source = source
  }
}
