import RealModule
import Randomness

/// The classic non-convex PL function of Karimi, Nutini and Schmidt (2016,
/// "Linear convergence of gradient and proximal-gradient methods under the
/// Polyak–Łojasiewicz condition", §2): f(x) = x² + 3 sin² x, and its
/// separable sum f(x) = Σ_j (x_j² + 3 sin² x_j) in dimension d.
///
/// Constants:
/// - L = 8: f''(x) = 2 + 6 cos 2x ∈ [−4, 8], so |f''| ≤ 8 and ∇f is
///   8-Lipschitz (per coordinate, hence for the separable sum).
/// - μ = 1/32, the value Karimi et al. state. It is conservative: the ratio
///   ½ f'(x)² / f(x) with f'(x) = 2x + 3 sin 2x has its infimum ≈ 0.1755
///   near |x| ≈ 2.2017 (measured on a grid), tends to 2 as |x| → ∞ and to
///   ½(8x)²/(4x²) = 8 as x → 0, so μ = 1/32 holds. For the sum,
///   ½‖∇f‖² = Σ ½ f'(x_j)² ≥ μ Σ f(x_j).
/// - f* = 0, attained only at x = 0 (f(x) ≥ x²); the projection is 0.
///
/// The oracle adds `noise` to ∇f.
public struct SineSquaredPL<Element: Scalar & Real>: KnownSolutionProblem, StochasticProblem {
  /// d.
  public let dimension: Int
  /// The oracle's noise.
  public var noise: GradientNoise<Element>

  /// - Precondition: `dimension >= 1`.
  public init(dimension: Int = 1, noise: GradientNoise<Element> = .none) {
    precondition(dimension >= 1, "SineSquaredPL: dimension \(dimension) < 1")
    self.dimension = dimension
    self.noise = noise
  }

  /// μ = 1/32 (Karimi et al. 2016).
  public var plConstant: Element { Element(numerator: 1, denominator: 32) }
  /// L = 8 = max |2 + 6 cos 2x|.
  public var smoothness: Element { Element(integer: 8) }
  /// f* = 0.
  public var optimalValue: Element { .zero }
  /// Identical workers.
  public var workerCount: Int? { nil }

  /// Σ x_j² + 3 sin² x_j. O(d).
  public func loss(_ x: [Element]) -> Element {
    precondition(x.count == dimension, "SineSquaredPL: x has \(x.count) entries; expected \(dimension)")
    var s = Element.zero
    for v in x {
      let sine = Element.sin(v)
      s += v * v + 3 * sine * sine
    }
    return s
  }

  /// ∇f(x)_j = 2x_j + 3 sin 2x_j. O(d).
  public func gradient(_ x: [Element]) -> [Element] {
    precondition(x.count == dimension, "SineSquaredPL: x has \(x.count) entries; expected \(dimension)")
    return x.map { 2 * $0 + 3 * Element.sin(2 * $0) }
  }

  /// ∇f(x) + n. O(d).
  public func stochasticGradient(_ x: [Element], worker: Int,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    zip(gradient(x), noise.sample(dimension: dimension, using: &rng)).map { $0 + $1 }
  }

  /// The solution set is {0}.
  public func projection(_ x: [Element]) -> [Element] {
    Array(repeating: .zero, count: dimension)
  }
}
