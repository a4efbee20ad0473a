import BGMD
import ClaimCheck
import Randomness

/// Deliberately broken aggregators for the negative controls of the
/// breakdown family and of `gm/robustness-bound`. Each one is what a
/// plausible bug in a geometric-median implementation computes; each must
/// make the same breakdown check come out `refuted`. Rows with a NaN or ±∞
/// entry are left out first (as the real rules do), so that a control breaks
/// through its own defect, not through the non-finite attacks.
enum BrokenMedians {
  /// One Weiszfeld step started from the mean instead of iterating to the
  /// median: z₁ = Σ xᵢ/‖z₀ − xᵢ‖ / Σ 1/‖z₀ − xᵢ‖ with z₀ the mean. The mean
  /// moves with the outliers, and so does one step from it: with m rows at
  /// distance ~M the output moves by a constant fraction of M.
  static func oneStepFromMean(_ points: [[Double]]) -> [Double] {
    let rows = finiteRows(points)
    guard let d = rows.first?.count else { return [] }
    var mean = [Double](repeating: 0, count: d)
    for r in rows { for j in 0..<d { mean[j] += r[j] / Double(rows.count) } }
    return weiszfeldStep(rows, from: mean, cap: .infinity)
  }

  /// Weiszfeld's iteration (from the coordinate median, 200 steps) with the
  /// distances capped at `cap`: weights 1/min(‖z − xᵢ‖, cap), so a far row
  /// keeps weight 1/cap instead of 1/‖z − xᵢ‖ and the fixed point is a
  /// weighted mean that follows the outliers.
  static func distancesCapped(_ points: [[Double]], cap: Double = 1) -> [Double] {
    let rows = finiteRows(points)
    guard let d = rows.first?.count else { return [] }
    var z = (0..<d).map { j -> Double in
      let column = rows.map { $0[j] }.sorted()
      let n = column.count
      return n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2
    }
    for _ in 0..<200 {
      let next = weiszfeldStep(rows, from: z, cap: cap)
      if next == z { break }
      z = next
    }
    return z
  }

  /// One Weiszfeld step from z with distances capped at `cap` (a zero
  /// distance reads as the smallest positive one, so a data point does not
  /// divide by zero).
  static func weiszfeldStep(_ rows: [[Double]], from z: [Double], cap: Double) -> [Double] {
    let d = z.count
    var numerator = [Double](repeating: 0, count: d)
    var denominator = 0.0
    for r in rows {
      let distance = Swift.min(Swift.max(scaledNorm(zip(r, z).map { $0 - $1 }), .leastNormalMagnitude), cap)
      let w = 1 / distance
      for j in 0..<d { numerator[j] += w * r[j] }
      denominator += w
    }
    return numerator.map { $0 / denominator }
  }

  /// The coordinate-wise mean of the finite rows.
  static func coordinateMean(_ points: [[Double]]) -> [Double] {
    let rows = finiteRows(points)
    guard let d = rows.first?.count else { return [] }
    var mean = [Double](repeating: 0, count: d)
    for r in rows { for j in 0..<d { mean[j] += r[j] / Double(rows.count) } }
    return mean
  }

  static func finiteRows(_ points: [[Double]]) -> [[Double]] {
    points.filter { $0.allSatisfy(\.isFinite) }
  }

  /// `median` as an aggregation rule named `name`.
  static func rule(_ name: String, _ median: @escaping @Sendable ([[Double]]) -> [Double]) -> AnyAggregationRule<Double> {
    AnyAggregationRule(name: name) { rows, _ in
      AggregationResult(vector: median((0..<rows.rows).map { Array(rows.row($0)) }))
    }
  }

  /// Block-GM (Algorithm 2's block under `reading`, then `median` on it,
  /// scattered into ℝ^d with zeros off the block), with the broken `median`.
  static func blockRule(reading: SelectionReading, k: Int, _ median: @escaping @Sendable ([[Double]]) -> [Double])
    -> AnyAggregationRule<Double> {
    AnyAggregationRule(name: "block-gm") { rows, rng in
      let kept = (0..<rows.rows).filter { rows.row($0).allSatisfy(\.isFinite) }
      let finite = try Matrix(kept.map { Array(rows.row($0)) })
      let block = try selectBlock(finite, k: k, reading: reading, using: &rng)
      let point = median((0..<finite.rows).map { i in block.map { finite[i, $0] } })
      var vector = [Double](repeating: 0, count: rows.columns)
      for (t, j) in block.enumerated() where t < point.count { vector[j] = point[t] }
      return AggregationResult(vector: vector, block: block)
    }
  }
}

/// Definition 1's hypotheses on one corrupted instance of b rows with m bad:
/// ψ = m/b < 1/2 and α = |𝔹|/|𝔾| = m/(b − m) = ψ/(1 − ψ) < 1 (the two are
/// equivalent; both are measured, from the instance's slot counts only).
struct CorruptionLevel: Sendable, Hashable {
  var rows: Int
  var bad: Int
  /// ψ = m/b.
  var psi: Double { Double(bad) / Double(rows) }
  /// α = m/(b − m) (∞ when every row is bad).
  var alpha: Double { rows > bad ? Double(bad) / Double(rows - bad) : .infinity }
  /// ψ < 1/2, decided on integers (2m < b).
  var psiBelowHalf: Bool { 2 * bad < rows }
  /// α < 1, decided on integers (m < b − m).
  var alphaBelowOne: Bool { bad < rows - bad }
  var description: String { "m = \(bad) of b = \(rows): ψ = \(psi), α = \(alpha)" }
}
