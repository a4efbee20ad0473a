import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// One run of BGMD on a Theorem 2 instance, measured at the horizons T.
///
/// Algorithm 1 as printed (`averaged` memory, `successive` selection, plain
/// update x ← x − g̃) with γ = 1/(4L), the geometric median (certified
/// ε ≤ 10⁻⁶ requested, at most 1,000 Weiszfeld steps) on the block, b rows
/// per iteration, the bad slots a fresh ⌊ψb⌋-subset each iteration (the
/// paper's dynamic schedule, §7.2). For each horizon T:
/// - `squaredDistances[T]` = ‖x̂_T − x_p‖², x̂_T = Σ_{t<T} w_t x_t / W_T,
///   w_t = (1 − μ/(8L))^{−(t+1)}, x_p the projection of x̂_T onto the
///   solution set (+∞ once the run left the floating range);
/// - `epsilon[T]` the largest certified ε over t < T;
/// - `secondMoment[T]` the largest ‖∇f(x_t)‖² + σ²_noise over t < T;
/// - `retained[T]` the smallest measured ξ (`retainedFraction`) over t < T;
/// - `gradientMeans[T]` = (1/T) Σ_{t<T} ‖∇f(x_t)‖², which is E_τ‖∇f(x_τ)‖²
///   for τ uniform in {0, …, T − 1} (Theorem 1's left-hand side).
/// For Theorem 1 instances the step is γ = 1/(2L).
public struct Theorem2RunResult: Sendable, Hashable {
  public var squaredDistances: [Double]
  public var gradientMeans: [Double]
  public var epsilon: [Double]
  public var secondMoment: [Double]
  public var retained: [Double]
  /// Whether the iterate (or the rule) failed before the last horizon.
  public var diverged: Bool
}

/// The constants of an instance's problem, exact where the problem allows.
public struct Theorem2Problem: Sendable {
  /// μ and L.
  public var mu: Double
  public var smoothness: Double
  /// R0 = f(x_0) − f* (exact in ℚ for quadratics, then rounded).
  public var initialGap: Double
  /// ‖x_0 − x_p(x_0)‖² (the alternative R0 reading).
  public var initialDistance: Double
  /// σ² of the `variance` reading (exact).
  public var noiseVariance: Double
  /// x_0.
  public var start: [Double]
  /// b honest rows at x.
  var oracle: @Sendable ([Double], Int, inout Xoshiro256) -> Matrix<Double>
  /// x_p.
  var projection: @Sendable ([Double]) -> [Double]
  /// ‖∇f(x)‖².
  var gradientSquaredNorm: @Sendable ([Double]) -> Double

  /// Builds the problem of `instance`: exact constants in ℚ for quadratics.
  public init(_ instance: Theorem2Instance) {
    let d = instance.dimension
    theorem = instance.theorem
    let u = instance.startOffset()
    if let q = instance.quadratic() {
      let x0 = zip(q.minimizer, u).map { $0 + Rational($1) }
      mu = Double(q.plConstant)
      smoothness = Double(q.smoothness)
      initialGap = Double(q.loss(x0) - q.optimalValue)
      initialDistance = Double(q.squaredDistanceToSolutionSet(x0))
      noiseVariance = Double(q.noiseVariance)
      start = x0.map { Double($0) }
      let f = q.converted(to: Double.self)
      // ∇f(x) = A(x − x*) with the converted A, in the library's order of
      // operations (the generic `PLQuadratic.gradient` is not specialised
      // across modules and dominates a run's cost).
      let a = f.hessian.storage
      let minimizer = f.minimizer
      let noise = f.noise
      let gradient: @Sendable ([Double]) -> [Double] = { x in
        var y = [Double](repeating: 0, count: d)
        for j in 0..<d { y[j] = x[j] - minimizer[j] }
        var g = [Double](repeating: 0, count: d)
        for i in 0..<d {
          var s = 0.0
          for j in 0..<d { s += a[i * d + j] * y[j] }
          g[i] = s
        }
        return g
      }
      oracle = { x, b, rng in
        let g = gradient(x)
        var storage: [Double] = []
        storage.reserveCapacity(b * d)
        for _ in 0..<b {
          let start = storage.count
          storage.append(contentsOf: g)
          theorem2AddNoise(noise, to: &storage, from: start, dimension: d, using: &rng)
        }
        return (try? Matrix(rows: b, columns: d, storage: storage)) ?? Matrix(rows: b, columns: d, repeating: .nan)
      }
      projection = { f.projection($0) }
      gradientSquaredNorm = { x in gradient(x).reduce(0) { $0 + $1 * $1 } }
    } else {
      let s = Double(instance.noiseNumerator) / Double(max(1, instance.noiseDenominator))
      let noise: GradientNoise<Double> =
        instance.noise == "rademacher" ? .rademacher(scale: s)
        : instance.noise == "signed-basis" ? .signedBasis(scale: s) : .none
      let f = SineSquaredPL<Double>(dimension: d, noise: noise)
      let x0 = u.map(Double.init)
      mu = f.plConstant
      smoothness = f.smoothness
      initialGap = f.loss(x0) - f.optimalValue
      initialDistance = x0.reduce(0) { $0 + $1 * $1 }
      noiseVariance = noise.variance(dimension: d)
      start = x0
      oracle = { x, b, rng in f.stochasticGradients(x, rows: b, using: &rng) }
      projection = { f.projection($0) }
      gradientSquaredNorm = { x in f.gradient(x).reduce(0) { $0 + $1 * $1 } }
    }
  }

  /// 2 or 1 (see `Theorem2Instance.theorem`).
  public var theorem: Int = 2
  /// γ = 1/(4L), Theorem 2's step; 1/(2L) for Theorem 1.
  public var stepSize: Double { 1 / ((theorem == 1 ? 2 : 4) * smoothness) }
  /// q = 1 − μ/(8L), the rate of (17) and the ratio of consecutive weights.
  public var rate: Double { 1 - mu / (8 * smoothness) }
}

/// Adds one draw of `noise` to `storage[start..<start+d]`, drawing exactly
/// what `GradientNoise.sample(dimension:using:)` draws (a test compares them):
/// the generic sampler is not specialised across modules.
func theorem2AddNoise(_ noise: GradientNoise<Double>, to storage: inout [Double], from start: Int, dimension d: Int,
                      using rng: inout Xoshiro256) {
  switch noise {
  case .none:
    return
  case let .rademacher(s):
    var word: UInt64 = 0
    for j in 0..<d {
      if j % 64 == 0 { word = rng.next() }
      storage[start + j] += (word >> UInt64(j % 64)) & 1 == 1 ? s : -s
    }
  case let .signedBasis(s):
    let j = rng.uniformInt(below: d)
    storage[start + j] += rng.next() & 1 == 1 ? s : -s
  case .gaussian:
    let n = noise.sample(dimension: d, using: &rng)
    for j in 0..<d { storage[start + j] += n[j] }
  }
}

/// The attack of an instance, as the training loop's adversary.
func theorem2Adversary(_ instance: Theorem2Instance) -> TrainingLoop<GeometricMedian<Double>>.AdversaryFunction {
  let m = pow(10, Double(instance.magnitudeExponent))
  switch instance.corruption {
  case .none: return { view, _ in view.badSlots.map { Array(view.goodRows.row($0)) } }
  case .bitFlip: return { view, rng in ScaledBitFlipAttack<Double>(scale: -100).corrupt(view, using: &rng) }
  case .additive: return { view, rng in AdditiveGaussianAttack<Double>(standardDeviation: 10).corrupt(view, using: &rng) }
  case .adversary:
    switch Theorem2Instance.attackNames[max(0, min(instance.attack, Theorem2Instance.attackNames.count - 1))] {
    case "alie": return { view, rng in ALIE<Double>(magnitude: m).corrupt(view, using: &rng) }
    case "ipm": return { view, rng in InnerProductManipulation<Double>(magnitude: m).corrupt(view, using: &rng) }
    case "sign-flip-own": return { view, rng in SignFlip<Double>(magnitude: m).corrupt(view, using: &rng) }
    case "sign-flip-mean":
      return { view, rng in SignFlip<Double>(reference: .goodMean, magnitude: m).corrupt(view, using: &rng) }
    case "scaled-bit-flip": return { view, rng in ScaledBitFlipAttack<Double>(magnitude: m).corrupt(view, using: &rng) }
    case "additive-gaussian":
      return { view, rng in AdditiveGaussianAttack<Double>(magnitude: m).corrupt(view, using: &rng) }
    case "mimic": return { view, rng in Mimic<Double>().corrupt(view, using: &rng) }
    default: return { view, rng in ConstantVector<Double>(magnitude: m).corrupt(view, using: &rng) }
    }
  }
}

/// Runs `instance` once with the streams of `seed`.
/// - Complexity: max(horizons) iterations of b oracle calls and one
///   geometric median on b × k.
public func runTheorem2(_ instance: Theorem2Instance, problem: Theorem2Problem, seed: UInt64) -> Theorem2RunResult {
  let horizons = instance.horizons
  let count = horizons.count
  var result = Theorem2RunResult(
    squaredDistances: Array(repeating: .infinity, count: count), gradientMeans: Array(repeating: .infinity, count: count),
    epsilon: Array(repeating: .infinity, count: count),
    secondMoment: Array(repeating: .infinity, count: count), retained: Array(repeating: 0, count: count),
    diverged: false)
  let d = instance.dimension
  let b = instance.rows
  let block: BlockChoice = instance.blockSize >= d ? .all : .block(k: max(1, instance.blockSize), reading: .successive)
  let configuration = OptimizerConfiguration<Double>(stepSize: problem.stepSize, memory: .averaged, block: block,
                                                     record: .none)
  let rule = GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: 1e-6, maxIterations: 1_000))
  guard var optimizer = try? BlockDescent(initialIterate: problem.start, batchCount: b, rule: rule,
                                          configuration: configuration)
  else {
    result.diverged = true
    return result
  }
  let schedule = CorruptionSchedule.dynamic(rows: b, badCount: instance.badCount)
  let oracle = problem.oracle
  let loop = TrainingLoop<GeometricMedian<Double>>(
    oracle: { x, _, rng in oracle(x, b, &rng) },
    schedule: { t, rng in schedule.badSlots(iteration: t, using: &rng) },
    adversary: theorem2Adversary(instance))
  var streams = TrainingStreams(seed: seed)
  let q = problem.rate
  var average = problem.start
  var weight = 0.0  // V_T = W_T / w_{T−1} = Σ_{t<T} q^{T−1−t}
  var eps = 0.0
  var moment = 0.0
  var xi = 1.0
  var next = 0
  var gradientSum = 0.0
  let last = horizons.last ?? 0
  for t in 0..<last {
    let x = optimizer.iterate
    guard x.allSatisfy(\.isFinite) else { break }
    // x̂_{t+1} = (q V_t x̂_t + x_t) / V_{t+1}, V_{t+1} = 1 + q V_t.
    let previous = q * weight
    weight = 1 + previous
    for j in 0..<d { average[j] = (previous * average[j] + x[j]) / weight }
    let gradientNorm = problem.gradientSquaredNorm(x)
    gradientSum += gradientNorm
    moment = max(moment, gradientNorm + problem.noiseVariance)
    guard let records = try? loop.run(&optimizer, iterations: 1, streams: &streams), let record = records.first
    else { break }
    eps = max(eps, record.certificate?.epsilon ?? 0)
    xi = min(xi, record.retainedFraction.isNaN ? 0 : record.retainedFraction)
    if t + 1 == horizons[next] {
      let p = problem.projection(average)
      var s = 0.0
      for j in 0..<d { s += (average[j] - p[j]) * (average[j] - p[j]) }
      result.squaredDistances[next] = s.isFinite ? s : .infinity
      let g = gradientSum / Double(t + 1)
      result.gradientMeans[next] = g.isFinite ? g : .infinity
      result.epsilon[next] = eps
      result.secondMoment[next] = moment
      result.retained[next] = xi
      next += 1
      if next == count { break }
    }
  }
  result.diverged = next < count
  return result
}
