import RealModule
import ExactArithmetic
import Randomness

/// A differentiable objective f: ℝ^d → ℝ, the f of the paper's problem
/// min_x f(x) (eq. (1)).
///
/// Conformers that need only field operations (quadratics, least squares)
/// conform for every `Scalar`, so a run in `Rational` is exact; those that
/// need `exp`, `log` or `sin` conform where `Element: Real`.
public protocol Problem<Element>: Sendable {
  associatedtype Element: Scalar
  /// d, the number of parameters.
  var dimension: Int { get }
  /// f(x).
  /// - Precondition: `x.count == dimension`.
  func loss(_ x: [Element]) -> Element
  /// ∇f(x), a vector of length d.
  /// - Precondition: `x.count == dimension`.
  func gradient(_ x: [Element]) -> [Element]
}

/// A problem with a stochastic gradient oracle: what worker i of Algorithm 1
/// sends in one iteration, g_i(x) with E g_i(x) = ∇f_i(x) (Assumption 1).
///
/// Algorithm 1 asks for b rows per iteration, one per worker; the worker
/// index selects the worker's data (its partition, for data-based problems)
/// and is ignored by homogeneous problems such as the quadratics. Every draw
/// (mini-batch, noise) comes from the injected generator, so a run is a pure
/// function of its seed.
public protocol StochasticProblem<Element>: Problem {
  /// The number of workers the oracle tells apart, or `nil` when every
  /// worker draws from the same distribution (any worker index is valid).
  var workerCount: Int? { get }
  /// One stochastic gradient g_i(x) of worker `worker`.
  /// - Precondition: `x.count == dimension`; `0 <= worker`, and
  ///   `worker < workerCount` when `workerCount` is not nil.
  func stochasticGradient(_ x: [Element], worker: Int,
                          using rng: inout some RandomNumberGenerator) -> [Element]
}

extension StochasticProblem {
  /// The b × d matrix G of Algorithm 1: row i is worker i's stochastic
  /// gradient at x, drawn in row order from `rng`.
  /// - Precondition: `rows >= 1`; `rows <= workerCount` when it is not nil.
  /// - Complexity: `rows` oracle calls.
  public func stochasticGradients(_ x: [Element], rows: Int,
                                  using rng: inout some RandomNumberGenerator) -> Matrix<Element> {
    precondition(rows >= 1, "stochasticGradients: b = \(rows); at least one row is needed")
    if let workers = workerCount {
      precondition(rows <= workers, "stochasticGradients: b = \(rows) rows but only \(workers) workers")
    }
    var storage: [Element] = []
    storage.reserveCapacity(rows * dimension)
    for i in 0..<rows {
      storage.append(contentsOf: stochasticGradient(x, worker: i, using: &rng))
    }
    return Matrix(_unchecked: rows, dimension, storage)
  }
}

/// A problem whose solution set, optimal value and PL / smoothness constants
/// are known, as Theorem 2 needs them: f is L-smooth (Assumption 2) and
/// satisfies the Polyak–Łojasiewicz inequality
/// ½‖∇f(x)‖² ≥ μ (f(x) − f*) (Assumption 3, eq. (15)).
public protocol KnownSolutionProblem<Element>: Problem {
  /// μ, the PL constant.
  var plConstant: Element { get }
  /// L, the smoothness constant (a bound on the largest Hessian eigenvalue).
  var smoothness: Element { get }
  /// f* = min f.
  var optimalValue: Element { get }
  /// x_p, the projection of x onto the solution set {x : f(x) = f*}
  /// (the point Theorem 2 measures the distance to).
  func projection(_ x: [Element]) -> [Element]
}

// MARK: - Small vector helpers shared by the problems

/// ⟨a, b⟩.
@inlinable func _dot<E: Scalar>(_ a: [E], _ b: [E]) -> E {
  var s = E.zero
  for i in a.indices { s += a[i] * b[i] }
  return s
}

/// ‖a‖².
@inlinable func _squaredNorm<E: Scalar>(_ a: [E]) -> E { _dot(a, a) }

extension Scalar {
  /// The exact value of a rational when `Self` is exact (`Rational`), else
  /// the nearest value of `Self` to it.
  public init(converting value: Rational) {
    if let exact = value as? Self {
      self = exact
    } else {
      self.init(approximating: Double(value))
    }
  }

  /// p/q exactly when `Self` is exact, else rounded once per operand.
  /// - Precondition: `q != 0`.
  public init(numerator p: Int, denominator q: Int) {
    precondition(q != 0, "Scalar(numerator:denominator:): zero denominator")
    self = Self(integer: p) / Self(integer: q)
  }
}
