import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// One run of BGMD on a Theorem 1/2 instance, measured at the horizons T.
///
/// Algorithm 1 as printed (`averaged` memory, `successive` selection, plain
/// update x ← x − g̃) with the theorem's γ (1/(2L) or 1/(4L)), the geometric
/// median (certified ε ≤ 10⁻⁶ requested, at most 1,000 Weiszfeld steps) on
/// the block, b rows per iteration, the bad slots a fresh ⌊ψb⌋-subset each
/// iteration (the paper's dynamic schedule, §7.2); a control's `variant`
/// breaks one of these on purpose. For each horizon T:
/// - `squaredDistances` = ‖x̂_T − x_p‖² as computed, x̂_T = Σ_{t<T} w_t x_t / W_T,
///   w_t = (1 − μ/(8L))^{−(t+1)}, x_p the projection of x̂_T onto the solution
///   set; `squaredDistancesLower` a lower bound on the same quantity in exact
///   arithmetic on the same draws (the rounding floor removed, see
///   `Theorem2RoundingFloor`);
/// - `gradientMeans` = (1/T) Σ_{t<T} ‖∇f(x_t)‖² (Theorem 1's left-hand side)
///   and `gradientMeansLower` its rounding-aware lower bound;
/// - `epsilon` the largest certified relative ε of the GM over t < T and
///   `epsilonAbsolute` the largest certified absolute gap g(z) − min g;
/// - `secondMoment` the largest ‖∇f(x_t)‖² + σ²_noise over t < T;
/// - `retained` the smallest measured ξ (`retainedFraction`) over t < T.
/// Unreached horizons keep +∞ and `failure` says why (a non-finite iterate,
/// an error of the rule): the checks report it as an implementation error.
public struct Theorem2RunResult: Sendable, Hashable {
  public var squaredDistances: [Double]
  public var squaredDistancesLower: [Double]
  public var gradientMeans: [Double]
  public var gradientMeansLower: [Double]
  public var epsilon: [Double]
  public var epsilonAbsolute: [Double]
  public var secondMoment: [Double]
  public var retained: [Double]
  /// f(x_T) − f* as computed at each horizon (the last iterate, not the
  /// average; ½⟨y, Ay⟩ with y = x_T − x_p), and its rounding floor ½·L·d·e²,
  /// e = δ + (2d + 6)·u·M (δ of `Theorem2RoundingFloor` at the magnitude M
  /// seen, plus the projection's rounding): the suboptimality of a point off
  /// by e per coordinate. Compared by
  /// `theorem2/convergence-vs-gmd/…` (Proofs/theorem-2.md).
  public var suboptimality: [Double] = []
  public var suboptimalityFloor: [Double] = []
  /// Whether the iterate (or the rule) failed before the last horizon.
  public var diverged: Bool
  /// What failed, with the iteration.
  public var failure: String?

  /// Theorem 1's or 2's left-hand side of this run at horizon index i:
  /// `lower` the rounding-aware lower bound, else the computed value.
  public func lhs(theorem: BoundTheorem, at i: Int, lower: Bool) -> Double {
    theorem == .theorem1 ? (lower ? gradientMeansLower[i] : gradientMeans[i])
      : (lower ? squaredDistancesLower[i] : squaredDistances[i])
  }
}

/// The rounding floor of a run in `Double` (Proofs/theorem-2.md, "Rounding").
///
/// A model derived for the linear parts of the iteration, in the contracting
/// regime of the stated step: each step perturbs each coordinate of x_t by at
/// most (2d + 6)·u·M (the dot products of ∇f(x) = A(x − x*), the step γ·g and
/// the update; M the largest magnitude of x_t, x*, x̂_t, x_p seen so far,
/// u = 2⁻⁵³); the component off the solution set contracts by (1 − γμ) per
/// step, so the accumulated error is at most (2d + 6)uM/(γμ); the weighted
/// average adds at most 3uM/(1 − q) with q = 1 − μ/(8L); the projection adds
/// (2d + 6)uM. So each coordinate of x̂_T − x_p is within
/// δ = [(2d + 6)/(γμ) + 3/(1 − q) + 2d + 6]·u·M of the exact-arithmetic value.
/// The geometric median's own inexactness is ε of the theorem, not rounding.
public struct Theorem2RoundingFloor: Sendable {
  public var coefficient: Double
  public var dimension: Int
  public var smoothness: Double
  static let u = Double.ulpOfOne / 2

  /// The floor of `instance` under the theorem's γ.
  public init(theorem: BoundTheorem, dimension d: Int, mu: Double, smoothness l: Double) {
    let gamma = TheoremBound.statedStep(theorem: theorem, smoothness: l)
    let dd = Double(d)
    let contraction = 1 / max(gamma * mu, 1e-300)
    let average = 8 * l / max(mu, 1e-300)
    coefficient = (2 * dd + 6) * contraction + 3 * average + 2 * dd + 6
    dimension = d
    smoothness = l
  }

  /// δ at magnitude M.
  public func delta(magnitude m: Double) -> Double { coefficient * Self.u * m }

  /// A lower bound on the exact ‖x̂ − x_p‖² from the computed one S:
  /// (max(0, √(S/(1 + (d + 2)u)) − √d·δ))².
  public func lowerSquaredDistance(_ s: Double, magnitude m: Double) -> Double {
    let d = Double(dimension)
    let r = (s / (1 + (d + 2) * Self.u)).squareRoot() - d.squareRoot() * delta(magnitude: m)
    return r > 0 ? r * r : 0
  }

  /// A lower bound on the exact ‖∇f(x)‖² from the computed one G: the
  /// gradient A(x − x*) moves by at most L·d·(δ + 2(d + 2)uM) when x moves by δ
  /// per coordinate and the dot products round.
  public func lowerGradientSquared(_ g: Double, magnitude m: Double) -> Double {
    let d = Double(dimension)
    let e = smoothness * d * (delta(magnitude: m) + 2 * (d + 2) * Self.u * m)
    let r = (g / (1 + (d + 2) * Self.u)).squareRoot() - e
    return r > 0 ? r * r : 0
  }
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
  /// max_j |x*_j| (0 for sine-squared): the magnitude the rounding floor starts from.
  public var minimizerMagnitude: Double = 0
  /// b honest rows at x.
  var oracle: @Sendable ([Double], Int, inout Xoshiro256) -> Matrix<Double>
  /// x_p.
  var projection: @Sendable ([Double]) -> [Double]
  /// ‖∇f(x)‖².
  var gradientSquaredNorm: @Sendable ([Double]) -> Double
  /// f(x) − f*: ½⟨x − x*, A(x − x*)⟩ for a quadratic, f(x) for sin² (f* = 0).
  var suboptimality: @Sendable ([Double]) -> Double

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
      minimizerMagnitude = f.minimizer.reduce(0) { max($0, abs($1)) }
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
      // f(x) − f* = ½⟨y, Ay⟩ with y = x − x_p, x_p the projection onto the
      // solution set: y is the component that matters, so the rounding of a
      // large null-space component of x − x* (rank < d) does not enter.
      suboptimality = { x in
        let p = f.projection(x)
        var y = [Double](repeating: 0, count: d)
        for j in 0..<d { y[j] = x[j] - p[j] }
        var s = 0.0
        for i in 0..<d {
          var ay = 0.0
          for j in 0..<d { ay += a[i * d + j] * y[j] }
          s += y[i] * ay
        }
        return s / 2
      }
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
      suboptimality = { x in f.loss(x) - f.optimalValue }
    }
  }

  /// The theorem of the instance (`Theorem2Instance.theorem`).
  public var theorem: BoundTheorem = .theorem2
  /// γ = 1/(4L), Theorem 2's step; 1/(2L) for Theorem 1.
  public var stepSize: Double { 1 / (Double(theorem.stepDenominator) * smoothness) }
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
func theorem2Adversary(_ instance: Theorem2Instance)
  -> @Sendable (AdversaryView<Double>, inout Xoshiro256) throws -> [[Double]]
{
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

/// Runs `instance` once with the streams of `seed`: the algorithm as the
/// theorem states it, or the instance's broken `variant`.
/// - Complexity: max(horizons) iterations of b oracle calls and one
///   aggregation on b × k.
public func runTheorem2(_ instance: Theorem2Instance, problem: Theorem2Problem, seed: UInt64) -> Theorem2RunResult {
  if instance.variant == .meanNotGM {
    return runTheorem2(instance, problem: problem, seed: seed, rule: Mean<Double>())
  }
  let rule = GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: 1e-6, maxIterations: 1_000))
  return runTheorem2(instance, problem: problem, seed: seed, rule: rule)
}

func runTheorem2<R: AggregationRule>(_ instance: Theorem2Instance, problem: Theorem2Problem, seed: UInt64, rule: R)
  -> Theorem2RunResult where R.Element == Double
{
  let horizons = instance.horizons
  let count = horizons.count
  let unreached = [Double](repeating: .infinity, count: count)
  var result = Theorem2RunResult(
    squaredDistances: unreached, squaredDistancesLower: unreached, gradientMeans: unreached,
    gradientMeansLower: unreached, epsilon: unreached, epsilonAbsolute: unreached, secondMoment: unreached,
    retained: Array(repeating: 0, count: count), suboptimality: unreached, suboptimalityFloor: unreached,
    diverged: false, failure: nil)
  let d = instance.dimension
  let b = instance.rows
  let block: BlockChoice = instance.blockSize >= d ? .all : .block(k: max(1, instance.blockSize), reading: .successive)
  let step = instance.variant == .stepPastTheorem ? 3 / problem.smoothness : problem.stepSize
  let configuration = OptimizerConfiguration<Double>(stepSize: step, memory: instance.memory ?? .averaged, block: block, record: .none)
  guard var optimizer = try? BlockDescent(initialIterate: problem.start, batchCount: b, rule: rule,
                                          configuration: configuration)
  else {
    result.diverged = true
    result.failure = "the optimizer could not be built"
    return result
  }
  let schedule = CorruptionSchedule.dynamic(rows: b, badCount: instance.badCount)
  let oracle = problem.oracle
  let negate = instance.variant == .ascends
  let loop = TrainingLoop<R>(
    oracle: { x, _, rng in
      let rows = oracle(x, b, &rng)
      guard negate else { return rows }
      return (try? Matrix(rows: b, columns: d, storage: rows.storage.map { -$0 })) ?? rows
    },
    schedule: { t, rng in schedule.badSlots(iteration: t, using: &rng) },
    adversary: theorem2Adversary(instance))
  let frozen = instance.variant == .ignoresGradients
  var streams = TrainingStreams(seed: seed)
  let q = problem.rate
  let floor = Theorem2RoundingFloor(theorem: instance.theorem, dimension: d, mu: problem.mu,
                                    smoothness: problem.smoothness)
  var magnitude = problem.minimizerMagnitude
  var average = problem.start
  var weight = 0.0  // V_T = W_T / w_{T−1} = Σ_{t<T} q^{T−1−t}
  var eps = 0.0
  var epsAbsolute = 0.0
  var moment = 0.0
  var xi = 1.0
  var next = 0
  var gradientSum = 0.0
  var gradientSumLower = 0.0
  let last = horizons.last ?? 0
  for t in 0..<last {
    let x = frozen ? problem.start : optimizer.iterate
    guard x.allSatisfy(\.isFinite) else {
      result.failure = "the iterate x_\(t) is not finite"
      break
    }
    // x̂_{t+1} = (q V_t x̂_t + x_t) / V_{t+1}, V_{t+1} = 1 + q V_t.
    let previous = q * weight
    weight = 1 + previous
    for j in 0..<d {
      average[j] = (previous * average[j] + x[j]) / weight
      magnitude = max(magnitude, abs(x[j]), abs(average[j]))
    }
    let gradientNorm = problem.gradientSquaredNorm(x)
    gradientSum += gradientNorm
    gradientSumLower += floor.lowerGradientSquared(gradientNorm, magnitude: magnitude)
    moment = max(moment, gradientNorm + problem.noiseVariance)
    if !frozen {
      let records: [StepRecord<Double>]
      do { records = try loop.run(&optimizer, iterations: 1, streams: &streams) } catch {
        result.failure = "step \(t): \(error)"
        break
      }
      guard let record = records.first else {
        result.failure = "step \(t) returned no record"
        break
      }
      if let c = record.certificate {
        eps = max(eps, c.epsilon)
        epsAbsolute = max(epsAbsolute, c.objective - c.lowerBound)
      }
      xi = min(xi, record.retainedFraction.isNaN ? 0 : record.retainedFraction)
    }
    if t + 1 == horizons[next] {
      let p = problem.projection(average)
      var s = 0.0
      for j in 0..<d {
        s += (average[j] - p[j]) * (average[j] - p[j])
        magnitude = max(magnitude, abs(p[j]))
      }
      let u = Double.ulpOfOne / 2
      result.squaredDistances[next] = s
      result.squaredDistancesLower[next] = floor.lowerSquaredDistance(s, magnitude: magnitude)
      let g = gradientSum / Double(t + 1)
      result.gradientMeans[next] = g
      result.gradientMeansLower[next] = gradientSumLower * max(0, 1 - Double(t + 2) * u) / Double(t + 1)
      result.epsilon[next] = eps
      result.epsilonAbsolute[next] = epsAbsolute
      result.secondMoment[next] = moment
      result.retained[next] = xi
      // f(x_T) − f* of the iterate after T steps.
      let xT = frozen ? problem.start : optimizer.iterate
      if xT.allSatisfy(\.isFinite) {
        let m = xT.reduce(magnitude) { max($0, abs($1)) }
        // Per coordinate, x_T − x_p is within δ (the run's rounding,
        // `Theorem2RoundingFloor`) plus (2d + 6)·u·M (the projection's) of its
        // exact-arithmetic value; a point off by e per coordinate has
        // f − f* ≤ ½·L·d·e².
        let e = floor.delta(magnitude: m) + Double(2 * d + 6) * (Double.ulpOfOne / 2) * m
        result.suboptimality[next] = problem.suboptimality(xT)
        result.suboptimalityFloor[next] = problem.smoothness * Double(d) * e * e / 2
      }
      next += 1
      if next == count { break }
    }
  }
  result.diverged = next < count
  if result.diverged && result.failure == nil { result.failure = "stopped before T = \(horizons[next])" }
  return result
}
