/// Corrections of p-values for multiple comparisons.
///
/// Reference: S. Holm, "A simple sequentially rejective multiple test procedure",
/// Scandinavian Journal of Statistics 6 (1979) 65-70.
public enum MultipleTesting {
  /// Holm's step-down adjusted p-values, in the order given.
  ///
  /// With the m p-values sorted ascending, p_(1) <= ... <= p_(m), the adjusted value of p_(i) is
  /// max_{j <= i} min(1, (m - j + 1) p_(j)). Rejecting where the adjusted value is <= alpha
  /// controls the family-wise error rate at alpha under any dependence. Equal to
  /// `statsmodels.stats.multitest.multipletests(method="holm")` and R's `p.adjust(method =
  /// "holm")` (note statsmodels' default method is Holm-Sidak, not Holm).
  /// - Throws: `StatisticsInputError.outOfRange` for a value outside [0, 1] or NaN.
  /// - Complexity: O(m log m).
  public static func holm(_ pValues: [Double]) throws -> [Double] {
    for (index, p) in pValues.enumerated() where !(p >= 0 && p <= 1) {
      throw StatisticsInputError.outOfRange(
        function: "MultipleTesting.holm", argument: "pValues", index: index, value: p,
        expected: "a p-value in [0, 1]")
    }
    let m = pValues.count
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
    var adjusted = [Double](repeating: 0, count: m)
    var running = 0.0
    for (rank, index) in order.enumerated() {
      running = max(running, min(1, Double(m - rank) * pValues[index]))
      adjusted[index] = running
    }
    return adjusted
  }
}
