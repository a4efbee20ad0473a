import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `conformance/<rule>/breakdown`: the attacks, targeted search and growth
/// rule of `breakdown/aggregate/*`, with the implementation under test in
/// place of our rule (one aggregation of b rows in Float64, the first m bad).
enum ConformanceBreakdown {
  /// The deviation of `target` under `attack` at magnitude M.
  static func outcome(_ c: AggregateBreakdownCase, _ attack: BreakdownAttack, magnitude: Double,
                      target: ConformanceTarget) -> BreakdownOutcome {
    do {
      let honest = try Matrix(c.rows)
      let reference = c.goodMean
      let view = AdversaryView(goodRows: honest, badSlots: Array(0..<c.badCount), iterate: reference)
      var attackRNG = Xoshiro256(seed: c.ruleSeed, stream: 7)
      var g = c.rows
      for (slot, row) in zip(view.badSlots, try attack.rows(view, magnitude: magnitude, using: &attackRNG)) { g[slot] = row }
      switch target.call(ConformanceMatrix(precision: .float64, rows: g)) {
      case let .failure(message, _): return .error(message)
      case let .output(v, _):
        guard v.count == reference.count, v.allSatisfy(\.isFinite) else { return .nonFinite }
        let deviation = scaledNorm(zip(v, reference).map { $0 - $1 })
        return deviation.isFinite ? .deviation(deviation) : .nonFinite
      }
    } catch {
      return .error("\(error)")
    }
  }

  static func curve(_ c: AggregateBreakdownCase, _ attack: BreakdownAttack, target: ConformanceTarget) -> BreakdownCurve {
    guard attack.usesMagnitude else {
      let once = outcome(c, attack, magnitude: c.scales.first ?? 1, target: target)
      return BreakdownCurve(attack: attack, scales: c.scales, outcomes: c.scales.map { _ in once })
    }
    return BreakdownCurve(attack: attack, scales: c.scales, outcomes: c.scales.map { outcome(c, attack, magnitude: $0, target: target) })
  }

  /// Whether the case still contradicts the claim: some stored attack breaks
  /// where the rule must stay bounded, or none breaks where it must break.
  static func violates(_ rule: ConformanceRule, _ c: AggregateBreakdownCase, target: ConformanceTarget) -> Bool {
    let claim = ConformanceClaims.claimedRanges(rule, rows: c.rows.count)
    let breaks = c.attacks.contains { curve(c, $0, target: target).breaks }
    if claim.robust?.contains(c.badCount) == true { return breaks }
    if claim.breaks?.contains(c.badCount) == true { return !breaks }
    return false
  }

  static func check(_ rule: ConformanceRule, target: ConformanceTarget, _ ctx: ClaimContext) throws -> ClaimRecord {
    let plan = ConformanceClaims.Plan.of(ctx.profile)
    let b = ConformanceClaims.breakdownRows(rule)
    var planned = AggregateBreakdownClaims.plan(.quick)
    planned.rows = b
    planned.scales = breakdownScales(.quick)
    let base = planned
    let claim = ConformanceClaims.claimedRanges(rule, rows: b)
    let ms = Array(Set((claim.robust.map(Array.init) ?? []) + (claim.breaks.map(Array.init) ?? []))).sorted()
    let pairs = (0..<plan.breakdownCases).flatMap { c in ms.map { (c, $0) } }
    struct Job: Sendable {
      var caseIndex: Int
      var m: Int
      var curves: [BreakdownCurve]
      var stored: AggregateBreakdownCase
      var breaker: BreakdownCurve? { curves.first(where: \.breaks) }
    }
    let done = parallelMap(count: pairs.count, threads: ctx.threads) { i -> Job? in
      if ctx.cancellation.isCancelled { return nil }
      let (c, m) = pairs[i]
      let rows = AggregateBreakdownClaims.goodRows(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(c)), plan: base)
      var stored = AggregateBreakdownCase(
        rule: rule.name, rows: rows, badCount: m, attacks: BreakdownAttack.builtIn, scales: base.scales,
        ruleSeed: PRNG.caseSeed(runSeed: ctx.seed ^ 0x5EED, caseIndex: UInt64(c)), blockSize: base.blockSize,
        trimming: rule.trim, krumByzantine: rule.byzantine, medianEpsilon: rule.epsilon)
      var curves = stored.attacks.map { curve(stored, $0, target: target) }
      if !curves.contains(where: \.breaks) && plan.starts > 0 {
        let probe = stored
        let result = searchTargeted(
          MixedAttack.generator(dimension: base.dimension), seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(1_000 * c + m)),
          starts: plan.starts, steps: plan.steps
        ) { attack in
          let v = outcome(probe, BreakdownAttack(name: "mixed", mixed: attack), magnitude: base.targetMagnitude, target: target).value
          return v.isFinite ? v : .infinity
        }
        if let best = result.bestValue {
          let attack = BreakdownAttack(name: "mixed", mixed: best)
          stored.attacks.append(attack)
          curves.append(curve(stored, attack, target: target))
        }
      }
      return Job(caseIndex: c, m: m, curves: curves, stored: stored)
    }
    let id = ConformanceClaims.id(rule, .breakdown)
    let domain = "b = \(b) rows in ℝ^\(base.dimension) (N(0,1) around a N(0,4) centre), \(plan.breakdownCases) row set(s), Float64; "
      + "bad slots 0..<m for m in \(ms.first ?? 0)…\(ms.last ?? 0); attacks \(BreakdownAttack.builtIn.map(\.name).joined(separator: ", ")) "
      + "and a targeted search over MixedAttack (\(plan.starts) starts + \(plan.steps) steps) when none breaks; "
      + "M ∈ {\(base.scales.map { String(format: "%.0e", $0) }.joined(separator: ", "))}"
    guard done.allSatisfy({ $0 != nil }) else {
      return Judgement.record(id: id, source: ConformanceClaims.source(rule, .breakdown), statement: claim.statement,
                              method: "growth", domain: domain,
                              phases: [PhaseResult(name: "growth", verdict: .inconclusive, cases: 0, evidence: .object(["cancelled": .bool(true)]))])
    }
    let jobs = done.compactMap { $0 }
    var violation: (job: Job, robust: Bool)?
    var perM: [JSONValue] = []
    for job in jobs {
      let robust = claim.robust?.contains(job.m) ?? false
      let mustBreak = claim.breaks?.contains(job.m) ?? false
      if violation == nil && ((robust && job.breaker != nil) || (mustBreak && job.breaker == nil)) { violation = (job, robust) }
      perM.append(.object([
        "case": .number(Double(job.caseIndex)), "m": .number(Double(job.m)), "breaks": .bool(job.breaker != nil),
        "brokenBy": job.breaker.map { .string($0.attack.description) } ?? .null,
        "errors": .array(Array(Set(job.curves.compactMap(\.firstError))).sorted().prefix(3).map { .string(String($0.prefix(300))) }),
        "curves": .object(BreakdownCurve.evidence(job.curves)),
      ]))
    }
    var counterexample: CounterexampleReference?
    if let v = violation {
      var stored = v.job.stored
      if v.robust, let breaker = v.job.breaker { stored.attacks = [breaker.attack] }
      let summary = v.robust
        ? "\(target.name): breaks at m = \(v.job.m) of b = \(b) under \(stored.attacks[0].description)"
          + (v.job.breaker?.firstError.map { " (error: \(String($0.prefix(200))))" } ?? "")
        : "\(target.name): stays bounded at m = \(v.job.m) of b = \(b) under every attack tried"
      let input = try JSONValue(encoding: ConformanceFixtureInput(rule: rule, property: .breakdown, case: nil, breakdown: stored))
      let fixture = Fixture(claim: id, expect: .refutes, input: input,
                            observed: .object(["breaks": .bool(v.robust), "target": .string(target.name)]), summary: summary)
      counterexample = try ConformanceFixtures.record(fixture, in: ctx)
    }
    let phase = PhaseResult(
      name: "growth", verdict: violation == nil ? .holds : .refuted, cases: jobs.reduce(0) { $0 + $1.curves.count },
      counterexample: counterexample,
      evidence: .object(["target": .string(target.name), "rule": .string(GrowthRule().statement), "perM": .array(perM)]))
    return Judgement.record(id: id, source: ConformanceClaims.source(rule, .breakdown), statement: claim.statement,
                            method: "growth", domain: domain, phases: [phase])
  }
}
