import ClaimCheck
import Foundation

/// The constants of (16)/(17) for one instance, measured on calibration runs
/// of the algorithm as the theorem states it (seeds independent of every run
/// that is judged), and the runs of the algorithm under test.
public struct Theorem2Evaluation: Sendable {
  public var instance: Theorem2Instance
  public var problem: Theorem2Problem
  /// Runs of the stated algorithm (no variant): they give σ² (second-moment
  /// reading), ε and the measured ξ.
  public var calibration: [Theorem2RunResult]
  /// Runs of the instance's own algorithm (its variant, if any) whose mean
  /// LHS the search ranks; the same runs as `calibration` without a variant.
  public var exploration: [Theorem2RunResult]
  /// The leading horizons (indices 0..<usable) every calibration and
  /// exploration run reached with finite values. A run that leaves the
  /// floating range (a diverging iterate overflows) is measured up to there;
  /// later horizons are not compared (`rangeExceeded` says where and why).
  public var usable: Int
  /// σ² of the second-moment reading at each horizon T: the largest
  /// ‖∇f(x_t)‖² + σ²_noise over t < T and over the calibration runs.
  public var secondMoments: [Double]
  /// ε at each horizon T, absolute reading: the largest certified gap
  /// g(z) − min g over the calibration runs' GM calls at t < T; relative
  /// reading (Definition 3): the largest certified (g(z) − min g)/min g.
  public var epsilonsAbsolute: [Double]
  public var epsilonsRelative: [Double]
  /// The smallest retained fraction seen over the calibration runs.
  public var measuredXi: Double
  /// The constants at the last usable horizon (reported).
  public var secondMoment: Double { secondMoments[max(0, usable - 1)] }
  public var epsilonAbsolute: Double { epsilonsAbsolute[max(0, usable - 1)] }
  public var epsilonRelative: Double { epsilonsRelative[max(0, usable - 1)] }
  /// Runs that stopped early or met a non-finite value, with where.
  public var rangeExceeded: [String]

  /// Calibration seed r: `caseSeed(runSeed, r)`; exploration of a variant:
  /// `caseSeed(runSeed, 2^20 + r)`.
  public init(_ instance: Theorem2Instance, threads: Int = 1) {
    let problem = Theorem2Problem(instance)
    let stated = { var s = instance; s.variant = nil; return s }()
    let calibration = parallelMap(count: instance.runs, threads: threads) { r in
      runTheorem2(stated, problem: problem, seed: PRNG.caseSeed(runSeed: UInt64(instance.runSeed), caseIndex: UInt64(r)))
    }
    let exploration = instance.variant == nil ? calibration
      : parallelMap(count: instance.runs, threads: threads) { r in
        runTheorem2(instance, problem: problem,
                    seed: PRNG.caseSeed(runSeed: UInt64(instance.runSeed), caseIndex: UInt64((1 << 20) + r)))
      }
    self.init(instance: instance, problem: problem, calibration: calibration, exploration: exploration)
  }

  /// Aggregates given runs.
  public init(instance: Theorem2Instance, problem: Theorem2Problem, calibration: [Theorem2RunResult],
              exploration: [Theorem2RunResult]) {
    self.instance = instance
    self.problem = problem
    self.calibration = calibration
    self.exploration = exploration
    let theorem = instance.theorem
    func reached(_ run: Theorem2RunResult, _ i: Int) -> Bool {
      run.lhs(theorem: theorem, at: i, lower: false).isFinite && run.lhs(theorem: theorem, at: i, lower: true).isFinite
        && run.secondMoment[i].isFinite && run.epsilonAbsolute[i].isFinite
    }
    var usable = 0
    while usable < instance.horizons.count
      && calibration.allSatisfy({ reached($0, usable) }) && exploration.allSatisfy({ reached($0, usable) }) {
      usable += 1
    }
    self.usable = usable
    let at = max(0, usable - 1)
    let n = instance.horizons.count
    secondMoments = (0..<n).map { i in calibration.map { $0.secondMoment[i] }.max() ?? .infinity }
    epsilonsAbsolute = (0..<n).map { i in calibration.map { $0.epsilonAbsolute[i] }.max() ?? .infinity }
    epsilonsRelative = (0..<n).map { i in calibration.map { $0.epsilon[i] }.max() ?? .infinity }
    measuredXi = calibration.map { $0.retained[at] }.min() ?? 1
    var exceeded: [String] = []
    for (kind, runs) in [("calibration", calibration), ("exploration", instance.variant == nil ? [] : exploration)] {
      for (r, run) in runs.enumerated() {
        if let f = run.failure { exceeded.append("\(kind) run \(r): \(f)") }
      }
    }
    rangeExceeded = exceeded
  }

  /// ξ = k/d, Lemma 1's guarantee.
  public var lemma1Xi: Double { Double(min(instance.blockSize, instance.dimension)) / Double(instance.dimension) }

  /// σ² under `reading`: the oracle's exact noise variance, or the measured
  /// second moment along the calibration runs.
  public func sigmaSquared(_ reading: Assumption1Reading, at i: Int? = nil) -> Double {
    reading == .variance ? problem.noiseVariance : secondMoments[i ?? max(0, usable - 1)]
  }

  /// The constants of the bound under `reading` (ξ = k/d unless `measuredXi`;
  /// absolute ε unless `relativeEpsilon`).
  public func constants(_ reading: Assumption1Reading, at i: Int, measuredXi useMeasured: Bool = false,
                        relativeEpsilon: Bool = false) -> TheoremBound.Constants {
    TheoremBound.Constants(
      smoothness: problem.smoothness, mu: problem.mu, initialGap: problem.initialGap,
      sigmaSquared: sigmaSquared(reading, at: i), xi: useMeasured ? max(measuredXi, 1e-300) : lemma1Xi,
      alpha: instance.alpha, goodCount: instance.goodCount,
      epsilon: relativeEpsilon ? epsilonsRelative[i] : epsilonsAbsolute[i])
  }

  /// The right-hand side at horizon index i.
  public func bound(_ reading: Assumption1Reading, at i: Int, measuredXi: Bool = false,
                    relativeEpsilon: Bool = false) -> TheoremBound {
    TheoremBound(theorem: instance.theorem, horizon: instance.horizons[i],
                 constants: constants(reading, at: i, measuredXi: measuredXi, relativeEpsilon: relativeEpsilon))
  }

  /// The upper end of the right-hand side at horizon index i (rounding of
  /// its own evaluation included).
  public func rhsUpper(_ reading: Assumption1Reading, at i: Int) -> Double {
    bound(reading, at: i).upper(horizon: instance.horizons[i])
  }

  /// Mean LHS over the exploration runs at horizon index i (`lower`: the
  /// rounding-aware lower bound); NaN when a run did not reach it.
  public func lhs(at i: Int, lower: Bool) -> Double {
    var sum = 0.0
    for run in exploration {
      let v = run.lhs(theorem: instance.theorem, at: i, lower: lower)
      guard v.isFinite else { return .nan }
      sum += v
    }
    return sum / Double(max(1, exploration.count))
  }

  /// LHS⁻/RHS⁺ per horizon (NaN where LHS is not finite or past `usable`).
  public func ratios(_ reading: Assumption1Reading) -> [Double] {
    instance.horizons.indices.map { i in
      i < usable ? theorem2Ratio(lhs(at: i, lower: true), rhsUpper(reading, at: i)) : .nan
    }
  }

  /// The computed LHS over the computed RHS, without the rounding floor (what
  /// the check compared before the floor was introduced; evidence only).
  public func rawRatios(_ reading: Assumption1Reading) -> [Double] {
    instance.horizons.indices.map { i in
      i < usable ? theorem2Ratio(lhs(at: i, lower: false), bound(reading, at: i).total) : .nan
    }
  }

  /// The horizon the planned test runs at: the one where the exploration
  /// runs' mean of the test's own transform min(LHS⁻/(2·RHS⁺), 1) is largest
  /// (the earliest among ties): the test's power is there, and an earlier
  /// horizon keeps a diverging run inside the floating range on fresh seeds.
  public func testHorizon(_ reading: Assumption1Reading) -> (index: Int, ratio: Double)? {
    let rs = ratios(reading)
    var best: (index: Int, ratio: Double, y: Double)?
    for i in 0..<usable where !rs[i].isNaN {
      let rhs = rhsUpper(reading, at: i)
      var y = 0.0
      for run in exploration {
        let lhs = run.lhs(theorem: instance.theorem, at: i, lower: true)
        y += rhs > 0 ? min(lhs / rhs / 2, 1) : (lhs > 0 ? 1 : 0)
      }
      y /= Double(max(1, exploration.count))
      if let b = best, y <= b.y { continue }
      best = (index: i, ratio: rs[i], y: y)
    }
    return best.map { (index: $0.index, ratio: $0.ratio) }
  }

  /// The horizon index of the largest finite ratio, and that ratio.
  public func worst(_ reading: Assumption1Reading) -> (index: Int, ratio: Double)? {
    var best: (index: Int, ratio: Double)?
    for (i, r) in ratios(reading).enumerated() where !r.isNaN {
      if let b = best, r <= b.ratio { continue }
      best = (index: i, ratio: r)
    }
    return best
  }
}

/// LHS/RHS with 0/0 = 0 and x/0 = +∞ for x > 0; NaN when LHS is not finite.
func theorem2Ratio(_ lhs: Double, _ rhs: Double) -> Double {
  guard lhs.isFinite, !rhs.isNaN else { return .nan }
  if rhs > 0 { return lhs / rhs }
  return lhs > 0 ? .infinity : 0
}

/// An evaluation of one Theorem 2 instance (the bound's or the
/// convergence-vs-gmd one), cached by `Theorem2EvaluationCache`.
protocol Theorem2Evaluating: Sendable {
  init(_ instance: Theorem2Instance, threads: Int)
}

extension Theorem2Evaluation: Theorem2Evaluating {}

/// Evaluations by instance, so the search never re-runs an instance.
final class Theorem2EvaluationCache<Evaluation: Theorem2Evaluating>: @unchecked Sendable {
  private var store: [Theorem2Instance: Evaluation] = [:]
  private let lock = NSLock()

  func evaluate(_ instance: Theorem2Instance, threads: Int) -> Evaluation {
    lock.lock()
    if let m = store[instance] {
      lock.unlock()
      return m
    }
    lock.unlock()
    let m = Evaluation(instance, threads: threads)
    lock.lock()
    store[instance] = m
    lock.unlock()
    return m
  }
}

/// The bound claims' cache.
typealias Theorem2Cache = Theorem2EvaluationCache<Theorem2Evaluation>

/// Implementation errors met while sampling (collected across threads).
final class Theorem2Failures: @unchecked Sendable {
  private var items: [String] = []
  private let lock = NSLock()
  func add(_ s: String) {
    lock.lock()
    items.append(s)
    lock.unlock()
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return items
  }

  /// ClaimCheck's planned test on `sample`, whose runs report their
  /// implementation errors here: the result when none was reported, else
  /// nil with the errors (also when the test itself threw after one).
  func plannedTest(
    _ sample: Gen<Double>, plan: SequentialPlan, seed: UInt64, threads: Int, cancellation: CancellationFlag?
  ) throws -> (result: ExpectationResult?, failures: [String]) {
    do {
      let result = try checkExpectation(sample, plan: plan, seed: seed, threads: threads, maxSamples: plan.maxSamples,
                                        cancellation: cancellation)
      let found = all
      return (found.isEmpty ? result : nil, found)
    } catch {
      let found = all
      guard !found.isEmpty else { throw error }
      return (nil, found)
    }
  }
}

/// The planned test of E[LHS] ≤ RHS at one instance and horizon, on fresh runs.
///
/// RHS⁺ is a constant of the instance (constants from the calibration runs,
/// ξ = k/d, the theorem's γ, its own rounding included). For a fresh run,
/// Z = LHS⁻/RHS⁺ with LHS⁻ the run's rounding-aware lower bound on its LHS;
/// Y = min(Z/2, 1) ∈ [0, 1] has E[Y] ≤ E[Z]/2, so E[LHS] ≤ RHS gives
/// E[Y] ≤ 1/2. ClaimCheck's sequential Hoeffding test of E[Y] ≤ 1/2
/// (false-alarm rate α, power 1 − β against E[Y] ≥ 1/2 + δ) refuting it shows,
/// at level α, E[LHS⁻] > RHS⁺, hence E[LHS] > RHS in exact arithmetic. The
/// threshold is the constant 1 of the statement: it cannot be NaN. A run
/// whose LHS is not finite is an implementation error, never a sample.
public struct Theorem2Confirmation: Sendable {
  public var instance: Theorem2Instance
  public var reading: Assumption1Reading
  public var horizonIndex: Int
  /// RHS⁺ at the tested horizon.
  public var rhs: Double
  public var plan: SequentialPlan
  public var seed: UInt64

  /// Runs the test; an implementation error (a non-finite LHS, a rule error)
  /// in any sampled run is returned in `failures` with the run's seed, and
  /// the result is then `nil`.
  public func run(problem: Theorem2Problem, threads: Int, cancellation: CancellationFlag? = nil) throws
    -> (result: ExpectationResult?, failures: [String])
  {
    let instance = self.instance
    let index = horizonIndex
    let rhs = self.rhs
    let failures = Theorem2Failures()
    let gen = Gen<Double> { source in
      let runSeed = try source.drawInt(in: 0...(1 << 52))
      let run = runTheorem2(instance, problem: problem, seed: UInt64(runSeed))
      let lhs = run.lhs(theorem: instance.theorem, at: index, lower: true)
      guard lhs.isFinite else {
        failures.add("run seed \(runSeed) of \(instance.description): LHS at T = \(instance.horizons[index]) is "
                     + "\(lhs) (\(run.failure ?? "non-finite value"))")
        return .nan
      }
      return rhs > 0 ? min(lhs / rhs / 2, 1) : (lhs > 0 ? 1 : 0)
    }
    return try failures.plannedTest(gen, plan: plan, seed: seed, threads: threads, cancellation: cancellation)
  }
}

