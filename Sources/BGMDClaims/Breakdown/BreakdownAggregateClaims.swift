import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `breakdown/aggregate/<rule>`: one aggregation of b rows, the first m
/// replaced by the adversary, deviation from the mean of the good rows,
/// decided per attack by the growth rule over M (see `BreakdownCurve`).
enum AggregateBreakdownClaims {
  /// The rules, as in the claim ids.
  static let rules: [String] = ["mean", "coordinate-median", "trimmed-mean", "krum", "geometric-median"]
    + SelectionReading.allCases.map { "block-gm/\($0.rawValue)" }

  /// The sizes and search budgets of a profile.
  struct Plan {
    var rows: Int
    var dimension: Int
    var blockSize: Int
    var cases: Int
    var starts: Int
    var steps: Int
    var scales: [Double]
    /// β of the trimmed mean.
    var trimming = 0.2
    /// The magnitude at which the targeted search scores an attack.
    var targetMagnitude = 1e6
    /// The geometric median's requested certified relative accuracy.
    var medianEpsilon = 1e-12

    /// f of Krum: the largest f with b > 2f + 2 (Krum's condition).
    var krumByzantine: Int { Swift.max(0, (rows - 3) / 2) }
  }

  static func plan(_ profile: Profile) -> Plan {
    switch profile {
    case .quick: return Plan(rows: 11, dimension: 6, blockSize: 2, cases: 1, starts: 4, steps: 8, scales: breakdownScales(profile))
    case .standard:
      return Plan(rows: 11, dimension: 8, blockSize: 2, cases: 5, starts: 16, steps: 80, scales: breakdownScales(profile))
    case .deep:
      return Plan(rows: 11, dimension: 8, blockSize: 2, cases: 20, starts: 32, steps: 400, scales: breakdownScales(profile))
    }
  }

  /// What the paper (or the rule's own paper) claims, as m ranges.
  struct Claimed {
    /// m for which the rule must stay bounded.
    var robust: ClosedRange<Int>?
    /// m for which the rule must break.
    var breaks: ClosedRange<Int>?
    var breakdownPoint: String
    var statement: String
    var source: String
  }

  static func claimed(_ rule: String, plan: Plan) -> Claimed {
    let b = plan.rows
    let half = (b - 1) / 2
    switch rule {
    case "mean":
      return Claimed(robust: nil, breaks: 1...half, breakdownPoint: "0",
                     statement: "the mean breaks at every ψ > 0: for every 1 ≤ m < b/2 some adversary moves it arbitrarily far",
                     source: "Table 1 (mean: breakdown 0), Definition 2")
    case "trimmed-mean":
      let t = Int((plan.trimming * Double(b)).rounded(.down))
      return Claimed(robust: t >= 1 ? 1...t : nil, breaks: t + 1 <= half ? (t + 1)...half : nil,
                     breakdownPoint: "β = \(plan.trimming)",
                     statement: "the β-trimmed mean (β = \(plan.trimming) per side) is bounded for m ≤ ⌊βb⌋ = \(t) and breaks for ⌊βb⌋ < m < b/2",
                     source: "Table 1 (trimmed mean: breakdown β), Definition 2")
    case "krum":
      let f = plan.krumByzantine
      return Claimed(robust: f >= 1 ? 1...f : nil, breaks: nil, breakdownPoint: "(f + 1)/b with b > 2f + 2, f = \(f)",
                     statement: "Krum with f = \(f) (b > 2f + 2) is bounded for every m ≤ f",
                     source: "Table 1; Blanchard et al. 2017 (Krum is (α, f)-Byzantine resilient when n > 2f + 2)")
    default:
      let what = rule == "coordinate-median" ? "the coordinate-wise median"
        : rule == "geometric-median" ? "the geometric median" : "the block geometric median (\(rule))"
      return Claimed(robust: half >= 1 ? 1...half : nil, breaks: nil, breakdownPoint: "1/2",
                     statement: "\(what) is bounded for every ψ = m/b < 1/2",
                     source: "Table 1 (breakdown 1/2), abstract, Definition 2")
    }
  }

  /// The b honest rows of case c: a centre N(0, 2²) per coordinate plus N(0, 1) noise.
  static func goodRows(seed: UInt64, plan: Plan) -> [[Double]] {
    var rng = Xoshiro256(seed: seed)
    let centre = (0..<plan.dimension).map { _ in 2 * rng.standardNormal() }
    return (0..<plan.rows).map { _ in centre.map { $0 + rng.standardNormal() } }
  }

  struct Job: Sendable {
    var caseIndex: Int
    var m: Int
    var curves: [BreakdownCurve]
    var targetedEvaluations: Int
    var aggregateCase: AggregateBreakdownCase
    var breaker: BreakdownCurve? { curves.first(where: \.breaks) }
  }

  static func spec(_ rule: String) -> ClaimSpec {
    ClaimSpec(id: "breakdown/aggregate/\(rule)", controls: controls(rule)) { ctx in try check(rule, ctx) }
  }

  /// What a negative control runs in place of the claimed rule: another
  /// rule, or the same rule with another trimming.
  struct Variant: Sendable {
    var rule: String?
    var trimming: Double?
  }

  /// The negative controls of `rule`: the same check (same plan, seed and
  /// attacks) on an aggregator that violates the claim.
  static func controls(_ rule: String) -> [ControlSpec] {
    func control(_ name: String, _ breaks: String, _ variant: Variant) -> ControlSpec {
      ControlSpec(name: name, breaks: breaks) { ctx in try check(rule, ctx, variant: variant) }
    }
    let mean = control("mean-in-place", "the rule replaced by the mean (breakdown 0)", Variant(rule: "mean"))
    switch rule {
    case "mean":
      return [
        control("coordinate-median-in-place", "the mean replaced by the coordinate-wise median (never breaks below b/2)",
                Variant(rule: "coordinate-median")),
        control("geometric-median-in-place", "the mean replaced by the geometric median (never breaks below b/2)",
                Variant(rule: "geometric-median")),
      ]
    case "trimmed-mean":
      return [control("trims-nothing", "β = 0: the trimmed mean trims no row (it is the mean)", Variant(trimming: 0)), mean]
    case "geometric-median":
      return [
        mean,
        control("weiszfeld-one-step-from-mean", "the median replaced by one Weiszfeld step started from the mean",
                Variant(rule: "gm-one-step-from-mean")),
        control("distances-capped", "Weiszfeld with distances capped at 1 (weights floored at 1): a weighted mean",
                Variant(rule: "gm-distances-capped")),
      ]
    default:
      if rule.hasPrefix("block-gm/") {
        let reading = String(rule.dropFirst("block-gm/".count))
        return [
          mean,
          control("block-weiszfeld-one-step-from-mean",
                  "the block's median replaced by one Weiszfeld step started from the block's mean",
                  Variant(rule: "block-gm-one-step-from-mean/\(reading)")),
        ]
      }
      return [mean]
    }
  }

  static func runJob(_ rule: String, plan: Plan, seed: UInt64, caseIndex c: Int, m: Int) -> Job {
    let rows = goodRows(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(c)), plan: plan)
    var base = AggregateBreakdownCase(
      rule: rule, rows: rows, badCount: m, attacks: BreakdownAttack.builtIn, scales: plan.scales,
      ruleSeed: PRNG.caseSeed(runSeed: seed ^ 0x5EED, caseIndex: UInt64(c)), blockSize: plan.blockSize,
      trimming: plan.trimming, krumByzantine: plan.krumByzantine, medianEpsilon: plan.medianEpsilon)
    return runJob(base: &base, plan: plan, seed: seed, caseIndex: c, m: m)
  }

  static func runJob(base: inout AggregateBreakdownCase, plan: Plan, seed: UInt64, caseIndex c: Int, m: Int) -> Job {
    var curves = base.curves()
    var evaluations = 0
    if !curves.contains(where: \.breaks) {
      let probe = base
      let result = searchTargeted(
        MixedAttack.generator(dimension: plan.dimension), seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(1_000 * c + m)),
        starts: plan.starts, steps: plan.steps
      ) { attack in
        let v = probe.outcome(BreakdownAttack(name: "mixed", mixed: attack), magnitude: plan.targetMagnitude).value
        return v.isFinite ? v : .infinity
      }
      evaluations = result.evaluations
      if let best = result.bestValue {
        let attack = BreakdownAttack(name: "mixed", mixed: best)
        base.attacks.append(attack)
        curves.append(base.curve(attack))
      }
    }
    return Job(caseIndex: c, m: m, curves: curves, targetedEvaluations: evaluations, aggregateCase: base)
  }

  /// `variant` (a negative control) replaces the rule that runs; the claim
  /// (its ranges of m, statement, plan, seeds and attacks) is `rule`'s.
  static func check(_ rule: String, _ ctx: ClaimContext, variant: Variant? = nil) throws -> ClaimRecord {
    let plan = plan(ctx.profile)
    let claim = claimed(rule, plan: plan)
    let id = "breakdown/aggregate/\(rule)"
    let b = plan.rows
    let pairs = (0..<plan.cases).flatMap { c in (1..<b).map { (c, $0) } }
    let runs = variant?.rule ?? rule
    let jobs = parallelMap(count: pairs.count, threads: ctx.threads) { i -> Job? in
      if ctx.cancellation.isCancelled { return nil }
      let (c, m) = pairs[i]
      var base = AggregateBreakdownCase(
        rule: runs, rows: goodRows(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(c)), plan: plan), badCount: m,
        attacks: BreakdownAttack.builtIn, scales: plan.scales,
        ruleSeed: PRNG.caseSeed(runSeed: ctx.seed ^ 0x5EED, caseIndex: UInt64(c)), blockSize: plan.blockSize,
        trimming: variant?.trimming ?? plan.trimming, krumByzantine: plan.krumByzantine, medianEpsilon: plan.medianEpsilon)
      return runJob(base: &base, plan: plan, seed: ctx.seed, caseIndex: c, m: m)
    }
    let domain = "b = \(b) rows in ℝ^\(plan.dimension) (N(0,1) around a N(0,4) centre), \(plan.cases) row set(s), "
      + "bad slots 0..<m for m = 1…\(b - 1), attacks \(BreakdownAttack.builtIn.map(\.name).joined(separator: ", ")) "
      + "and a targeted search over MixedAttack (\(plan.starts) starts + \(plan.steps) steps at M = \(plan.targetMagnitude)) "
      + "when no built-in attack breaks; M ∈ {\(plan.scales.map { String(format: "%.0e", $0) }.joined(separator: ", "))}"
      + (rule.hasPrefix("block-gm") ? "; k = \(plan.blockSize)" : "")
    guard jobs.count == pairs.count, jobs.allSatisfy({ $0 != nil }) else {
      return ClaimRecord(id: id, source: claim.source, statement: claim.statement, verdict: .inconclusive,
                         method: "growth", cases: 0, domain: domain, evidence: .object(["cancelled": .bool(true)]))
    }
    let done = jobs.compactMap { $0 }
    var violation: (job: Job, robust: Bool)?
    var worst: WorstCase?
    var worstScore = -Double.infinity
    var perCase: [JSONValue] = []
    var plots: [JSONValue] = []
    for c in 0..<plan.cases {
      let caseJobs = done.filter { $0.caseIndex == c }
      let firstBreak = caseJobs.first { $0.breaker != nil }
      // The smallest m at which an attack breaks the rule with a value at
      // every M (no thrown error: not a refusal), for context beyond b/2.
      let firstValueBreak = caseJobs.first { job in job.curves.contains { $0.breaks && $0.firstError == nil } }
      var perM: [JSONValue] = []
      for job in caseJobs {
        let inRobust = claim.robust?.contains(job.m) ?? false
        let inBreaks = claim.breaks?.contains(job.m) ?? false
        if violation == nil && ((inRobust && job.breaker != nil) || (inBreaks && job.breaker == nil)) {
          violation = (job, inRobust)
        }
        if inRobust || inBreaks {
          // Worst for the claim: the largest growth ratio where it must stay
          // bounded, the smallest best ratio where it must break.
          // Non-finite curves count as ∞ where the claim is robustness; where the
          // claim is breaking, the best finite growth is more telling.
          let finite = job.curves.map(\.growth.ratio).filter(\.isFinite).max()
          let best = !inRobust ? (finite ?? .infinity)
            : (job.curves.contains { !$0.growth.ratio.isFinite } ? .infinity : (finite ?? 0))
          let score = inRobust ? best : -best
          if score > worstScore {
            worstScore = score
            worst = WorstCase(
              ratio: best.isFinite ? best : nil,
              case: "case \(c), m = \(job.m) (ψ = \(Double(job.m) / Double(b))): "
                + (inRobust ? "largest deviation ratio (M = \(plan.scales.last ?? 0) over M = 1) over attacks"
                  : "best attack's deviation ratio (the rule must break)") + (best.isFinite ? "" : ": non-finite"))
          }
        }
        var entry: [String: JSONValue] = [
          "m": .number(Double(job.m)), "psi": .number(Double(job.m) / Double(b)),
          "breaks": .bool(job.breaker != nil), "brokenBy": job.breaker.map { .string($0.attack.description) } ?? .null,
          "worstFinalDeviation": .number(job.curves.map(\.finalDeviation).max { a, b2 in
            (a.isNaN ? Double.infinity : a) < (b2.isNaN ? Double.infinity : b2) } ?? .nan),
          "targetedEvaluations": .number(Double(job.targetedEvaluations)),
          "errors": .array(Array(Set(job.curves.compactMap(\.firstError))).sorted().map { .string($0) }),
        ]
        // Curves of the first row set only (the plots use it too).
        if c == 0 { entry["curves"] = .object(BreakdownCurve.evidence(job.curves)) }
        perM.append(.object(entry))
      }
      perCase.append(.object([
        "case": .number(Double(c)),
        "breakdownPoint": firstBreak.map { .number(Double($0.m) / Double(b)) } ?? .null,
        "breakdownM": firstBreak.map { .number(Double($0.m)) } ?? .null,
        "brokenBy": firstBreak?.breaker.map { .string($0.attack.description) } ?? .null,
        "breakdownPointWithoutRefusals": firstValueBreak.map { .number(Double($0.m) / Double(b)) } ?? .null,
        "perM": .array(perM),
      ]))
      if c == 0 {
        plots.append(BreakdownPlot.plot(
          title: "\(rule): worst deviation over attacks vs M, b = \(b), d = \(plan.dimension)",
          series: caseJobs.map { job in
            BreakdownPlot.series("m = \(job.m) (ψ = \(String(format: "%.2f", Double(job.m) / Double(b))))",
                                 scales: plan.scales, values: BreakdownPlot.worst(job.curves))
          }))
      }
    }
    var counterexample: CounterexampleReference?
    if let v = violation {
      var stored = v.job.aggregateCase
      if v.robust, let breaker = v.job.breaker { stored.attacks = [breaker.attack] }
      let curves = stored.curves()
      let who = variant == nil ? rule
        : "\(runs)\(variant?.trimming.map { " (β = \($0))" } ?? "") in place of \(rule)"
      let summary = v.robust
        ? "\(who) breaks at m = \(v.job.m) of b = \(b) (ψ = \(Double(v.job.m) / Double(b)) < 1/2) under \(stored.attacks[0].description)"
        : "\(who) stays bounded at m = \(v.job.m) of b = \(b) under every attack tried"
      let fixture = Fixture(
        claim: id, expect: .refutes, input: try JSONValue(encoding: stored),
        observed: .object(["breaks": .bool(v.robust), "curves": .array(curves.map(\.json))]), summary: summary)
      try ctx.fixtures?.write(fixture)
      counterexample = CounterexampleReference(
        fixture: "fixtures/counterexamples/\(id)/\(fixture.hash).json", exact: false, summary: summary)
    }
    let evidence: JSONValue = .object([
      "claimedBreakdownPoint": .string(claim.breakdownPoint),
      "robustFor": claim.robust.map { .string("m ∈ \($0.lowerBound)…\($0.upperBound)") } ?? .null,
      "breaksFor": claim.breaks.map { .string("m ∈ \($0.lowerBound)…\($0.upperBound)") } ?? .null,
      "rule": .string(GrowthRule().statement),
      "plan": .object([
        "b": .number(Double(b)), "d": .number(Double(plan.dimension)), "k": .number(Double(plan.blockSize)),
        "trimming": .number(plan.trimming), "krumByzantine": .number(Double(plan.krumByzantine)),
        "medianEpsilon": .number(plan.medianEpsilon), "targetMagnitude": .number(plan.targetMagnitude),
      ]),
      "cases": .array(perCase),
      "plots": .array(plots),
    ])
    var record = ClaimRecord(
      id: id, source: claim.source, statement: claim.statement, verdict: violation == nil ? .holds : .refuted,
      method: "growth", cases: done.reduce(0) { $0 + $1.curves.count }, domain: domain,
      worst: worst, counterexample: counterexample, evidence: evidence)
    record.hypotheses = hypotheses(rule, claim: claim, jobs: done)
    return record
  }

  /// The claim's hypotheses, measured on the instances (b, m, β, f of each
  /// aggregated case) where the claim speaks, never on the deviations.
  static func hypotheses(_ rule: String, claim: Claimed, jobs: [Job]) -> [Hypothesis] {
    let definition1 = HypothesisTally()
    let krum = HypothesisTally()
    let trimming = HypothesisTally()
    for job in jobs {
      let c = job.aggregateCase
      let robust = claim.robust?.contains(job.m) ?? false
      guard robust || (claim.breaks?.contains(job.m) ?? false) else { continue }
      let level = CorruptionLevel(rows: c.rows.count, bad: c.badCount)
      definition1.add(level.psiBelowHalf && level.alphaBelowOne, level.description)
      if rule == "krum" && robust {
        krum.add(c.rows.count > 2 * c.krumByzantine + 2 && c.badCount <= c.krumByzantine,
                 "b = \(c.rows.count), f = \(c.krumByzantine), m = \(c.badCount)")
      }
      if rule == "trimmed-mean" && robust {
        let t = Int((c.trimming * Double(c.rows.count)).rounded(.down))
        trimming.add(c.badCount <= t, "β = \(c.trimming), b = \(c.rows.count), m = \(c.badCount)")
      }
    }
    var out = [definition1.hypothesis(
      "ψ = m/b < 1/2 and α = ψ/(1 − ψ) = |𝔹|/|𝔾| < 1 (Definition 1)",
      how: "from each aggregated case's bad-slot count m and row count b, for every m the claim speaks about")]
    if rule == "krum" {
      out.append(krum.hypothesis("b > 2f + 2 and m ≤ f (Krum's resilience condition)",
                                 how: "from each case's b, f and m where boundedness is claimed"))
    }
    if rule == "trimmed-mean" {
      out.append(trimming.hypothesis("m ≤ ⌊βb⌋ where boundedness is claimed",
                                     how: "from each case's β, b and m"))
    }
    return out
  }
}
