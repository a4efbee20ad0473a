import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// `self-check/geometric-median/certificate` and
/// `self-check/geometric-median/equivariance`: the geometric median's
/// certificate, recomputed exactly.
///
/// Certificate, per instance (integer rows, some divided by 64 so that many
/// distances are below 0.1; anchors whose coordinate-median start is a data
/// point, optimal or not), with g(y) = Σᵢ‖y − xᵢ‖ enclosed in ℚ
/// (`RationalInterval.norm`, 2⁻⁸⁰):
/// 1. the reported objective is g(z) at the returned point z, up to the
///    rounding of a b-term sum (relative 2⁻⁴⁰);
/// 2. lowerBound ≤ objective (up to the same rounding);
/// 3. lowerBound ≤ min g: lowerBound ≤ g(y)(1 + 2⁻⁴⁰) for every candidate y —
///    each data point, z, and an independent Weiszfeld–Vardi–Zhang solution
///    written here (500 iterations from the mean);
/// 4. converged ⇒ (objective − lowerBound)/lowerBound ≤ ε requested.
/// Equivariance: the same rows translated by a dyadic c, negated, and
/// permuted give objectives within the certified gap of each other (every
/// objective lies in [min g, (1 + ε)·min g]), and each lower bound is below
/// the other runs' objectives.
enum SelfCheckGeometricMedian {
  typealias Solver = @Sendable (Matrix<Double>, GeometricMedianOptions) throws -> GeometricMedianSolution<Double>

  static let implementation: Solver = { x, o in try geometricMedian(x, options: o) }

  /// Requested accuracy: loose, so runs stop early and a certificate that
  /// overstates its bound shows.
  static let options = GeometricMedianOptions(epsilon: 1e-4, maxIterations: 1000)

  /// Rows as exact doubles: integers divided by `denominator` (a power of 2).
  struct Instance: Sendable {
    var rows: [[Int]]
    var denominator: Int
    var values: [[Double]] { rows.map { $0.map { Double($0) / Double(denominator) } } }
    var label: String { "X = \(SelfCheckSupport.show(rows))/\(denominator)" }
  }

  static func instances(seed: UInt64, random: Int) -> [Instance] {
    var list = [
      // Coordinate median (50, 0) is a data point, not the median (Vardi–Zhang must move off it).
      Instance(rows: [[0, 0], [50, 0], [50, 1], [50, -1], [-150, 0]], denominator: 1),
      Instance(rows: [[0, 0], [5, 0], [5, 1], [5, -1], [-15, 0]], denominator: 64),
      // Three copies of the origin: the origin is the median.
      Instance(rows: [[0, 0], [0, 0], [0, 0], [10, 0], [0, 10]], denominator: 1),
      Instance(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], denominator: 1),
      Instance(rows: [[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]], denominator: 64),
      Instance(rows: [[0, 0], [4, 0], [0, 3], [7, 7], [-2, 5]], denominator: 1),
      Instance(rows: [[0, 0], [2, 1], [-2, -1], [1, -2], [-1, 2]], denominator: 32),
    ]
    var rng = Xoshiro256(seed: seed)
    for _ in 0..<random {
      let b = rng.uniformInt(in: 2...9), d = rng.uniformInt(in: 1...6)
      var rows = SelfCheckSupport.integerRows(b, d, -4...4, using: &rng)
      if rng.uniformInt(below: 3) == 0 { rows.append(rows[0]) }  // a repeated point
      list.append(Instance(rows: rows, denominator: [1, 16, 64][rng.uniformInt(below: 3)]))
    }
    return list
  }

  /// g(y) enclosed in ℚ.
  static func objective(_ y: [Double], _ rows: [[Double]]) -> RationalInterval {
    let yq = y.map { Rational($0) }
    var lo = Rational.zero, hi = Rational.zero
    for x in rows {
      let n = RationalInterval.norm(zip(yq, x).map { $0 - Rational($1) }, precision: 80)
      lo += n.lo
      hi += n.hi
    }
    return RationalInterval(lo, hi)
  }

  /// An independent solver: Weiszfeld with the Vardi–Zhang step, from the
  /// mean, 500 iterations, in Double.
  static func reference(_ rows: [[Double]]) -> [Double] {
    let d = rows[0].count, n = Double(rows.count)
    var y = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / n }
    let scale = rows.flatMap { $0 }.map(abs).max() ?? 1
    for _ in 0..<500 {
      var num = [Double](repeating: 0, count: d)
      var den = 0.0, eta = 0.0
      var r = [Double](repeating: 0, count: d)
      for x in rows {
        let dist = zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        if dist <= 1e-14 * max(scale, 1e-300) { eta += 1; continue }
        den += 1 / dist
        for j in 0..<d {
          num[j] += x[j] / dist
          r[j] += (x[j] - y[j]) / dist
        }
      }
      if den == 0 { break }
      let t = num.map { $0 / den }
      let rNorm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if eta > 0 {
        if rNorm <= eta { break }
        let lambda = eta / rNorm
        y = (0..<d).map { (1 - lambda) * t[$0] + lambda * y[$0] }
      } else {
        y = t
      }
    }
    return y
  }

  static let slack = Rational(1) + Rational(1, 1 << 40)

  static func checkCertificate(_ ctx: ClaimContext, solver: Solver) throws -> ClaimRecord {
    let random = ctx.profile == .quick ? 20 : (ctx.profile == .standard ? 200 : 2000)
    let list = instances(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 0), random: random)
    var objectiveTally = SelfCheckTally("objective-exact")
    var boundTally = SelfCheckTally("lower-bound-exact")
    var epsilonTally = SelfCheckTally("certified-epsilon")
    for instance in list {
      let rows = instance.values
      let s: GeometricMedianSolution<Double>
      do { s = try solver(try Matrix(rows), options) } catch {
        objectiveTally.error("\(instance.label): \(error)")
        continue
      }
      let c = s.certificate
      guard s.point.allSatisfy(\.isFinite), c.objective.isFinite, c.lowerBound.isFinite else {
        objectiveTally.error("\(instance.label): non-finite output z = \(s.point), certificate \(c)")
        continue
      }
      let g = objective(s.point, rows)
      let obj = Rational(c.objective), lower = Rational(c.lowerBound)
      // 1.
      let objectiveOK = obj <= g.hi * slack && g.lo <= obj * slack
      objectiveTally.record(objectiveOK ? nil
        : "\(instance.label): reported objective \(c.objective), exact g(z) ∈ [\(Double(g.lo)), \(Double(g.hi))] at z = \(s.point)")
      // 2 and 3.
      var failure: String?
      if !(lower <= obj * slack) { failure = "lowerBound \(c.lowerBound) > objective \(c.objective)" }
      var candidates = rows
      candidates.append(reference(rows))
      for y in candidates where failure == nil {
        let gy = objective(y, rows)
        if !(lower <= gy.hi * slack) {
          failure = "lowerBound \(c.lowerBound) > g(\(y)) ≤ \(Double(gy.hi)): not a lower bound on min g (z = \(s.point))"
        }
      }
      boundTally.record(failure.map { "\(instance.label): \($0)" })
      // 4.
      if c.converged {
        let claimed = lower.isZero ? (obj.isZero ? Rational.zero : Rational(1 << 30)) : (obj - lower) / lower
        epsilonTally.record(claimed <= Rational(options.epsilon) * slack ? nil
          : "\(instance.label): converged with (objective − lowerBound)/lowerBound = \(Double(claimed)) > ε = \(options.epsilon)")
      } else {
        epsilonTally.record(nil)
      }
    }
    return Judgement.record(
      id: ctx.id, source: "geometric median certificate (implementation contract)",
      statement: "at the returned z: objective = g(z) exactly up to rounding; lowerBound ≤ objective; lowerBound ≤ g(y) for every data point and an independent solution y (so lowerBound ≤ min g); converged ⇒ relative gap ≤ ε",
      method: "exact-interval", domain: "\(list.count) instances: anchors (start on a data point, optimal or not; duplicates), random integer rows /1, /16, /64 (b ≤ 10, d ≤ 6), ε = \(options.epsilon)",
      phases: [objectiveTally.phase(), boundTally.phase(), epsilonTally.phase()])
  }

  static func checkEquivariance(_ ctx: ClaimContext, solver: Solver) throws -> ClaimRecord {
    let random = ctx.profile == .quick ? 20 : (ctx.profile == .standard ? 200 : 2000)
    let list = instances(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: 1), random: random)
    var tally = SelfCheckTally("translation-negation-permutation")
    for (index, instance) in list.enumerated() {
      var rng = Xoshiro256(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(index + 2)))
      let rows = instance.values
      let d = rows[0].count
      let shift = (0..<d).map { _ in Double(rng.uniformInt(in: -8...8)) / 4 }
      var order = Array(rows.indices)
      rng.shuffle(&order)
      let variants: [(String, [[Double]])] = [
        ("translated by \(shift)", rows.map { zip($0, shift).map { $0.0 + $0.1 } }),
        ("negated", rows.map { $0.map { -$0 } }),
        ("rows permuted \(order)", order.map { rows[$0] }),
      ]
      do {
        let base = try solver(try Matrix(rows), options).certificate
        var failure: String?
        for (name, v) in variants where failure == nil {
          let other = try solver(try Matrix(v), options).certificate
          let gap = max(base.epsilon, other.epsilon)
          let largest = max(base.objective, other.objective)
          if !(abs(base.objective - other.objective) <= gap * largest + 0x1p-40 * largest) {
            failure = "\(name): objective \(other.objective) vs \(base.objective), certified gaps \(other.epsilon), \(base.epsilon)"
          } else if !(other.lowerBound <= base.objective * (1 + 0x1p-40)) || !(base.lowerBound <= other.objective * (1 + 0x1p-40)) {
            failure = "\(name): lower bound \(other.lowerBound) vs objective \(base.objective) (or \(base.lowerBound) vs \(other.objective))"
          }
        }
        tally.record(failure.map { "\(instance.label): \($0)" })
      } catch {
        tally.error("\(instance.label): \(error)")
      }
    }
    return Judgement.record(
      id: ctx.id, source: "geometric median (implementation contract)",
      statement: "the geometric median's objective and certificate are invariant under translation (dyadic c), negation and row permutation, up to the certified gap",
      method: "search", domain: "\(list.count) instances as self-check/geometric-median/certificate",
      phases: [tally.phase()])
  }

  /// Deliberately wrong solvers wrapping the real one.
  static func certificateControls() -> [ControlSpec] {
    [
      ControlSpec(name: "lower-bound-is-objective", breaks: "lowerBound := objective", body: { ctx in
        try checkCertificate(ctx, solver: { x, o in
          var s = try geometricMedian(x, options: GeometricMedianOptions(epsilon: 1, maxIterations: 2))
          s.certificate.lowerBound = s.certificate.objective
          s.certificate.epsilon = 0
          s.certificate.converged = true
          return s
        })
      }),
      ControlSpec(name: "distances-floored", breaks: "objective Σ max(0.1, ‖z − xᵢ‖)", body: { ctx in
        try checkCertificate(ctx, solver: { x, o in
          var s = try geometricMedian(x, options: o)
          var floored = 0.0
          for i in 0..<x.rows {
            floored += max(0.1, zip(x.row(i), s.point).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot())
          }
          s.certificate.objective = floored
          return s
        })
      }),
      ControlSpec(name: "stops-at-start", breaks: "returns the coordinate-median start with the fixed-point bound", body: { ctx in
        try checkCertificate(ctx, solver: { x, o in
          var s = try geometricMedian(x, options: o)
          let z = coordinateMedian(x)
          var g = 0.0
          for i in 0..<x.rows { g += zip(x.row(i), z).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
          s.point = z
          s.certificate = GeometricMedianCertificate(objective: g, lowerBound: g, epsilon: 0, iterations: 0, converged: true)
          return s
        })
      }),
    ]
  }

  static func equivarianceControls() -> [ControlSpec] {
    [
      ControlSpec(name: "first-row-weighted", breaks: "weights the first row 3×", body: { ctx in
        try checkEquivariance(ctx, solver: { x, o in
          try geometricMedian(x, weights: (0..<x.rows).map { $0 == 0 ? 3 : 1 }, options: o)
        })
      }),
    ]
  }
}
