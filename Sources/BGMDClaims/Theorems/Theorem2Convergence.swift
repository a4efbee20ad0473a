import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// The robust memories' convergence against GMD on Theorem 2's PL problems:
/// `theorem2/convergence-vs-gmd/<memory>/<setting>`, memory ∈
/// {`coordinate-median`, `filtered-mean`, `norm-filtered`}, setting ∈
/// `Theorem2Setting` (Proofs/theorem-2.md, "The robust memories").
///
/// No argument gives (17) for these memories (Proofs/theorem-2.md), so the
/// claim is empirical. On an instance of `theorem2/bound/…` (same problems,
/// b, corruption, dynamic schedule, γ = 1/(4L)), a paired run r draws the
/// same streams for BGMD with the memory (block k, `successive`) and for GMD
/// (k = d). With g_B = f(x_T) − f* of BGMD and g_G that of GMD, each raised
/// to its rounding floor, and F = 1 + 4(1 − ξ²)/ξ², ξ = k/d (the factor by
/// which (17)'s σ² terms grow from GMD's ξ = 1 to BGMD's ξ), the claim is
///   E[Y] ≤ 1/2,  Y = g_B/(g_B + F·g_G) ∈ [0, 1]
/// (Y ≤ 1/2 exactly when g_B ≤ F·g_G), for every horizon T of the profile,
/// decided by the planned sequential test at the worst instance and horizon.
public enum Theorem2ConvergenceClaims {
  /// The memories checked.
  public static let memories: [MemoryVariant] = [.coordinateMedian, .filteredMean, .normFiltered]

  /// The claim id of a memory and setting.
  public static func id(_ memory: MemoryVariant, _ setting: Theorem2Setting) -> String {
    "theorem2/convergence-vs-gmd/\(memory.rawValue)/\(setting.rawValue)"
  }

  /// One claim per memory and setting, with its controls.
  public static var claims: [ClaimSpec] {
    memories.flatMap { memory in
      Theorem2Setting.allCases.map { setting in
        ClaimSpec(id: id(memory, setting),
                  controls: controls(setting).map { control in
                    ControlSpec(name: control.rawValue, breaks: control.breaks) { ctx in
                      try check(memory, setting, control: control, context: ctx)
                    }
                  }) { ctx in
          try check(memory, setting, context: ctx)
        }
      }
    }
  }

  /// The negative controls of a setting: ascent, a step past the theorem's
  /// and a memory that drops the residual (the block step alone: the
  /// unapplied part of the gradient is lost) in every setting; the printed
  /// memory under corruption (one bad row moves it by Θ(γM/b),
  /// Proofs/robust-memory.md §1; in the clean setting it is a fine memory).
  public static func controls(_ setting: Theorem2Setting) -> [Theorem2ConvergenceControl] {
    var c: [Theorem2ConvergenceControl] = [.ascends, .stepPastTheorem, .dropsResidual]
    if setting.corruption != .none { c.append(.averagedMemory) }
    return c
  }

  /// The factor F = 1 + 4(1 − ξ²)/ξ², ξ = k/d.
  public static func factor(blockSize k: Int, dimension d: Int) -> Double {
    let xi = Double(min(k, d)) / Double(d)
    return 1 + 4 * (1 - xi * xi) / (xi * xi)
  }

  /// Y = g_B/(g_B + F·g_G), each suboptimality raised to its rounding floor;
  /// 0 when both are 0. NaN when either is not finite.
  public static func transform(bgmd: Double, bgmdFloor: Double, gmd: Double, gmdFloor: Double, factor: Double)
    -> Double
  {
    guard bgmd.isFinite, gmd.isFinite, bgmdFloor.isFinite, gmdFloor.isFinite else { return .nan }
    let b = max(bgmd, bgmdFloor)
    let g = factor * max(gmd, gmdFloor)
    return b + g > 0 ? b / (b + g) : 0
  }

  static let statement =
    "On the PL problems of theorem2/bound (γ = 1/(4L), b = 10, the setting's corruption on a dynamic ⌊ψb⌋ of the "
    + "rows), BGMD with this memory (block k, successive selection) and GMD (k = d) on the same streams, for every "
    + "horizon T: E[Y] ≤ 1/2 with Y = g_B/(g_B + F·g_G), g = f(x_T) − f* (raised to its rounding floor), "
    + "F = 1 + 4(1 − ξ²)/ξ², ξ = k/d (the factor (17) puts on its σ² terms): BGMD's suboptimality is within F "
    + "of GMD's. Empirical: no argument gives (17) for this memory (Proofs/theorem-2.md)"

  static func source(_ memory: MemoryVariant) -> String {
    "Theorem 2 (17) and Lemma 5 (Appendix D, H, K) for the memory `\(memory.rawValue)` of Proofs/robust-memory.md; "
      + "Definition 1; Assumption 3 (PL)"
  }

  /// Runs the check of one claim (or of its control).
  public static func check(_ memory: MemoryVariant, _ setting: Theorem2Setting,
                           control: Theorem2ConvergenceControl? = nil, context ctx: ClaimContext) throws -> ClaimRecord
  {
    let claim = id(memory, setting)
    let plan = Theorem2Plan.forProfile(ctx.profile)
    let threads = ctx.threads
    let runSeed = Int(ctx.seed & ((1 << 52) - 1))
    let base = Theorem2Instance.generator(setting: setting, maxDimension: plan.maxDimension,
                                          maxCondition: plan.maxCondition, runs: plan.runs, horizons: plan.horizons,
                                          runSeed: runSeed, theorem: .theorem2)
    // k < d: at k = d BGMD is GMD (no block, the memory stays 0), so the
    // generator's k = d is moved to k = d − 1, the largest real block.
    let gen = base.map { drawn -> Theorem2Instance in
      var instance = drawn
      instance.blockSize = min(instance.blockSize, instance.dimension - 1)
      if let control { return control.apply(to: instance, memory: memory) }
      var i = instance
      i.memory = memory
      return i
    }
    let cache = Theorem2ConvergenceCache()
    @Sendable func score(_ instance: Theorem2Instance) -> Double {
      cache.evaluate(instance, threads: threads).score
    }
    let (search, best, bestScore, probes) = searchTheorem2Worst(
      gen, setting: setting, seed: ctx.seed, starts: plan.starts, steps: plan.steps, threads: threads,
      cancellation: ctx.cancellation, score: score)
    let domain = "memory \(memory.rawValue), setting \(setting.rawValue): \(plan.starts) + \(plan.steps) search steps "
      + "and 2 probes over d ≤ \(plan.maxDimension), κ ≤ \(plan.maxCondition), rank, k, noise, start"
      + (setting.corruption == .adversary ? ", attack and magnitude 10^0…10^6" : "")
      + "; R = \(plan.runs) paired runs per instance; T ∈ {\(plan.horizons.map(String.init).joined(separator: ", "))}"
      + (control.map { "; control \($0.rawValue)" } ?? "")
    guard let instance = best, !search.partial else {
      let phase = try PhaseResult(name: "search", verdict: .inconclusive, cases: search.evaluations,
                                  typedEvidence: ["note": search.partial ? "cancelled" : "no instance"])
      return Judgement.record(id: claim, source: source(memory), statement: statement, domain: domain,
                              phases: [phase])
    }
    let e = cache.evaluate(instance, threads: threads)
    let hypotheses = convergenceHypotheses(e)
    let searchPhase = try PhaseResult(
      name: "search", verdict: .holds, cases: (search.evaluations + probes) * plan.runs * 2,
      worst: WorstCase(ratio: e.worstRatio, case: instance.description),
      typedEvidence: e.evidence)
    guard let index = e.testHorizon else {
      let errors = ["no horizon where every paired run of \(instance.description) is finite: "
                    + e.failures.joined(separator: "; ")]
      let phase = try PhaseResult(name: "sequential-test", verdict: .inconclusive, cases: 0,
                                  typedEvidence: ["implementationErrors": errors] as [String: [String]])
      return Judgement.record(id: claim, source: source(memory), statement: statement, domain: domain,
                              phases: [searchPhase, phase], hypotheses: hypotheses,
                              extra: ["implementationError": .string(errors.joined(separator: "; "))])
    }
    let confirmation = Theorem2ConvergenceConfirmation(
      instance: instance, horizonIndex: index, plan: try plan.sequential(),
      seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 1 << 40))
    let f = e.factor
    let (result, found) = try confirmation.run(threads: threads, cancellation: ctx.cancellation)
    let verdict = Verdict(result?.decision)
    var counterexample: CounterexampleReference?
    if verdict == .refuted, let result {
      let fixture = confirmation.fixture(claim: claim, result: result)
      counterexample = try storeTheorem2Counterexample(fixture, claim: claim, ctx: ctx)
    }
    let testPhase = try PhaseResult(
      name: "sequential-test", verdict: verdict, cases: result?.samples ?? 0,
      worst: WorstCase(ratio: e.ratios[index], case: "\(instance.description) at T = \(instance.horizons[index])"),
      counterexample: counterexample,
      typedEvidence: Theorem2ConvergenceTestEvidence(
        horizon: instance.horizons[index], factor: f, test: result?.json,
        transform: "Y = g_B/(g_B + F·g_G) per fresh paired run, g = max(f(x_T) − f*, rounding floor); "
          + "E[Y] > 1/2 refutes", implementationErrors: found))
    var extra: [String: JSONValue] = [:]
    if !found.isEmpty { extra["implementationError"] = .string(found.joined(separator: "; ")) }
    if let control { extra["control"] = .string(control.rawValue) }
    return Judgement.record(id: claim, source: source(memory), statement: statement,
                            method: "targeted-search+sequential-test", domain: domain,
                            phases: [searchPhase, testPhase], hypotheses: hypotheses, extra: extra)
  }
}

/// A broken BGMD a negative control of `theorem2/convergence-vs-gmd/…` runs
/// (GMD, the reference, is never changed).
public enum Theorem2ConvergenceControl: String, Sendable, CaseIterable, Codable {
  /// Algorithm 1's printed memory, the mean of all b residual rows.
  case averagedMemory = "averaged-memory"
  /// No memory: the residual is dropped.
  case dropsResidual = "drops-residual"
  /// The honest rows are negated: BGMD ascends.
  case ascends
  /// γ = 3/L for BGMD.
  case stepPastTheorem = "step-past-theorem"

  /// What it breaks, in one line.
  public var breaks: String {
    switch self {
    case .averagedMemory: return "the memory is Algorithm 1's printed mean of all b residual rows (not robust)"
    case .dropsResidual: return "the memory drops the residual (no error feedback)"
    case .ascends: return "the honest rows are negated: BGMD ascends"
    case .stepPastTheorem: return "BGMD's step is γ = 3/L instead of 1/(4L)"
    }
  }

  /// The BGMD instance this control runs in place of the one with `memory`.
  func apply(to instance: Theorem2Instance, memory: MemoryVariant) -> Theorem2Instance {
    var i = instance
    switch self {
    case .averagedMemory: i.memory = .averaged
    case .dropsResidual: i.memory = MemoryVariant.none
    case .ascends:
      i.memory = memory
      i.variant = .ascends
    case .stepPastTheorem:
      i.memory = memory
      i.variant = .stepPastTheorem
    }
    return i
  }
}

/// The planned test of E[Y] ≤ 1/2 at one instance and horizon, on fresh
/// paired runs (seeds drawn from `seed`'s stream): per run,
/// Y = g_B/(g_B + F·g_G) ∈ [0, 1] (`Theorem2ConvergenceClaims.transform`);
/// ClaimCheck's sequential Hoeffding test refuting shows E[Y] > 1/2 at level
/// α. A run whose suboptimality is not finite is an implementation error.
public struct Theorem2ConvergenceConfirmation: Sendable {
  /// BGMD's instance (its memory, or a control's).
  public var instance: Theorem2Instance
  public var horizonIndex: Int
  public var plan: SequentialPlan
  public var seed: UInt64

  /// GMD's instance: the same with k = d, no memory, no variant.
  public var gmdInstance: Theorem2Instance {
    var g = instance
    g.blockSize = g.dimension
    g.memory = nil
    g.variant = nil
    return g
  }

  /// F of the instance.
  public var factor: Double {
    Theorem2ConvergenceClaims.factor(blockSize: instance.blockSize, dimension: instance.dimension)
  }

  /// Runs the test; implementation errors are returned in `failures`, and
  /// the result is then `nil`.
  public func run(threads: Int, cancellation: CancellationFlag? = nil) throws
    -> (result: ExpectationResult?, failures: [String])
  {
    let instance = self.instance
    let gmd = gmdInstance
    let problem = Theorem2Problem(instance)
    let index = horizonIndex
    let f = factor
    let failures = Theorem2Failures()
    let sample = Gen<Double> { source in
      let seed = UInt64(try source.drawInt(in: 0...(1 << 52)))
      let y = Theorem2ConvergenceEvaluation.pairedTransform(instance, gmd, problem: problem, seed: seed, at: index,
                                                            factor: f)
      if y.value.isNaN {
        failures.add("run seed \(seed) of \(instance.description): \(y.failure ?? "non-finite suboptimality") "
                     + "at T = \(instance.horizons[index])")
      }
      return y.value
    }
    return try failures.plannedTest(sample, plan: plan, seed: seed, threads: threads, cancellation: cancellation)
  }

  /// The fixture of a confirmed refutation: the instance, the horizon, the
  /// plan and seed of the test, and what was observed.
  func fixture(claim: String, result: ExpectationResult) -> Fixture {
    let input: JSONValue = .object([
      "instance": (try? JSONValue(encoding: instance)) ?? .null,
      "horizonIndex": .number(Double(horizonIndex)),
      "confirmation": .object(["seed": .string(String(seed)), "plan": (try? JSONValue(encoding: plan)) ?? .null]),
    ])
    let observed: JSONValue = .object(["factor": .number(factor), "test": result.json])
    let summary = "\(instance.description): E[Y] > 1/2 at T = \(instance.horizons[horizonIndex]) (BGMD's f(x_T) − f* "
      + "beyond F = \(factor) × GMD's; sequential Hoeffding test, α = \(plan.alpha), mean Y = \(result.estimate) "
      + "after \(result.samples) paired runs)"
    return Fixture(claim: claim, expect: .refutes, input: input, observed: observed, choices: nil, summary: summary)
  }
}

extension Theorem2ConvergenceClaims {
  /// Re-runs a stored fixture (the planned test with its stored seed) and
  /// returns true when it still does what it records.
  /// - Throws: `Theorem2FixtureError` for a malformed input.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    let input = fixture.input
    let instance = try theorem2Field(input["instance"], "instance", as: Theorem2Instance.self)
    let index = try theorem2Field(input["horizonIndex"], "horizonIndex", as: Int.self)
    let plan = try theorem2Field(input["confirmation"]?["plan"], "confirmation.plan", as: SequentialPlan.self)
    guard case .string(let seedText)? = input["confirmation"]?["seed"], let seed = UInt64(seedText) else {
      throw Theorem2FixtureError(field: "confirmation.seed")
    }
    guard instance.horizons.indices.contains(index), instance.dimension >= 2, instance.runs >= 1,
      (1..<instance.dimension).contains(instance.blockSize)
    else { throw Theorem2FixtureError(field: "instance") }
    let confirmation = Theorem2ConvergenceConfirmation(instance: instance, horizonIndex: index, plan: plan, seed: seed)
    let (result, failures) = try confirmation.run(threads: processorCount)
    let refutes = failures.isEmpty && result?.decision == .refuted
    return fixture.expect == .refutes ? refutes : !refutes
  }

  /// Whether a claim or fixture id is one of these claims.
  static func owns(_ id: String) -> Bool { id.hasPrefix("theorem2/convergence-vs-gmd/") }
}

/// The sequential test's evidence.
struct Theorem2ConvergenceTestEvidence: Encodable {
  var horizon: Int
  var factor: Double
  var test: JSONValue?
  var transform: String
  var implementationErrors: [String]
}

/// R paired runs of one instance (BGMD with its memory or control, GMD with
/// k = d, the same seeds `caseSeed(runSeed, r)`), measured at every horizon.
public struct Theorem2ConvergenceEvaluation: Sendable {
  public var instance: Theorem2Instance
  public var gmdInstance: Theorem2Instance
  public var problem: Theorem2Problem
  public var bgmd: [Theorem2RunResult]
  public var gmd: [Theorem2RunResult]
  /// F of the instance.
  public var factor: Double
  /// The leading horizons every paired run reached with finite values.
  public var usable: Int
  /// Mean Y per horizon (NaN past `usable`).
  public var meanTransform: [Double]
  /// mean g_B/(F·mean g_G) per horizon, floors applied (NaN past `usable`).
  public var ratios: [Double]
  /// Runs that stopped early, with why.
  public var failures: [String]

  public init(_ instance: Theorem2Instance, threads: Int = 1) {
    self.instance = instance
    var g = instance
    g.blockSize = g.dimension
    g.memory = nil
    g.variant = nil
    gmdInstance = g
    let reference = g
    let problem = Theorem2Problem(instance)
    self.problem = problem
    let seeds = (0..<instance.runs).map { PRNG.caseSeed(runSeed: UInt64(instance.runSeed), caseIndex: UInt64($0)) }
    let pairs = parallelMap(count: instance.runs, threads: threads) { r in
      (runTheorem2(instance, problem: problem, seed: seeds[r]), runTheorem2(reference, problem: problem, seed: seeds[r]))
    }
    bgmd = pairs.map(\.0)
    gmd = pairs.map(\.1)
    factor = Theorem2ConvergenceClaims.factor(blockSize: instance.blockSize, dimension: instance.dimension)
    let n = instance.horizons.count
    func finite(_ r: Theorem2RunResult, _ i: Int) -> Bool { r.suboptimality[i].isFinite }
    var usable = 0
    while usable < n && bgmd.allSatisfy({ finite($0, usable) }) && gmd.allSatisfy({ finite($0, usable) }) {
      usable += 1
    }
    self.usable = usable
    let f = factor
    let bgmdRuns = bgmd
    let gmdRuns = gmd
    meanTransform = (0..<n).map { i in
      guard i < usable else { return .nan }
      var s = 0.0
      for (b, gg) in zip(bgmdRuns, gmdRuns) {
        s += Theorem2ConvergenceClaims.transform(bgmd: b.suboptimality[i], bgmdFloor: b.suboptimalityFloor[i],
                                                 gmd: gg.suboptimality[i], gmdFloor: gg.suboptimalityFloor[i],
                                                 factor: f)
      }
      return s / Double(max(1, bgmdRuns.count))
    }
    ratios = (0..<n).map { i in
      guard i < usable else { return .nan }
      let b = bgmdRuns.map { max($0.suboptimality[i], $0.suboptimalityFloor[i]) }.reduce(0, +)
      let gg = gmdRuns.map { max($0.suboptimality[i], $0.suboptimalityFloor[i]) }.reduce(0, +)
      return theorem2Ratio(b, f * gg)
    }
    failures = zip(bgmd, gmd).enumerated().flatMap { r, p in
      [p.0.failure.map { "BGMD run \(r): \($0)" }, p.1.failure.map { "GMD run \(r): \($0)" }].compactMap { $0 }
    }
  }

  /// The search's objective: the largest mean Y over the usable horizons,
  /// ties broken by the largest log₁₀ ratio (scaled into the next decimal).
  public var score: Double {
    guard let i = testHorizon else { return -.infinity }
    let r = ratios[i]
    let tie = r > 0 && r.isFinite ? max(-1, min(1, log10(r) / 300)) : (r == .infinity ? 1 : -1)
    return meanTransform[i] + 1e-3 * tie
  }

  /// The horizon of the largest mean Y (earliest among ties).
  public var testHorizon: Int? {
    var best: Int?
    for i in 0..<usable where !meanTransform[i].isNaN {
      if let b = best, meanTransform[i] <= meanTransform[b] { continue }
      best = i
    }
    return best
  }

  /// The largest finite mean-ratio.
  public var worstRatio: Double? { testHorizon.map { ratios[$0] } }

  /// Y of one fresh paired run at horizon index i.
  static func pairedTransform(_ instance: Theorem2Instance, _ gmd: Theorem2Instance, problem: Theorem2Problem,
                              seed: UInt64, at i: Int, factor: Double) -> (value: Double, failure: String?) {
    let b = runTheorem2(instance, problem: problem, seed: seed)
    let g = runTheorem2(gmd, problem: problem, seed: seed)
    let y = Theorem2ConvergenceClaims.transform(bgmd: b.suboptimality[i], bgmdFloor: b.suboptimalityFloor[i],
                                                gmd: g.suboptimality[i], gmdFloor: g.suboptimalityFloor[i],
                                                factor: factor)
    return (y, y.isNaN ? (b.failure ?? g.failure) : nil)
  }

  /// The search phase's evidence.
  var evidence: JSONValue {
    func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { $0.isFinite ? .number($0) : .null }) }
    func mean(_ runs: [Theorem2RunResult], _ i: Int) -> Double {
      runs.map { $0.suboptimality[i] }.reduce(0, +) / Double(max(1, runs.count))
    }
    let n = instance.horizons.count
    return .object([
      "instance": .string(instance.description),
      "horizons": .array(instance.horizons.map { .number(Double($0)) }),
      "factor": .number(factor),
      "meanY": numbers(meanTransform),
      "meanRatio": numbers(ratios),
      "bgmdSuboptimality": numbers((0..<n).map { mean(bgmd, $0) }),
      "gmdSuboptimality": numbers((0..<n).map { mean(gmd, $0) }),
      "initialGap": .number(problem.initialGap),
      "rangeExceeded": .array(failures.map { .string($0) }),
    ])
  }
}

extension Theorem2ConvergenceEvaluation: Theorem2Evaluating {}

/// The convergence-vs-gmd claims' cache.
typealias Theorem2ConvergenceCache = Theorem2EvaluationCache<Theorem2ConvergenceEvaluation>

/// The hypotheses of a convergence claim, measured on the worst instance:
/// γ = 1/(4L) (exact L), ψ < 1/2 (the robust memories' and the GM's
/// breakdown condition, α = ψ/(1 − ψ) < 1), L-smooth and μ-PL (exact in ℚ),
/// the GM certified (finite ε) on every GM call of both runs.
func convergenceHypotheses(_ e: Theorem2ConvergenceEvaluation) -> [Hypothesis] {
  let inst = e.instance
  var out: [Hypothesis] = []
  if let q = inst.quadratic() {
    let exact = Rational(1) / (Rational(4) * q.smoothness)
    let gamma = TheoremBound.statedStep(theorem: .theorem2, smoothness: e.problem.smoothness)
    out.append(Hypothesis(name: "γ = 1/(4L) for both methods",
                          held: abs(gamma - Double(exact)) <= 4 * Double.ulpOfOne * Double(exact),
                          detail: "γ = \(gamma), 1/(4L) = \(exact) in ℚ (L exact)"))
  } else {
    out.append(Hypothesis(name: "γ = 1/(4L) for both methods", held: e.problem.stepSize == 1.0 / 32,
                          detail: "γ = \(e.problem.stepSize), L = 8 (sin²)"))
  }
  let psi = Rational(inst.badCount, inst.rows)
  out.append(Hypothesis(name: "ψ < 1/2 (Definition 1; α = ψ/(1 − ψ) < 1)", held: psi < Rational(1, 2),
                        detail: "|𝔹| = \(inst.badCount) of b = \(inst.rows), ψ = \(psi), α = \(Rational(inst.badCount, inst.goodCount))"))
  let (held, detail) = theorem2VerifySpectrum(inst)
  out.append(Hypothesis(name: "f is L-smooth (Assumption 2) and μ-PL (Assumption 3)", held: held, detail: detail))
  let at = max(0, e.usable - 1)
  let eps = (e.bgmd + e.gmd).map { $0.epsilonAbsolute[at] }.max() ?? .infinity
  out.append(Hypothesis(name: "ε-approximate GM oracle (both methods)", held: eps.isFinite,
                        detail: "largest certified absolute gap g(z) − min g = \(eps) over the paired runs up to "
                          + "T = \(inst.horizons[at])"))
  out.append(Hypothesis(name: "ξ = k/d ∈ (0, 1] and F = 1 + 4(1 − ξ²)/ξ² finite",
                        held: inst.blockSize >= 1 && e.factor.isFinite,
                        detail: "k = \(inst.blockSize), d = \(inst.dimension), F = \(e.factor)"))
  return out
}
