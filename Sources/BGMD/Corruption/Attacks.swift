import RealModule
import Randomness

/// Inner product manipulation (Xie, Koyejo, Gupta 2020): every bad row is
/// −ε·M·ḡ, ḡ the mean of the good rows, so the mean's inner product with ḡ
/// turns negative once ε·m > |𝔾|. Exact in ℚ.
public struct InnerProductManipulation<Element: Scalar>: Adversary {
  public var epsilon: Element
  public var magnitude: Element
  public init(epsilon: Element = Element(numerator: 1, denominator: 10), magnitude: Element = Element(integer: 1)) {
    self.epsilon = epsilon
    self.magnitude = magnitude
  }
  public var name: String { "ipm" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let row = view.goodMean.map { -epsilon * magnitude * $0 }
    return Array(repeating: row, count: view.badSlots.count)
  }
}

/// Sign flip: −c·M·g, with g either the slot's own honest gradient or the
/// mean of the good rows. Exact in ℚ.
public struct SignFlip<Element: Scalar>: Adversary {
  public enum Reference: String, Sendable { case ownGradient = "own", goodMean = "mean" }
  public var scale: Element
  public var reference: Reference
  public var magnitude: Element
  public init(scale: Element = Element(integer: 1), reference: Reference = .ownGradient,
              magnitude: Element = Element(integer: 1)) {
    self.scale = scale
    self.reference = reference
    self.magnitude = magnitude
  }
  public var name: String { "sign-flip" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let c = -scale * magnitude
    switch reference {
    case .ownGradient: return view.badSlots.map { view.goodRows.row($0).map { c * $0 } }
    case .goodMean:
      let row = view.goodMean.map { c * $0 }
      return Array(repeating: row, count: view.badSlots.count)
    }
  }
}

/// The paper's scaled bit flip as an adversary: c·M·g of the slot's own
/// honest gradient, c = −100 by default.
public struct ScaledBitFlipAttack<Element: Scalar>: Adversary {
  public var scale: Element
  public var magnitude: Element
  public init(scale: Element = Element(integer: -100), magnitude: Element = Element(integer: 1)) {
    self.scale = scale
    self.magnitude = magnitude
  }
  public var name: String { "scaled-bit-flip" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    view.badSlots.map { view.goodRows.row($0).map { scale * magnitude * $0 } }
  }
}

/// The paper's additive noise as an adversary: g + N(0, (s·M)²·I) on the
/// slot's own honest gradient; s = 10 (variance 100) by default. Drawn in
/// `Double`, converted.
public struct AdditiveGaussianAttack<Element: Scalar>: Adversary {
  public var standardDeviation: Double
  public var magnitude: Double
  public init(standardDeviation: Double = 10, magnitude: Double = 1) {
    self.standardDeviation = standardDeviation
    self.magnitude = magnitude
  }
  public var name: String { "additive-gaussian" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let s = standardDeviation * magnitude
    return view.badSlots.map { slot in
      view.goodRows.row(slot).map { $0 + Element(approximating: s * rng.standardNormal()) }
    }
  }
}

/// Mimic (Karimireddy, He, Jaggi 2022): every bad row copies one good row,
/// the good slot `target` (the first good slot when nil or not good).
/// Magnitude has no meaning here and is not a parameter.
public struct Mimic<Element: Scalar>: Adversary {
  public var target: Int?
  public init(target: Int? = nil) { self.target = target }
  public var name: String { "mimic" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let good = view.goodSlots
    let slot = target.flatMap { good.contains($0) ? $0 : nil } ?? good[0]
    return Array(repeating: Array(view.goodRows.row(slot)), count: view.badSlots.count)
  }
}

/// A constant vector c·M·1 in every bad slot. Exact in ℚ.
public struct ConstantVector<Element: Scalar>: Adversary {
  public var value: Element
  public var magnitude: Element
  public init(value: Element = Element(integer: 1), magnitude: Element = Element(integer: 1)) {
    self.value = value
    self.magnitude = magnitude
  }
  public var name: String { "constant" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    Array(repeating: Array(repeating: value * magnitude, count: view.dimension), count: view.badSlots.count)
  }
}

/// Non-finite rows, what a faulty worker sends (docs/bad-input.md):
/// every entry NaN, +∞ or −∞. Floating-point types only.
public struct NonFiniteRows<Element: Scalar & BinaryFloatingPoint>: Adversary {
  public enum Value: String, Sendable, CaseIterable { case nan, plusInfinity = "+inf", minusInfinity = "-inf" }
  public var value: Value
  public init(value: Value = .nan) { self.value = value }
  public var name: String { "non-finite-\(value.rawValue)" }
  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let v: Element
    switch value {
    case .nan: v = .nan
    case .plusInfinity: v = .infinity
    case .minusInfinity: v = -.infinity
    }
    return Array(repeating: Array(repeating: v, count: view.dimension), count: view.badSlots.count)
  }
}
