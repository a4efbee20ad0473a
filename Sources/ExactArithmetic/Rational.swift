import CGMP

/// The storage of one rational: a heap-allocated `__mpq_struct` with a stable
/// address, initialised on creation and cleared when the last reference goes.
///
/// `mpq_t` is a one-element array in C; copying the struct by value would
/// share its limbs (and free them twice), so each value owns its own
/// allocation and is only ever passed by pointer.
@usableFromInline
final class _MPQ: @unchecked Sendable {
  @usableFromInline let pointer: UnsafeMutablePointer<__mpq_struct>

  @usableFromInline init() {
    pointer = .allocate(capacity: 1)
    __gmpq_init(pointer)
  }

  /// A new storage holding a copy of `other`'s value.
  @usableFromInline convenience init(copying other: _MPQ) {
    self.init()
    __gmpq_set(pointer, other.pointer)
  }

  deinit {
    __gmpq_clear(pointer)
    pointer.deallocate()
  }

  @usableFromInline var numerator: UnsafeMutablePointer<__mpz_struct> { cgmp_mpq_numref(pointer) }
  @usableFromInline var denominator: UnsafeMutablePointer<__mpz_struct> { cgmp_mpq_denref(pointer) }
}

/// An exact rational number p/q over GMP's `mpq_t`, always in lowest terms
/// with q > 0.
///
/// `Rational` has value semantics with copy-on-write: copies share storage
/// until one of them is mutated, and compound operators (`+=`, `*=`, …) work
/// in place when the storage is uniquely referenced. It conforms to
/// swift-numerics' `AlgebraicField`, so code written generically over a field
/// runs exactly in ℚ — the exact run is the oracle for the floating one.
///
/// Edge cases:
/// - Division by zero is a precondition failure, checked in Swift before GMP
///   (which would abort the process) is called.
/// - Conversions from `Double` are exact; NaN and ±∞ have no rational value,
///   so `init?(exactly:)` returns `nil` for them.
/// - `Double(_:)` rounds to nearest, ties to even, including results that
///   fall in the subnormal range or overflow to ±∞.
///
/// - Complexity: each arithmetic operation costs what GMP's does: roughly
///   linear to quadratic in the number of limbs, plus one allocation for a
///   new result.
public struct Rational: @unchecked Sendable {
  @usableFromInline var _storage: _MPQ

  @usableFromInline init(_storage: _MPQ) { self._storage = _storage }

  /// Zero.
  public init() { _storage = _MPQ() }

  /// Makes the storage uniquely referenced before an in-place mutation.
  @inlinable mutating func _makeUnique() {
    if !isKnownUniquelyReferenced(&_storage) {
      _storage = _MPQ(copying: _storage)
    }
  }

  /// The integer `value`.
  public init(_ value: Int) {
    _storage = _MPQ()
    __gmpz_set_si(_storage.numerator, value)
  }

  /// The fraction `numerator / denominator`, reduced to lowest terms.
  ///
  /// Negative denominators and `Int.min` in either place are handled exactly.
  /// - Precondition: `denominator != 0`.
  public init(_ numerator: Int, _ denominator: Int) {
    precondition(denominator != 0, "Rational: division by zero (denominator is 0)")
    _storage = _MPQ()
    __gmpz_set_si(_storage.numerator, numerator)
    __gmpz_set_si(_storage.denominator, denominator)
    if denominator < 0 {
      __gmpz_neg(_storage.numerator, _storage.numerator)
      __gmpz_neg(_storage.denominator, _storage.denominator)
    }
    __gmpq_canonicalize(_storage.pointer)
  }

  /// The exact value of a finite `Double`; `nil` for NaN and ±∞.
  public init?(exactly value: Double) {
    guard value.isFinite else { return nil }
    _storage = _MPQ()
    __gmpq_set_d(_storage.pointer, value)  // exact for every finite double
  }

  /// The exact value of a finite `Float`; `nil` for NaN and ±∞.
  public init?(exactly value: Float) {
    self.init(exactly: Double(value))  // Float → Double is exact
  }

  /// The exact value of `value`, which must be finite.
  /// - Precondition: `value.isFinite`.
  public init(_ value: Double) {
    guard let exact = Rational(exactly: value) else {
      preconditionFailure("Rational: \(value) is not finite and has no rational value")
    }
    self = exact
  }

  /// The exact value of `value`, which must be finite.
  /// - Precondition: `value.isFinite`.
  public init(_ value: Float) {
    self.init(Double(value))
  }

  // MARK: Parts

  /// Whether the value is an integer (denominator 1).
  public var isInteger: Bool { __gmpz_cmp_ui(_storage.denominator, 1) == 0 }

  /// Whether the value is zero.
  public var isZero: Bool { cgmp_mpq_sgn(_storage.pointer) == 0 }

  /// −1, 0 or 1 by sign.
  public var signum: Int { Int(cgmp_mpq_sgn(_storage.pointer)) }

  /// The numerator in lowest terms, as a decimal string (with a leading `-`
  /// when negative).
  public var numeratorString: String { _mpzString(_storage.numerator) }

  /// The denominator in lowest terms (always positive), as a decimal string.
  public var denominatorString: String { _mpzString(_storage.denominator) }

  /// The numerator as an `Int`, when it fits.
  public var numeratorInt: Int? { _mpzInt(_storage.numerator) }

  /// The denominator as an `Int`, when it fits.
  public var denominatorInt: Int? { _mpzInt(_storage.denominator) }

  /// The number of bits of the numerator's magnitude plus those of the
  /// denominator: a measure of the size of the value's representation.
  public var bitSize: Int {
    Int(__gmpz_sizeinbase(_storage.numerator, 2)) + Int(__gmpz_sizeinbase(_storage.denominator, 2))
  }
}

// MARK: - mpz helpers

@usableFromInline
func _mpzString(_ z: UnsafePointer<__mpz_struct>) -> String {
  // sizeinbase may overestimate by one; add room for the sign and the NUL.
  let capacity = Int(__gmpz_sizeinbase(z, 10)) + 2
  return String(unsafeUninitializedCapacity: capacity) { buffer in
    buffer.withMemoryRebound(to: CChar.self) { chars in
      guard let base = chars.baseAddress else { return 0 }
      _ = __gmpz_get_str(base, 10, z)
      return strlen(base)
    }
  }
}

@usableFromInline
func _mpzInt(_ z: UnsafePointer<__mpz_struct>) -> Int? {
  guard __gmpz_fits_slong_p(z) != 0 else { return nil }
  return __gmpz_get_si(z)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
