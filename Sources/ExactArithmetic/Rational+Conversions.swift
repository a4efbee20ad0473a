import CGMP

// MARK: - To floating point, rounded to nearest

/// A scratch `mpz_t` owned by one Swift scope.
final class _MPZ {
  let pointer: UnsafeMutablePointer<__mpz_struct>
  init() {
    pointer = .allocate(capacity: 1)
    __gmpz_init(pointer)
  }
  deinit {
    __gmpz_clear(pointer)
    pointer.deallocate()
  }
}

extension Rational {
  /// |self| rounded to nearest (ties to even) on the grid of a binary
  /// floating-point format: `significandBits` bits of precision, exponents
  /// up to `maximumExponent`, and no grid finer than 2^`minimumULPExponent`
  /// (the subnormal range). Returns q and u with the rounded value q · 2^u
  /// (q ≤ 2^significandBits), or `nil` when |self| ≥ 2^(maximumExponent + 1).
  func _roundedToBinaryGrid(
    significandBits: Int, minimumULPExponent: Int, maximumExponent: Int
  ) -> (significand: UInt64, exponent: Int)? {
    let num = _MPZ()
    __gmpz_abs(num.pointer, _storage.numerator)
    let den = _storage.denominator

    // E = floor(log2(|self|)): start from the bit lengths and correct by one.
    var e = Int(__gmpz_sizeinbase(num.pointer, 2)) - Int(__gmpz_sizeinbase(den, 2))
    let lhs = _MPZ()
    let rhs = _MPZ()
    if e >= 0 {
      __gmpz_set(lhs.pointer, num.pointer)
      __gmpz_mul_2exp(rhs.pointer, den, UInt(e))
    } else {
      __gmpz_mul_2exp(lhs.pointer, num.pointer, UInt(-e))
      __gmpz_set(rhs.pointer, den)
    }
    if __gmpz_cmp(lhs.pointer, rhs.pointer) < 0 { e -= 1 }  // |self| < 2^e
    if e > maximumExponent { return nil }

    // Round num / (den · 2^u) to an integer, ties to even.
    let u = Swift.max(e - (significandBits - 1), minimumULPExponent)
    if u <= 0 {
      __gmpz_mul_2exp(lhs.pointer, num.pointer, UInt(-u))
      __gmpz_set(rhs.pointer, den)
    } else {
      __gmpz_set(lhs.pointer, num.pointer)
      __gmpz_mul_2exp(rhs.pointer, den, UInt(u))
    }
    let q = _MPZ()
    let r = _MPZ()
    __gmpz_tdiv_qr(q.pointer, r.pointer, lhs.pointer, rhs.pointer)
    __gmpz_mul_2exp(r.pointer, r.pointer, 1)
    let half = __gmpz_cmp(r.pointer, rhs.pointer)
    if half > 0 || (half == 0 && cgmp_mpz_odd_p(q.pointer) != 0) {
      __gmpz_add_ui(q.pointer, q.pointer, 1)
    }
    return (UInt64(__gmpz_get_ui(q.pointer)), u)
  }
}

extension Double {
  /// The `Double` nearest to `value`, ties to even.
  ///
  /// GMP's `mpq_get_d` truncates; this rounds correctly, including results in
  /// the subnormal range (rounded to a multiple of 2^−1074, possibly to ±0)
  /// and results that overflow (±∞ when |value| ≥ the midpoint between
  /// `greatestFiniteMagnitude` and 2^1024).
  ///
  /// - Complexity: one integer division of numbers of the size of `value`
  ///   plus 54 bits.
  public init(_ value: Rational) {
    let sign = value.signum
    guard sign != 0 else { self = 0; return }
    guard let (q, u) = value._roundedToBinaryGrid(
      significandBits: 53, minimumULPExponent: -1074, maximumExponent: 1023)
    else {
      self = sign < 0 ? -.infinity : .infinity
      return
    }
    // q ≤ 2^53 converts exactly; scaling by 2^u is exact except when rounding
    // carried into 2^1024, which is correctly ∞.
    let magnitude = Double(sign: .plus, exponent: u, significand: Double(q))
    self = sign < 0 ? -magnitude : magnitude
  }
}

extension Float {
  /// The `Float` nearest to `value`, ties to even, rounded once from the
  /// exact value (going through `Double` could round twice).
  public init(_ value: Rational) {
    let sign = value.signum
    guard sign != 0 else { self = 0; return }
    guard let (q, u) = value._roundedToBinaryGrid(
      significandBits: 24, minimumULPExponent: -149, maximumExponent: 127)
    else {
      self = sign < 0 ? -.infinity : .infinity
      return
    }
    let magnitude = Float(sign: .plus, exponent: u, significand: Float(q))
    self = sign < 0 ? -magnitude : magnitude
  }
}

extension Rational {
  /// The nearest integer, ties to even.
  public var roundedToNearestEven: Rational {
    let lower = floor
    let fraction = self - lower
    let half = Rational(1, 2)
    if fraction < half { return lower }
    if fraction > half { return lower + 1 }
    let lowerIsOdd = cgmp_mpz_odd_p(lower._storage.numerator) != 0
    return lowerIsOdd ? lower + 1 : lower
  }
}

// MARK: - Text

/// Why a string could not be read as a `Rational`.
public struct RationalParseError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The text that was given.
  public let input: String
  /// What was wrong with it.
  public let reason: String

  public var description: String {
    "cannot read \"\(input)\" as a rational number: \(reason)"
  }
}

extension Rational: LosslessStringConvertible, CustomStringConvertible {
  /// The largest decimal exponent accepted by the parser; `1e1000000000`
  /// would need gigabytes of digits.
  public static let maximumParsedExponent = 100_000

  /// Reads `"p/q"`, an integer `"-12"`, or a decimal `"-1.25e-3"` exactly.
  ///
  /// Accepted forms (no spaces): an optional sign, then either
  /// `digits "/" digits` (q ≠ 0), or `digits ["." digits] [("e"|"E") [sign] digits]`
  /// with at least one digit before or after the point.
  /// - Throws: `RationalParseError` naming the input and what was wrong.
  public init(parsing text: String) throws {
    func fail(_ reason: String) -> RationalParseError {
      RationalParseError(input: text, reason: reason)
    }
    var chars = Substring(text)
    guard !chars.isEmpty else { throw fail("the text is empty") }
    var negative = false
    if let first = chars.first, first == "+" || first == "-" {
      negative = first == "-"
      chars = chars.dropFirst()
    }
    func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }

    if let slash = chars.firstIndex(of: "/") {
      let p = chars[..<slash]
      let q = chars[chars.index(after: slash)...]
      guard isDigits(p) else { throw fail("the numerator must be decimal digits") }
      guard isDigits(q) else { throw fail("the denominator must be decimal digits (a sign goes on the numerator)") }
      guard q.contains(where: { $0 != "0" }) else { throw fail("the denominator is zero") }
      self.init()
      try Rational._setInteger(_storage.numerator, String(p), negative: negative, fail)
      try Rational._setInteger(_storage.denominator, String(q), negative: false, fail)
      __gmpq_canonicalize(_storage.pointer)
      return
    }

    var mantissa = chars
    var exponent = 0
    if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = chars[..<e]
      var exponentText = chars[chars.index(after: e)...]
      var exponentNegative = false
      if let first = exponentText.first, first == "+" || first == "-" {
        exponentNegative = first == "-"
        exponentText = exponentText.dropFirst()
      }
      guard isDigits(exponentText) else { throw fail("the exponent must be decimal digits") }
      guard exponentText.count <= 9, let magnitude = Int(exponentText),
        magnitude <= Rational.maximumParsedExponent
      else {
        throw fail("the exponent's magnitude exceeds \(Rational.maximumParsedExponent)")
      }
      exponent = exponentNegative ? -magnitude : magnitude
    }
    var integerPart = mantissa
    var fractionPart: Substring = ""
    if let point = mantissa.firstIndex(of: ".") {
      integerPart = mantissa[..<point]
      fractionPart = mantissa[mantissa.index(after: point)...]
    }
    guard !(integerPart.isEmpty && fractionPart.isEmpty) else {
      throw fail(chars.isEmpty ? "there is no number after the sign" : "there are no digits")
    }
    guard integerPart.isEmpty || isDigits(integerPart), fractionPart.isEmpty || isDigits(fractionPart) else {
      throw fail("expected p/q, an integer, or a decimal like -1.25e-3")
    }
    self.init()
    let digits = String(integerPart) + String(fractionPart)
    try Rational._setInteger(_storage.numerator, digits, negative: negative, fail)
    let power = exponent - fractionPart.count
    let ten = _MPZ()
    __gmpz_ui_pow_ui(ten.pointer, 10, UInt(power.magnitude))
    if power >= 0 {
      __gmpz_mul(_storage.numerator, _storage.numerator, ten.pointer)
    } else {
      __gmpz_set(_storage.denominator, ten.pointer)
      __gmpq_canonicalize(_storage.pointer)
    }
  }

  static func _setInteger(
    _ z: UnsafeMutablePointer<__mpz_struct>, _ digits: String, negative: Bool,
    _ fail: (String) -> RationalParseError
  ) throws {
    let status = digits.withCString { __gmpz_set_str(z, $0, 10) }
    guard status == 0 else { throw fail("\"\(digits)\" is not a decimal integer") }
    if negative { __gmpz_neg(z, z) }
  }

  /// `nil` when `description` is not an accepted form (see `init(parsing:)`).
  public init?(_ description: String) {
    guard let value = try? Rational(parsing: description) else { return nil }
    self = value
  }

  /// `"p/q"` in lowest terms with the sign on p, or `"p"` when q = 1.
  public var description: String {
    let num = _storage.numerator
    let den = _storage.denominator
    // mpq_get_str needs sizeinbase(num) + sizeinbase(den) + 3 bytes.
    let capacity = Int(__gmpz_sizeinbase(num, 10)) + Int(__gmpz_sizeinbase(den, 10)) + 3
    return String(unsafeUninitializedCapacity: capacity) { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        guard let base = chars.baseAddress else { return 0 }
        _ = __gmpq_get_str(base, 10, _storage.pointer)
        return strlen(base)
      }
    }
  }
}

extension Rational: Codable {
  /// Decodes from a string in any form `init(parsing:)` accepts.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
      self = try Rational(parsing: text)
    } catch let error as RationalParseError {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
    }
  }

  /// Encodes as the string `description` (`"p/q"`, or `"p"` for integers).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
