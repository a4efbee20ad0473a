import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// `self-check/sampler/<reading>`: the sampler of Algorithm 2
/// (`selectBlock`, in `Double`) draws each coordinate j with the exact
/// inclusion probability π_j = P(j ∈ block) of the reading, computed in ℚ by
/// `blockDistribution`/`inclusionProbabilities`.
///
/// Test: one planned sequential test per instance, fixed before sampling
/// (`SequentialPlan`: Hoeffding radius, looks at n = 200·2^k). The d
/// indicators 1[j ∈ block] share the samples; each of the 2d one-sided
/// hypotheses E[1[j ∈ B]] ≤ π_j and ≥ π_j is tested at level α/(2d·m)
/// (Bonferroni over coordinates and the m instances), so a correct sampler
/// is refuted with probability ≤ α overall; when some |P(j ∈ B) − π_j| ≥ δ
/// the instance is accepted with probability ≤ β.
enum SelfCheckSampler {
  /// A sampler under test: the block drawn from `g` with block size `k`.
  typealias Sampler = @Sendable (Matrix<Double>, Int, SelectionReading, inout Xoshiro256) throws -> [Int]

  /// The implementation: `selectBlock`.
  static let implementation: Sampler = { g, k, reading, rng in try selectBlock(g, k: k, reading: reading, using: &rng) }

  /// One instance: integer G whose column norms are rational (so the exact
  /// `norm-proportional` distribution exists), and k.
  struct Instance: Sendable {
    var rows: [[Int]]
    var k: Int
  }

  /// The fixed instances (column norms 1…4; Pythagorean columns; a zero
  /// column; fewer positive columns than k), then `random` single-row ones.
  static func instances(seed: UInt64, random: Int) -> [Instance] {
    var list = [
      Instance(rows: [[1, 2, 3, 4]], k: 2),
      Instance(rows: [[3, 0, 6, 1, 0], [4, 1, 8, 0, 2]], k: 2),
      Instance(rows: [[1, 1, 2, 0, 6]], k: 3),
      Instance(rows: [[0, 5, 0, 1]], k: 3),
      Instance(rows: [[2, 1, 1]], k: 1),
    ]
    var rng = Xoshiro256(seed: seed)
    while list.count < 5 + random {
      let d = rng.uniformInt(in: 3...5)
      let row = (0..<d).map { _ in rng.uniformInt(in: 0...4) }
      guard row.contains(where: { $0 != 0 }) else { continue }
      list.append(Instance(rows: [row], k: rng.uniformInt(in: 1...(d - 1))))
    }
    return list
  }

  /// The plan's parameters per profile: (α overall, β, δ, first look).
  static func parameters(_ profile: Profile) -> (alpha: Double, beta: Double, margin: Double, random: Int) {
    switch profile {
    case .quick: return (1e-4, 0.01, 0.05, 2)
    case .standard: return (1e-4, 0.01, 0.02, 6)
    case .deep: return (1e-6, 0.001, 0.01, 12)
    }
  }

  static func check(_ ctx: ClaimContext, reading: SelectionReading, sampler: Sampler) throws -> ClaimRecord {
    let p = parameters(ctx.profile)
    let list = instances(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 0), random: p.random)
    var tally = SelfCheckTally("sequential-frequencies")
    var worstDeviation = 0.0
    var samplesTotal = 0
    var plans: [JSONValue] = []
    var partial = false
    for (index, instance) in list.enumerated() {
      let exact = try blockDistribution(try SelfCheckSupport.rational(instance.rows), k: instance.k, reading: reading)
      let d = instance.rows[0].count
      let pi = inclusionProbabilities(exact, d: d).map { Double($0) }
      let g = try SelfCheckSupport.double(instance.rows)
      let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: p.alpha / Double(2 * d * list.count), beta: p.beta,
                                    margin: p.margin, firstLook: 200, maxSamples: ctx.budget.maxSamples * 4)
      if index == 0 { plans.append(plan.json) }
      let seed = PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(index + 1))
      let outcome = try frequencyTest(d: d, pi: pi, plan: plan, seed: seed, ctx: ctx) { rng in
        try sampler(g, instance.k, reading, &rng)
      }
      let n = outcome.samples
      worstDeviation = max(worstDeviation, outcome.largestDeviation)
      if outcome.partial { partial = true }
      let failure = outcome.failure.map {
        "G = \(SelfCheckSupport.show(instance.rows)), k = \(instance.k): \($0); exact π = \(SelfCheckSupport.show(inclusionProbabilities(exact, d: d)))"
      }
      let decided = outcome.decided
      samplesTotal += n
      if let failure { tally.record(failure) } else if decided { tally.record(nil) } else { partial = true }
    }
    var phase = tally.phase(extra: ["plan": plans.first ?? .null, "samples": .number(Double(samplesTotal)),
                                    "largestDeviation": .number(worstDeviation), "instances": .number(Double(list.count))])
    if partial && phase.verdict == .holds { phase.verdict = .inconclusive }
    return Judgement.record(
      id: ctx.id, source: "Algorithm 2 (implementation contract)",
      statement: "selectBlock(\(reading.rawValue)) draws coordinate j with the exact inclusion probability π_j computed in ℚ by blockDistribution",
      method: "sequential-frequency-test", domain: "\(list.count) instances (d ≤ 5, integer G with rational column norms, zero columns, fewer positives than k); α = \(p.alpha) overall, β = \(p.beta), δ = \(p.margin)",
      phases: [phase])
  }

  /// What one planned frequency test found.
  struct FrequencyOutcome {
    var samples: Int
    var largestDeviation: Double
    var failure: String?
    var decided: Bool
    var partial: Bool
  }

  /// The planned sequential test of P(j ∈ draw) = π_j for j < d, on draws
  /// seeded by `PRNG.caseSeed(runSeed: seed, caseIndex: i)`: at each look of
  /// `plan` refute when some |frequency − π_j| > r(α/L, n) (`plan.alpha` is the
  /// per-hypothesis level), accept when every |frequency − π_j| + r(β/L, n) < δ
  /// or at the last look. A draw that is not a set of coordinates < d fails.
  static func frequencyTest(d: Int, pi: [Double], plan: SequentialPlan, seed: UInt64, ctx: ClaimContext,
                            draw: @Sendable (inout Xoshiro256) throws -> [Int]) throws -> FrequencyOutcome {
    let looks = Double(plan.looks.count)
    var counts = [Int](repeating: 0, count: d)
    var n = 0
    var outcome = FrequencyOutcome(samples: 0, largestDeviation: 0, failure: nil, decided: false, partial: false)
    for look in plan.looks {
      if ctx.cancellation.isCancelled {
        outcome.partial = true
        break
      }
      let start = n
      let blocks = parallelMap(count: look - start, threads: ctx.threads) { t -> Result<[Int], any Error> in
        var rng = Xoshiro256(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(start + t)))
        return Result { try draw(&rng) }
      }
      for b in blocks {
        let block = try b.get()
        guard block.allSatisfy({ (0..<d).contains($0) }), Set(block).count == block.count else {
          outcome.failure = "draw \(block) is not a set of coordinates of 0..<\(d)"
          break
        }
        for j in block { counts[j] += 1 }
      }
      n = look
      outcome.samples = n
      if outcome.failure != nil { break }
      let rAlpha = plan.radius(level: plan.alpha / looks, samples: n)
      let rBeta = plan.radius(level: plan.beta / looks, samples: n)
      let deviations = (0..<d).map { Double(counts[$0]) / Double(n) - pi[$0] }
      let largest = deviations.map(abs).max() ?? 0
      outcome.largestDeviation = max(outcome.largestDeviation, largest)
      if let j = (0..<d).first(where: { abs(deviations[$0]) > rAlpha }) {
        outcome.failure = "coordinate \(j) drawn with frequency \(Double(counts[j]) / Double(n)) in \(n) draws, "
          + "π_\(j) = \(pi[j]) (radius \(rAlpha))"
        break
      }
      if largest + rBeta < plan.margin || look == plan.maxSamples {
        outcome.decided = true
        break
      }
    }
    return outcome
  }

  /// The negative controls: the same test on a deliberately wrong sampler.
  static func controls(_ reading: SelectionReading) -> [ControlSpec] {
    let other: (name: String, breaks: String, sampler: Sampler)
    switch reading {
    case .successive:
      other = ("norm-weights", "weights ‖G[:,j]‖ instead of ‖G[:,j]‖²",
               { g, k, _, rng in try selectBlock(g, k: k, reading: .normProportional, using: &rng) })
    case .normProportional:
      other = ("squared-weights", "weights ‖G[:,j]‖² instead of ‖G[:,j]‖",
               { g, k, _, rng in try selectBlock(g, k: k, reading: .successive, using: &rng) })
    case .withReplacement:
      other = ("without-replacement", "k distinct draws instead of k independent ones",
               { g, k, _, rng in try selectBlock(g, k: k, reading: .successive, using: &rng) })
    case .topK:
      other = ("ties-to-higher-index", "the k largest scores, ties to the higher index",
               { g, k, _, _ in
                 let s = squaredColumnNorms(g)
                 return Array(s.indices.sorted { s[$0] > s[$1] || (s[$0] == s[$1] && $0 > $1) }.prefix(k)).sorted()
               })
    case .uniform:
      other = ("score-proportional", "draws proportional to ‖G[:,j]‖² instead of uniformly",
               { g, k, _, rng in try selectBlock(g, k: k, reading: .successive, using: &rng) })
    }
    let ignore = ControlSpec(name: "ignores-scores", breaks: "the first k coordinates, whatever the scores",
                             body: { ctx in try check(ctx, reading: reading, sampler: { _, k, _, _ in Array(0..<k) }) })
    let named = ControlSpec(name: other.name, breaks: other.breaks,
                            body: { ctx in try check(ctx, reading: reading, sampler: other.sampler) })
    return [named, ignore]
  }
}
