import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator used to seed and split.
///
/// The output for seed 0 starts `0xE220A8397B1DCDAF`, the published reference value.
/// - Complexity: O(1) per word.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The current state; advanced by the golden-ratio increment on every draw.
  public private(set) var state: UInt64

  /// Creates a generator whose first output is the mix of `seed &+ 0x9E3779B97F4A7C15`.
  public init(seed: UInt64) { state = seed }

  /// Returns the next 64-bit word.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// The SplitMix64 finaliser: a bijection on 64-bit words with good avalanche.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The engine's seeded generator: xoshiro256** (Blackman, Vigna 2018), seeded by SplitMix64.
///
/// Every draw goes through our own code from raw 64-bit words, so a stored seed
/// replays identically on every toolchain (the standard library's
/// `random(in:)` may change its algorithm). It conforms to
/// `RandomNumberGenerator` so other modules can inject it.
/// - Complexity: O(1) per word.
public struct PRNG: RandomNumberGenerator, Sendable, Hashable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Creates a generator whose 256-bit state is four successive SplitMix64 words of `seed`.
  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  /// The seed of case `caseIndex` of a run seeded by `runSeed`.
  ///
  /// A pure function of its two arguments, so case `i` does not depend on the
  /// thread count nor on other cases: two rounds of the SplitMix64 finaliser
  /// over the run seed and the index.
  public static func caseSeed(runSeed: UInt64, caseIndex: UInt64) -> UInt64 {
    SplitMix64.mix(SplitMix64.mix(runSeed &+ 0x9E37_79B9_7F4A_7C15) ^ (caseIndex &* 0xD1B5_4A32_D192_ED03))
  }

  /// Returns the next 64-bit word (xoshiro256** reference algorithm).
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

  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject method.
  ///
  /// - Precondition: `bound > 0`; a zero bound returns 0.
  /// - Complexity: expected O(1) words (at most two in expectation).
  public mutating func nextInt(below bound: UInt64) -> UInt64 {
    if bound == 0 { return 0 }
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// A uniform integer in `range`, including ranges spanning all of `Int`.
  public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
    let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
    if width == UInt64.max { return Int(truncatingIfNeeded: next()) }
    let offset = nextInt(below: width &+ 1)
    return range.lowerBound &+ Int(truncatingIfNeeded: offset)
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal variate by the Box–Muller transform (one of the pair).
  ///
  /// Uses two `nextDouble()` draws; `log` and `cos` come from the C library.
  public mutating func nextGaussian() -> Double {
    let u1 = 1.0 - nextDouble()  // in (0, 1]
    let u2 = nextDouble()
    return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
  }
}
