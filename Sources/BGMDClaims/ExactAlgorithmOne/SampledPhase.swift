import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// A larger instance of Lemmas 3 and 4, run in `Double` with the real
/// geometric median (`GeometricMedian`), whose expectation over all the
/// run's randomness is decided by ClaimCheck's planned sequential test on
/// independent runs (the exact tree would be too large). Every parameter is
/// here, so a fixture replays the test.
///
/// The problem is a `PLQuadraticBuilder` quadratic (d = 8, full rank,
/// κ = 4, signed-basis noise of scale 1: σ² = 1 under the variance reading),
/// x_0 = x* + u with u_j ∈ {−2, …, 2} drawn from `problemSeed`, γ = 1/(4L),
/// k = 2, Algorithm 2 `successive`, b = 6 (clean) or b = 7 with the last two
/// slots bad (ψ = 2/7, α = 2/5) sending 100·e_0 (an adversary that takes
/// the block), T = 8 steps.
public struct SampledInstance: Sendable, Codable, Hashable {
  public var memory: MemoryVariant
  public var corrupted: Bool
  public var problemSeed: UInt64
  public var dimension = 8
  public var k = 2
  public var steps = 8

  /// b and |𝔹|.
  public var rows: Int { corrupted ? 7 : 6 }
  public var badCount: Int { corrupted ? 2 : 0 }
  public var goodCount: Int { rows - badCount }

  /// The exact quadratic and x_0.
  func build() -> (PLQuadratic<Double>, [Double], Double) {
    var rng = Xoshiro256(seed: problemSeed, stream: 1)
    let exact = PLQuadraticBuilder(dimension: dimension, rank: dimension, conditionNumber: 4...4,
                                   noise: .signedBasis(scale: Rational(1))).build(using: &rng)
    let problem = exact.converted(to: Double.self)
    let x0 = problem.minimizer.map { $0 + Double(rng.uniformInt(in: -2...2)) }
    return (problem, x0, problem.smoothness)
  }

  /// One run with `seed`: the quantities at the last step and the largest
  /// E‖g_i‖² = ‖∇f(x_t)‖² + σ² over the iterates visited, the largest
  /// additive GM accuracy (objective − lower bound) of the certificates and
  /// the largest objective g(g̃) (≥ any additive gap, since min g ≥ 0).
  func run(seed: UInt64) throws -> (memory: Double, perturbation: Double, secondMoment: Double, epsilon: Double,
                                    objective: Double) {
    let (problem, x0, l) = build()
    let gamma = 1 / (4 * l)
    let config = OptimizerConfiguration<Double>(stepSize: gamma, memory: memory,
                                                block: .block(k: k, reading: .successive), record: .full)
    var optimizer = try BlockDescent(initialIterate: x0, batchCount: rows, rule: GeometricMedian<Double>(
      options: GeometricMedianOptions(epsilon: 1e-10, maxIterations: 2000)), configuration: config)
    let (b, good, d) = (rows, goodCount, dimension)
    let loop = TrainingLoop<GeometricMedian<Double>>(
      oracle: { x, _, rng in
        try Matrix((0..<b).map { _ in problem.stochasticGradient(x, worker: 0, using: &rng) })
      },
      schedule: { _, _ in Array(good..<b) },
      adversary: { view, _ in view.badSlots.map { _ in (0..<d).map { $0 == 0 ? 100 : 0 } } })
    var streams = TrainingStreams(seed: seed)
    var second = 0.0
    var epsilon = 0.0
    var objective = 0.0
    let records = try loop.run(&optimizer, iterations: steps, streams: &streams) { record, _ in
      if let x = record.iterate {
        second = Swift.max(second, problem.gradient(x).reduce(0) { $0 + $1 * $1 } + problem.noiseVariance)
      }
      if let c = record.certificate {
        epsilon = Swift.max(epsilon, c.objective - c.lowerBound)
        objective = Swift.max(objective, c.objective)
      }
      return true
    }
    guard let last = records.last, let aug = last.augmentedRows, let residual = last.residual,
      let aggregate = last.aggregate
    else { throw FixtureInputError(field: "run", expected: "a full record of the last step") }
    var z = aggregate
    for j in 0..<d {
      var delta = 0.0
      for i in 0..<good { delta += aug[i, j] - residual[i, j] }
      z[j] -= delta / Double(good)
    }
    let memoryNorm: Double
    switch memory {
    case .perRow: memoryNorm = (0..<d).reduce(0) { $0 + residual[0, $1] * residual[0, $1] }
    default: memoryNorm = optimizer.averagedMemory.reduce(0) { $0 + $1 * $1 }
    }
    let values = [memoryNorm, z.reduce(0) { $0 + $1 * $1 }, second, epsilon, objective]
    guard values.allSatisfy(\.isFinite) else {
      throw FixtureInputError(field: "run", expected: "finite quantities (our implementation returned \(values))")
    }
    return (values[0], values[1], values[2], values[3], values[4])
  }
}

/// Which bound the sampled phase tests.
enum SampledBound: String, Sendable, Codable {
  case lemma3, lemma4
}

/// The evidence of a sampled phase.
struct SampledEvidence: Codable, Sendable {
  var instance: SampledInstance
  var bound: String
  var xi: Double
  var sigma2: Double
  var epsilon: Double
  var rhs: Double
  var pilotRuns: Int
  var test: JSONValue
  var decision: String
}

/// The sampled phase of a Lemma 3 or 4 claim: σ² (second-moment reading) and
/// ε are fixed from pilot runs with independent seeds (σ² their largest
/// E‖g_i‖²; ε twice their largest GM objective g(g̃), which bounds the
/// additive gap g(g̃) − min g whatever the certificate proves) and measured
/// on the test's runs as hypotheses; ξ = k/d, the
/// value Lemma 1 guarantees. With X the quantity of one run and RHS the
/// bound, Y = min(X/(2·RHS), 1) ∈ [0, 1] has E[Y] ≤ E[X]/(2·RHS), so
/// E[X] ≤ RHS implies E[Y] ≤ 1/2: the planned Hoeffding test of E[Y] ≤ 1/2
/// (α = 0.01, power 0.95 at margin 0.1) refuting shows E[X] > RHS at level α.
func runSampledPhase(_ ctx: ClaimContext, bound: SampledBound, memory: MemoryVariant, corrupted: Bool,
                     reading: Assumption1Reading, tally: HypothesisTallies) throws -> PhaseResult {
  let instance = SampledInstance(memory: memory, corrupted: corrupted, problemSeed: 20_220_000 + (corrupted ? 1 : 0))
  let pilotRuns = 100
  let pilotSeed = PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 1 << 41)
  var sigma2 = 0.0
  var epsilon = 0.0
  for i in 0..<pilotRuns {
    let r = try instance.run(seed: PRNG.caseSeed(runSeed: pilotSeed, caseIndex: UInt64(i)))
    sigma2 = Swift.max(sigma2, r.secondMoment)
    epsilon = Swift.max(epsilon, r.objective)
  }
  epsilon *= 2
  if reading == .variance { sigma2 = 1 }
  let xi = Double(instance.k) / Double(instance.dimension)
  let gamma = 1 / (4 * instance.build().2)
  let alpha = Double(instance.badCount) / Double(instance.goodCount)
  let rhs: Double
  switch bound {
  case .lemma3: rhs = 4 * (1 - xi * xi) * gamma * gamma * sigma2 / (xi * xi)
  case .lemma4:
    rhs = 96 * gamma * gamma * sigma2 / ((1 - alpha) * (1 - alpha)) * (1 + 4 * (1 - xi * xi) / (xi * xi))
      + 2 * epsilon * epsilon / (Double(instance.goodCount * instance.goodCount) * (1 - alpha) * (1 - alpha))
  }
  final class Seen: @unchecked Sendable {
    let lock = NSLock()
    var second = 0.0
    var epsilon = 0.0
    var errors: [String] = []
  }
  let seen = Seen()
  let gen = Gen<Double> { source in
    let seed = UInt64(try source.drawInt(in: 0...(1 << 52)))
    do {
      let r = try instance.run(seed: seed)
      seen.lock.lock()
      seen.second = Swift.max(seen.second, r.secondMoment)
      seen.epsilon = Swift.max(seen.epsilon, r.epsilon)
      seen.lock.unlock()
      let x = bound == .lemma3 ? r.memory : r.perturbation
      return rhs > 0 ? Swift.min(x / (2 * rhs), 1) : (x > 0 ? 1 : 0)
    } catch {
      seen.lock.lock()
      seen.errors.append("\(error)")
      seen.lock.unlock()
      return .nan
    }
  }
  let plan = try SequentialPlan(range: 0...1, bound: 0.5, comparison: .atMost, alpha: 0.01, beta: 0.05, margin: 0.1,
                                firstLook: 100, maxSamples: ctx.budget.maxSamples)
  var result: ExpectationResult
  do {
    result = try checkExpectation(gen, plan: plan, seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 1 << 42),
                                  threads: ctx.threads, maxSamples: ctx.budget.maxSamples, cancellation: ctx.cancellation)
  } catch {
    for e in seen.errors { tally.error("sampled run: \(e)") }
    tally.error("sampled phase: \(error)")
    return try PhaseResult(name: "sampled", verdict: .inconclusive, cases: 0,
                           typedEvidence: ["error": "\(error)"])
  }
  if reading == .secondMoment {
    tally.record("sampled: E‖g_i‖² ≤ σ² (from \(pilotRuns) pilot runs) at every iterate the test's runs visited",
                 held: seen.second <= sigma2, detail: "max E‖g_i‖² = \(seen.second) > σ² = \(sigma2)")
  }
  if bound == .lemma4 {
    tally.record("sampled: the GM certificates' additive accuracy ≤ ε on the test's runs",
                 held: seen.epsilon <= epsilon, detail: "max g(g̃) − lower bound = \(seen.epsilon) > ε = \(epsilon)")
  }
  let verdict = Verdict(result.decision)
  let evidence = SampledEvidence(instance: instance, bound: bound.rawValue, xi: xi, sigma2: sigma2, epsilon: epsilon,
                                 rhs: rhs, pilotRuns: pilotRuns, test: result.json, decision: verdict.rawValue)
  var counterexample: CounterexampleReference?
  let summary = "d = 8, b = \(instance.rows) (|𝔹| = \(instance.badCount)), k = 2, T = 8, memory \(memory.rawValue), "
    + "Double with the geometric median: mean of min(X/(2·RHS), 1) = \(result.estimate) over \(result.samples) runs "
    + "(lower confidence bound \(result.confidenceBound) > 1/2), RHS = \(rhs)"
  if verdict == .refuted {
    if ctx.control == nil {
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: try JSONValue(encoding: evidence),
                            observed: result.json, summary: summary)
      counterexample = try ClaimFixtures.record(fixture, exact: false, in: ctx)
    } else {
      counterexample = CounterexampleReference(fixture: "", exact: false, summary: summary)
    }
  }
  return try PhaseResult(name: "sampled", verdict: verdict, cases: result.samples + pilotRuns,
                         worst: WorstCase(ratio: 2 * result.estimate, case: "sampled: 2·mean of min(X/(2·RHS), 1)"),
                         counterexample: counterexample, typedEvidence: evidence)
}

/// The sampled phase as the Lemma 3 and 4 claims' domains state it.
let sampledPhaseDomain = "sampled (when the exact phase finds nothing): d = 8, k = 2, b = 6 or 7 (2 bad sending 100·e_0), T = 8, "
  + "Double with the geometric median, planned sequential test on independent runs"

/// Replays a fixture of a Lemma 3 or 4 claim (`idPattern`:
/// `<family>/<bound>/<memory>/<setting>/<reading>`): a sampled one (its
/// input has an `instance`) by `replaySampled`, an exact one by `fails` on
/// its case and tree. True when the bound still fails (expect `refutes`)
/// or still holds (`holds`) on its input.
func replayMemoryBoundFixture(
  _ fixture: Fixture, idPattern: String, fails: (ExactCase, ExactTree, Assumption1Reading) throws -> Bool
) throws -> Bool {
  let segments = idSegments(fixture.claim)
  guard segments.count == 5, let reading = Assumption1Reading(rawValue: segments[4]) else {
    throw FixtureInputError(field: "claim", expected: idPattern)
  }
  if fixture.input["instance"] != nil { return try replaySampled(fixture, reading: reading) }
  let c = try FixtureReplay.decode(ExactCase.self, from: fixture.input)
  return try fails(c, try ExactTree(c), reading) == (fixture.expect == .refutes)
}

/// Replays a sampled fixture: re-runs the planned test with the stored
/// instance, bound and constants (the seeds are the test's own, derived from
/// the stored plan's claim seed, so the replay draws fresh runs) and returns
/// whether it still refutes.
func replaySampled(_ fixture: Fixture, reading: Assumption1Reading) throws -> Bool {
  let e = try FixtureReplay.decode(SampledEvidence.self, from: fixture.input)
  let gen = Gen<Double> { source in
    let seed = UInt64(try source.drawInt(in: 0...(1 << 52)))
    let r = try e.instance.run(seed: seed)
    let x = e.bound == SampledBound.lemma3.rawValue ? r.memory : r.perturbation
    return e.rhs > 0 ? Swift.min(x / (2 * e.rhs), 1) : (x > 0 ? 1 : 0)
  }
  let plan = try SequentialPlan(range: 0...1, bound: 0.5, comparison: .atMost, alpha: 0.01, beta: 0.05, margin: 0.1,
                                firstLook: 100)
  let result = try checkExpectation(gen, plan: plan, seed: 1, threads: 2)
  return (result.decision == .refuted) == (fixture.expect == .refutes)
}
