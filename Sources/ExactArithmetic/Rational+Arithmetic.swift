import CGMP
import RealModule

// MARK: - Arithmetic

extension Rational {
  @inlinable static func _binary(
    _ a: Rational, _ b: Rational,
    _ op: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void
  ) -> Rational {
    let result = _MPQ()
    op(result.pointer, a._storage.pointer, b._storage.pointer)
    return Rational(_storage: result)
  }

  @inlinable static func _inPlace(
    _ a: inout Rational, _ b: Rational,
    _ op: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void
  ) {
    // GMP allows the output to alias an input, so `a op= a` is safe.
    a._makeUnique()
    op(a._storage.pointer, a._storage.pointer, b._storage.pointer)
  }

  public static func + (a: Rational, b: Rational) -> Rational { _binary(a, b, __gmpq_add) }
  public static func - (a: Rational, b: Rational) -> Rational { _binary(a, b, __gmpq_sub) }
  public static func * (a: Rational, b: Rational) -> Rational { _binary(a, b, __gmpq_mul) }

  /// The quotient a / b.
  /// - Precondition: `b != 0`.
  public static func / (a: Rational, b: Rational) -> Rational {
    precondition(!b.isZero, "Rational: division by zero")
    return _binary(a, b, __gmpq_div)
  }

  public static func += (a: inout Rational, b: Rational) { _inPlace(&a, b, __gmpq_add) }
  public static func -= (a: inout Rational, b: Rational) { _inPlace(&a, b, __gmpq_sub) }
  public static func *= (a: inout Rational, b: Rational) { _inPlace(&a, b, __gmpq_mul) }

  /// Divides in place.
  /// - Precondition: `b != 0`.
  public static func /= (a: inout Rational, b: Rational) {
    precondition(!b.isZero, "Rational: division by zero")
    _inPlace(&a, b, __gmpq_div)
  }

  public static prefix func - (a: Rational) -> Rational {
    let result = _MPQ()
    __gmpq_neg(result.pointer, a._storage.pointer)
    return Rational(_storage: result)
  }

  /// Negates in place.
  public mutating func negate() {
    _makeUnique()
    __gmpq_neg(_storage.pointer, _storage.pointer)
  }

  /// |self|.
  public var magnitude: Rational {
    if signum >= 0 { return self }
    return -self
  }

  /// 1/self, or `nil` for zero.
  public var reciprocal: Rational? {
    guard !isZero else { return nil }
    let result = _MPQ()
    __gmpq_inv(result.pointer, _storage.pointer)
    return Rational(_storage: result)
  }

  /// self · 2^exponent, exactly.
  public func scaled(byPowerOfTwo exponent: Int) -> Rational {
    let result = _MPQ()
    if exponent >= 0 {
      __gmpq_mul_2exp(result.pointer, _storage.pointer, UInt(exponent))
    } else {
      __gmpq_div_2exp(result.pointer, _storage.pointer, exponent.magnitude)
    }
    return Rational(_storage: result)
  }

  /// self^n for an integer n ≥ 0, or n < 0 when self ≠ 0.
  /// - Precondition: `n >= 0 || self != 0`.
  public func power(_ n: Int) -> Rational {
    if n < 0 {
      guard let inverse = reciprocal else {
        preconditionFailure("Rational: zero to a negative power")
      }
      return inverse.power(-n)
    }
    let result = _MPQ()
    __gmpz_pow_ui(result.numerator, _storage.numerator, UInt(n))
    __gmpz_pow_ui(result.denominator, _storage.denominator, UInt(n))
    // p^n / q^n is already in lowest terms with a positive denominator.
    return Rational(_storage: result)
  }

  /// The largest integer ≤ self.
  public var floor: Rational {
    let result = _MPQ()
    __gmpz_fdiv_q(result.numerator, _storage.numerator, _storage.denominator)
    return Rational(_storage: result)
  }

  /// The smallest integer ≥ self.
  public var ceiling: Rational {
    let result = _MPQ()
    __gmpz_cdiv_q(result.numerator, _storage.numerator, _storage.denominator)
    return Rational(_storage: result)
  }
}

// MARK: - Protocols

extension Rational: Equatable, Comparable, Hashable {
  public static func == (a: Rational, b: Rational) -> Bool {
    __gmpq_equal(a._storage.pointer, b._storage.pointer) != 0
  }

  public static func < (a: Rational, b: Rational) -> Bool {
    __gmpq_cmp(a._storage.pointer, b._storage.pointer) < 0
  }

  /// Hashes the canonical numerator and denominator limb by limb, so equal
  /// values hash equally.
  public func hash(into hasher: inout Hasher) {
    for z in [_storage.numerator, _storage.denominator] {
      hasher.combine(cgmp_mpz_sgn(z))
      let limbs = Int(__gmpz_size(z))
      hasher.combine(limbs)
      for i in 0..<limbs {
        hasher.combine(__gmpz_getlimbn(z, i))
      }
    }
  }
}

extension Rational: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int) { self.init(value) }
}

extension Rational: AdditiveArithmetic {
  public static var zero: Rational { Rational() }
}

extension Rational: Numeric, SignedNumeric {
  /// The exact value of any binary integer (never `nil`).
  public init?<T: BinaryInteger>(exactly source: T) {
    self.init(source)
  }

  /// The exact value of any binary integer, however wide.
  public init<T: BinaryInteger>(_ source: T) {
    if let small = Int(exactly: source) {
      self.init(small)
      return
    }
    let storage = _MPQ()
    let words = Array(source.magnitude.words)
    words.withUnsafeBufferPointer { buffer in
      // order -1: least significant word first; endian 0: native.
      __gmpz_import(
        storage.numerator, buffer.count, -1, MemoryLayout<UInt>.size, 0, 0,
        buffer.baseAddress)
    }
    if source < 0 {
      __gmpz_neg(storage.numerator, storage.numerator)
    }
    self.init(_storage: storage)
  }
}

extension Rational: AlgebraicField {}
