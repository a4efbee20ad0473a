import RealModule
import ExactArithmetic
import Randomness

/// A quadratic satisfying the PL condition with exactly known constants:
/// f(x) = ½ (x − x*)ᵀ A (x − x*) + f*, A = Qᵀ D Q (Theorem 2's problems,
/// Proofs/theorem-2.md).
///
/// Q = H_m ⋯ H_1 is a product of Householder reflections
/// H = I − 2 v vᵀ / (vᵀv); each H is symmetric and HᵀH = I holds exactly in
/// any field, so Q is exactly orthogonal in ℚ. D is diagonal with
/// non-negative entries; zeros make f PL without strong convexity.
///
/// Exact quantities (all rational when `Element == Rational`):
/// - μ = the smallest positive D_jj (the PL constant, eq. (15)), L = the
///   largest (Assumption 2);
/// - the solution set {x : A(x − x*) = 0} = x* + null(A), null(A) spanned by
///   the Qᵀe_j with D_jj = 0;
/// - x_p = x* + Qᵀ P₀ Q (x − x*), P₀ keeping the coordinates with D_jj = 0.
///
/// The stochastic oracle returns ∇f(x) + n with n from `noise`
/// (σ² exact; see `GradientNoise` for the two readings of Assumption 1).
public struct PLQuadratic<Element: Scalar>: KnownSolutionProblem, StochasticProblem {
  /// d.
  public let dimension: Int
  /// The Householder vectors v_1 … v_m; Q = H_m ⋯ H_1 (H_1 applied first).
  public let householderVectors: [[Element]]
  /// The diagonal of D (the eigenvalues of A, in the basis given by Q's rows).
  public let eigenvalues: [Element]
  /// x*, one point of the solution set.
  public let minimizer: [Element]
  /// f*.
  public let optimalValue: Element
  /// The oracle's noise.
  public var noise: GradientNoise<Element>
  /// Q (d × d, row-major): row j of Q is the eigenvector Qᵀe_j of A.
  public let orthogonal: Matrix<Element>
  /// A = Qᵀ D Q (d × d), the Hessian.
  public let hessian: Matrix<Element>

  /// Builds f from its parts.
  /// - Precondition: every v has d entries and vᵀv ≠ 0; `eigenvalues.count == d`,
  ///   every eigenvalue ≥ 0 and at least one > 0; `minimizer.count == d`.
  /// - Complexity: O(m·d² + d³).
  public init(householderVectors: [[Element]], eigenvalues: [Element], minimizer: [Element],
              optimalValue: Element = .zero, noise: GradientNoise<Element> = .none) {
    let d = eigenvalues.count
    precondition(d >= 1, "PLQuadratic: dimension 0")
    precondition(minimizer.count == d, "PLQuadratic: x* has \(minimizer.count) entries; expected \(d)")
    precondition(eigenvalues.allSatisfy { $0 >= .zero }, "PLQuadratic: D has a negative entry")
    precondition(eigenvalues.contains { $0 > .zero }, "PLQuadratic: D = 0 (f is constant)")
    var q = Matrix<Element>(rows: d, columns: d, repeating: .zero)
    for j in 0..<d { q[j, j] = Element(integer: 1) }
    for v in householderVectors {
      precondition(v.count == d, "PLQuadratic: a Householder vector has \(v.count) entries; expected \(d)")
      let vv = _squaredNorm(v)
      precondition(vv != .zero, "PLQuadratic: a Householder vector is zero")
      // Q ← H Q = Q − (2/vᵀv) v (vᵀQ).
      var w = Array(repeating: Element.zero, count: d)
      for i in 0..<d where v[i] != .zero {
        for j in 0..<d { w[j] += v[i] * q[i, j] }
      }
      let c = Element(integer: 2) / vv
      for i in 0..<d where v[i] != .zero {
        let ci = c * v[i]
        for j in 0..<d { q[i, j] -= ci * w[j] }
      }
    }
    var a = Matrix<Element>(rows: d, columns: d, repeating: .zero)
    for k in 0..<d where eigenvalues[k] != .zero {
      for i in 0..<d {
        let dki = eigenvalues[k] * q[k, i]
        for j in 0..<d { a[i, j] += dki * q[k, j] }
      }
    }
    self.dimension = d
    self.householderVectors = householderVectors
    self.eigenvalues = eigenvalues
    self.minimizer = minimizer
    self.optimalValue = optimalValue
    self.noise = noise
    self.orthogonal = q
    self.hessian = a
  }

  /// μ, the smallest positive eigenvalue.
  public var plConstant: Element {
    eigenvalues.filter { $0 > .zero }.min() ?? .zero
  }
  /// L, the largest eigenvalue.
  public var smoothness: Element { eigenvalues.max() ?? .zero }
  /// The number of positive eigenvalues (rank of A).
  public var rank: Int { eigenvalues.filter { $0 > .zero }.count }
  /// The oracle's workers are identical.
  public var workerCount: Int? { nil }

  /// A y for y ∈ ℝ^d. O(d²).
  public func hessianProduct(_ y: [Element]) -> [Element] {
    (0..<dimension).map { i in
      var s = Element.zero
      for j in 0..<dimension { s += hessian[i, j] * y[j] }
      return s
    }
  }

  /// Q y. O(d²).
  public func applyQ(_ y: [Element]) -> [Element] {
    (0..<dimension).map { i in
      var s = Element.zero
      for j in 0..<dimension { s += orthogonal[i, j] * y[j] }
      return s
    }
  }

  /// Qᵀ y. O(d²).
  public func applyQTranspose(_ y: [Element]) -> [Element] {
    var r = Array(repeating: Element.zero, count: dimension)
    for i in 0..<dimension where y[i] != .zero {
      for j in 0..<dimension { r[j] += orthogonal[i, j] * y[i] }
    }
    return r
  }

  private func offset(_ x: [Element]) -> [Element] {
    precondition(x.count == dimension, "PLQuadratic: x has \(x.count) entries; expected \(dimension)")
    return zip(x, minimizer).map { $0 - $1 }
  }

  /// f(x) = ½ (x − x*)ᵀ A (x − x*) + f*. O(d²).
  public func loss(_ x: [Element]) -> Element {
    let y = offset(x)
    return _dot(y, hessianProduct(y)) / Element(integer: 2) + optimalValue
  }

  /// ∇f(x) = A (x − x*). O(d²).
  public func gradient(_ x: [Element]) -> [Element] {
    hessianProduct(offset(x))
  }

  /// ∇f(x) + n, n drawn from `noise`. O(d²).
  public func stochasticGradient(_ x: [Element], worker: Int,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    let n = noise.sample(dimension: dimension, using: &rng)
    return zip(gradient(x), n).map { $0 + $1 }
  }

  /// x_p = x* + Qᵀ P₀ Q (x − x*), the projection of x onto the solution set.
  /// Idempotent; exact in ℚ. O(d²).
  public func projection(_ x: [Element]) -> [Element] {
    var z = applyQ(offset(x))
    for j in 0..<dimension where eigenvalues[j] != .zero { z[j] = .zero }
    return zip(minimizer, applyQTranspose(z)).map { $0 + $1 }
  }

  /// ‖x − x_p‖², the squared distance to the solution set. O(d²).
  public func squaredDistanceToSolutionSet(_ x: [Element]) -> Element {
    _squaredNorm(zip(x, projection(x)).map { $0 - $1 })
  }

  /// Whether A (x − x*) = 0 exactly (meaningful for exact `Element`).
  public func isInSolutionSet(_ x: [Element]) -> Bool {
    gradient(x).allSatisfy { $0 == .zero }
  }

  /// σ² of the `variance` reading: E‖g − ∇f(x)‖² (exact, x-independent).
  public var noiseVariance: Element { noise.variance(dimension: dimension) }

  /// E‖g‖² = ‖∇f(x)‖² + σ² at x: the quantity the `second-moment` reading
  /// bounds (claims take its largest value along a run). O(d²).
  public func secondMoment(at x: [Element]) -> Element {
    _squaredNorm(gradient(x)) + noiseVariance
  }
}

extension PLQuadratic where Element == Rational {
  /// The same quadratic over another scalar type: exact parts converted with
  /// `Scalar(converting:)` (exact into `Rational`, rounded into floats), Q and
  /// A rebuilt in `T` from the converted parts.
  public func converted<T: Scalar>(to type: T.Type) -> PLQuadratic<T> {
    let convertedNoise: GradientNoise<T>
    switch noise {
    case .none: convertedNoise = .none
    case let .rademacher(s): convertedNoise = .rademacher(scale: T(converting: s))
    case let .signedBasis(s): convertedNoise = .signedBasis(scale: T(converting: s))
    case let .gaussian(s): convertedNoise = .gaussian(scale: T(converting: s))
    }
    return PLQuadratic<T>(
      householderVectors: householderVectors.map { $0.map { T(converting: $0) } },
      eigenvalues: eigenvalues.map { T(converting: $0) },
      minimizer: minimizer.map { T(converting: $0) },
      optimalValue: T(converting: optimalValue),
      noise: convertedNoise)
  }
}
