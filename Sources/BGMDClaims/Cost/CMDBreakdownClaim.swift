import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `table1/cmd/breakdown`: Table 1 gives CMD the breakdown point
/// 1/2 − Ω(√(d/b)). Read as Definition 2 reads breakdown (the smallest
/// fraction of corrupted rows that can move the estimate arbitrarily far),
/// the empirical breakdown point ψ*(d/b) of the coordinate median must fall
/// below 1/2 once d/b is large: at the largest d/b tested some m < b/2 bad
/// rows must break it, and ψ* there must be below ψ* at the smallest d/b.
/// The attack search is the breakdown family's (`AggregateBreakdownCase`:
/// every built-in attack over the magnitudes, decided by the growth rule).
enum CMDBreakdownClaim {
  static let id = "table1/cmd/breakdown"

  struct Plan {
    var rows: Int
    var dimensions: [Int]
  }

  static func plan(_ profile: Profile) -> Plan {
    switch profile {
    case .quick: return Plan(rows: 9, dimensions: [3, 9, 36, 144])
    case .standard: return Plan(rows: 11, dimensions: [3, 11, 44, 176, 704])
    case .deep: return Plan(rows: 15, dimensions: [3, 15, 60, 240, 960, 3840])
    }
  }

  static var spec: ClaimSpec {
    ClaimSpec(id: id, controls: [
      ControlSpec(name: "geometric-median", breaks: "the geometric median in CM's place: breakdown 1/2 whatever d/b") {
        try check($0, rule: "geometric-median")
      },
    ]) { try check($0, rule: "coordinate-median") }
  }

  struct Level: Codable {
    var d: Int
    var dOverB: Double
    /// The smallest m/b that broke the rule (nil: none below b/2).
    var breakdown: Double?
    var testedM: [Int]
    var breakingAttack: String?
  }

  struct Evidence: Codable {
    var rule: String
    var b: Int
    var levels: [Level]
    var reading: String
  }

  /// The case at d with m bad rows.
  static func breakdownCase(rule: String, b: Int, d: Int, m: Int, scales: [Double], seed: UInt64) -> AggregateBreakdownCase {
    var rng = Xoshiro256(seed: seed, stream: UInt64(d))
    let rows = (0..<b).map { _ in (0..<d).map { _ in rng.standardNormal() } }
    return AggregateBreakdownCase(rule: rule, rows: rows, badCount: m, attacks: BreakdownAttack.builtIn, scales: scales,
                                  ruleSeed: seed, blockSize: 1, trimming: 0.1, krumByzantine: 1, medianEpsilon: 1e-9)
  }

  static func check(_ ctx: ClaimContext, rule: String) throws -> ClaimRecord {
    let p = plan(ctx.profile)
    let b = p.rows
    let scales = breakdownScales(ctx.profile)
    var levels: [Level] = []
    var cases = 0
    var lastUnbroken: AggregateBreakdownCase?
    for d in p.dimensions {
      if ctx.cancellation.isCancelled { break }
      var level = Level(d: d, dOverB: Double(d) / Double(b), breakdown: nil, testedM: [], breakingAttack: nil)
      var unbroken: AggregateBreakdownCase?
      for m in 1...((b - 1) / 2) {
        let c = breakdownCase(rule: rule, b: b, d: d, m: m, scales: scales, seed: ctx.seed)
        cases += 1
        level.testedM.append(m)
        if let breaker = c.curves().first(where: \.breaks) {
          level.breakdown = Double(m) / Double(b)
          level.breakingAttack = breaker.attack.description
          break
        }
        unbroken = c
      }
      levels.append(level)
      lastUnbroken = level.breakdown == nil ? unbroken : nil
    }
    guard levels.count == p.dimensions.count, let first = levels.first, let last = levels.last else {
      let phase = PhaseResult(name: "breakdown-search", verdict: .inconclusive, cases: cases)
      return record(rule: rule, b: b, p: p, phases: [phase])
    }
    // ψ* is m/b for the first breaking m, and ≥ ⌈b/2⌉/b ≥ 1/2 when none broke.
    let half = Double((b + 1) / 2) / Double(b)
    let lastPoint = last.breakdown ?? half
    let firstPoint = first.breakdown ?? half
    let shrinks = last.breakdown != nil && lastPoint < firstPoint
    let reading = shrinks
      ? "the empirical breakdown point falls from \(firstPoint) at d/b = \(first.dOverB) to \(lastPoint) at d/b = \(last.dOverB)"
      : "no m < b/2 breaks \(rule) at d/b = \(last.dOverB): its empirical breakdown point is ≥ \(half) there, as at d/b = \(first.dOverB); "
        + "it does not shrink as 1/2 − Ω(√(d/b)) (Table 1's CMD entry is not a breakdown point in Definition 2's sense)"
    var counterexample: CounterexampleReference?
    if !shrinks, let c = lastUnbroken {
      let summary = "b = \(b), d = \(last.d) (d/b = \(last.dOverB)): m = \(c.badCount) < b/2 bad rows do not break \(rule) under any built-in attack"
      let fixture = Fixture(claim: id, expect: .refutes, input: try JSONValue(encoding: c),
                            observed: .object(["breaks": .bool(false)]), summary: summary)
      counterexample = ctx.control == nil ? try ClaimFixtures.record(fixture, exact: false, in: ctx)
        : CounterexampleReference(fixture: "", exact: false, summary: summary)
    }
    let phase = try PhaseResult(
      name: "breakdown-search", verdict: shrinks ? .holds : .refuted, cases: cases,
      worst: WorstCase(ratio: lastPoint, case: "empirical breakdown point at d/b = \(last.dOverB)"),
      counterexample: counterexample,
      typedEvidence: Evidence(rule: rule, b: b, levels: levels, reading: reading))
    return record(rule: rule, b: b, p: p, phases: [phase], reading: reading)
  }

  static func record(rule: String, b: Int, p: Plan, phases: [PhaseResult], reading: String = "") -> ClaimRecord {
    Judgement.record(
      id: id, source: "§1 Table 1 (CMD* [YZFL19, YCKB18]: breakdown point 1/2 − Ω(√(d/b))); Definition 2",
      statement: "Table 1: CMD's breakdown point is 1/2 − Ω(√(d/b)): the empirical breakdown point of the coordinate median (smallest m/b that moves it arbitrarily far, Definition 2) falls below 1/2 as d/b grows",
      method: "attack search of the breakdown family (built-in attacks × magnitudes, growth rule) for m = 1 … ⌊(b−1)/2⌋ at each d",
      domain: "b = \(b), d ∈ \(p.dimensions), rule \(rule)", phases: phases,
      extra: reading.isEmpty ? [:] : ["reading": .string(reading)])
  }
}
