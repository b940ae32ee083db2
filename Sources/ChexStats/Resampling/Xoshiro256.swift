/// The project's seeded random number generator: xoshiro256** seeded through SplitMix64.
///
/// Every random procedure in chexstats takes one of these (never the system generator), so a
/// seed printed in a report reproduces the report. Independent streams are derived from a
/// `(seed, stream)` pair, which is how the bootstrap gives replicate `b` the same draws whatever
/// thread runs it.
///
/// - xoshiro256** 1.0: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
///   generators", ACM Trans. Math. Softw. 47(4), 2021. Period 2^256 - 1.
/// - SplitMix64: G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number
///   generators", OOPSLA 2014; used here only to expand a 64-bit seed into the 256-bit state.
/// - Bounded integers: D. Lemire, "Fast random integer generation in an interval",
///   ACM Trans. Model. Comput. Simul. 29(1), 2019 (multiply-shift with rejection; unbiased).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// A generator whose state is the first four SplitMix64 outputs from `seed`.
  public init(seed: UInt64) {
    var sm = SplitMix64(state: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
    // SplitMix64 cannot emit four zeros in a row, so the state is never all zero.
  }

  /// A generator with the given raw state (not all zero); for tests against published vectors.
  init(state: (UInt64, UInt64, UInt64, UInt64)) {
    precondition(
      state != (0, 0, 0, 0), "Xoshiro256StarStar.init(state:): the state must not be all zero")
    (s0, s1, s2, s3) = state
  }

  /// A generator for stream `stream` of `seed`: the seed of the stream is the SplitMix64
  /// finaliser applied to `mix(seed) xor stream`, so nearby streams get unrelated states.
  public init(seed: UInt64, stream: UInt64) {
    self.init(seed: SplitMix64.mix(SplitMix64.mix(seed) ^ stream))
  }

  /// The next 64 random bits.

  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A uniformly distributed integer in `0..<bound` (Lemire's method, unbiased).
  ///
  /// - Precondition: `bound > 0`.

  public mutating func next(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "Xoshiro256StarStar.next(below:): bound must be positive")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64, used to seed xoshiro256** (Steele, Lea and Flood 2014).
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// The SplitMix64 output function (a bijective 64-bit finaliser).
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
