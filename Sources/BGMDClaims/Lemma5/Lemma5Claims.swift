import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// The Lemma 5 claims (Proofs/lemma-5.md):
/// x_t − x̃_t = m_t for all t, with x̃ the virtual sequence (13) and m_t the
/// memory averaged over the good set 𝔾_t.
///
/// - `lemma5/clean`: 𝔹 empty; memory `averaged` (Algorithm 1 as printed) or
///   `per-row` (drawn; `none` is not Lemma 5's algorithm);
/// - `lemma5/corrupted/<memory>/<schedule>`: bad rows from an adversary,
///   memory ∈ {averaged, per-row, none}, schedule ∈ {fixed, dynamic}.
///
/// Two phases. (1) Exact: Algorithm 1 in ℚ with an injected rule whose
/// outputs are arbitrary rationals drawn with the case (the identity is
/// algebraic in the aggregate), small integer gradients, arbitrary rational
/// bad rows; `Lemma5Sequences.firstNonZeroGap == nil` is checked with no
/// tolerance; a failure is shrunk and stored as an exact fixture. (2)
/// Floating: the same in `Double` with the real geometric median, the gap
/// compared with the rounding bound of `Lemma5Rounding`.
/// Stored fixtures are not replayed inside the campaign (`bgmd replay` and
/// `swift test` replay them), so a record is a pure function of the run
/// seed and the profile, whatever is already on disk.
/// Verdict: `refuted` when either phase fails, `inconclusive` when cut
/// short, else `holds`.
public enum Lemma5Claims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    var claims = [ClaimSpec(id: "lemma5/clean", controls: controls(schedule: "clean", memory: nil)) {
      try check($0, schedule: "clean", memories: [.averaged, .perRow])
    }]
    for memory in MemoryVariant.allCases {
      for schedule in ["fixed", "dynamic"] {
        claims.append(ClaimSpec(id: "lemma5/corrupted/\(memory.rawValue)/\(schedule)",
                                controls: controls(schedule: schedule, memory: memory)) {
          try check($0, schedule: schedule, memories: [memory])
        })
      }
    }
    claims += Lemma5RobustMemory.claims
    return ClaimFamily(name: "lemma-5", title: "Lemma 5", document: "Proofs/lemma-5.md", prefixes: ["lemma5"],
                       claims: claims, replay: { try replay($0) })
  }

  /// The negative controls of a claim: the same check (same generators,
  /// budget and seed) on Algorithm 1 with another memory variant that does
  /// not satisfy x_t − x̃_t = m_t: the memory dropped (kept as the residual
  /// but never added back: `none`), or averaged over all b rows, bad ones
  /// included (`averaged`, under corruption). `memory` is the claim's (nil:
  /// the clean claim, which draws averaged and per-row).
  static func controls(schedule: String, memory: MemoryVariant?) -> [ControlSpec] {
    var out: [ControlSpec] = []
    if memory != MemoryVariant.none {
      out.append(ControlSpec(name: "memory-dropped",
                             breaks: "the residual M_t is kept but never added back (memory variant `none`)") {
        try check($0, schedule: schedule, memories: [.none])
      })
    }
    if schedule != "clean" && memory != .averaged {
      out.append(ControlSpec(name: "memory-averaged-over-all-rows",
                             breaks: "m̂ = (1/b) Σ_i M[i,:] over all rows, bad ones included, added to every row (`averaged`)") {
        try check($0, schedule: schedule, memories: [.averaged])
      })
    }
    return out
  }

  static func generators(_ profile: Profile, schedule: String, memories: [MemoryVariant]) -> Lemma5Generators {
    switch profile {
    case .quick: return Lemma5Generators(schedule: schedule, memories: memories, maxSteps: 4, maxDimension: 3, maxRows: 5)
    case .standard: return Lemma5Generators(schedule: schedule, memories: memories, maxSteps: 6, maxDimension: 4, maxRows: 6)
    case .deep: return Lemma5Generators(schedule: schedule, memories: memories, maxSteps: 10, maxDimension: 6, maxRows: 8)
    }
  }

  static func check(_ ctx: ClaimContext, schedule: String, memories: [MemoryVariant]) throws -> ClaimRecord {
    let gens = generators(ctx.profile, schedule: schedule, memories: memories)
    var evidence: [String: JSONValue] = [:]
    var counterexample: CounterexampleReference?
    var partial = false

    // (1) Exact, with arbitrary rational aggregator outputs. The hypotheses
    // are measured on each case (its slots, its recorded memory), not on the gap.
    let definition1 = HypothesisTally()
    let memoryDefinition = HypothesisTally()
    let exact = checkUniversal(gens.exact, config: ctx.universalConfig(),
                               cancellation: ctx.cancellation) { c in
      for (t, level) in c.corruptionLevels.enumerated() {
        definition1.add(level.psiBelowHalf && level.alphaBelowOne, "\(c.shape), t = \(t): " + level.description)
      }
      let (gap, memoryIsResidual) = try c.firstGapAndMemoryDefinition()
      memoryDefinition.add(memoryIsResidual, c.shape)
      guard let t = gap else { return .pass }
      return .fail("x_t − x̃_t ≠ m_t first at t = \(t)")
    }
    let hypotheses = [
      definition1.hypothesis("|𝔹_t| < b/2 at every t: ψ < 1/2, α = |𝔹|/|𝔾| < 1, 𝔾_t ≠ ∅ (Definition 1)",
                             how: "from each exact case's bad slots and b, per iteration"),
      memoryDefinition.hypothesis(
        "the memory of (10): M_t = G̃_t − C_k(G̃_t) on every good row (zero on the block, G̃_t off it)",
        how: "exactly in ℚ on each exact case's recorded augmented rows, block and residual"),
    ]
    partial = partial || exact.partial
    var exactEvidence: [String: JSONValue] = ["cases": .number(Double(exact.casesRun)),
                                              "discarded": .number(Double(exact.discarded))]
    if let health = exact.healthFailure { exactEvidence["health"] = .string(health) }
    var worst: WorstCase?
    if let found = exact.counterexample {
      let c = found.value
      let (seq, _) = try c.sequences(rule: InjectedOutputs(c.outputs ?? []).rule)
      let t = seq.firstNonZeroGap ?? -1
      let gap = t >= 0 ? seq.gaps[t] : []
      let observed: JSONValue = .object([
        "firstNonZeroGap": .number(Double(t)), "gap": .array(gap.map { .string($0.description) }),
        "iterate": t >= 0 ? .array(seq.iterates[t].map { .string($0.description) }) : .null,
        "virtualIterate": t >= 0 ? .array(seq.virtualIterates[t].map { .string($0.description) }) : .null,
        "memory": t >= 0 ? .array(seq.memories[t].map { .string($0.description) }) : .null,
      ])
      let summary = "\(c.shape): x_t − x̃_t − m_t = [\(gap.map(\.description).joined(separator: ", "))] at t = \(t)"
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: try JSONValue(encoding: c), observed: observed,
                            choices: ChoiceRecord(choices: found.choices), summary: summary)
      counterexample = try ClaimFixtures.record(fixture, exact: true, in: ctx)
      exactEvidence["counterexample"] = .string(summary)
      exactEvidence["firstGapStep"] = .number(Double(t))
      exactEvidence["shrink"] = .object(["attempts": .number(Double(found.shrinkAttempts)),
                                         "improvements": .number(Double(found.shrinkImprovements))])
      worst = WorstCase(ratio: .infinity, case: "exact gap ≠ 0: " + summary)
    }
    evidence["exact"] = .object(exactEvidence)
    if counterexample != nil && ctx.stopsAtRefutation {
      // A control's verdict is decided by the exact refutation.
      var record = ClaimRecord(
        id: ctx.id, source: "Lemma 5 (eqs. (10), (13))", statement: "x_t − x̃_t = m_t for all t, exactly",
        verdict: .refuted, method: "search-exact", cases: exact.casesRun,
        domain: "exact phase only (negative control: memory \(memories.map(\.rawValue).joined(separator: ", ")))",
        worst: worst, counterexample: counterexample, evidence: .object(evidence))
      record.hypotheses = hypotheses
      return record
    }

    // (2) Floating point with the geometric median, against the rounding bound.
    let floatingCases = Swift.max(10, ctx.budget.cases / 5)
    let floatingSeed = PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 5)
    // A case whose run meets an error or a non-finite value of the
    // implementation stops the claim (`ImplementationError`, with the
    // input) instead of counting as a gap.
    let outcomes = parallelMap(count: floatingCases, threads: ctx.threads) {
      i -> Result<(Double, Int, [Double], String), ImplementationError>? in
      guard let c = try? gens.floating.example(seed: PRNG.caseSeed(runSeed: floatingSeed, caseIndex: UInt64(i)))
      else { return nil }
      do {
        let r = try c.roundingRatio()
        return .success((r.ratio, r.step, r.perStep, c.shape))
      } catch let error as ImplementationError {
        return .failure(error)
      } catch {
        return .failure(ImplementationError(check: "Lemma 5 in Double", input: c, detail: "\(error)"))
      }
    }
    let results = try outcomes.map { outcome -> (Double, Int, [Double], String)? in
      try outcome.map { try $0.get() }
    }
    var floatingWorst = 0.0
    var floatingWorstCase = ""
    var failing: Int?
    var over = 0
    var perStep: [Double] = []
    var errors = 0
    for (i, r) in results.enumerated() {
      guard let (ratio, step, steps, shape) = r else {
        errors += 1
        continue
      }
      for (t, v) in steps.enumerated() {
        if t < perStep.count { perStep[t] = Swift.max(perStep[t], v) } else { perStep.append(v) }
      }
      if ratio > floatingWorst {
        floatingWorst = ratio
        floatingWorstCase = "\(shape), t = \(step)"
      }
      if ratio > 1 {
        over += 1
        if failing == nil { failing = i }
      }
    }
    if ctx.cancellation.isCancelled { partial = true }
    var floatingEvidence: [String: JSONValue] = [
      "cases": .number(Double(floatingCases)), "errors": .number(Double(errors)), "casesOverBound": .number(Double(over)),
      "worstGapOverBound": .number(floatingWorst), "worstCase": .string(floatingWorstCase),
      "bound": .string("|gap_t[j]| ≤ 2(t + b + 4)·ε·A_t[j] (Lemma5Rounding)"),
    ]
    // The floating counterexample is stored only when the exact phase found none.
    if counterexample == nil, let i = failing, let c = try? gens.floating.example(seed: PRNG.caseSeed(runSeed: floatingSeed, caseIndex: UInt64(i))) {
      let r = try c.roundingRatio()
      let summary = "\(c.shape), geometric median in Double: gap / rounding bound = \(r.ratio) at t = \(r.step)"
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: try JSONValue(encoding: c),
                            observed: .object(["gapOverBound": .number(r.ratio), "step": .number(Double(r.step))]),
                            summary: summary)
      counterexample = try ClaimFixtures.record(fixture, exact: false, in: ctx)
      floatingEvidence["counterexample"] = .string(summary)
    }
    if worst == nil { worst = WorstCase(ratio: floatingWorst, case: "largest |gap| / rounding bound in Double: \(floatingWorstCase)") }
    evidence["floating"] = .object(floatingEvidence)
    if !perStep.isEmpty {
      let plot = Plot(title: "Double, geometric median: largest |x_t − x̃_t − m_t| / rounding bound", xLabel: "t",
                      yLabel: "gap / bound", logY: true,
                      series: [Plot.Series(name: "max over cases (floored at 1e-6)", points: perStep.enumerated().map { (Double($0.offset), Swift.max($0.element, 1e-6)) }),
                               Plot.Series(name: "bound (1)", points: [(0, 1), (Double(perStep.count - 1), 1)], style: "dashed")])
      evidence["plots"] = .array([plot.json])
    }
    if exact.healthFailure != nil { partial = true }

    let verdict: Verdict = counterexample != nil ? .refuted : (partial ? .inconclusive : .holds)
    let setting = schedule == "clean" ? "no bad rows; memory averaged or per-row"
      : "memory \(memories.map(\.rawValue).joined(separator: ", ")), \(schedule) bad slots, ψ < 1/2"
    var record = ClaimRecord(
      id: ctx.id, source: "Lemma 5 (eqs. (10), (13))",
      statement: "x_t − x̃_t = m_t for all t, exactly (\(setting))", verdict: verdict,
      method: "search-exact+floating-bound", cases: exact.casesRun + floatingCases,
      domain: "exact: T ≤ \(gens.maxSteps), b ≤ \(gens.maxRows), d ≤ \(gens.maxDimension), 1 ≤ k ≤ d, every reading, "
        + "integer rows in −3…3, rational bad rows and aggregator outputs p/q (|p| ≤ 9, q ≤ 3), γ = p/q; "
        + "floating: same shapes, rows in [−3, 3], bad rows in [−300, 300], geometric median",
      worst: worst, counterexample: counterexample, evidence: .object(evidence))
    record.hypotheses = hypotheses
    return record
  }

  /// Replays a Lemma 5 fixture: true when it still does what it records
  /// (`refutes`: the identity still fails on its input; `holds`: it still holds).
  /// - Throws: `FixtureInputError` naming the bad field.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    if fixture.claim.hasPrefix("lemma5/robust/") { return try Lemma5RobustMemory.replay(fixture) }
    return try identityHolds(on: fixture) == (fixture.expect == .holds)
  }

  /// Whether the identity holds on a fixture's input (exactly for
  /// `arithmetic: rational`, within the rounding bound for `double`).
  static func identityHolds(on fixture: Fixture) throws -> Bool {
    guard case .string(let arithmetic)? = fixture.input["arithmetic"] else {
      throw FixtureInputError(field: "input.arithmetic", expected: "\"rational\" or \"double\"")
    }
    switch arithmetic {
    case "rational":
      return try FixtureReplay.decode(Lemma5Case<Rational>.self, from: fixture.input).firstGap() == nil
    case "double":
      return try FixtureReplay.decode(Lemma5Case<Double>.self, from: fixture.input).roundingRatio().ratio <= 1
    default:
      throw FixtureInputError(field: "input.arithmetic", expected: "\"rational\" or \"double\"")
    }
  }
}
