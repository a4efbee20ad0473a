import RealModule
import Randomness

/// Zero-mean noise added to the exact gradient by a stochastic oracle, with
/// an exactly known second moment σ² = E‖n‖².
///
/// Assumption 1 of the paper has two readings (docs/assumption-1.md):
/// - `variance`: E‖g_i − ∇f_i‖² ≤ σ². Our oracles add noise n to ∇f, so
///   g_i − ∇f_i = n and the bound holds with equality for σ² = `variance`.
/// - `second-moment`: E‖g_i‖² ≤ σ². Since E n = 0,
///   E‖g_i‖² = ‖∇f(x)‖² + E‖n‖²; it depends on x, so a claim measures the
///   largest value along a run (`PLQuadratic.secondMoment(at:)`).
public enum GradientNoise<Element: Scalar>: Sendable {
  /// No noise: the oracle returns ∇f(x). σ² = 0.
  case none
  /// Independent signs: n_j = ±s with probability ½ each, for every
  /// coordinate. σ² = d·s² exactly; 2^d equally likely outcomes.
  case rademacher(scale: Element)
  /// One signed basis vector: n = ±s·e_j with j uniform in 0..<d and the sign
  /// uniform. σ² = s² exactly; 2d equally likely outcomes.
  case signedBasis(scale: Element)
  /// Gaussian N(0, s²·I), drawn in `Double` and converted (for `Double`
  /// runs). Its nominal σ² = d·s², the same as `rademacher(scale: s)`; for
  /// exact types the draws are the exact values of rounded doubles, so the
  /// second moment is not exact.
  case gaussian(scale: Element)

  /// σ² = E‖n‖² in dimension d.
  /// - Complexity: O(1).
  public func variance(dimension d: Int) -> Element {
    switch self {
    case .none: return .zero
    case let .rademacher(s), let .gaussian(s): return Element(integer: d) * s * s
    case let .signedBasis(s): return s * s
    }
  }

  /// One draw of n ∈ ℝ^d.
  /// - Complexity: O(d); `rademacher` uses one word per 64 coordinates,
  ///   `signedBasis` one index draw and one word, `gaussian` two words per
  ///   coordinate.
  public func sample(dimension d: Int, using rng: inout some RandomNumberGenerator) -> [Element] {
    switch self {
    case .none:
      return Array(repeating: .zero, count: d)
    case let .rademacher(s):
      var n = Array(repeating: Element.zero, count: d)
      var word: UInt64 = 0
      for j in 0..<d {
        if j % 64 == 0 { word = rng.next() }
        n[j] = (word >> UInt64(j % 64)) & 1 == 1 ? s : -s
      }
      return n
    case let .signedBasis(s):
      var n = Array(repeating: Element.zero, count: d)
      let j = rng.uniformInt(below: d)
      n[j] = rng.next() & 1 == 1 ? s : -s
      return n
    case let .gaussian(s):
      let scale = s.doubleValue
      return (0..<d).map { _ in Element(approximating: scale * rng.standardNormal()) }
    }
  }

  /// The whole distribution, for exact expectations: each outcome with its
  /// probability (they sum to 1). `nil` for `gaussian`.
  /// - Precondition: for `rademacher`, d ≤ 20 (2^d outcomes).
  /// - Complexity: O(d·2^d) for `rademacher`, O(d²) for `signedBasis`.
  public func outcomes(dimension d: Int) -> [(probability: Element, vector: [Element])]? {
    switch self {
    case .none:
      return [(Element(integer: 1), Array(repeating: .zero, count: d))]
    case let .rademacher(s):
      precondition(d <= 20, "GradientNoise.outcomes: 2^\(d) outcomes are too many to enumerate")
      let p = Element(numerator: 1, denominator: 1 << d)
      return (0..<(1 << d)).map { mask in
        (p, (0..<d).map { j in (mask >> j) & 1 == 1 ? s : -s })
      }
    case let .signedBasis(s):
      let p = Element(numerator: 1, denominator: 2 * d)
      var result: [(probability: Element, vector: [Element])] = []
      for j in 0..<d {
        for sign in [s, -s] {
          var n = Array(repeating: Element.zero, count: d)
          n[j] = sign
          result.append((p, n))
        }
      }
      return result
    case .gaussian:
      return nil
    }
  }
}
