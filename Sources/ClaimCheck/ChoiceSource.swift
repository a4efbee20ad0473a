import Foundation

/// Why a generator stopped before producing a value.
public enum GenerationStop: Error, Sendable, Equatable {
  /// The case drew more than the source's choice limit.
  case overrun
  /// A filter or assumption rejected the case; it is discarded, not failed.
  case rejected
}

/// Where a test case's choices come from: a replayed prefix, then either fresh
/// seeded draws or, when shrinking, the simplest value of each further choice.
///
/// Every choice made is recorded in `choices`, so the case *is* its choice
/// sequence. Replayed values are coerced onto the requested kind (see
/// `ChoiceKind.coerce`), so an edited sequence always yields a valid case.
public struct ChoiceSource: Sendable {
  /// How choices past the prefix are made.
  public enum Tail: Sendable {
    /// Fresh draws from a seeded generator.
    case random(PRNG)
    /// The simplest value of each choice (used when shrinking).
    case simplest
  }

  private let prefix: [ChoiceValue]
  private var tail: Tail
  /// The choices made so far, in order.
  public private(set) var choices: [Choice] = []
  /// The largest number of choices one case may make before `overrun`.
  public let maxChoices: Int

  /// A source replaying `prefix`, then continuing with `tail`.
  public init(prefix: [ChoiceValue] = [], tail: Tail, maxChoices: Int = 10_000) {
    self.prefix = prefix
    self.tail = tail
    self.maxChoices = maxChoices
  }

  /// A fresh source drawing from `PRNG(seed: seed)`.
  public init(seed: UInt64, maxChoices: Int = 10_000) {
    self.init(tail: .random(PRNG(seed: seed)), maxChoices: maxChoices)
  }

  /// Makes one choice of `kind`; `random` draws it when past the prefix.
  ///
  /// - Throws: `GenerationStop.overrun` past `maxChoices`.
  public mutating func choose(_ kind: ChoiceKind, random: (inout PRNG) -> ChoiceValue) throws -> ChoiceValue {
    if choices.count >= maxChoices { throw GenerationStop.overrun }
    let value: ChoiceValue
    if choices.count < prefix.count {
      value = kind.coerce(prefix[choices.count])
    } else {
      switch tail {
      case .simplest: value = kind.simplest
      case .random(var rng):
        value = kind.coerce(random(&rng))
        tail = .random(rng)
      }
    }
    choices.append(Choice(kind: kind, value: value))
    return value
  }

  /// Draws an integer in `range`, shrinking toward `shrinkTowards`.
  ///
  /// Fresh draws are uniform, except one in 16 which takes an end point or the target.
  public mutating func drawInt(in range: ClosedRange<Int>, shrinkTowards: Int = 0) throws -> Int {
    let kind = ChoiceKind.integer(min: range.lowerBound, max: range.upperBound, shrinkTowards: shrinkTowards)
    let v = try choose(kind) { rng in
      if rng.nextInt(below: 16) == 0 {
        let picks = [range.lowerBound, range.upperBound, shrinkTowards]
        return .integer(picks[Int(rng.nextInt(below: 3))])
      }
      return .integer(rng.nextInt(in: range))
    }
    if case .integer(let x) = v { return x }
    return range.lowerBound
  }

  /// Draws a boolean that is `true` with probability `probability` on fresh draws.
  public mutating func drawBool(probability: Double = 0.5) throws -> Bool {
    let v = try choose(.boolean) { rng in .boolean(rng.uniformDouble() < probability) }
    if case .boolean(let b) = v { return b }
    return false
  }

  /// Draws a double in `range`; NaN and ±∞ appear only when `allowNonFinite`.
  ///
  /// Fresh draws mix uniform values, log-uniform magnitudes (for wide ranges)
  /// and "nasty" values: 0, ±1, the end points, the smallest normal magnitude.
  public mutating func drawDouble(in range: ClosedRange<Double>, allowNonFinite: Bool = false) throws -> Double {
    let kind = ChoiceKind.float(min: range.lowerBound, max: range.upperBound, allowNonFinite: allowNonFinite)
    let v = try choose(kind) { rng in .float(ChoiceSource.freshDouble(range, allowNonFinite, &rng)) }
    if case .float(let x) = v { return x }
    return range.lowerBound
  }

  static func freshDouble(_ range: ClosedRange<Double>, _ nonFinite: Bool, _ rng: inout PRNG) -> Double {
    let lo = range.lowerBound
    let hi = range.upperBound
    let r = rng.nextInt(below: 16)
    if nonFinite && r == 0 {
      return [Double.nan, .infinity, -.infinity][Int(rng.nextInt(below: 3))]
    }
    if r <= 2 {
      let nasty: [Double] = [0, 1, -1, lo, hi, 0.5, Double.leastNormalMagnitude]
      return nasty[Int(rng.nextInt(below: UInt64(nasty.count)))]
    }
    if r <= 6 && (hi - lo > 1e6 || !(hi - lo).isFinite) {
      let top = Swift.min(Swift.max(lo.magnitude, hi.magnitude), .greatestFiniteMagnitude)
      let topExponent = Foundation.log10(top)
      let exponent = -300 + rng.uniformDouble() * (topExponent + 300)
      let x = Foundation.pow(10.0, exponent)
      let signed = rng.nextInt(below: 2) == 0 ? x : -x
      return Swift.min(Swift.max(signed, lo), hi)
    }
    let u = rng.uniformDouble()
    let x = lo * (1 - u) + hi * u  // no overflow even when hi − lo is not finite
    return Swift.min(Swift.max(x, lo), hi)
  }

  /// Draws a fraction p/q with |p| ≤ `maxNumerator`, 1 ≤ q ≤ `maxDenominator`.
  ///
  /// Returns the pair as drawn; reduce it (e.g. with `Rational`) if needed.
  public mutating func drawRational(maxNumerator: Int, maxDenominator: Int) throws -> (numerator: Int, denominator: Int) {
    let mp = Int(maxNumerator.magnitude)
    let mq = Swift.max(1, maxDenominator)
    let v = try choose(.rational(maxNumerator: mp, maxDenominator: mq)) { rng in
      .rational(rng.nextInt(in: -mp...mp), rng.nextInt(in: 1...mq))
    }
    if case .rational(let p, let q) = v { return (p, q) }
    return (0, 1)
  }
}
