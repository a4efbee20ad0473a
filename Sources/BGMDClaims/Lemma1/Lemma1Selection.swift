import BGMD
import ClaimCheck
import ExactArithmetic
import Randomness

/// The selection a Lemma 1 check runs: Algorithm 2 under the claim's reading
/// (`paper`), or a negative control's deliberately broken variant. The check
/// function is the same for all of them (`Lemma1Claims.check`); only the
/// block distribution (phases (a), (b)) and the block sampler (phase (c))
/// change. The right-hand sides stay the paper's: (1 − k/d)‖G‖²_F and the
/// uniform operator's residual.
public enum Lemma1Selection: String, Sendable, Codable, CaseIterable {
  /// Algorithm 2 as read by the claim (`blockDistribution`, `selectBlock`).
  case paper
  /// Ignores the ranking the scores give: always the k columns of smallest
  /// score s_j (ties to the lower index), with probability 1. It keeps the
  /// least energy a block can keep, so E‖C_k(G) − G‖² exceeds (1 − k/d)‖G‖²
  /// whenever the scores are not all equal.
  case smallestNorm = "smallest-norm"
  /// Block weights p(B) = Σ_{j∈B} s_j / ‖G‖²_F: proportional to the kept
  /// score but divided by the total score instead of their own sum, so they
  /// sum to C(d − 1, k − 1) (not normalised once 1 < k < d). Only the exact
  /// phases see this distribution: a sampler always draws from a normalised
  /// one, so phase (c) draws from the claim's own reading.
  case unnormalisedWeights = "unnormalised-weights"

  /// The (block, weight) pairs of this selection for G and k.
  /// - Throws: as `blockDistribution`.
  func distribution(_ g: Matrix<Rational>, k: Int, reading: SelectionReading) throws
    -> [(block: [Int], probability: Rational)] {
    switch self {
    case .paper:
      return try blockDistribution(g, k: k, reading: reading)
    case .smallestNorm:
      guard k >= 1, k <= g.columns else { throw ShapeError.blockSize(k: k, d: g.columns) }
      let s = Lemma1Selection.scores(g)
      let ordered = s.indices.sorted { a, b in s[a] < s[b] || (s[a] == s[b] && a < b) }
      return [(Array(ordered.prefix(k)).sorted(), Rational(1))]
    case .unnormalisedWeights:
      guard k >= 1, k <= g.columns else { throw ShapeError.blockSize(k: k, d: g.columns) }
      let s = Lemma1Selection.scores(g)
      let total = s.reduce(Rational.zero, +)
      guard !total.isZero else { return try blockDistribution(g, k: k, reading: .uniform) }
      return Lemma1Selection.subsets(of: g.columns, size: k).map { block in
        (block, block.reduce(Rational.zero) { $0 + s[$1] } / total)
      }
    }
  }

  /// One block drawn for the sampled phase.
  /// - Throws: as `selectBlock`.
  func sample(scores: [Double], k: Int, reading: SelectionReading, using rng: inout Xoshiro256) throws -> [Int] {
    switch self {
    case .paper, .unnormalisedWeights:
      return try selectBlock(scores: scores, k: k, reading: reading, using: &rng)
    case .smallestNorm:
      let ordered = scores.indices.sorted { a, b in scores[a] < scores[b] || (scores[a] == scores[b] && a < b) }
      return Array(ordered.prefix(k)).sorted()
    }
  }

  /// s_j = ‖G[:,j]‖².
  static func scores(_ g: Matrix<Rational>) -> [Rational] {
    var s = [Rational](repeating: .zero, count: g.columns)
    for i in 0..<g.rows { for j in 0..<g.columns { s[j] += g[i, j] * g[i, j] } }
    return s
  }

  /// Every `size`-subset of 0..<n, increasing, in lexicographic order.
  static func subsets(of n: Int, size: Int) -> [[Int]] {
    var out: [[Int]] = []
    var current: [Int] = []
    func extend(_ start: Int) {
      if current.count == size {
        out.append(current)
        return
      }
      guard start < n else { return }
      for j in start..<n where n - j >= size - current.count {
        current.append(j)
        extend(j + 1)
        current.removeLast()
      }
    }
    extend(0)
    return out
  }
}
