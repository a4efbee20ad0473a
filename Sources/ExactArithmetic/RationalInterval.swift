import CGMP

/// The answer of a certified comparison: decided either way, or not decided
/// at the enclosures' current width.
public enum CertifiedOrder: Sendable, Equatable {
  /// Every value of the left side is below every value of the right side.
  case less
  /// Every value of the left side is above every value of the right side.
  case greater
  /// The enclosures overlap: tighten them (more precision) and ask again.
  case undecided
}

/// A closed interval [lo, hi] with rational end points: a certified
/// enclosure of a real number that may not be rational (a norm, a square
/// root, a sum of square roots).
///
/// Arithmetic is exact interval arithmetic: the result of `a ∘ b` contains
/// x ∘ y for every x ∈ a and y ∈ b. Nothing is rounded, so enclosures only
/// widen as far as interval arithmetic requires.
public struct RationalInterval: Sendable, Hashable, CustomStringConvertible {
  /// The lower end point.
  public let lo: Rational
  /// The upper end point.
  public let hi: Rational

  /// The interval [lo, hi].
  /// - Precondition: `lo <= hi`.
  public init(_ lo: Rational, _ hi: Rational) {
    precondition(lo <= hi, "RationalInterval: lower end \(lo) is above upper end \(hi)")
    self.lo = lo
    self.hi = hi
  }

  /// The degenerate interval [x, x].
  public init(exactly x: Rational) {
    self.lo = x
    self.hi = x
  }

  /// hi − lo.
  public var width: Rational { hi - lo }

  /// (lo + hi) / 2.
  public var midpoint: Rational { (lo + hi) / 2 }

  /// Whether the interval is a single point.
  public var isExact: Bool { lo == hi }

  /// Whether x ∈ [lo, hi].
  public func contains(_ x: Rational) -> Bool { lo <= x && x <= hi }

  /// Whether `other` ⊆ self.
  public func contains(_ other: RationalInterval) -> Bool { lo <= other.lo && other.hi <= hi }

  public var description: String { "[\(lo), \(hi)]" }

  /// Compares every value of self with every value of `other`.
  public func compare(_ other: RationalInterval) -> CertifiedOrder {
    if hi < other.lo { return .less }
    if lo > other.hi { return .greater }
    return .undecided
  }

  /// Compares every value of self with the number `x`.
  public func compare(_ x: Rational) -> CertifiedOrder {
    compare(RationalInterval(exactly: x))
  }

  // MARK: Arithmetic

  public static func + (a: RationalInterval, b: RationalInterval) -> RationalInterval {
    RationalInterval(a.lo + b.lo, a.hi + b.hi)
  }

  public static func - (a: RationalInterval, b: RationalInterval) -> RationalInterval {
    RationalInterval(a.lo - b.hi, a.hi - b.lo)
  }

  public static prefix func - (a: RationalInterval) -> RationalInterval {
    RationalInterval(-a.hi, -a.lo)
  }

  public static func * (a: RationalInterval, b: RationalInterval) -> RationalInterval {
    let products = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    // `products` is never empty, so min/max exist.
    var low = products[0]
    var high = products[0]
    for p in products.dropFirst() {
      if p < low { low = p }
      if p > high { high = p }
    }
    return RationalInterval(low, high)
  }

  /// a / b.
  /// - Precondition: 0 ∉ b.
  public static func / (a: RationalInterval, b: RationalInterval) -> RationalInterval {
    precondition(!b.contains(Rational.zero), "RationalInterval: division by an interval containing 0 (\(b))")
    // 0 ∉ b, so both ends are non-zero and have the same sign.
    let inverse = RationalInterval(1 / b.hi, 1 / b.lo)
    return a * inverse
  }

  /// The enclosure of x² for x ∈ self (tighter than self · self when the
  /// interval contains 0).
  public var squared: RationalInterval {
    let a = lo * lo
    let b = hi * hi
    if contains(Rational.zero) { return RationalInterval(Rational.zero, a > b ? a : b) }
    return a < b ? RationalInterval(a, b) : RationalInterval(b, a)
  }

  /// The smallest interval containing both.
  public func union(_ other: RationalInterval) -> RationalInterval {
    RationalInterval(lo < other.lo ? lo : other.lo, hi > other.hi ? hi : other.hi)
  }
}

extension RationalInterval {
  /// A certified enclosure of √x: lo² ≤ x ≤ hi² and hi − lo ≤ 2^−precision.
  ///
  /// Exact (lo = hi) when x is the square of a rational. For x = p/q,
  /// √x = √(p·q)/q; with s = ⌊√(p·q·4^precision)⌋ the enclosure is
  /// [s, s + 1] / (q · 2^precision), whose width is at most 2^−precision.
  ///
  /// - Precondition: `x >= 0`, `precision >= 0`.
  /// - Complexity: one integer square root of a number of about
  ///   `x.bitSize + 2·precision` bits.
  public static func sqrt(_ x: Rational, precision: Int) -> RationalInterval {
    precondition(x.signum >= 0, "RationalInterval.sqrt: \(x) is negative")
    precondition(precision >= 0, "RationalInterval.sqrt: precision \(precision) is negative")
    if x.isZero { return RationalInterval(exactly: Rational.zero) }
    // Exact square root when p and q are both perfect squares.
    if __gmpz_perfect_square_p(x._storage.numerator) != 0, __gmpz_perfect_square_p(x._storage.denominator) != 0 {
      let root = _MPQ()
      __gmpz_sqrt(root.numerator, x._storage.numerator)
      __gmpz_sqrt(root.denominator, x._storage.denominator)
      return RationalInterval(exactly: Rational(_storage: root))
    }
    let radicand = _MPZ()
    __gmpz_mul(radicand.pointer, x._storage.numerator, x._storage.denominator)
    __gmpz_mul_2exp(radicand.pointer, radicand.pointer, UInt(2 * precision))
    let s = _MPZ()
    __gmpz_sqrt(s.pointer, radicand.pointer)
    let low = _MPQ()
    __gmpz_set(low.numerator, s.pointer)
    __gmpz_mul_2exp(low.denominator, x._storage.denominator, UInt(precision))
    __gmpq_canonicalize(low.pointer)
    let high = _MPQ()
    __gmpz_add_ui(high.numerator, s.pointer, 1)
    __gmpz_mul_2exp(high.denominator, x._storage.denominator, UInt(precision))
    __gmpq_canonicalize(high.pointer)
    return RationalInterval(Rational(_storage: low), Rational(_storage: high))
  }

  /// A certified enclosure of √x for every x in `interval`.
  /// - Precondition: `interval.lo >= 0`.
  public static func sqrt(_ interval: RationalInterval, precision: Int) -> RationalInterval {
    let low = sqrt(interval.lo, precision: precision)
    let high = interval.isExact ? low : sqrt(interval.hi, precision: precision)
    return RationalInterval(low.lo, high.hi)
  }

  /// A certified enclosure of the Euclidean norm of `vector`.
  public static func norm(_ vector: [Rational], precision: Int) -> RationalInterval {
    var sumOfSquares = Rational.zero
    for x in vector { sumOfSquares += x * x }
    return sqrt(sumOfSquares, precision: precision)
  }
}
