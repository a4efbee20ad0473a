import RealModule
import Randomness

/// Binary logistic regression with labels y_i ∈ {−1, +1}:
/// f(x) = (1/n) Σ_i log(1 + exp(−y_i a_iᵀx)) + (λ/2)‖x‖²,
/// ∇f(x) = (1/n) Σ_i −y_i σ(−y_i a_iᵀx) a_i + λx, σ(t) = 1/(1 + e^{−t}).
/// Mini-batch stochastic gradients average the per-sample terms over a batch
/// drawn by `policy` (the ℓ2 term is added once).
///
/// Edge cases: the loss uses log(1 + e^z) = max(z, 0) + log1p(e^{−|z|}), so
/// large margins neither overflow nor lose the small tail.
public struct LogisticRegression<Element: Scalar & Real>: StochasticProblem {
  /// The features a_i, n × p.
  public let features: Matrix<Element>
  /// y_i ∈ {−1, +1}.
  public let labels: [Element]
  /// λ ≥ 0, the ℓ2 coefficient.
  public var l2: Element
  /// How each worker's mini-batch is drawn.
  public var policy: MiniBatchPolicy

  /// - Parameter labels: each label in {0, 1} or {−1, 1} (0 is read as −1).
  /// - Precondition: one label per row, each in {−1, 0, 1}; `l2 >= 0`.
  public init(features: Matrix<Element>, labels: [Int], l2: Element = .zero, policy: MiniBatchPolicy) {
    precondition(features.rows >= 1 && labels.count == features.rows,
                 "LogisticRegression: \(labels.count) labels for \(features.rows) rows")
    precondition(labels.allSatisfy { $0 == -1 || $0 == 0 || $0 == 1 },
                 "LogisticRegression: labels must be in {0, 1} or {−1, 1}")
    precondition(l2 >= .zero, "LogisticRegression: negative ℓ2 coefficient")
    self.features = features
    self.labels = labels.map { $0 == 1 ? Element(integer: 1) : Element(integer: -1) }
    self.l2 = l2
    self.policy = policy
  }

  public var dimension: Int { features.columns }
  public var sampleCount: Int { features.rows }
  public var workerCount: Int? { policy.workerCount }

  /// y_i a_iᵀx.
  @inlinable public func margin(_ x: [Element], sample i: Int) -> Element {
    labels[i] * features._rowDot(i, x)
  }

  /// Mean logistic loss over `samples` plus (λ/2)‖x‖². O(|samples|·p).
  public func loss(_ x: [Element], samples: [Int]) -> Element {
    var s = Element.zero
    for i in samples {
      let z = -margin(x, sample: i)
      s += Swift.max(z, .zero) + Element.log(onePlus: Element.exp(-Swift.abs(z)))
    }
    return s / Element(integer: samples.count) + l2 / 2 * _squaredNorm(x)
  }

  /// Its gradient. O(|samples|·p).
  public func gradient(_ x: [Element], samples: [Int]) -> [Element] {
    var g = Array(repeating: Element.zero, count: dimension)
    for i in samples {
      let m = margin(x, sample: i)
      // σ(−m) computed without overflow.
      let e = Element.exp(-Swift.abs(m))
      let sigma = m >= .zero ? e / (1 + e) : 1 / (1 + e)
      let c = -labels[i] * sigma
      let base = i * features.columns
      for j in 0..<dimension { g[j] += c * features.storage[base + j] }
    }
    let n = Element(integer: samples.count)
    return (0..<dimension).map { g[$0] / n + l2 * x[$0] }
  }

  public func loss(_ x: [Element]) -> Element { loss(x, samples: Array(0..<sampleCount)) }
  public func gradient(_ x: [Element]) -> [Element] { gradient(x, samples: Array(0..<sampleCount)) }

  public func stochasticGradient(_ x: [Element], worker: Int,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    gradient(x, samples: policy.batch(worker: worker, sampleCount: sampleCount, using: &rng))
  }

  /// The fraction of samples with y_i a_iᵀx > 0. O(n·p).
  public func accuracy(_ x: [Element]) -> Double {
    let correct = (0..<sampleCount).filter { margin(x, sample: $0) > .zero }.count
    return Double(correct) / Double(sampleCount)
  }

  /// A random instance: N(0, 1) features, w_true with N(0, 1) entries,
  /// y_i = sign(a_iᵀw_true + N(0, noise²)) (ties to +1).
  public static func random(samples n: Int, dimension p: Int, noiseStandardDeviation: Double = 0.5,
                            l2: Element = .zero, policy: MiniBatchPolicy,
                            using rng: inout some RandomNumberGenerator) -> LogisticRegression<Element> {
    precondition(n >= 1 && p >= 1, "LogisticRegression.random: empty shape \(n)×\(p)")
    let a = (0..<(n * p)).map { _ in rng.standardNormal() }
    let w = (0..<p).map { _ in rng.standardNormal() }
    let labels: [Int] = (0..<n).map { i in
      var s = noiseStandardDeviation * rng.standardNormal()
      for j in 0..<p { s += a[i * p + j] * w[j] }
      return s >= 0 ? 1 : -1
    }
    let features = Matrix<Element>(_unchecked: n, p, a.map { Element(approximating: $0) })
    return LogisticRegression(features: features, labels: labels, l2: l2, policy: policy)
  }
}
