import ExactArithmetic
import RealModule

/// The numbers the algorithms are generic over: a field with an order and the
/// few conversions the algorithms need.
///
/// Code that needs only field operations (memory, residuals, selection
/// probabilities, Lemma 5's sequences, exact expectations) is written once
/// over `Scalar`, so a run in `Rational` is the exact oracle of the same run
/// in `Double`. Code that needs square roots is constrained to `Real`.
///
/// `Double`, `Float` and `Rational` conform.
public protocol Scalar: AlgebraicField, Comparable, Sendable, CustomStringConvertible
where Magnitude == Self {
  /// The value nearest to `value` (exact for `Rational`).
  /// - Precondition: for exact types, `value.isFinite`.
  init(approximating value: Double)
  /// The `Double` nearest to `self`.
  var doubleValue: Double { get }
  /// False for NaN and ±∞; always true for exact types.
  var isFinite: Bool { get }
  /// Whether arithmetic in this type is exact (no rounding).
  static var isExact: Bool { get }
}

extension Scalar {
  /// The value of an integer.
  @inlinable public init(integer value: Int) {
    self.init(approximating: Double(value))
    if Self.isExact, let exact = Self(exactly: value) { self = exact }
  }
}

extension Double: Scalar {
  @inlinable public init(approximating value: Double) { self = value }
  @inlinable public var doubleValue: Double { self }
  public static var isExact: Bool { false }
}

extension Float: Scalar {
  @inlinable public init(approximating value: Double) { self = Float(value) }
  @inlinable public var doubleValue: Double { Double(self) }
  public static var isExact: Bool { false }
}

extension Rational: Scalar {
  /// The exact value of a finite double.
  /// - Precondition: `value.isFinite`.
  public init(approximating value: Double) { self.init(value) }
  public var doubleValue: Double { Double(self) }
  /// Always true: a rational is finite.
  public var isFinite: Bool { true }
  public static var isExact: Bool { true }
}
