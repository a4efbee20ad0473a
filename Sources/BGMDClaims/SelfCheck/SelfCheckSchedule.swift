import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `self-check/corruption-schedule`: the corruption schedules the Theorem and
/// Breakdown runs draw their bad slots from.
/// 1. m = ⌊ψb⌋ exactly, for every ψ = p/100 (p = 0…100) and b = 1…200,
///    against the integer ⌊p·b/100⌋ (`proved` on that grid);
/// 2. `fixed` (first slots): the slots 0..<m at every iteration;
/// 3. `dynamic`: each slot is bad with probability m/b at every iteration (a
///    fresh uniform m-subset), decided by the planned sequential frequency test
///    of `self-check/sampler/…` (b ≤ 7, several m, two iterations apart).
enum SelfCheckSchedule {
  /// The schedule functions under test.
  struct Implementation: Sendable {
    var badCount: @Sendable (Double, Int) -> Int
    var dynamicSlots: @Sendable (Int, Int, Int, inout Xoshiro256) -> [Int]
    var fixedSlots: @Sendable (Int, Int) -> [Int]
  }

  static let implementation = Implementation(
    badCount: { CorruptionSchedule.badCount(fraction: $0, rows: $1) },
    dynamicSlots: { b, m, t, rng in CorruptionSchedule.dynamic(rows: b, badCount: m).badSlots(iteration: t, using: &rng) },
    fixedSlots: { b, m in
      var rng = Xoshiro256(seed: 0)
      return CorruptionSchedule.fixedFirst(rows: b, badCount: m).badSlots(iteration: 3, using: &rng)
    })

  static func check(_ ctx: ClaimContext, implementation: Implementation) throws -> ClaimRecord {
    var counts = SelfCheckTally("bad-count-exact")
    for p in 0...100 {
      for b in 1...200 {
        let got = implementation.badCount(Double(p) / 100, b)
        let want = p * b / 100
        counts.record(got == want ? nil : "ψ = \(p)/100, b = \(b): m = \(got), ⌊ψb⌋ = \(want)")
      }
    }
    var fixed = SelfCheckTally("fixed-slots")
    for b in 1...8 {
      for m in 0...b {
        let got = implementation.fixedSlots(b, m)
        fixed.record(got == Array(0..<m) ? nil : "b = \(b), m = \(m): slots \(got), expected 0..<\(m)")
      }
    }
    var dynamic = SelfCheckTally("dynamic-frequencies")
    let shapes = [(5, 2), (7, 3), (4, 1)]
    let margin = ctx.profile == .quick ? 0.05 : 0.02
    var samples = 0
    for (index, (b, m)) in shapes.enumerated() {
      for t in [0, 5] {
        let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 1e-4 / Double(2 * b * shapes.count * 2), beta: 0.01,
                                      margin: margin, firstLook: 200, maxSamples: ctx.budget.maxSamples * 4)
        let seed = PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(2 * index + (t == 0 ? 0 : 1)))
        let outcome = try SelfCheckSampler.frequencyTest(
          d: b, pi: [Double](repeating: Double(m) / Double(b), count: b), plan: plan, seed: seed, ctx: ctx
        ) { rng in
          let slots = implementation.dynamicSlots(b, m, t, &rng)
          return slots.count == m ? slots : [-1]
        }
        samples += outcome.samples
        if let f = outcome.failure {
          dynamic.record("b = \(b), m = \(m), iteration \(t): \(f)")
        } else if outcome.decided {
          dynamic.record(nil)
        } else {
          dynamic.error("b = \(b), m = \(m): cut short")
        }
      }
    }
    return Judgement.record(
      id: ctx.id, source: "corruption schedules (implementation contract)",
      statement: "m = ⌊ψb⌋ exactly; fixed: slots 0..<m every iteration; dynamic: each slot bad with probability m/b, a fresh m-subset per iteration",
      method: "exact-enumeration+sequential-frequency-test",
      domain: "ψ = p/100 (p ≤ 100), b ≤ 200; b ≤ 8 for fixed; (b, m) ∈ {(5, 2), (7, 3), (4, 1)} at iterations 0 and 5, α = 10⁻⁴, β = 0.01, δ = \(margin)",
      phases: [counts.phase(exhaustive: true), fixed.phase(exhaustive: true),
               dynamic.phase(extra: ["samples": .number(Double(samples))])])
  }

  static var controls: [ControlSpec] {
    [
      ControlSpec(name: "dynamic-is-fixed", breaks: "dynamic returns the first m slots every iteration", body: { ctx in
        var broken = implementation
        broken.dynamicSlots = { _, m, _, _ in Array(0..<m) }
        return try check(ctx, implementation: broken)
      }),
      ControlSpec(name: "bad-count-without-slack", breaks: "m = Int(ψ·b) rounded down with no slack (0.29·100 → 28)", body: { ctx in
        var broken = implementation
        broken.badCount = { psi, b in Int((psi * Double(b)).rounded(.down)) }
        return try check(ctx, implementation: broken)
      }),
    ]
  }
}
