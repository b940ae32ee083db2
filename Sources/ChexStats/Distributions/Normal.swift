import Foundation

/// The standard normal distribution N(0, 1): its distribution function, survival function and
/// quantile function.
///
/// `cdf` and `sf` follow W. J. Cody's rational Chebyshev approximations for the normal
/// integral (the algorithm behind his `ANORM` routine), evaluated directly in `x` rather than
/// through `erfc(-x / sqrt(2))`: dividing by `sqrt(2)` first would put one rounding error into
/// the argument, and in the far tail that error is multiplied by about `x^2` (a relative error
/// near 2e-13 at `x = -37`). The Gaussian factor `exp(-x^2 / 2)` is split as
/// `exp(-s^2 / 2) * exp(-(x - s)(x + s) / 2)` with `s = trunc(16 x) / 16`, so `s^2` is exact.
/// Both functions have a relative error of a few units in the last place over the whole line,
/// down to the underflow of `cdf` near `x = -37.5` (and of `sf` near `x = +37.5`).
///
/// `quantile` is M. J. Wichura's algorithm AS 241 (`PPND16`), whose rational approximations
/// have a relative error near 1e-16, followed by one Newton step on the tail probability when
/// `p` is small enough for the step to help.
///
/// References:
/// - W. J. Cody, "Rational Chebyshev approximations for the error function", Mathematics of
///   Computation 23 (1969) 631-637; coefficients of the normal-integral form as published in
///   Cody's SPECFUN package (`ANORM`, 1993).
/// - M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
///   Applied Statistics 37 (1988) 477-484.
public enum Normal {
  /// The distribution function Phi(x) = P(Z <= x) for a standard normal Z.
  ///
  /// Accurate to a few ulp relative in both tails; returns 0 below about -37.5 (underflow),
  /// 1 above about 8.3, and NaN for NaN.
  /// - Complexity: O(1).
  public static func cdf(_ x: Double) -> Double {
    NormalIntegral(x).lower
  }

  /// The survival function 1 - Phi(x) = P(Z > x), computed without the cancellation of
  /// `1 - cdf(x)`; `sf(x) == cdf(-x)` exactly.
  /// - Complexity: O(1).
  public static func sf(_ x: Double) -> Double {
    NormalIntegral(x).upper
  }

  /// The quantile function Phi^{-1}(p): the x with Phi(x) = p.
  ///
  /// `p` must lie in [0, 1]; `quantile(0) == -infinity` and `quantile(1) == +infinity`.
  /// A `p` outside [0, 1] or NaN gives NaN. For p > 1/2 the answer is `-quantile(1 - p)`
  /// evaluated with `1 - p`, which is exact in floating point for p >= 1/2, so the upper tail
  /// is limited only by the resolution of `p` itself near 1.
  /// - Complexity: O(1).
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      return q * centralRatio(0.180625 - q * q)
    }
    // Work with the smaller tail probability; for p > 1/2, 1 - p is exact.
    let tail = q < 0 ? p : 1 - p
    let r = (-log(tail)).squareRoot()
    var z = r <= 5 ? intermediateRatio(r - 1.6) : farRatio(r - 5)
    // One Newton step on the tail probability: z <- z - (Phi(-z) - tail) / phi(z), done in
    // relative form so it stays accurate when `tail` is tiny.
    let current = sf(z)
    if current > 0, current.isFinite {
      let density = exp(-0.5 * z * z) * 0.398_942_280_401_432_677_94
      if density > 0 {
        let step = (current - tail) / density
        // Only accept a small correction; AS 241 is already good to about 1e-16.
        if abs(step) < 1e-8 * Swift.max(1, z) { z += step }
      }
    }
    return q < 0 ? -z : z
  }

  // MARK: - AS 241 rational approximations

  /// |q| <= 0.425, argument r = 0.180625 - q^2.
  private static func centralRatio(_ r: Double) -> Double {
    let num =
      (((((((r * 2509.080_928_730_122_672_7 + 33430.575_583_588_128_105) * r
        + 67265.770_927_008_700_853) * r + 45921.953_931_549_871_457) * r
        + 13731.693_765_509_461_125) * r + 1971.590_950_306_551_442_7) * r
        + 133.141_667_891_784_377_45) * r + 3.387_132_872_796_366_608)
    let den =
      (((((((r * 5226.495_278_852_545_925 + 28729.085_735_721_942_674) * r
        + 39307.895_800_092_710_61) * r + 21213.794_301_586_595_867) * r
        + 5394.196_021_424_751_107_7) * r + 687.187_007_492_057_908_3) * r
        + 42.313_330_701_600_911_252) * r + 1)
    return num / den
  }

  /// 1.6 <= r <= 5 with r = sqrt(-log(tail)); argument r - 1.6.
  private static func intermediateRatio(_ r: Double) -> Double {
    let num =
      (((((((r * 7.745_450_142_783_414_076_4e-4 + 0.022_723_844_989_269_184_583_3) * r
        + 0.241_780_725_177_450_611_77) * r + 1.270_458_252_452_368_382_58) * r
        + 3.647_848_324_763_204_605_04) * r + 5.769_497_221_460_691_405_5) * r
        + 4.630_337_846_156_545_295_9) * r + 1.423_437_110_749_683_577_34)
    let den =
      (((((((r * 1.050_750_071_644_416_843_24e-9 + 5.475_938_084_995_344_946e-4) * r
        + 0.015_198_666_563_616_457_196_6) * r + 0.148_103_976_427_480_074_59) * r
        + 0.689_767_334_985_100_004_55) * r + 1.676_384_830_183_803_849_4) * r
        + 2.053_191_626_637_758_821_87) * r + 1)
    return num / den
  }

  /// r > 5 with r = sqrt(-log(tail)); argument r - 5.
  private static func farRatio(_ r: Double) -> Double {
    let num =
      (((((((r * 2.010_334_399_292_288_132_65e-7 + 2.711_555_568_743_487_578_15e-5) * r
        + 0.001_242_660_947_388_078_438_6) * r + 0.026_532_189_526_576_123_093) * r
        + 0.296_560_571_828_504_891_23) * r + 1.784_826_539_917_291_335_8) * r
        + 5.463_784_911_164_114_369_9) * r + 6.657_904_643_501_103_777_2)
    let den =
      (((((((r * 2.044_263_103_389_939_785_64e-15 + 1.421_511_758_316_445_888_7e-7) * r
        + 1.846_318_317_510_054_681_8e-5) * r + 7.868_691_311_456_132_591e-4) * r
        + 0.014_875_361_290_850_614_852_5) * r + 0.136_929_880_922_735_805_31) * r
        + 0.599_832_206_555_887_937_69) * r + 1)
    return num / den
  }
}

/// Both tails of the standard normal integral at one point, after Cody's `ANORM`.
private struct NormalIntegral {
  var lower: Double
  var upper: Double

  init(_ x: Double) {
    if x.isNaN {
      lower = .nan
      upper = .nan
      return
    }
    let y = abs(x)
    if y <= 0.662_912_607_362_388_2 {
      // Central range: Phi(x) = 1/2 + x R(x^2).
      let s = y > 1.11e-16 ? x * x : 0
      let a = Self.a
      let b = Self.b
      var num = a[4] * s
      var den = s
      for i in 0..<3 {
        num = (num + a[i]) * s
        den = (den + b[i]) * s
      }
      let t = x * (num + a[3]) / (den + b[3])
      lower = 0.5 + t
      upper = 0.5 - t
      return
    }
    let tail: Double
    if y <= 32.0.squareRoot() {
      // Phi(-y) = exp(-y^2/2) R(y).
      let c = Self.c
      let d = Self.d
      var num = c[8] * y
      var den = y
      for i in 0..<7 {
        num = (num + c[i]) * y
        den = (den + d[i]) * y
      }
      tail = Self.gaussianFactor(y) * (num + c[7]) / (den + d[7])
    } else if y < 40 {
      // Phi(-y) = exp(-y^2/2) / y * (1/sqrt(2 pi) - R(1/y^2) / y^2).
      let p = Self.p
      let q = Self.q
      let s = 1 / (y * y)
      var num = p[5] * s
      var den = s
      for i in 0..<4 {
        num = (num + p[i]) * s
        den = (den + q[i]) * s
      }
      let r = s * (num + p[4]) / (den + q[4])
      tail = Self.gaussianFactor(y) * (0.398_942_280_401_432_677_94 - r) / y
    } else {
      tail = 0
    }
    if x > 0 {
      lower = 1 - tail
      upper = tail
    } else {
      lower = tail
      upper = 1 - tail
    }
  }

  /// exp(-y^2 / 2) with y split into a 4-fractional-bit head (exactly squared) and a tail.
  private static func gaussianFactor(_ y: Double) -> Double {
    let head = (y * 16).rounded(.towardZero) / 16
    let del = (y - head) * (y + head)
    return exp(-head * head * 0.5) * exp(-del * 0.5)
  }

  private static let a: [Double] = [
    2.235_252_035_460_683_928_7, 161.028_231_068_555_878_81, 1067.689_485_460_370_958_2,
    18154.981_253_343_561_249, 0.065_682_337_918_207_449_113,
  ]
  private static let b: [Double] = [
    47.202_581_904_688_241_87, 976.098_551_737_776_693_22, 10260.932_208_618_978_205,
    45507.789_335_026_729_956,
  ]
  private static let c: [Double] = [
    0.398_941_512_088_134_667_64, 8.883_149_794_388_375_941_2, 93.506_656_132_177_855_979,
    597.270_276_394_802_262_26, 2494.537_585_290_372_671_1, 6848.190_450_536_282_332_6,
    11602.651_437_647_350_124, 9842.714_838_383_978_021_8, 1.076_557_677_372_019_231_7e-8,
  ]
  private static let d: [Double] = [
    22.266_688_044_328_115_691, 235.387_901_782_624_998_61, 1519.377_599_407_554_805,
    6485.558_298_266_760_755, 18615.571_640_885_098_091, 34900.952_721_145_977_266,
    38912.003_286_093_271_411, 19685.429_676_859_990_727,
  ]
  private static let p: [Double] = [
    0.215_898_534_057_956_99, 0.127_401_161_160_247_363_9, 0.022_235_277_870_649_807,
    0.001_421_619_193_227_893_466, 2.911_287_495_116_879_2e-5, 0.023_073_441_764_940_173_03,
  ]
  private static let q: [Double] = [
    1.284_260_096_144_911_21, 0.468_238_212_480_865_118, 0.065_988_137_868_928_551_5,
    0.003_782_396_332_027_582_44, 7.297_515_550_839_662_05e-5,
  ]
}
