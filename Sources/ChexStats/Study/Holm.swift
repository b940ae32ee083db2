/// Holm's step-down adjusted p-values, in the order given.
///
/// With the m p-values sorted ascending, p_(1) <= ... <= p_(m), the adjusted value of p_(i) is
/// min(1, max_{j <= i} (m - j + 1) p_(j)); a hypothesis is rejected at level alpha when its
/// adjusted p-value is at most alpha. Controls the family-wise error rate under any dependence.
/// Equals R's `p.adjust(method = "holm")` and statsmodels' `multipletests(method = "holm")`
/// (statsmodels' default is Holm-Sidak, which is a different procedure).
///
/// Reference: S. Holm, "A simple sequentially rejective multiple test procedure",
/// Scandinavian Journal of Statistics 6(2), 1979.
///
/// - Complexity: O(m log m).
public func holmAdjusted(_ pValues: [Double]) -> [Double] {
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
