import ClaimCheck
import ExactArithmetic
import Foundation

/// Theorem 1's claims, `theorem1/bound/<setting>/<reading>`: the explicit
/// right-hand side (16) of Appendix D (Proofs/theorem-1.md), checked by
/// `TheoremBoundClaims` with Theorem 1's step and left-hand side.
public enum Theorem1Claims {
  /// The family.
  public static var family: ClaimFamily {
    ClaimFamily(name: "theorem-1", title: "Theorem 1", document: "Proofs/theorem-1.md", prefixes: ["theorem1"],
                claims: claims, replay: { try TheoremBoundClaims.replay($0) })
  }

  /// One claim per setting and reading.
  public static var claims: [ClaimSpec] { TheoremBoundClaims.claims(theorem: .theorem1) }

  /// The claim id of a setting and reading.
  public static func id(_ setting: Theorem2Setting, _ reading: Assumption1Reading) -> String {
    TheoremBoundClaims.id(setting, reading, theorem: .theorem1)
  }
}

/// Theorem 2's claims: `theorem2/bound/<setting>/<reading>`, the explicit
/// right-hand side (17) of Appendix D (checked by `TheoremBoundClaims`), and
/// `theorem2/convergence-vs-gmd/<memory>/<setting>` for the robust memories,
/// for which no argument gives (17) (`Theorem2ConvergenceClaims`). See
/// Proofs/theorem-2.md.
public enum Theorem2Claims {
  /// The family.
  public static var family: ClaimFamily {
    ClaimFamily(name: "theorem-2", title: "Theorem 2", document: "Proofs/theorem-2.md", prefixes: ["theorem2"],
                claims: claims, replay: { fixture in
                  Theorem2ConvergenceClaims.owns(fixture.claim)
                    ? try Theorem2ConvergenceClaims.replay(fixture) : try TheoremBoundClaims.replay(fixture)
                })
  }

  /// The bound claims, then the robust memories' convergence claims.
  public static var claims: [ClaimSpec] {
    TheoremBoundClaims.claims(theorem: .theorem2) + Theorem2ConvergenceClaims.claims
  }

  /// The claim id of a setting and reading.
  public static func id(_ setting: Theorem2Setting, _ reading: Assumption1Reading) -> String {
    TheoremBoundClaims.id(setting, reading, theorem: .theorem2)
  }
}

/// The check shared by Theorems 1 and 2: `<theorem>/bound/<setting>/<reading>`
/// (the explicit right-hand side (16) resp. (17) of Appendix D), setting ∈
/// `Theorem2Setting`, reading ∈ `Assumption1Reading`. See
/// Proofs/theorem-1.md and Proofs/theorem-2.md.
///
/// Each check: a targeted search over instances for the largest
/// LHS⁻/RHS⁺ (mean over R runs; constants of the right-hand side measured on
/// calibration runs of the stated algorithm), then ClaimCheck's planned
/// sequential test of E[LHS] ≤ RHS on fresh runs of the worst instance at its
/// worst horizon (`Theorem2Confirmation`). Negative controls run the same
/// check on broken variants (`Theorem2Variant`).
public enum TheoremBoundClaims {
  /// The claim id of a setting and reading.
  public static func id(_ setting: Theorem2Setting, _ reading: Assumption1Reading, theorem: BoundTheorem) -> String {
    "\(theorem.idPrefix)/bound/\(setting.rawValue)/\(reading.rawValue)"
  }

  /// One claim per setting and reading, with its controls.
  public static func claims(theorem: BoundTheorem) -> [ClaimSpec] {
    Theorem2Setting.allCases.flatMap { setting in
      Assumption1Reading.allCases.map { reading in
        ClaimSpec(id: id(setting, reading, theorem: theorem),
                  controls: controls(setting, reading).map { variant in
                    ControlSpec(name: variant.rawValue, breaks: breaks(variant)) { ctx in
                      try check(setting, reading, theorem: theorem, variant: variant, context: ctx)
                    }
                  }) { ctx in
          try check(setting, reading, theorem: theorem, context: ctx)
        }
      }
    }
  }

  /// The negative controls of a setting and reading. Each violates the
  /// statement as read (Proofs/theorem-2.md, "Negative controls"): diverging
  /// variants under both readings; the frozen optimizer only under the
  /// variance reading (under the second-moment reading σ² ≥ ‖∇f(x_0)‖² makes
  /// the right-hand side at least 2304‖∇f(x_0)‖² resp. 3072κ·‖x_0 − x_p‖²,
  /// which x_t = x_0 never exceeds); the mean in the corrupted settings,
  /// except the additive ones under the second-moment reading (a bounded
  /// noise of variance ψ·100·d/b, below that same floor).
  public static func controls(_ setting: Theorem2Setting, _ reading: Assumption1Reading) -> [Theorem2Variant] {
    var v: [Theorem2Variant] = [.stepPastTheorem, .ascends]
    if reading == .variance { v.append(.ignoresGradients) }
    if setting.corruption != .none && !(setting.corruption == .additive && reading == .secondMoment) {
      v.append(.meanNotGM)
    }
    return v
  }

  /// What a variant breaks, in one line.
  static func breaks(_ v: Theorem2Variant) -> String {
    switch v {
    case .stepPastTheorem: return "γ = 3/L instead of the theorem's step"
    case .ignoresGradients: return "the optimizer ignores its gradients (x_t = x_0)"
    case .ascends: return "the honest rows are negated: the iterate ascends"
    case .meanNotGM: return "the geometric median is replaced by the mean (not robust)"
    }
  }

  /// The source of a claim.
  static func source(theorem: BoundTheorem, reading: Assumption1Reading) -> String {
    "Theorem \(theorem), eq. (\(theorem.equation)), Appendix D; Assumption 1 (\(reading.rawValue) reading); "
      + "Definition 1 (α = ψ/(1 − ψ)); Lemma 1 (ξ = k/d)"
  }

  /// Theorem 1 as checked: (16) of Appendix D, quoted.
  static let statement1 =
    "(16): (1/T) Σ_{t=0}^{T−1} E‖∇f(x_t)‖² ≤ 8R0/(γT) + 8Lγσ² + 48L²γ²σ²(1 − ξ²)/ξ² "
    + "+ 2304σ²/(1 − α)² · [1 + 4(1 − ξ²)/ξ²] + 48ε²/(γ²|𝔾|²(1 − α)²), γ = 1/(2L), R0 = f(x_0) − f(x*). "
    + "Checked as E[LHS] ≤ RHS with ξ = k/d, α = |𝔹|/|𝔾|, ε the certified absolute gap of the GM"

  /// Theorem 2 as checked: (17) of Appendix D, quoted.
  static let statement2 =
    "(17): E‖x̂_T − x*‖² ≤ 16(f(x_0) − f*)/(μ²γ) · [1 − μγ/2]^T + 16Lγσ²/μ² + [80γ²σ²L²(1 − ξ²)/(μ²ξ²)] "
    + "+ 3072σ²/(μ²(1 − α)²) · [1 + 4(1 − ξ²)/ξ²] + 64ε²/(μ²γ²|𝔾|²(1 − α)²), γ = 1/(4L), "
    + "x̂_T = (1/W_T) Σ_{t=0}^{T−1} w_t x_t, w_t = (1 − μ/(8L))^{−(t+1)}, x* ∈ 𝒳*. "
    + "Checked as E[LHS] ≤ RHS with x* the projection of x̂_T (the most favourable x*), ξ = k/d, "
    + "α = |𝔹|/|𝔾|, ε the certified absolute gap of the GM"

  /// Runs the check of one claim (or of its control `variant`).
  public static func check(_ setting: Theorem2Setting, _ reading: Assumption1Reading, theorem: BoundTheorem,
                           variant: Theorem2Variant? = nil, context ctx: ClaimContext) throws -> ClaimRecord
  {
    let claim = id(setting, reading, theorem: theorem)
    let plan = Theorem2Plan.forProfile(ctx.profile)
    let cache = Theorem2Cache()
    let threads = ctx.threads
    let runSeed = Int(ctx.seed & ((1 << 52) - 1))
    let gen = Theorem2Instance.generator(setting: setting, maxDimension: plan.maxDimension,
                                         maxCondition: plan.maxCondition, runs: plan.runs, horizons: plan.horizons,
                                         runSeed: runSeed, theorem: theorem, variant: variant)
    @Sendable func score(_ instance: Theorem2Instance) -> Double {
      guard let w = cache.evaluate(instance, threads: threads).worst(reading) else { return -.infinity }
      return w.ratio > 0 ? log10(w.ratio) : -300
    }
    let (search, best, bestScore, probes) = searchTheorem2Worst(
      gen, setting: setting, seed: ctx.seed, starts: plan.starts, steps: plan.steps, threads: threads,
      cancellation: ctx.cancellation, score: score)
    let domain = Theorem2Evidence.domain(theorem: theorem, setting: setting, plan: plan, variant: variant)
    let statement = theorem == .theorem1 ? statement1 : statement2
    let searchEvidence = Theorem2Evidence.Search(
      evaluations: search.evaluations, improvements: search.improvements, probes: probes,
      bestScoreLog10: bestScore.isFinite ? bestScore : nil,
      objective: "log10 of the largest LHS⁻/RHS⁺ over the horizons (mean of R runs)")
    guard let instance = best, !search.partial else {
      let phase = try PhaseResult(name: "search", verdict: .inconclusive, cases: search.evaluations,
                                  typedEvidence: searchEvidence)
      return Judgement.record(id: claim, source: source(theorem: theorem, reading: reading), statement: statement,
                              domain: domain, phases: [phase],
                              extra: ["note": .string(search.partial ? "cancelled during the search"
                                                        : "no instance could be generated")])
    }
    let e = cache.evaluate(instance, threads: threads)
    let hypotheses = theorem2Hypotheses(e, reading)
    let measurement = Theorem2Evidence.Measurement(e, reading)
    let searchPhase = try PhaseResult(
      name: "search", verdict: .holds,
      cases: (search.evaluations + probes) * plan.runs,
      worst: WorstCase(ratio: e.worst(reading)?.ratio, case: instance.description),
      typedEvidence: Theorem2Evidence.SearchPhase(search: searchEvidence, worstInstance: measurement,
                                                 rangeExceeded: e.rangeExceeded))
    guard let w = e.testHorizon(reading) else {
      let errors = ["no horizon where every run of \(instance.description) is finite: "
                    + e.rangeExceeded.joined(separator: "; ")]
      let phase = try PhaseResult(name: "sequential-test", verdict: .inconclusive, cases: 0,
                                  typedEvidence: Theorem2Evidence.TestPhase(implementationErrors: errors))
      return Judgement.record(id: claim, source: source(theorem: theorem, reading: reading), statement: statement,
                              domain: domain, phases: [searchPhase, phase], hypotheses: hypotheses,
                              extra: ["implementationError": .string(errors.joined(separator: "; "))])
    }
    let confirmation = Theorem2Confirmation(
      instance: instance, reading: reading, horizonIndex: w.index, rhs: e.rhsUpper(reading, at: w.index),
      plan: try plan.sequential(), seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 1 << 40))
    let (result, failures) = try confirmation.run(problem: e.problem, threads: threads,
                                                  cancellation: ctx.cancellation)
    let verdict = Verdict(result?.decision)
    var counterexample: CounterexampleReference?
    if verdict == .refuted, let result {
      let fixture = theorem2Fixture(claim: claim, confirmation: confirmation, result: result)
      counterexample = try storeTheorem2Counterexample(fixture, claim: claim, ctx: ctx)
    }
    let testPhase = try PhaseResult(
      name: "sequential-test", verdict: verdict, cases: result?.samples ?? 0,
      worst: WorstCase(ratio: w.ratio, case: "\(instance.description) at T = \(instance.horizons[w.index])"),
      counterexample: counterexample,
      typedEvidence: Theorem2Evidence.TestPhase(
        horizon: instance.horizons[w.index], rhsUpper: confirmation.rhs, test: result?.json,
        transform: "Y = min(LHS⁻/(2·RHS⁺), 1) per fresh run; E[Y] > 1/2 implies E[LHS] > RHS",
        implementationErrors: failures))
    var extra: [String: JSONValue] = [
      "plots": .array([Theorem2Evidence.plot(e, reading, title: "Theorem \(theorem), \(setting.rawValue), "
                                             + "\(reading.rawValue)\(variant.map { " (control " + $0.rawValue + ")" } ?? ""): worst instance")])
    ]
    if verdict == .refuted, ctx.control == nil, instance.blockSize < instance.dimension {
      // The same instance with k = d (GMD: no block selection, no memory), to
      // locate the failing step (Proofs/theorem-2.md).
      var full = instance
      full.blockSize = full.dimension
      let f = cache.evaluate(full, threads: threads)
      extra["fullBlockComparison"] = (try? JSONValue(encoding: Theorem2Evidence.Measurement(f, reading))) ?? .null
    }
    if !failures.isEmpty { extra["implementationError"] = .string(failures.joined(separator: "; ")) }
    if let variant { extra["variant"] = .string(variant.rawValue) }
    return Judgement.record(id: claim, source: source(theorem: theorem, reading: reading), statement: statement,
                            method: "targeted-search+sequential-test", domain: domain,
                            phases: [searchPhase, testPhase], hypotheses: hypotheses, extra: extra)
  }
}

/// The claim's hypotheses, measured on the instance (exact constants in ℚ for
/// quadratics) and on its calibration runs, independently of the judged runs.
func theorem2Hypotheses(_ e: Theorem2Evaluation, _ reading: Assumption1Reading) -> [Hypothesis] {
  let inst = e.instance
  let c = inst.theorem.stepDenominator
  var out: [Hypothesis] = []
  // γ as stated.
  if let q = inst.quadratic() {
    let exact = Rational(1) / (Rational(c) * q.smoothness)
    let gamma = TheoremBound.statedStep(theorem: inst.theorem, smoothness: e.problem.smoothness)
    let error = abs(gamma - Double(exact))
    out.append(Hypothesis(name: "γ = 1/(\(c)L)", held: error <= 4 * Double.ulpOfOne * Double(exact),
                          detail: "γ = \(gamma), 1/(\(c)L) = \(exact) in ℚ (L exact)"))
  } else {
    out.append(Hypothesis(name: "γ = 1/(\(c)L)", held: true, detail: "γ = \(e.problem.stepSize), L = 8 (sin²)"))
  }
  // α < 1.
  let psi = Rational(inst.badCount, inst.rows)
  let alpha = Rational(inst.badCount, inst.goodCount)
  out.append(Hypothesis(name: "α = ψ/(1 − ψ) < 1 (Definition 1)",
                        held: alpha < Rational(1) && alpha == psi / (Rational(1) - psi),
                        detail: "|𝔹| = \(inst.badCount), |𝔾| = \(inst.goodCount), α = \(alpha)"))
  // L-smooth and μ-PL.
  let (spectrumHeld, spectrumDetail) = theorem2VerifySpectrum(inst)
  out.append(Hypothesis(name: "f is L-smooth (Assumption 2) and μ-PL (Assumption 3)", held: spectrumHeld,
                        detail: spectrumDetail))
  // σ².
  let s2 = e.sigmaSquared(reading)
  out.append(Hypothesis(
    name: reading == .variance ? "σ² = E‖g_i − ∇f_i‖² (Assumption 1, variance reading)"
      : "E‖g_i(x_t)‖² ≤ σ² along the iterates (Assumption 1, second-moment reading)",
    held: s2.isFinite && s2 >= 0,
    detail: reading == .variance ? "σ² = \(s2), exact for the oracle's noise"
      : "σ² = \(s2): the largest ‖∇f(x_t)‖² + σ²_noise over t < \(inst.horizons.last ?? 0) on \(e.calibration.count) "
        + "calibration runs (seeds independent of the judged runs)"))
  if reading == .secondMoment, inst.horizons.count >= 2 {
    // σ² must be a bound uniform in T: on a run that diverges, the largest
    // second moment along it grows without bound (the reading then makes the
    // bound vacuous rather than true). Measured on the calibration runs: no
    // run left the floating range, and the largest second moment at most
    // doubled over the last doubling of the horizon.
    let last = inst.horizons.count - 1
    let lastT = inst.horizons[last]
    let half = inst.horizons.lastIndex { 2 * $0 <= lastT } ?? 0
    let diverged = e.calibration.contains { $0.failure != nil }
    let early = e.calibration.map { $0.secondMoment[half] }.max() ?? .infinity
    let late = e.calibration.map { $0.secondMoment[last] }.max() ?? .infinity
    out.append(Hypothesis(
      name: "σ² bounded uniformly in T (Assumption 1, second-moment reading)",
      held: !diverged && late.isFinite && late <= 2 * early,
      detail: diverged ? "a calibration run left the floating range: \(e.rangeExceeded.joined(separator: "; "))"
        : "largest E‖g‖² along the calibration runs up to T = \(inst.horizons[half]): \(early); "
          + "up to T = \(lastT): \(late)"))
  }
  // ε.
  out.append(Hypothesis(
    name: "ε-approximate GM oracle", held: e.epsilonAbsolute.isFinite,
    detail: "largest certified absolute gap g(z) − min g = \(e.epsilonAbsolute) (relative: \(e.epsilonRelative)) "
      + "over the calibration runs up to T = \(inst.horizons[max(0, e.usable - 1)])"))
  return out
}

/// L-smoothness and μ-PL of the built quadratic, verified exactly in ℚ: Q
/// is orthogonal (QQᵀ = I), A = QᵀDQ, D ≥ 0, L = max D and μ = min{D > 0}
/// are the constants the bound uses (in `Double`, to the nearest).
func theorem2VerifySpectrum(_ inst: Theorem2Instance) -> (Bool, String) {
  guard let q = inst.quadratic() else {
    return (true, "sin² problem: f'' = 2 + 6cos 2x ∈ [−4, 8] gives L = 8; μ = 1/32 (analytic, SineSquaredPL)")
  }
  let d = q.dimension
  let o = q.orthogonal
  var orthogonal = true
  var reconstructed = true
  for i in 0..<d {
    for j in 0..<d {
      var s = Rational(0)
      var a = Rational(0)
      for k in 0..<d {
        s += o[i, k] * o[j, k]
        a += q.eigenvalues[k] * o[k, i] * o[k, j]
      }
      if s != (i == j ? Rational(1) : Rational(0)) { orthogonal = false }
      if a != q.hessian[i, j] { reconstructed = false }
    }
  }
  let nonnegative = q.eigenvalues.allSatisfy { $0 >= Rational(0) }
  let p = Theorem2Problem(inst)
  let constants = p.smoothness == Double(q.smoothness) && p.mu == Double(q.plConstant)
  let held = orthogonal && reconstructed && nonnegative && constants
  return (held, "QQᵀ = I: \(orthogonal), A = QᵀDQ: \(reconstructed), D ≥ 0: \(nonnegative); "
            + "L = \(q.smoothness), μ = \(q.plConstant) (exact), κ = \(q.smoothness / q.plConstant)")
}

/// The targeted search over `gen` for the largest `score`, then the
/// setting's probes (`Theorem2Instance.probes`), each scored too: the worst
/// instance found, its score, the search's record and how many probes were
/// generated. The bound claims and the convergence-vs-gmd claims share it.
func searchTheorem2Worst(
  _ gen: Gen<Theorem2Instance>, setting: Theorem2Setting, seed: UInt64, starts: Int, steps: Int, threads: Int,
  cancellation: CancellationFlag?, score: @escaping @Sendable (Theorem2Instance) -> Double
) -> (search: TargetedResult<Theorem2Instance>, best: Theorem2Instance?, bestScore: Double, probes: Int) {
  let search = searchTargeted(gen, seed: seed, starts: starts, steps: steps, threads: threads,
                              cancellation: cancellation, score: score)
  var best = search.bestValue
  var bestScore = search.bestScore
  var probes = 0
  for probe in Theorem2Instance.probes(setting: setting) {
    var source = ChoiceSource(prefix: probe, tail: .simplest)
    guard let instance = try? gen.generate(&source) else { continue }
    probes += 1
    let s = score(instance)
    if best == nil || s > bestScore {
      best = instance
      bestScore = s
    }
  }
  return (search, best, bestScore, probes)
}
