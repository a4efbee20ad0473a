/// The constraints of one typed choice; together with a value it is a `Choice`.
///
/// Each kind defines its simplest value and a "simplest first" order, which
/// the shrinker uses to compare choice sequences (shortlex).
public enum ChoiceKind: Sendable, Hashable {
  /// An integer in `min...max`, simplest at `shrinkTowards` (clamped into the range).
  case integer(min: Int, max: Int, shrinkTowards: Int)
  /// A double in `min...max`; NaN and ±∞ only when `allowNonFinite`.
  case float(min: Double, max: Double, allowNonFinite: Bool)
  /// A fraction p/q with |p| ≤ `maxNumerator` and 1 ≤ q ≤ `maxDenominator`.
  case rational(maxNumerator: Int, maxDenominator: Int)
  /// A boolean, simplest `false`.
  case boolean
}

/// The value of one choice.
public enum ChoiceValue: Sendable, Hashable, CustomStringConvertible {
  case integer(Int)
  case float(Double)
  /// Numerator and denominator as drawn (not necessarily in lowest terms).
  case rational(Int, Int)
  case boolean(Bool)

  /// The value as text: integers and doubles as Swift prints them, fractions "p/q".
  public var description: String {
    switch self {
    case .integer(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .rational(let p, let q): return "\(p)/\(q)"
    case .boolean(let b): return "\(b)"
    }
  }
}

/// One recorded choice: its constraints and the value taken.
public struct Choice: Sendable, Hashable, CustomStringConvertible {
  /// The constraints the value was drawn under.
  public var kind: ChoiceKind
  /// The value taken.
  public var value: ChoiceValue
  /// A choice of `value` under `kind`.
  public init(kind: ChoiceKind, value: ChoiceValue) {
    self.kind = kind
    self.value = value
  }
  /// The value's description.
  public var description: String { value.description }
}

extension ChoiceKind {
  /// The simplest value of this kind: the clamped shrink target, 0 (or the
  /// in-range value nearest 0), 0/1, or `false`.
  public var simplest: ChoiceValue {
    switch self {
    case .integer(let lo, let hi, let t): return .integer(Swift.min(Swift.max(t, lo), hi))
    case .float(let lo, let hi, _):
      if lo <= 0 && 0 <= hi { return .float(0) }
      let a = lo > 0 ? lo.rounded(.up) : hi.rounded(.down)
      if a >= lo && a <= hi { return .float(a) }
      return .float(lo > 0 ? lo : hi)
    case .rational: return .rational(0, 1)
    case .boolean: return .boolean(false)
    }
  }

  /// Whether `value` is of this kind and satisfies its constraints.
  public func admits(_ value: ChoiceValue) -> Bool {
    switch (self, value) {
    case (.integer(let lo, let hi, _), .integer(let v)): return lo <= v && v <= hi
    case (.float(let lo, let hi, let nonFinite), .float(let v)):
      if !v.isFinite { return nonFinite }
      return lo <= v && v <= hi
    case (.rational(let mp, let mq), .rational(let p, let q)):
      return q >= 1 && q <= mq && p.magnitude <= mp.magnitude
    case (.boolean, .boolean): return true
    default: return false
    }
  }

  /// Maps a replayed value onto this kind: kept when admitted, clamped when of
  /// the right type but out of range, else the simplest value.
  public func coerce(_ value: ChoiceValue) -> ChoiceValue {
    if admits(value) { return value }
    switch (self, value) {
    case (.integer(let lo, let hi, _), .integer(let v)): return .integer(Swift.min(Swift.max(v, lo), hi))
    case (.float(let lo, let hi, _), .float(let v)) where v.isFinite:
      return .float(Swift.min(Swift.max(v, lo), hi))
    case (.rational(let mp, let mq), .rational(let p, let q)):
      let m = mp.magnitude
      let pc = p.magnitude > m ? (p < 0 ? -Int(m) : Int(m)) : p
      return .rational(pc, Swift.min(Swift.max(q, 1), Swift.max(mq, 1)))
    default: return simplest
    }
  }

  /// The sort key of `value` in this kind's "simplest first" order; smaller is simpler.
  ///
  /// Integers: distance to the target, then above-target first. Floats:
  /// integral values by magnitude, then fractions by the number of binary
  /// fraction digits and magnitude, then ±∞, then NaN; positive before
  /// negative. Rationals: denominator, then |numerator|, positive first.
  /// Booleans: `false` first.
  public func sortKey(_ value: ChoiceValue) -> [UInt64] {
    switch (self, value) {
    case (.integer, .integer(let v)):
      guard case .integer(let t) = simplest else { return [0] }
      let d = v >= t ? UInt64(bitPattern: Int64(v &- t)) : UInt64(bitPattern: Int64(t &- v))
      return [d, v < t ? 1 : 0]
    case (.float, .float(let v)): return ChoiceKind.floatKey(v)
    case (.rational, .rational(let p, let q)):
      return [UInt64(q.magnitude), UInt64(p.magnitude), p < 0 ? 1 : 0]
    case (.boolean, .boolean(let b)): return [b ? 1 : 0]
    default: return [UInt64.max]
    }
  }

  static func floatKey(_ v: Double) -> [UInt64] {
    if v.isNaN { return [4, 0, 0, 0] }
    if v.isInfinite { return [3, 0, 0, v < 0 ? 1 : 0] }
    let m = v.magnitude
    let sign: UInt64 = v.sign == .minus ? 1 : 0
    if m.rounded(.towardZero) == m { return [0, 0, m.bitPattern, sign] }
    return [1, UInt64(fractionBits(m)), m.bitPattern, sign]
  }

  /// The least k ≥ 1 with m·2^k integral, for finite non-integral m.
  static func fractionBits(_ m: Double) -> Int {
    let trailing = m.significandBitPattern == 0 ? 52 : m.significandBitPattern.trailingZeroBitCount
    return Swift.max(1, 52 - trailing - Int(m.exponent))
  }
}

/// Shortlex order on choice sequences: shorter first, then the first differing
/// choice by its kind's sort key.
public func shortlexPrecedes(_ a: [Choice], _ b: [Choice]) -> Bool {
  if a.count != b.count { return a.count < b.count }
  for (x, y) in zip(a, b) {
    let kx = x.kind.sortKey(x.value)
    let ky = y.kind.sortKey(y.value)
    if kx != ky { return kx.lexicographicallyPrecedes(ky) }
  }
  return false
}
