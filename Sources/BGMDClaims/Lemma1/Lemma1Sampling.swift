import BGMD
import ClaimCheck
import Foundation
import Randomness

/// Phase (c) of the Lemma 1 checks: large d, where the block distribution
/// cannot be enumerated. For a fixed G the residual fraction
/// X = ‖C_k(G) − G‖²_F / ‖G‖²_F = Σ_{j∉B} s_j / Σ_j s_j ∈ [0, 1] is sampled
/// by drawing the block with `selectBlock` (the implementation under test),
/// and E[X] ≤ 1 − k/d is decided by the planned sequential test
/// (`SequentialPlan`: Hoeffding with Bonferroni over looks at 100·2^k
/// samples, false-alarm rate α, power 1 − β against E[X] ≥ bound + margin).
/// The proof's step has the same right-hand side: under the uniform reading
/// every column is kept with probability exactly k/d, so
/// E‖C^r_k(G) − G‖² / ‖G‖² = 1 − k/d for every G.
struct Lemma1Sampling {
  /// One matrix family at one (d, k).
  struct Setting: Sendable, Hashable, Codable {
    var family: String
    var d: Int
    var k: Int
  }

  var dimensions: [Int]
  var fractions: [Double]
  var families: [String]
  var alpha = 1e-6
  var beta = 1e-3
  var margin: Double
  /// Whether `run` stops at the first refuted setting (negative controls).
  var stopAtRefutation = false

  var settings: [Setting] {
    var out: [Setting] = []
    for family in families {
      for d in dimensions {
        for f in fractions { out.append(Setting(family: family, d: d, k: Swift.max(1, Swift.min(d, Int((f * Double(d)).rounded())))) ) }
      }
    }
    return out
  }

  /// The column scores of a matrix of `family` (b = 8 rows), drawn from `seed`.
  /// - `gaussian`: N(0, 1) entries;
  /// - `equal`: every column the same (s_j = 1; the extreme case of the lemma);
  /// - `heavy-tailed`: column j scaled by u_j^(−2/3) (Pareto tail, index 1.5);
  /// - `one-large`: N(0, 1) entries, column 0 scaled by 100.
  static func scores(family: String, d: Int, seed: UInt64) -> [Double] {
    var rng = Xoshiro256(seed: seed)
    let b = 8
    switch family {
    case "equal":
      return [Double](repeating: 1, count: d)
    default:
      var g = Matrix<Double>(rows: b, columns: d, repeating: 0)
      for i in 0..<b {
        for j in 0..<d { g.storage[i * d + j] = rng.standardNormal() }
      }
      var s = squaredColumnNorms(g)
      if family == "heavy-tailed" {
        for j in 0..<d {
          let u = Swift.max(1e-12, rng.uniformDouble())
          s[j] *= Foundation.pow(u, -4.0 / 3.0)
        }
      } else if family == "one-large" {
        s[0] *= 10_000
      }
      return s
    }
  }

  /// The sample generator: one block drawn with a seed taken from the choices.
  static func sampler(scores: [Double], k: Int, reading: SelectionReading,
                      selection: Lemma1Selection = .paper) -> Gen<Double> {
    let total = scores.reduce(0, +)
    return Gen { source in
      // The block's seed is one raw 63-bit word. Not `drawInt`: its fresh
      // draws favour the end points (1 in 16), which would repeat seeds and
      // make the samples dependent; Hoeffding's bound needs them i.i.d.
      let value = try source.choose(.integer(min: 0, max: Int.max, shrinkTowards: 0)) { rng in
        .integer(Int(rng.next() >> 1))
      }
      guard case .integer(let seed) = value else { throw GenerationStop.rejected }
      var rng = Xoshiro256(seed: UInt64(seed))
      let block = try selection.sample(scores: scores, k: k, reading: reading, using: &rng)
      var kept = 0.0
      for j in block { kept += scores[j] }
      return Swift.min(1, Swift.max(0, (total - kept) / total))
    }
  }

  struct Result {
    var setting: Setting
    var test: ExpectationResult
    /// Lemma 1's hypotheses on this setting's G (measured on the scores,
    /// not on the test): G ≠ 0 and 1 ≤ k ≤ d.
    var hypothesesHold: Bool
  }

  /// Runs the test of every setting for `reading`.
  func run(reading: SelectionReading, selection: Lemma1Selection = .paper, seed: UInt64, budget: Budget, threads: Int,
           cancellation: CancellationFlag) throws -> [Result] {
    var out: [Result] = []
    for (n, setting) in settings.enumerated() {
      let caseSeed = PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(n))
      let s = Lemma1Sampling.scores(family: setting.family, d: setting.d, seed: PRNG.caseSeed(runSeed: caseSeed, caseIndex: 0))
      let bound = 1 - Double(setting.k) / Double(setting.d)
      let plan = try SequentialPlan(range: 0...1, bound: bound, alpha: alpha, beta: beta, margin: margin,
                                    maxSamples: budget.maxSamples)
      let test = try checkExpectation(Lemma1Sampling.sampler(scores: s, k: setting.k, reading: reading, selection: selection), plan: plan,
                                      seed: PRNG.caseSeed(runSeed: caseSeed, caseIndex: 1), threads: threads,
                                      maxSamples: budget.maxSamples, cancellation: cancellation)
      let hypotheses = (1...setting.d).contains(setting.k) && s.reduce(0, +) > 0
      out.append(Result(setting: setting, test: test, hypothesesHold: hypotheses))
      if test.partial { break }
      // A control stops at its first refutation (the verdict is decided).
      if stopAtRefutation && test.decision == .refuted { break }
    }
    return out
  }

  var domain: String {
    "sampled: families {\(families.joined(separator: ", "))}, b = 8, d ∈ {\(dimensions.map(String.init).joined(separator: ", "))}, "
      + "k/d ∈ {\(fractions.map { String($0) }.joined(separator: ", "))}; sequential test per setting "
      + "(false-alarm rate \(alpha), miss rate β = \(beta), margin \(margin); not the corruption α of Definition 1)"
  }
}
