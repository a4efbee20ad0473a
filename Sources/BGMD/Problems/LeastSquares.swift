import RealModule
import Randomness

/// Least squares f(x) = (1/2n) Σ_i (a_iᵀx − y_i)² = (1/2n)‖Ax − y‖², with
/// per-sample gradients a_i (a_iᵀx − y_i) and mini-batch stochastic
/// gradients (the mean over a batch drawn by `policy`).
///
/// Field operations only, so it runs in `Rational` too. f is L-smooth with
/// L = λ_max(AᵀA)/n and PL with μ = the smallest positive eigenvalue of
/// AᵀA/n (not computed here: it needs an eigen-solver).
public struct LeastSquares<Element: Scalar>: StochasticProblem {
  /// A, n × p.
  public let design: Matrix<Element>
  /// y, length n.
  public let targets: [Element]
  /// How each worker's mini-batch is drawn.
  public var policy: MiniBatchPolicy

  /// - Precondition: `targets.count == design.rows`, `design.rows >= 1`.
  public init(design: Matrix<Element>, targets: [Element], policy: MiniBatchPolicy) {
    precondition(design.rows >= 1 && targets.count == design.rows,
                 "LeastSquares: \(targets.count) targets for \(design.rows) rows")
    self.design = design
    self.targets = targets
    self.policy = policy
  }

  /// p.
  public var dimension: Int { design.columns }
  /// n.
  public var sampleCount: Int { design.rows }
  /// The partition's worker count, if any.
  public var workerCount: Int? { policy.workerCount }

  /// a_iᵀx − y_i.
  @inlinable public func residual(_ x: [Element], sample i: Int) -> Element {
    design._rowDot(i, x) - targets[i]
  }

  /// The mean of ½(a_iᵀx − y_i)² over `samples`. O(|samples|·p).
  public func loss(_ x: [Element], samples: [Int]) -> Element {
    var s = Element.zero
    for i in samples { let r = residual(x, sample: i); s += r * r }
    return s / Element(integer: 2 * samples.count)
  }

  /// The mean of a_i(a_iᵀx − y_i) over `samples`. O(|samples|·p).
  public func gradient(_ x: [Element], samples: [Int]) -> [Element] {
    var g = Array(repeating: Element.zero, count: dimension)
    for i in samples {
      let r = residual(x, sample: i)
      let base = i * design.columns
      for j in 0..<dimension { g[j] += design.storage[base + j] * r }
    }
    let n = Element(integer: samples.count)
    return g.map { $0 / n }
  }

  /// f(x) over all samples. O(n·p).
  public func loss(_ x: [Element]) -> Element { loss(x, samples: Array(0..<sampleCount)) }
  /// ∇f(x) over all samples. O(n·p).
  public func gradient(_ x: [Element]) -> [Element] { gradient(x, samples: Array(0..<sampleCount)) }

  /// The mini-batch gradient of `worker`. O(batchSize·p).
  public func stochasticGradient(_ x: [Element], worker: Int,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    gradient(x, samples: policy.batch(worker: worker, sampleCount: sampleCount, using: &rng))
  }

  /// A random instance: A with N(0, 1) entries, x_true with N(0, 1) entries,
  /// y = A x_true + N(0, noise²) (drawn in `Double`, converted). Returns the
  /// problem and x_true.
  /// - Complexity: O(n·p).
  public static func random(samples n: Int, dimension p: Int, noiseStandardDeviation: Double = 0.1,
                            policy: MiniBatchPolicy, using rng: inout some RandomNumberGenerator)
    -> (problem: LeastSquares<Element>, truth: [Element]) {
    precondition(n >= 1 && p >= 1, "LeastSquares.random: empty shape \(n)×\(p)")
    let a = (0..<(n * p)).map { _ in rng.standardNormal() }
    let truth = (0..<p).map { _ in rng.standardNormal() }
    var y: [Element] = []
    for i in 0..<n {
      var s = 0.0
      for j in 0..<p { s += a[i * p + j] * truth[j] }
      y.append(Element(approximating: s + noiseStandardDeviation * rng.standardNormal()))
    }
    let design = Matrix<Element>(_unchecked: n, p, a.map { Element(approximating: $0) })
    return (LeastSquares(design: design, targets: y, policy: policy), truth.map { Element(approximating: $0) })
  }
}
