import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness
import RealModule

/// `self-check/block-descent`: Algorithm 1's step as implemented
/// (`BlockDescent`), against the algorithm written out here in ℚ:
/// augment a = γG + memory (`averaged`: m̂ on every row; `per-row`: row i's
/// own residual; `none`: nothing); s_j = Σᵢ a[i,j]²; the block is the k largest
/// s_j (top-k, ties to the lower index); the aggregate is the coordinate median
/// of a on the block, 0 off it; the residual is a with the block zeroed;
/// `averaged`: m̂ ← column means of the residual; `per-row`: M ← residual;
/// x ← x − aggregate; ξ = Σ_{j∈B} s_j / Σ_j s_j.
/// Three implementations are compared with it, step by step over T = 3
/// steps: `Double` on the fast path (record level `summary`), `Double` on the
/// generic path (record level `full`) and ℚ. Gradients are integers in −4…4,
/// b ∈ {2, 4} and γ ∈ {1, 1/2, 1/4}, so every `Double` value is exact and the
/// iterates and blocks must agree exactly; ξ up to relative 2⁻⁴⁰.
enum SelfCheckBlockDescent {
  /// One run: per step, the iterate after it, the block and ξ.
  typealias Run = @Sendable (_ instance: Instance, _ path: String) throws -> [(iterate: [Double], block: [Int], retained: Double)]

  struct Instance: Sendable {
    var gradients: [[[Int]]]  // T × b × d
    var k: Int
    var gamma: (numerator: Int, denominator: Int)
    var memory: MemoryVariant
    var label: String {
      "γ = \(gamma.numerator)/\(gamma.denominator), memory \(memory.rawValue), k = \(k), G_t = "
        + gradients.map(SelfCheckSupport.show).joined(separator: "; ")
    }
  }

  static func instance(using rng: inout Xoshiro256) -> Instance {
    let b = [2, 4][rng.uniformInt(below: 2)], d = rng.uniformInt(in: 1...6)
    let gammas = [(1, 1), (1, 2), (1, 4)]
    return Instance(gradients: (0..<3).map { _ in SelfCheckSupport.integerRows(b, d, -4...4, using: &rng) },
                    k: rng.uniformInt(in: 1...d), gamma: gammas[rng.uniformInt(below: 3)],
                    memory: MemoryVariant.allCases[rng.uniformInt(below: 3)])
  }

  static func optimizer<T: Scalar & Real & BinaryFloatingPoint>(
    _ type: T.Type, _ instance: Instance, record: RecordLevel, memory: MemoryVariant, gammaScale: Int = 1
  ) throws -> BlockDescent<CoordinateMedian<T>> {
    let d = instance.gradients[0][0].count, b = instance.gradients[0].count
    let gamma = T(instance.gamma.numerator * gammaScale) / T(instance.gamma.denominator)
    return try BlockDescent(initialIterate: [T](repeating: 0, count: d), batchCount: b, rule: CoordinateMedian<T>(),
                            configuration: OptimizerConfiguration(stepSize: gamma, memory: memory,
                                                                  block: .block(k: instance.k, reading: .topK),
                                                                  record: record))
  }

  /// The implementation, on `path` ∈ {fast, generic, rational}; `memory` and
  /// `gammaScale` let the controls break the configuration.
  static func implementation(memory override: MemoryVariant? = nil, gammaScale: Int = 1) -> Run {
    { instance, path in
      let memory = override ?? instance.memory
      var rng = Xoshiro256(seed: 1)
      var out: [(iterate: [Double], block: [Int], retained: Double)] = []
      switch path {
      case "rational":
        let d = instance.gradients[0][0].count, b = instance.gradients[0].count
        var o = try BlockDescent(initialIterate: [Rational](repeating: .zero, count: d), batchCount: b,
                                 rule: CoordinateMedian<Rational>(),
                                 configuration: OptimizerConfiguration(
                                   stepSize: Rational(instance.gamma.numerator * gammaScale, instance.gamma.denominator),
                                   memory: memory, block: .block(k: instance.k, reading: .topK), record: .summary))
        for g in instance.gradients {
          let r = try o.step(rows: try SelfCheckSupport.rational(g), goodRows: Array(0..<b), using: &rng)
          out.append((o.iterate.map { Double($0) }, r.block ?? [], r.retainedFraction))
        }
      default:
        var o = try optimizer(Double.self, instance, record: path == "fast" ? .summary : .full, memory: memory,
                              gammaScale: gammaScale)
        for g in instance.gradients {
          let r = try o.step(rows: try SelfCheckSupport.double(g), goodRows: Array(0..<g.count), using: &rng)
          out.append((o.iterate, r.block ?? [], r.retainedFraction))
        }
      }
      return out
    }
  }

  /// Algorithm 1 in ℚ: per step, the iterate, the block and ξ.
  static func reference(_ instance: Instance) -> [(iterate: [Rational], block: [Int], retained: Rational)] {
    let b = instance.gradients[0].count, d = instance.gradients[0][0].count
    let gamma = Rational(instance.gamma.numerator, instance.gamma.denominator)
    var x = [Rational](repeating: .zero, count: d)
    var averaged = [Rational](repeating: .zero, count: d)
    var perRow = [[Rational]](repeating: [Rational](repeating: .zero, count: d), count: b)
    var out: [(iterate: [Rational], block: [Int], retained: Rational)] = []
    for g in instance.gradients {
      var a = [[Rational]]()
      for i in 0..<b {
        a.append((0..<d).map { j in
          let base = gamma * Rational(g[i][j])
          switch instance.memory {
          case .averaged: return base + averaged[j]
          case .perRow: return base + perRow[i][j]
          case .none: return base
          case .coordinateMedian, .filteredMean, .normFiltered:
            // Not drawn (the generator draws the three variants written out
            // here); the robust memories' own exact check is lemma5/robust.
            return base + averaged[j]
          }
        })
      }
      var s = [Rational](repeating: .zero, count: d)
      for i in 0..<b { for j in 0..<d { s[j] += a[i][j] * a[i][j] } }
      // The k largest scores, ties to the lower index (selection sort: no sort routine involved).
      var block: [Int] = []
      for _ in 0..<instance.k {
        var best = -1
        for j in 0..<d where !block.contains(j) {
          if best < 0 || s[best] < s[j] { best = j }
        }
        block.append(best)
      }
      block.sort()
      var total = Rational.zero, kept = Rational.zero
      for j in 0..<d {
        total += s[j]
        if block.contains(j) { kept += s[j] }
      }
      for j in block {
        let column = a.map { $0[j] }.sorted()
        let median = b % 2 == 1 ? column[b / 2] : (column[b / 2 - 1] + column[b / 2]) / Rational(2)
        x[j] -= median
      }
      var residual = a
      for i in 0..<b { for j in block { residual[i][j] = .zero } }
      switch instance.memory {
      case .averaged:
        averaged = (0..<d).map { j in
          var sum = Rational.zero
          for i in 0..<b { sum += residual[i][j] }
          return sum / Rational(b)
        }
      case .perRow: perRow = residual
      case .none, .coordinateMedian, .filteredMean, .normFiltered: break
      }
      out.append((x, block, total.isZero ? Rational(1) : kept / total))
    }
    return out
  }

  static func check(_ ctx: ClaimContext, run: Run) throws -> ClaimRecord {
    let cases = max(100, ctx.budget.cases * 2)
    var tallies = ["fast": SelfCheckTally("fast-path"), "generic": SelfCheckTally("generic-path"),
                   "rational": SelfCheckTally("rational")]
    for i in 0..<cases {
      var rng = Xoshiro256(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(i)))
      let instance = instance(using: &rng)
      let want = reference(instance)
      for path in ["fast", "generic", "rational"] {
        do {
          let got = try run(instance, path)
          var failure: String?
          for (t, (g, w)) in zip(got, want).enumerated() where failure == nil {
            let retainedOK = abs(g.retained - Double(w.retained)) <= 0x1p-40 * max(1, abs(g.retained))
            if g.block != w.block {
              failure = "step \(t): block \(g.block), Algorithm 1 gives \(w.block)"
            } else if g.iterate != w.iterate.map({ Double($0) }) {
              failure = "step \(t): x = \(g.iterate), Algorithm 1 gives \(SelfCheckSupport.show(w.iterate))"
            } else if !retainedOK {
              failure = "step \(t): ξ = \(g.retained), Algorithm 1 gives \(w.retained)"
            }
          }
          if got.count != want.count { failure = failure ?? "\(got.count) steps recorded for \(want.count)" }
          tallies[path]?.record(failure.map { "\(instance.label): \($0)" })
        } catch {
          tallies[path]?.error("\(instance.label): \(error)")
        }
      }
      if ctx.cancellation.isCancelled { break }
    }
    var phases = ["fast", "generic", "rational"].compactMap { tallies[$0]?.phase() }
    if ctx.cancellation.isCancelled, phases[0].verdict == .holds { phases[0].verdict = .inconclusive }
    return Judgement.record(
      id: ctx.id, source: "Algorithm 1 (implementation contract)",
      statement: "BlockDescent (Double fast path, Double generic path, ℚ) gives, step by step, the block, iterate and ξ of Algorithm 1 written out in ℚ: augmentation γG + memory, top-k block, coordinate median on the block, residual with the block zeroed, memory update per variant",
      method: "exact-search", domain: "\(cases) runs of T = 3 steps: b ∈ {2, 4}, d ≤ 6, 1 ≤ k ≤ d, γ ∈ {1, 1/2, 1/4}, memory averaged / per-row / none, integer gradients in −4…4",
      phases: phases)
  }

  static var controls: [ControlSpec] {
    [
      ControlSpec(name: "memory-dropped", breaks: "the optimizer runs without memory whatever the variant", body: { ctx in
        try check(ctx, run: implementation(memory: MemoryVariant.none))
      }),
      ControlSpec(name: "step-size-doubled", breaks: "γ doubled", body: { ctx in
        try check(ctx, run: implementation(gammaScale: 2))
      }),
    ]
  }
}
