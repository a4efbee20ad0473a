/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator used here to
/// expand seeds and to split one seed into independent streams.
///
/// Reference output: from state 0 the first word is 0xE220A8397B1DCDAF.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The generator's state.
  public var state: UInt64

  /// A generator whose first word is `mix(seed &+ golden)`.
  public init(seed: UInt64) { state = seed }

  /// The next 64-bit word.
  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// SplitMix64's finaliser: a bijection of 64-bit words with good avalanche.
  @inlinable public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// xoshiro256** (Blackman and Vigna 2018), seeded through SplitMix64: the
/// project's generator. Every random API of the project takes an injected
/// `RandomNumberGenerator`; this is the one to inject for reproducible runs.
///
/// Words come from our own code, so a stored seed replays on every toolchain
/// (the standard library's `random(in:)` algorithms may change).
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline var s0, s1, s2, s3: UInt64

  /// The generator for `seed`: its state is four SplitMix64 words.
  public init(seed: UInt64) {
    var expander = SplitMix64(seed: seed)
    s0 = expander.next()
    s1 = expander.next()
    s2 = expander.next()
    s3 = expander.next()
  }

  /// The generator of stream `stream` derived from `seed`: streams with
  /// different indices are independent for practical purposes, and stream i
  /// does not depend on how many other streams exist (how a case seed is
  /// split from a run seed, whatever the thread count).
  public init(seed: UInt64, stream: UInt64) {
    self.init(seed: Xoshiro256.derivedSeed(seed, stream))
  }

  /// The seed of stream `stream` of `seed`.
  @inlinable public static func derivedSeed(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
    SplitMix64.mix(SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C908) &+ stream &* 0x9E37_79B9_7F4A_7C15)
  }

  /// The next 64-bit word.
  @inlinable public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A new generator split off from this one (advances self by one word).
  public mutating func split() -> Xoshiro256 {
    Xoshiro256(seed: next())
  }
}
