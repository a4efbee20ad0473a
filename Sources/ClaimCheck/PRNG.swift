import Randomness

/// The engine's seeded generator: the project's xoshiro256** (module
/// `Randomness`), seeded through SplitMix64. Every draw goes through our own
/// code from raw 64-bit words, so a stored seed replays identically on every
/// toolchain.
public typealias PRNG = Xoshiro256

extension Xoshiro256 {
  /// The seed of case `caseIndex` of a run seeded by `runSeed`: a pure
  /// function of its two arguments, so case i does not depend on the thread
  /// count nor on other cases.
  public static func caseSeed(runSeed: UInt64, caseIndex: UInt64) -> UInt64 {
    derivedSeed(runSeed, caseIndex)
  }

  /// A uniform integer in `0..<bound` (Lemire's method); 0 for a zero bound.
  public mutating func nextInt(below bound: UInt64) -> UInt64 {
    bound == 0 ? 0 : uniformInt(below: bound)
  }

  /// A uniform integer in `range`, including ranges spanning all of `Int`.
  public mutating func nextInt(in range: ClosedRange<Int>) -> Int { uniformInt(in: range) }
}
