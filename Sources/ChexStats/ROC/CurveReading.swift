/// Reading the empirical ROC curve at an operating point, and the average precision, in one
/// pass over a ``RankedScores`` value.
///
/// The ROC curve is the piecewise-linear curve through the points of ``ROCCurve`` (one per
/// distinct score; a tie group is a diagonal segment). Where the curve has several values at
/// one abscissa (a vertical segment: positives tied above no negative) a reading takes its
/// **upper envelope**: the sensitivity at a false-positive rate is the largest sensitivity the
/// curve reaches there, the specificity at a sensitivity the largest specificity. That is the
/// best operating point the model offers by its choice of threshold (between two thresholds,
/// by randomising between them), the point "a radiologist below the curve" is compared with
/// (Irvin et al., "CheXpert", AAAI 2019; Rajpurkar et al., "Deep learning for chest radiograph
/// diagnosis", PLoS Medicine 2018).
///
/// Every function takes optional multiplicities (`counts[study]`, one bootstrap replicate);
/// `nil` counts every included study once. Positions along the curve are counts of true and
/// false positives, so a reader's point, whose rates share the curve's denominators, compares
/// exactly, without rounding.
enum CurveReading {
  /// A count computed as rate x total, moved onto the nearest whole count when within 1e-9 of
  /// it: 1 - 0.7761904761904762 times 210 negatives is 46.99999999999999, which means the
  /// curve's point at 47 false positives (and the top of any vertical segment there), not a
  /// point just before it.
  static func snap(_ count: Double) -> Double {
    let whole = count.rounded()
    return abs(count - whole) <= 1e-9 * max(1, abs(count)) ? whole : count
  }

  @inline(__always)
  static func weight(_ entry: UInt32, _ counts: UnsafeBufferPointer<UInt32>?) -> Int64 {
    guard let counts else { return 1 }
    return Int64(counts[Int(entry >> 2)])
  }

  /// The (weighted) positives and negatives of the included studies.
  /// - Complexity: O(n), O(1) without counts.
  static func totals(_ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>?) -> (
    positives: Int64, negatives: Int64
  ) {
    guard counts != nil else { return (Int64(ranked.positives), Int64(ranked.negatives)) }
    var p: Int64 = 0
    var q: Int64 = 0
    for entry in ranked.packed {
      let w = weight(entry, counts)
      if entry & 2 != 0 { p += w } else { q += w }
    }
    return (p, q)
  }

  /// Calls `body(tp, fp)` with the cumulative (weighted) true and false positives at each
  /// point of the curve after (0, 0), thresholds descending; stops when `body` returns false.
  ///
  /// Tie groups are read from the highest score down: in the ascending `packed` order a group
  /// ends where an entry carries the end-of-group bit, so walking down, a group is complete
  /// when the entry below it ends a group (or the start is reached).
  /// - Complexity: O(n).
  @inline(__always)
  static func walk(
    _ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>?,
    _ body: (_ tp: Int64, _ fp: Int64) -> Bool
  ) {
    var tp: Int64 = 0
    var fp: Int64 = 0
    ranked.packed.withUnsafeBufferPointer { packed in
      var j = packed.count - 1
      while j >= 0 {
        let entry = packed[j]
        let w = weight(entry, counts)
        if entry & 2 != 0 { tp += w } else { fp += w }
        if j == 0 || packed[j - 1] & 1 != 0 {
          if !body(tp, fp) { return }
        }
        j -= 1
      }
    }
  }

  /// The true positives of the curve's upper envelope at `target` false positives (a count,
  /// possibly fractional, in 0...negatives).
  ///
  /// The last point with at most `target` false positives is the top of any vertical segment
  /// there; beyond it the curve is linear up to the next point.
  /// - Complexity: O(n).
  static func truePositives(
    _ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>?, atFalsePositives target: Double
  ) -> Double {
    var lastTP: Int64 = 0
    var lastFP: Int64 = 0
    var result: Double?
    walk(ranked, counts: counts) { tp, fp in
      if Double(fp) > target {
        // (lastFP, lastTP) <= target < fp: on the segment between the two points.
        result =
          Double(lastFP) == target
          ? Double(lastTP)
          : Double(lastTP) + Double(tp - lastTP) * (target - Double(lastFP)) / Double(fp - lastFP)
        return false
      }
      lastTP = tp
      lastFP = fp
      return true
    }
    return result ?? Double(lastTP)
  }

  /// The false positives of the curve's upper envelope (its left-most point) at `target` true
  /// positives (a count in 0...positives).
  /// - Complexity: O(n).
  static func falsePositives(
    _ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>?, atTruePositives target: Double
  ) -> Double {
    guard target > 0 else { return 0 }
    var lastTP: Int64 = 0
    var lastFP: Int64 = 0
    var result: Double?
    walk(ranked, counts: counts) { tp, fp in
      if Double(tp) >= target {
        result =
          Double(tp) == target
          ? Double(fp)
          : Double(lastFP) + Double(fp - lastFP) * (target - Double(lastTP)) / Double(tp - lastTP)
        return false
      }
      lastTP = tp
      lastFP = fp
      return true
    }
    return result ?? Double(lastFP)
  }

  /// The average precision, AP = sum_k (R_k - R_(k-1)) P_k over the distinct thresholds from
  /// the highest down, with P_k = TP_k / (TP_k + FP_k) and R_k = TP_k / P: the step-wise area
  /// under the precision-recall curve (no interpolation), scikit-learn's
  /// `average_precision_score`. `nil` without a positive.
  /// - Complexity: O(n).
  static func averagePrecision(_ ranked: RankedScores, counts: UnsafeBufferPointer<UInt32>?)
    -> Double?
  {
    let positives = totals(ranked, counts: counts).positives
    guard positives > 0 else { return nil }
    var sum = 0.0
    var lastTP: Int64 = 0
    walk(ranked, counts: counts) { tp, fp in
      if tp > lastTP {
        sum += Double(tp - lastTP) * Double(tp) / Double(tp + fp)
        lastTP = tp
      }
      return true
    }
    return sum / Double(positives)
  }
}

extension RankedScores {
  /// The sensitivity of the ROC curve's upper envelope at false-positive rate `rate` (see
  /// ``CurveReading``); `nil` when a class is absent.
  /// - Precondition: `0 <= rate <= 1`.
  /// - Complexity: O(n).
  public func sensitivity(atFalsePositiveRate rate: Double) -> Double? {
    precondition(
      (0...1).contains(rate), "RankedScores.sensitivity(atFalsePositiveRate:): rate outside [0, 1]")
    guard isDefined else { return nil }
    let tp = CurveReading.truePositives(
      self, counts: nil, atFalsePositives: CurveReading.snap(rate * Double(negatives)))
    return tp / Double(positives)
  }

  /// The specificity of the ROC curve's upper envelope at sensitivity `sensitivity`; `nil` when
  /// a class is absent.
  /// - Precondition: `0 <= sensitivity <= 1`.
  /// - Complexity: O(n).
  public func specificity(atSensitivity sensitivity: Double) -> Double? {
    precondition(
      (0...1).contains(sensitivity), "RankedScores.specificity(atSensitivity:): value outside [0, 1]")
    guard isDefined else { return nil }
    let fp = CurveReading.falsePositives(
      self, counts: nil, atTruePositives: CurveReading.snap(sensitivity * Double(positives)))
    return 1 - fp / Double(negatives)
  }

  /// The average precision (area under the step-wise precision-recall curve), as
  /// scikit-learn's `average_precision_score`; `nil` without a positive.
  /// - Complexity: O(n).
  public var averagePrecision: Double? {
    CurveReading.averagePrecision(self, counts: nil)
  }
}
