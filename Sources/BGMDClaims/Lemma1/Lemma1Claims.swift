import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// The Lemma 1 claims (Proofs/lemma-1.md):
/// - `lemma1/<reading>`: E‖C_k(G) − G‖²_F ≤ (1 − k/d)‖G‖²_F;
/// - `lemma1/step-dominates-uniform/<reading>`: E‖C_k(G) − G‖²_F ≤ E‖C^r_k(G) − G‖²_F;
/// - `lemma1/xi-in-practice`: ξ measured on training gradients (an observation).
///
/// Each inequality claim runs three phases: (a) exhaustive exact enumeration
/// of a small domain, (b) generated rational cases decided exactly with
/// shrinking, plus a targeted search of LHS/RHS, (c) large d by the planned
/// sequential test. Verdict: `refuted` when any phase finds a counterexample
/// (the first in the order a, b, c is stored); else `inconclusive` when a
/// phase was cut short; else `holds` — "proved on the domain of (a), holds
/// elsewhere": the lemma speaks of every G, which no finite enumeration covers.
/// Stored fixtures are not replayed inside the campaign (`bgmd replay` and
/// `swift test` replay them), so a record is a pure function of the run
/// seed and the profile, whatever is already on disk.
/// The record's `worst` is the largest exact LHS/RHS of phases (a) and (b);
/// the sampled estimates of (c) are in the evidence.
public enum Lemma1Claims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    var claims: [ClaimSpec] = []
    for reading in SelectionReading.allCases {
      for side in [Lemma1Side.lemma, .step] {
        let id = side == .lemma ? "lemma1/\(reading.rawValue)" : "lemma1/step-dominates-uniform/\(reading.rawValue)"
        claims.append(ClaimSpec(id: id, controls: controls(reading: reading, side: side)) {
          try check($0, reading: reading, side: side)
        })
      }
    }
    // An observation: no verdict is derived, so there is nothing a control
    // could show (see `xiInPractice`).
    claims.append(ClaimSpec(id: "lemma1/xi-in-practice", body: xiInPractice))
    return ClaimFamily(name: "lemma-1", title: "Lemma 1", document: "Proofs/lemma-1.md", prefixes: ["lemma1"],
                       claims: claims, replay: { try replay($0) })
  }

  /// The negative controls of an inequality claim: the same check, same
  /// budget and seed, with Algorithm 2 replaced by a selection that violates
  /// the lemma (`Lemma1Selection`).
  static func controls(reading: SelectionReading, side: Lemma1Side) -> [ControlSpec] {
    [
      ControlSpec(name: "smallest-norm-columns",
                  breaks: "the selection ignores the scores' ranking and keeps the k smallest-norm columns") {
        try check($0, reading: reading, side: side, selection: .smallestNorm)
      },
      ControlSpec(name: "unnormalised-block-weights",
                  breaks: "block weights Σ_{j∈B} s_j / ‖G‖²_F not normalised (they sum to C(d − 1, k − 1))") {
        try check($0, reading: reading, side: side, selection: .unnormalisedWeights)
      },
    ]
  }

  /// The phases' sizes for a profile.
  static func phases(_ profile: Profile) -> (Lemma1Exhaustive, Lemma1Search, Lemma1Sampling) {
    switch profile {
    case .quick:
      return (Lemma1Exhaustive(maxDimension: 4, maxEntry: 2), Lemma1Search(maxRows: 3, maxDimension: 5),
              Lemma1Sampling(dimensions: [50, 200], fractions: [0.1, 0.9], families: ["gaussian", "equal", "heavy-tailed"],
                             margin: 0.1))
    case .standard:
      return (Lemma1Exhaustive(maxDimension: 5, maxEntry: 3), Lemma1Search(maxRows: 4, maxDimension: 6),
              Lemma1Sampling(dimensions: [50, 100, 200], fractions: [0.1, 0.5, 0.9],
                             families: ["gaussian", "equal", "heavy-tailed", "one-large"], margin: 0.02))
    case .deep:
      return (Lemma1Exhaustive(maxDimension: 6, maxEntry: 3), Lemma1Search(maxRows: 4, maxDimension: 6),
              Lemma1Sampling(dimensions: [50, 100, 200], fractions: [0.02, 0.1, 0.5, 0.9, 0.98],
                             families: ["gaussian", "equal", "heavy-tailed", "one-large"], margin: 0.01))
    }
  }

  static func statement(_ side: Lemma1Side) -> String {
    side == .lemma ? "for every G ≠ 0 and 1 ≤ k ≤ d: E‖C_k(G) − G‖²_F ≤ (1 − k/d)‖G‖²_F"
      : "for every G ≠ 0 and 1 ≤ k ≤ d: E‖C_k(G) − G‖²_F ≤ E‖C^r_k(G) − G‖²_F (C^r_k: uniform k-subset)"
  }

  /// One inequality claim: phases (a), (b), (c) and their combination.
  /// `selection` other than `paper` is a negative control's variant; the
  /// claim's statement, right-hand sides, budgets and seeds are unchanged.
  /// A control stops at the first phase that refutes (its verdict is then
  /// decided); the claim's own run always completes the three phases.
  static func check(_ ctx: ClaimContext, reading: SelectionReading, side: Lemma1Side,
                    selection: Lemma1Selection = .paper) throws -> ClaimRecord {
    var (exhaustive, search, sampling) = phases(ctx.profile)
    sampling.stopAtRefutation = ctx.stopsAtRefutation
    let nonZero = HypothesisTally()
    var evidence: [String: JSONValue] = [:]
    var counterexample: CounterexampleReference?
    var worst = WorstCase(ratio: nil, case: nil)
    func consider(_ ratio: Double?, _ description: String) {
      guard let r = ratio else { return }
      if worst.ratio.map({ r > $0 }) ?? true { worst = WorstCase(ratio: r, case: description) }
    }
    var partial = false
    var casesSoFar = 0
    /// The record from what has run: refuted when a phase found a
    /// counterexample; else inconclusive when one was cut short; else holds.
    func finish(evidence: [String: JSONValue], phasesRun: String) -> ClaimRecord {
      let verdict: Verdict = counterexample != nil ? .refuted : (partial ? .inconclusive : .holds)
      var evidence = evidence
      if selection != .paper {
        evidence["control"] = .object(["selection": .string(selection.rawValue), "phasesRun": .string(phasesRun)])
      }
      let domain = "(a) proved exactly on: \(exhaustive.domain); (b) \(search.domain); (c) \(sampling.domain)"
      var record = ClaimRecord(id: ctx.id, source: side == .lemma ? "Lemma 1" : "Lemma 1 (proof, first step)",
                               statement: statement(side) + " — Algorithm 2 read as `\(reading.rawValue)`", verdict: verdict,
                               method: "exact-enumeration+search+targeted+sequential-test",
                               cases: casesSoFar, domain: domain,
                               worst: worst.ratio == nil ? nil : worst, counterexample: counterexample,
                               evidence: .object(evidence))
      record.hypotheses = [nonZero.hypothesis(
        "G ≠ 0 and 1 ≤ k ≤ d",
        how: "measured on each instance's G and k before its expectation is computed, in every phase")]
      return record
    }

    // (a) Exhaustive, exact.
    var clock = Date()
    func lap() -> JSONValue {
      let now = Date()
      defer { clock = now }
      return .number(now.timeIntervalSince(clock))
    }
    let a = try exhaustive.run(reading: reading, side: side, selection: selection, cancellation: ctx.cancellation)
    nonZero.add(measured: a.cases, failed: a.hypothesisFailures, firstFailure: a.hypothesisFailures > 0 ? "(a)" : nil)
    casesSoFar += a.cases
    partial = partial || a.partial
    consider(a.worstRatio, "(a) " + (a.worstCase ?? ""))
    var aEvidence: [String: JSONValue] = [
      "domain": .string(exhaustive.domain), "scoreVectorsTimesK": .number(Double(a.cases)),
      "matrixKPairs": .number(Double(a.matrices)), "violations": .number(Double(a.violations)),
      "worstRatio": a.worstRatio.map { .number($0) } ?? .null, "partial": .bool(a.partial),
    ]
    if let (c, e) = a.first {
      let fixture = try c.fixture(claim: ctx.id, expectation: e)
      counterexample = try ClaimFixtures.record(fixture, exact: true, in: ctx)
      aEvidence["minimalCounterexample"] = .string(fixture.summary ?? "")
    }
    aEvidence["seconds"] = lap()
    evidence["exhaustive"] = .object(aEvidence)
    if counterexample != nil && ctx.stopsAtRefutation {
      return finish(evidence: evidence, phasesRun: "(a)")
    }

    // (b) Generated rational cases, exact, shrunk; then a targeted search of LHS/RHS.
    let gen = search.generator(reading: reading, side: side, selection: selection)
    var config = ctx.universalConfig()
    config.cases = Swift.max(20, ctx.budget.cases / 2)
    let b = checkUniversal(gen, config: config, cancellation: ctx.cancellation) { c in
      nonZero.add(c.hypothesesHold, "(b) " + c.description)
      let e = try c.expectation()
      return side.holds(e) ? .pass : .fail("E‖C_k(G) − G‖² = \(e.expectedResidual) > \(side.rightHandSide(e))")
    }
    partial = partial || b.partial
    casesSoFar += b.casesRun
    var bEvidence: [String: JSONValue] = [
      "domain": .string(search.domain), "cases": .number(Double(b.casesRun)), "discarded": .number(Double(b.discarded)),
    ]
    if let health = b.healthFailure { bEvidence["health"] = .string(health) }
    if let found = b.counterexample {
      let e = try found.value.expectation()
      let fixture = try found.value.fixture(claim: ctx.id, expectation: e, choices: found.choices)
      let reference = try ClaimFixtures.record(fixture, exact: true, in: ctx)
      if counterexample == nil { counterexample = reference }
      consider(side.ratio(e), "(b) " + found.value.description)
      bEvidence["counterexample"] = .string(fixture.summary ?? "")
      bEvidence["shrink"] = .object(["attempts": .number(Double(found.shrinkAttempts)),
                                     "improvements": .number(Double(found.shrinkImprovements))])
    }
    bEvidence["seconds"] = lap()
    if counterexample != nil && ctx.stopsAtRefutation {
      evidence["search"] = .object(bEvidence)
      return finish(evidence: evidence, phasesRun: "(a), (b)")
    }
    let steps = ctx.budget.targetedSteps
    let targeted = searchTargeted(gen, seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 7), starts: 50,
                                  steps: steps, threads: ctx.threads, cancellation: ctx.cancellation) { c in
      let e = try c.expectation()
      return side.ratio(e) ?? 0
    }
    partial = partial || targeted.partial
    casesSoFar += targeted.evaluations
    if let best = targeted.bestValue { consider(targeted.bestScore, "(b, targeted) " + best.description) }
    bEvidence["targeted"] = .object(["bestRatio": .number(targeted.bestScore), "evaluations": .number(Double(targeted.evaluations)),
                                     "best": .string(targeted.bestValue?.description ?? "none"), "seconds": lap()])
    evidence["search"] = .object(bEvidence)

    // (c) Large d, sampled.
    let c = try sampling.run(reading: reading, selection: selection, seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 9),
                             budget: ctx.budget, threads: ctx.threads, cancellation: ctx.cancellation)
    casesSoFar += c.count
    for r in c { nonZero.add(r.hypothesesHold, "(c) \(r.setting.family), d = \(r.setting.d), k = \(r.setting.k)") }
    var cRows: [JSONValue] = []
    var samples = 0
    var sampledRefutation: Lemma1Sampling.Result?
    var sampledWorst: (ratio: Double, case: String)?
    for r in c {
      samples += r.test.samples
      partial = partial || r.test.partial || r.test.decision == .inconclusive
      let bound = 1 - Double(r.setting.k) / Double(r.setting.d)
      if bound > 0 && (sampledWorst.map { r.test.estimate / bound > $0.ratio } ?? true) {
        sampledWorst = (r.test.estimate / bound, "\(r.setting.family), d = \(r.setting.d), k = \(r.setting.k)")
      }
      if r.test.decision == .refuted && sampledRefutation == nil { sampledRefutation = r }
      cRows.append(.object(["family": .string(r.setting.family), "d": .number(Double(r.setting.d)),
                            "k": .number(Double(r.setting.k)), "bound": .number(bound), "test": r.test.json]))
    }
    if c.count < sampling.settings.count && sampledRefutation == nil { partial = true }
    evidence["sampled"] = .object([
      "domain": .string(sampling.domain), "settings": .array(cRows), "samples": .number(Double(samples)), "seconds": lap(),
      "largestEstimatedRatio": sampledWorst.map { .number($0.ratio) } ?? .null,
      "largestEstimatedRatioCase": sampledWorst.map { .string($0.case) } ?? .null,
    ])
    if let r = sampledRefutation, counterexample == nil {
      let input = try JSONValue(encoding: SampledCase(reading: reading, side: side, setting: r.setting,
                                                       seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 9),
                                                       index: c.firstIndex { $0.setting == r.setting } ?? 0,
                                                       alpha: sampling.alpha, beta: sampling.beta, margin: sampling.margin,
                                                       maxSamples: ctx.budget.maxSamples))
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: input, observed: r.test.json,
                            summary: "\(r.setting.family) G, d = \(r.setting.d), k = \(r.setting.k): sampled mean "
                              + "\(r.test.estimate) > 1 − k/d (sequential test refutes)")
      counterexample = try ClaimFixtures.record(fixture, exact: false, in: ctx)
    }
    evidence["plots"] = .array(plots(a: a, sampled: c, reading: reading, side: side).map(\.json))
    evidence["combination"] = .string("refuted if any phase finds a counterexample; inconclusive if a phase was cut short; "
      + "else holds (proved on the domain of (a), searched elsewhere)")

    return finish(evidence: evidence, phasesRun: "(a), (b), (c)")

  }

  /// The ratio distribution of (a) and the sampled means of (c) against the bound.
  static func plots(a: Lemma1Exhaustive.Outcome, sampled: [Lemma1Sampling.Result], reading: SelectionReading,
                    side: Lemma1Side) -> [Plot] {
    var out: [Plot] = []
    let sorted = a.ratios.sorted()
    if !sorted.isEmpty {
      let n = sorted.count
      let picks = Swift.min(n, 200)
      let points = (0..<picks).map { i -> (x: Double, y: Double) in
        let idx = picks == 1 ? 0 : i * (n - 1) / (picks - 1)
        return (Double(idx + 1) / Double(n), sorted[idx])
      }
      out.append(Plot(title: "LHS/RHS over the exhaustive domain (\(reading.rawValue), \(side.rawValue))",
                      xLabel: "fraction of cases", yLabel: "LHS / RHS",
                      series: [Plot.Series(name: "sorted ratios", points: points),
                               Plot.Series(name: "1", points: [(0, 1), (1, 1)], style: "dashed")]))
    }
    var byFamily: [String: [(x: Double, y: Double)]] = [:]
    for r in sampled where r.setting.d == (sampled.map(\.setting.d).max() ?? 0) {
      byFamily[r.setting.family, default: []].append((Double(r.setting.k) / Double(r.setting.d), r.test.estimate))
    }
    if !byFamily.isEmpty {
      let d = sampled.map(\.setting.d).max() ?? 0
      var series = byFamily.keys.sorted().map { Plot.Series(name: $0, points: byFamily[$0] ?? []) }
      let fractions = Set(sampled.map { Double($0.setting.k) / Double($0.setting.d) }).sorted()
      series.append(Plot.Series(name: "1 − k/d", points: fractions.map { ($0, 1 - $0) }, style: "dashed"))
      out.append(Plot(title: "Sampled E‖C_k(G) − G‖²/‖G‖² at d = \(d) (\(reading.rawValue))", xLabel: "k/d",
                      yLabel: "residual fraction", series: series))
    }
    return out
  }

  /// `lemma1/xi-in-practice`.
  static func xiInPractice(_ ctx: ClaimContext) throws -> ClaimRecord {
    let xi: Lemma1Xi
    switch ctx.profile {
    case .quick: xi = Lemma1Xi(stride: 10, iterations: 20, draws: 10, includeMLP: false)
    case .standard: xi = Lemma1Xi(stride: 2, iterations: 100, draws: 50, includeMLP: true)
    case .deep: xi = Lemma1Xi(stride: 1, iterations: 400, draws: 200, includeMLP: true)
    }
    let (evidence, cases, smallest) = try xi.run(seed: ctx.seed)
    return ClaimRecord(
      id: ctx.id, source: "Lemma 1 (remark: ξ ≈ 1 in practice)",
      statement: "ξ = ‖C_k(G)‖²_F / ‖G‖²_F on real training gradients is close to 1 (no threshold stated)",
      verdict: .inconclusive, method: "observation", cases: cases,
      domain: "MNIST (fixtures/data/mnist_5k.csv, every \(xi.stride)-th sample), b = 8, batch 16, SGD for "
        + "\(xi.iterations) iterations, 5 checkpoints; logistic regression\(xi.includeMLP ? " and a 784–32–10 MLP" : ""); "
        + "k/d ∈ {\(Lemma1Xi.fractions.map { String($0) }.joined(separator: ", "))}; every reading",
      worst: WorstCase(ratio: smallest, case: "smallest ξ measured (any reading but uniform, any k/d and checkpoint)"),
      evidence: evidence)
  }

  /// A sampled refutation's input (`kind: "sampled"`).
  struct SampledCase: Codable {
    var kind = "sampled"
    var reading: SelectionReading
    var side: Lemma1Side
    var setting: Lemma1Sampling.Setting
    var seed: UInt64
    var index: Int
    var alpha: Double
    var beta: Double
    var margin: Double
    var maxSamples: Int
  }

  /// Replays a Lemma 1 fixture: true when it still does what it records
  /// (`refutes`: the inequality still fails on its input; `holds`: it still holds).
  /// - Throws: `FixtureInputError` naming the bad field.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    try claimHolds(on: fixture) == (fixture.expect == .holds)
  }

  /// Whether the inequality holds on a fixture's input (exactly for
  /// `kind: "exact"`; by the recorded sequential test for `kind: "sampled"`).
  static func claimHolds(on fixture: Fixture) throws -> Bool {
    guard case .string(let kind)? = fixture.input["kind"] else {
      throw FixtureInputError(field: "input.kind", expected: "\"exact\" or \"sampled\"")
    }
    switch kind {
    case "exact":
      let c = try FixtureReplay.decode(Lemma1ExactCase.self, from: fixture.input)
      return c.side.holds(try c.expectation())
    case "sampled":
      let c = try FixtureReplay.decode(SampledCase.self, from: fixture.input)
      let caseSeed = PRNG.caseSeed(runSeed: c.seed, caseIndex: UInt64(c.index))
      let s = Lemma1Sampling.scores(family: c.setting.family, d: c.setting.d, seed: PRNG.caseSeed(runSeed: caseSeed, caseIndex: 0))
      let plan = try SequentialPlan(range: 0...1, bound: 1 - Double(c.setting.k) / Double(c.setting.d), alpha: c.alpha,
                                    beta: c.beta, margin: c.margin, maxSamples: c.maxSamples)
      let test = try checkExpectation(Lemma1Sampling.sampler(scores: s, k: c.setting.k, reading: c.reading), plan: plan,
                                      seed: PRNG.caseSeed(runSeed: caseSeed, caseIndex: 1), threads: processorCount)
      return test.decision != .refuted
    default:
      throw FixtureInputError(field: "input.kind", expected: "\"exact\" or \"sampled\"")
    }
  }
}
