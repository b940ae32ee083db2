/// Why a correlation, regression, ANOVA or multiple-testing routine cannot use its input.
///
/// Each case reads as a sentence naming the argument, what was expected and what was found.
public enum StatisticsInputError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Two arguments that must pair up element by element have different lengths.
  case lengthMismatch(function: String, first: String, firstCount: Int, second: String, secondCount: Int)
  /// Too few observations for the statistic.
  case tooFewObservations(function: String, argument: String, required: Int, found: Int)
  /// A value is NaN or infinite.
  case nonFiniteValue(function: String, argument: String, index: Int, value: Double)
  /// A value outside its allowed range (for example a p-value outside [0, 1]).
  case outOfRange(function: String, argument: String, index: Int, value: Double, expected: String)
  /// An argument whose values are all equal, so a correlation or slope is undefined.
  case constantInput(function: String, argument: String)
  /// A design matrix without full column rank.
  case rankDeficient(function: String, columns: Int, rank: Int)
  /// An option that does not apply to this input, with the reason.
  case optionNotApplicable(function: String, option: String, reason: String)

  public var description: String {
    switch self {
    case .lengthMismatch(let function, let first, let firstCount, let second, let secondCount):
      return "\(function): '\(first)' has \(firstCount) values but '\(second)' has \(secondCount); "
        + "they must pair up one to one."
    case .tooFewObservations(let function, let argument, let required, let found):
      return "\(function): '\(argument)' needs at least \(required) observations, found \(found)."
    case .nonFiniteValue(let function, let argument, let index, let value):
      return "\(function): '\(argument)'[\(index)] is \(value); expected a finite number."
    case .outOfRange(let function, let argument, let index, let value, let expected):
      return "\(function): '\(argument)'[\(index)] is \(value); expected \(expected)."
    case .constantInput(let function, let argument):
      return "\(function): all values of '\(argument)' are equal, so the statistic is undefined."
    case .rankDeficient(let function, let columns, let rank):
      return "\(function): the design matrix has \(columns) columns but rank \(rank); "
        + "a column is a linear combination of the others."
    case .optionNotApplicable(let function, let option, let reason):
      return "\(function): \(option) cannot be used: \(reason)."
    }
  }
}

/// Validates that every value is finite, naming the first offender.
func requireFinite(_ values: [Double], function: String, argument: String) throws {
  if let index = values.firstIndex(where: { !$0.isFinite }) {
    throw StatisticsInputError.nonFiniteValue(
      function: function, argument: argument, index: index, value: values[index])
  }
}
