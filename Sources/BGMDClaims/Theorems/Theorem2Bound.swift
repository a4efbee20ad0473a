import ClaimCheck
import Foundation

/// The bracket of Theorem 2's bound (17) with every hidden constant set to 1:
///
/// RHS(T) = (L·R0/μ²)(1 − μ/(8L))^T + σ²ξ⁻²/(μ²(1 − α)²) + L²ε²/(μ²|𝔾|²(1 − α)²).
///
/// The paper's appendix gives explicit constants that we do not have (only
/// the poster's big-O form), so a check compares LHS with this bracket and
/// asks whether the ratio LHS/RHS, the implied constant, stays bounded.
public struct Theorem2Bracket: Sendable, Hashable {
  /// The three terms and their sum.
  public var transient: Double
  public var noise: Double
  public var accuracy: Double
  public var total: Double { transient + noise + accuracy }

  /// The bracket at horizon T.
  /// - Parameters: μ, L; R0; σ² (per the reading); ξ ∈ (0, 1]; α = |𝔹|/|𝔾| < 1;
  ///   |𝔾|; ε the certified accuracy.
  public init(mu: Double, smoothness l: Double, initialGap r0: Double, horizon t: Int, sigmaSquared: Double,
              xi: Double, alpha: Double, goodCount: Int, epsilon: Double) {
    let oneMinusAlpha = (1 - alpha) * (1 - alpha)
    transient = l * r0 / (mu * mu) * pow(1 - mu / (8 * l), Double(t))
    noise = sigmaSquared / (xi * xi * mu * mu * oneMinusAlpha)
    let g = Double(goodCount)
    accuracy = epsilon == 0 ? 0 : l * l * epsilon * epsilon / (mu * mu * g * g * oneMinusAlpha)
  }

  /// Theorem 1's bracket (16) with every constant 1:
  /// L·R0/T + σ²ξ⁻²/(1 − α)² + L²ε²/(|𝔾|²(1 − α)²).
  public init(theorem1 l: Double, initialGap r0: Double, horizon t: Int, sigmaSquared: Double, xi: Double,
              alpha: Double, goodCount: Int, epsilon: Double) {
    let oneMinusAlpha = (1 - alpha) * (1 - alpha)
    transient = l * r0 / Double(max(1, t))
    noise = sigmaSquared / (xi * xi * oneMinusAlpha)
    let g = Double(goodCount)
    accuracy = epsilon == 0 ? 0 : l * l * epsilon * epsilon / (g * g * oneMinusAlpha)
  }
}

/// What R independent runs of one instance measured, with the bracket under
/// both readings of Assumption 1 and both values of ξ.
///
/// The constants entering the bracket are the most generous ones seen over
/// the R runs up to T (largest ε, largest second moment, smallest measured
/// ξ), so the bracket is a constant given the runs.
public struct Theorem2Measurement: Sendable {
  public var instance: Theorem2Instance
  public var problem: Theorem2Problem
  /// Per run, per horizon: ‖x̂_T − x_p‖².
  public var runs: [Theorem2RunResult]
  /// Mean over runs of ‖x̂_T − x_p‖² (the estimate of E‖x̂_T − x_p‖²), per horizon.
  public var lhs: [Double]
  /// Largest ε, largest second moment, smallest measured ξ over runs, per horizon.
  public var epsilon: [Double]
  public var secondMoment: [Double]
  public var measuredXi: [Double]

  /// Runs `instance.runs` runs (in parallel, gathered in run order).
  public init(_ instance: Theorem2Instance, threads: Int = 1) {
    let problem = Theorem2Problem(instance)
    let runs = parallelMap(count: instance.runs, threads: threads) { r in
      runTheorem2(instance, problem: problem, seed: PRNG.caseSeed(runSeed: UInt64(instance.runSeed), caseIndex: UInt64(r)))
    }
    self.init(instance: instance, problem: problem, runs: runs)
  }

  /// Aggregates given runs.
  public init(instance: Theorem2Instance, problem: Theorem2Problem, runs: [Theorem2RunResult]) {
    self.instance = instance
    self.problem = problem
    self.runs = runs
    let n = instance.horizons.count
    let count = Double(max(1, runs.count))
    lhs = (0..<n).map { i in runs.reduce(0) { $0 + Self.sample($1, instance.theorem, i) } / count }
    epsilon = (0..<n).map { i in runs.map { $0.epsilon[i] }.max() ?? 0 }
    secondMoment = (0..<n).map { i in runs.map { $0.secondMoment[i] }.max() ?? 0 }
    measuredXi = (0..<n).map { i in runs.map { $0.retained[i] }.min() ?? 1 }
  }

  /// One run's left-hand side at horizon index i: ‖x̂_T − x_p‖² (Theorem 2)
  /// or (1/T) Σ_{t<T} ‖∇f(x_t)‖² (Theorem 1).
  static func sample(_ run: Theorem2RunResult, _ theorem: Int, _ i: Int) -> Double {
    theorem == 1 ? run.gradientMeans[i] : run.squaredDistances[i]
  }

  /// ξ = k/d, what Lemma 1 guarantees.
  public var lemma1Xi: Double { Double(min(instance.blockSize, instance.dimension)) / Double(instance.dimension) }

  /// σ² under `reading` at horizon index i.
  public func sigmaSquared(_ reading: Assumption1Reading, at i: Int) -> Double {
    reading == .variance ? problem.noiseVariance : secondMoment[i]
  }

  /// The bracket at horizon index i; `measured` uses the smallest measured ξ.
  /// `including` merges one more run's constants (a confirmation run), so
  /// the bracket never uses a smaller ε or σ², or a larger ξ, than that run saw.
  public func bracket(_ reading: Assumption1Reading, at i: Int, measured: Bool = false,
                      alternativeR0: Bool = false, including run: Theorem2RunResult? = nil) -> Theorem2Bracket {
    var xiSeen = measuredXi[i]
    var eps = epsilon[i]
    var sigma = sigmaSquared(reading, at: i)
    if let run {
      xiSeen = min(xiSeen, run.retained[i])
      eps = max(eps, run.epsilon[i])
      if reading == .secondMoment { sigma = max(sigma, run.secondMoment[i]) }
    }
    let xi = measured ? max(xiSeen, 1e-300) : lemma1Xi
    if instance.theorem == 1 {
      return Theorem2Bracket(
        theorem1: problem.smoothness, initialGap: alternativeR0 ? problem.initialDistance : problem.initialGap,
        horizon: instance.horizons[i], sigmaSquared: sigma, xi: xi, alpha: instance.alpha,
        goodCount: instance.goodCount, epsilon: eps)
    }
    return Theorem2Bracket(
      mu: problem.mu, smoothness: problem.smoothness,
      initialGap: alternativeR0 ? problem.initialDistance : problem.initialGap,
      horizon: instance.horizons[i], sigmaSquared: sigma, xi: xi, alpha: instance.alpha,
      goodCount: instance.goodCount, epsilon: eps)
  }

  /// ‖x̂_T − x_p‖² / RHS(T) for one run (0 when the bracket is +∞: the bound
  /// is then vacuous; +∞ when the run left the floating range and the
  /// bracket is finite).
  public func runRatio(_ run: Theorem2RunResult, _ reading: Assumption1Reading, at i: Int) -> Double {
    let r = bracket(reading, at: i, including: run).total
    if !r.isFinite { return 0 }
    let z = Self.sample(run, instance.theorem, i) / r
    return z.isNaN ? .infinity : z
  }

  /// LHS/RHS per horizon.
  public func ratios(_ reading: Assumption1Reading, measured: Bool = false, alternativeR0: Bool = false) -> [Double] {
    instance.horizons.indices.map { i in
      let r = bracket(reading, at: i, measured: measured, alternativeR0: alternativeR0).total
      if !r.isFinite { return 0 }
      return lhs[i].isFinite ? lhs[i] / r : .infinity
    }
  }

  /// The implied constant of the instance: the largest ratio over horizons.
  public func supRatio(_ reading: Assumption1Reading) -> Double { ratios(reading).max() ?? 0 }
}
