import ClaimCheck
import Foundation

/// Which of the paper's two convergence theorems a bound, an instance or a
/// claim is about (Appendix D). Its `description` is the theorem's number, so
/// instance descriptions and ids read as before ("theorem 2: …").
public enum BoundTheorem: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// Theorem 1, smooth non-convex: (16), γ = 1/(2L), LHS (1/T) Σ_{t<T} E‖∇f(x_t)‖².
  case theorem1 = 1
  /// Theorem 2, PL: (17), γ = 1/(4L), LHS E‖x̂_T − x*‖².
  case theorem2 = 2

  /// "1" or "2".
  public var description: String { String(rawValue) }
  /// The equation of the bound: 16 or 17.
  public var equation: Int { self == .theorem1 ? 16 : 17 }
  /// c of the stated step γ = 1/(cL): 2 or 4.
  public var stepDenominator: Int { self == .theorem1 ? 2 : 4 }
  /// The first segment of the claim ids: `theorem1` or `theorem2`.
  public var idPrefix: String { "theorem\(rawValue)" }
}

/// The explicit right-hand sides (16) and (17) of Appendix D, term by term
/// with the paper's constants (Proofs/theorem-1.md, Proofs/theorem-2.md).
///
/// (16), Theorem 1, γ = 1/(2L):
///   (1/T) Σ_{t<T} E‖∇f(x_t)‖² ≤ 8R0/(γT) + 8Lγσ² + 48L²γ²σ²(1 − ξ²)/ξ²
///     + 2304σ²/(1 − α)² · [1 + 4(1 − ξ²)/ξ²] + 48ε²/(γ²|𝔾|²(1 − α)²)
/// (17), Theorem 2, γ = 1/(4L):
///   E‖x̂_T − x*‖² ≤ 16(f(x_0) − f*)/(μ²γ) · [1 − μγ/2]^T + 16Lγσ²/μ²
///     + [80γ²σ²L²(1 − ξ²)/(μ²ξ²)] + 3072σ²/(μ²(1 − α)²) · [1 + 4(1 − ξ²)/ξ²]
///     + 64ε²/(μ²γ²|𝔾|²(1 − α)²)
public struct TheoremBound: Sendable, Hashable, Codable {
  /// The five terms, in the order printed.
  public var transient: Double
  public var step: Double
  public var memory: Double
  public var corruption: Double
  public var accuracy: Double
  /// Their sum.
  public var total: Double { transient + step + memory + corruption + accuracy }
  /// The terms as an array, in the order printed.
  public var terms: [Double] { [transient, step, memory, corruption, accuracy] }

  /// The constants a right-hand side is evaluated with.
  public struct Constants: Sendable, Hashable, Codable {
    /// L and μ (μ unused by (16)).
    public var smoothness: Double
    public var mu: Double
    /// R0 = f(x_0) − f*.
    public var initialGap: Double
    /// σ² under the reading in force.
    public var sigmaSquared: Double
    /// ξ ∈ (0, 1].
    public var xi: Double
    /// α = |𝔹|/|𝔾| < 1.
    public var alpha: Double
    /// |𝔾|.
    public var goodCount: Int
    /// ε, absolute (the reading of (22)).
    public var epsilon: Double

    public init(smoothness: Double, mu: Double, initialGap: Double, sigmaSquared: Double, xi: Double, alpha: Double,
                goodCount: Int, epsilon: Double) {
      self.smoothness = smoothness
      self.mu = mu
      self.initialGap = initialGap
      self.sigmaSquared = sigmaSquared
      self.xi = xi
      self.alpha = alpha
      self.goodCount = goodCount
      self.epsilon = epsilon
    }
  }

  /// The step size the theorem states: 1/(2L) (Theorem 1) or 1/(4L) (Theorem 2).
  public static func statedStep(theorem: BoundTheorem, smoothness l: Double) -> Double {
    1 / (Double(theorem.stepDenominator) * l)
  }

  /// The right-hand side of (16) (`.theorem1`) or (17) (`.theorem2`) at
  /// horizon T, with the theorem's γ.
  public init(theorem: BoundTheorem, horizon t: Int, constants c: Constants) {
    let l = c.smoothness
    let gamma = Self.statedStep(theorem: theorem, smoothness: l)
    let s2 = c.sigmaSquared
    let xi2 = c.xi * c.xi
    let shrink = (1 - xi2) / xi2
    let oneMinusAlphaSquared = (1 - c.alpha) * (1 - c.alpha)
    let g = Double(c.goodCount)
    let eps2 = c.epsilon * c.epsilon
    if theorem == .theorem1 {
      transient = 8 * c.initialGap / (gamma * Double(max(1, t)))
      step = 8 * l * gamma * s2
      memory = 48 * l * l * gamma * gamma * s2 * shrink
      corruption = 2304 * s2 / oneMinusAlphaSquared * (1 + 4 * shrink)
      accuracy = eps2 == 0 ? 0 : 48 * eps2 / (gamma * gamma * g * g * oneMinusAlphaSquared)
    } else {
      let mu2 = c.mu * c.mu
      transient = 16 * c.initialGap / (mu2 * gamma) * pow(1 - c.mu * gamma / 2, Double(t))
      step = 16 * l * gamma * s2 / mu2
      memory = 80 * gamma * gamma * s2 * l * l * shrink / mu2
      corruption = 3072 * s2 / (mu2 * oneMinusAlphaSquared) * (1 + 4 * shrink)
      accuracy = eps2 == 0 ? 0 : 64 * eps2 / (mu2 * gamma * gamma * g * g * oneMinusAlphaSquared)
    }
  }

  /// An upper bound on the exact value from the computed one: each term is a
  /// product/quotient of at most 16 rounded operations, and [1 − μγ/2]^T adds
  /// at most T + 2 relative roundings (q rounded once, pow within an ulp), so
  /// the exact sum is at most total · (1 + (T + 24)u)/(1 − 5u), u = 2⁻⁵³.
  public func upper(horizon t: Int) -> Double {
    let u = Double.ulpOfOne / 2
    return total * (1 + Double(t + 24) * u) / (1 - 5 * u)
  }
}
