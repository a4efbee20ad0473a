import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// `self-check/block-distribution`: the exact distribution of Algorithm 2's
/// block (`blockDistribution`, in ℚ) is a probability distribution over
/// blocks, for every reading, and has the marginals the reading implies:
/// (1) probabilities > 0 summing to 1 exactly; (2) each block a sorted set of
/// k coordinates (`with-replacement`: 1…k); (3) Σ_j π_j = k for the readings
/// that draw k distinct coordinates; (4) k = 1 with more than one positive
/// weight: π_j = w_j / Σ w (w_j = ‖G[:,j]‖², or ‖G[:,j]‖ for
/// `norm-proportional`); `uniform`: π_j = k/d; `top-k`: the block is the k
/// largest scores, ties to the lower index (computed here in integers).
enum SelfCheckDistribution {
  typealias Distribution = @Sendable (Matrix<Rational>, Int, SelectionReading) throws -> [(block: [Int], probability: Rational)]

  static let implementation: Distribution = { g, k, r in try blockDistribution(g, k: k, reading: r) }

  /// The instances: fixed integer matrices with rational column norms, then
  /// `random` single-row ones (d ≤ 5, every k).
  static func instances(seed: UInt64, random: Int) -> [[[Int]]] {
    var list: [[[Int]]] = [[[1, 2, 3, 4]], [[3, 0, 6, 1, 0], [4, 1, 8, 0, 2]], [[1, 1, 2, 0, 6]], [[0, 5, 0, 1]], [[2, 1, 1]],
                           [[0, 0, 0]]]
    var rng = Xoshiro256(seed: seed)
    for _ in 0..<random {
      let d = rng.uniformInt(in: 2...5)
      list.append([(0..<d).map { _ in rng.uniformInt(in: 0...5) }])
    }
    return list
  }

  static func check(_ ctx: ClaimContext, distribution: Distribution) throws -> ClaimRecord {
    let random = ctx.profile == .quick ? 6 : (ctx.profile == .standard ? 30 : 200)
    let list = instances(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 0), random: random)
    var sums = SelfCheckTally("sums-to-one")
    var marginals = SelfCheckTally("marginals")
    for rows in list {
      let g = try SelfCheckSupport.rational(rows)
      let d = g.columns
      var scores = [Int](repeating: 0, count: d)
      for r in rows { for j in 0..<d { scores[j] += r[j] * r[j] } }
      for reading in SelectionReading.allCases {
        for k in 1...d {
          let where_ = "G = \(SelfCheckSupport.show(rows)), k = \(k), \(reading.rawValue)"
          let dist: [(block: [Int], probability: Rational)]
          do { dist = try distribution(g, k, reading) } catch {
            sums.error("\(where_): \(error)")
            continue
          }
          // (1) and (2).
          var total = Rational.zero
          var bad: String?
          for (block, p) in dist {
            total += p
            if p.signum <= 0 { bad = "block \(block) has probability \(p)" }
            let sizeOK = reading == .withReplacement ? (1...k).contains(block.count) : block.count == k
            if !sizeOK || block != block.sorted() || Set(block).count != block.count
              || !block.allSatisfy({ (0..<d).contains($0) }) {
              bad = "block \(block) is not a sorted set of \(reading == .withReplacement ? "1…\(k)" : "\(k)") coordinates"
            }
          }
          if bad == nil && total != Rational(1) { bad = "probabilities sum to \(total)" }
          sums.record(bad.map { "\(where_): \($0)" })
          // (3) and (4).
          let pi = inclusionProbabilities(dist, d: d)
          var wrong: String?
          if reading != .withReplacement {
            var s = Rational.zero
            for x in pi { s += x }
            if s != Rational(k) { wrong = "Σ π_j = \(s), not k" }
          }
          let weights: [Int]? = reading == .normProportional
            ? scores.map { s in (0...s).first { $0 * $0 == s } ?? -1 } : scores
          switch reading {
          case .uniform:
            if let j = (0..<d).first(where: { pi[$0] != Rational(k, d) }) { wrong = "π_\(j) = \(pi[j]), not k/d" }
          case .topK:
            let order = (0..<d).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            let expected = Array(order.prefix(k)).sorted()
            if dist.count != 1 || dist.first?.block != expected { wrong = "blocks \(dist.map(\.block)), expected \(expected)" }
          case .successive, .withReplacement, .normProportional:
            if k == 1, let w = weights, !w.contains(-1), w.filter({ $0 > 0 }).count > 1 {
              let total = w.reduce(0, +)
              if let j = (0..<d).first(where: { pi[$0] != Rational(w[$0], total) }) {
                wrong = "k = 1: π_\(j) = \(pi[j]), not w_j/Σw = \(w[j])/\(total)"
              }
            }
          }
          marginals.record(wrong.map { "\(where_): \($0)" })
        }
      }
    }
    return Judgement.record(
      id: ctx.id, source: "Algorithm 2 (implementation contract)",
      statement: "blockDistribution is a probability distribution in ℚ (sums to 1 exactly, blocks are sets of k coordinates) with the marginals of each reading (Σπ = k; k = 1: π_j = w_j/Σw; uniform: k/d; top-k: the k largest scores)",
      method: "exact", domain: "\(list.count) integer matrices (d ≤ 5), every reading, every k ≤ d",
      phases: [sums.phase(), marginals.phase()])
  }

  /// The `successive` distribution normalised by the total score S at every
  /// draw instead of the score left (a deliberately wrong enumeration).
  static func normalisedByTotal(_ g: Matrix<Rational>, k: Int) -> [(block: [Int], probability: Rational)] {
    let d = g.columns
    var w = [Rational](repeating: .zero, count: d)
    for i in 0..<g.rows { for j in 0..<d { w[j] += g[i, j] * g[i, j] } }
    var total = Rational.zero
    for x in w { total += x }
    var byBlock: [[Int]: Rational] = [:]
    var sequence: [Int] = []
    func extend(_ p: Rational) {
      if sequence.count == k {
        byBlock[sequence.sorted(), default: .zero] += p
        return
      }
      for j in 0..<d where !w[j].isZero && !sequence.contains(j) {
        sequence.append(j)
        extend(p * w[j] / total)
        sequence.removeLast()
      }
    }
    extend(Rational(1))
    return byBlock.map { (block: $0.key, probability: $0.value) }.sorted { $0.block.lexicographicallyPrecedes($1.block) }
  }

  static var controls: [ControlSpec] {
    [
      ControlSpec(name: "normalised-by-total", breaks: "successive: each draw divided by the total score, not the score left",
                  body: { ctx in
                    try check(ctx, distribution: { g, k, r in
                      let positives = (0..<g.columns).filter { j in (0..<g.rows).contains { !g[$0, j].isZero } }.count
                      return r == .successive && positives > k ? normalisedByTotal(g, k: k)
                        : try blockDistribution(g, k: k, reading: r)
                    })
                  }),
      ControlSpec(name: "top-k-ties-to-higher-index", breaks: "top-k: ties to the higher index",
                  body: { ctx in
                    try check(ctx, distribution: { g, k, r in
                      guard r == .topK else { return try blockDistribution(g, k: k, reading: r) }
                      var s = [Rational](repeating: .zero, count: g.columns)
                      for i in 0..<g.rows { for j in 0..<g.columns { s[j] += g[i, j] * g[i, j] } }
                      let order = s.indices.sorted { s[$0] > s[$1] || (s[$0] == s[$1] && $0 > $1) }
                      return [(Array(order.prefix(k)).sorted(), Rational(1))]
                    })
                  }),
    ]
  }
}
