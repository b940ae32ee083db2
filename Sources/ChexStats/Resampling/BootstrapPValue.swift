/// The two-sided bootstrap p-value of a paired difference, by inverting the percentile
/// interval: the smallest alpha whose (1 - alpha) percentile interval of the replicate
/// differences reaches 0, with the add-one correction of Davison and Hinkley (1997, eq. 4.11):
///
///     p = min(1, 2 (1 + min(#{d* <= 0}, #{d* >= 0})) / (B + 1))
///
/// over the B usable (non-NaN) replicate differences d*. It never reports 0: the smallest
/// value is 2 / (B + 1). `nil` when no replicate was usable.
///
/// - Complexity: O(B).
public func bootstrapPValue(differences: [Double]) -> Double? {
  var atMostZero = 0
  var atLeastZero = 0
  var used = 0
  for d in differences where !d.isNaN {
    used += 1
    if d <= 0 { atMostZero += 1 }
    if d >= 0 { atLeastZero += 1 }
  }
  guard used > 0 else { return nil }
  return min(1, 2 * Double(1 + min(atMostZero, atLeastZero)) / Double(used + 1))
}
