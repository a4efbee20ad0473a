import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness
import RealModule

/// `self-check/rules/<rule>`: each aggregation rule, run in `Double` and in
/// ℚ (`Rational`), equals its definition computed here from integer inputs
/// (sorting and summing integers, so the reference shares no code with the
/// implementation and does not depend on `Rational`'s order):
/// - `coordinate-median`: per column, the middle value (odd b) or the mean
///   of the two middle values (even b);
/// - `trimmed-mean`: per column, drop the ⌊β·n⌋ smallest and largest, mean
///   of the rest;
/// - `krum`: the row(s) of smallest score Σ of the n − f − 2 smallest squared
///   distances to the other rows, ties to the lower index (Multi-Krum: the
///   mean of the q best);
/// - `mean`: the row mean.
/// Entries are integers in −20…20, so every `Double` result here is the
/// correctly rounded value of the exact one (integer sums are exact; one
/// division), and the comparison is exact in both types. A symmetry phase
/// checks rule(−G) = −rule(G), invariance under a row permutation and
/// rule(G + c) = rule(G) + c (integer c), except Krum's permutation (its
/// ties go to the lower index).
enum SelfCheckRules {
  /// A rule under test, applied in both number types.
  struct Rule: Sendable {
    var inDouble: @Sendable (Matrix<Double>) throws -> [Double]
    var inRational: @Sendable (Matrix<Rational>) throws -> [Rational]
  }

  /// The rule's parameters drawn with the instance.
  struct Parameters: Sendable, CustomStringConvertible {
    var beta = (numerator: 0, denominator: 1)
    var byzantine = 0
    var selection = 1
    var description: String { "β = \(beta.numerator)/\(beta.denominator), f = \(byzantine), q = \(selection)" }
  }

  enum Kind: String, CaseIterable, Sendable {
    case coordinateMedian = "coordinate-median", trimmedMean = "trimmed-mean", krum, mean
  }

  static func implementation(_ kind: Kind, _ p: Parameters) throws -> Rule {
    let rng = Xoshiro256(seed: 0)
    switch kind {
    case .coordinateMedian:
      return Rule(inDouble: { coordinateMedian($0) }, inRational: { coordinateMedian($0) })
    case .mean:
      return Rule(inDouble: { var r = rng; return try Mean<Double>().aggregate($0, using: &r).vector },
                  inRational: { var r = rng; return try Mean<Rational>().aggregate($0, using: &r).vector })
    case .trimmedMean:
      let beta = Double(p.beta.numerator) / Double(p.beta.denominator)
      return Rule(inDouble: { var r = rng; return try TrimmedMean<Double>(beta: beta).aggregate($0, using: &r).vector },
                  inRational: { var r = rng; return try TrimmedMean<Rational>(beta: beta).aggregate($0, using: &r).vector })
    case .krum:
      return Rule(
        inDouble: { var r = rng; return try Krum<Double>(byzantine: p.byzantine, selectionCount: p.selection).aggregate($0, using: &r).vector },
        inRational: { var r = rng; return try Krum<Rational>(byzantine: p.byzantine, selectionCount: p.selection).aggregate($0, using: &r).vector })
    }
  }

  /// The definition, in ℚ from integers.
  static func reference(_ kind: Kind, _ rows: [[Int]], _ p: Parameters) -> [Rational] {
    let n = rows.count, d = rows.first?.count ?? 0
    func column(_ j: Int) -> [Int] { rows.map { $0[j] }.sorted() }
    switch kind {
    case .coordinateMedian:
      return (0..<d).map { j in
        let c = column(j)
        return n % 2 == 1 ? Rational(c[n / 2]) : Rational(c[n / 2 - 1] + c[n / 2], 2)
      }
    case .mean:
      return (0..<d).map { j in Rational(rows.reduce(0) { $0 + $1[j] }, n) }
    case .trimmedMean:
      let t = (p.beta.numerator * n) / p.beta.denominator  // ⌊β·n⌋ for β ≥ 0
      return (0..<d).map { j in
        let c = column(j)
        return Rational(c[t..<(n - t)].reduce(0, +), n - 2 * t)
      }
    case .krum:
      let m = n - p.byzantine - 2
      let scores = (0..<n).map { i -> Int in
        let distances = (0..<n).filter { $0 != i }.map { l in zip(rows[i], rows[l]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        return distances.sorted().prefix(m).reduce(0, +)
      }
      let order = (0..<n).sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
      let chosen = order.prefix(p.selection)
      return (0..<d).map { j in Rational(chosen.reduce(0) { $0 + rows[$1][j] }, chosen.count) }
    }
  }

  /// An instance: rows and parameters.
  static func instance(_ kind: Kind, using rng: inout Xoshiro256) -> ([[Int]], Parameters) {
    var p = Parameters()
    let b: Int
    switch kind {
    case .krum:
      b = rng.uniformInt(in: 3...9)
      p.byzantine = rng.uniformInt(in: 0...(b - 3))
      p.selection = rng.uniformInt(in: 1...min(3, b))
    case .trimmedMean:
      b = rng.uniformInt(in: 1...12)
      let betas = [(0, 1), (1, 10), (1, 8), (1, 5), (1, 4), (3, 8), (7, 16)]
      p.beta = betas[rng.uniformInt(below: betas.count)]
    default:
      b = rng.uniformInt(in: 1...10)
    }
    // d up to 9: whole SIMD groups of the median network and leftover columns.
    let d = rng.uniformInt(in: 1...9)
    let spread = [1, 3, 20][rng.uniformInt(below: 3)]
    return (SelfCheckSupport.integerRows(b, d, -spread...spread, using: &rng), p)
  }

  static func compare(_ got: [Double], _ want: [Rational]) -> Bool {
    got.count == want.count && zip(got, want).allSatisfy { $0.0 == Double($0.1) }
  }

  static func compare(_ got: [Rational], _ want: [Rational]) -> Bool {
    got.count == want.count && zip(got, want).allSatisfy { $0.0 == $0.1 }
  }

  static func check(_ ctx: ClaimContext, kind: Kind,
                    rule: @escaping @Sendable (Kind, Parameters) throws -> Rule = implementation) throws -> ClaimRecord {
    let cases = max(200, ctx.budget.cases * 3)
    var definition = SelfCheckTally("against-definition")
    var symmetry = SelfCheckTally("symmetries")
    for i in 0..<cases {
      var rng = Xoshiro256(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(i)))
      let (rows, p) = instance(kind, using: &rng)
      let label = "G = \(SelfCheckSupport.show(rows)), \(p)"
      let want = reference(kind, rows, p)
      do {
        let r = try rule(kind, p)
        let gd = try SelfCheckSupport.double(rows), gq = try SelfCheckSupport.rational(rows)
        let inDouble = try r.inDouble(gd), inRational = try r.inRational(gq)
        if !compare(inDouble, want) {
          definition.record("\(label): Double gives \(SelfCheckSupport.show(inDouble)), definition \(SelfCheckSupport.show(want))")
        } else if !compare(inRational, want) {
          definition.record("\(label): ℚ gives \(SelfCheckSupport.show(inRational)), definition \(SelfCheckSupport.show(want))")
        } else {
          definition.record(nil)
        }
        // Symmetries, in Double on the implementation alone.
        let negated = try r.inDouble(SelfCheckSupport.double(rows.map { $0.map { -$0 } }))
        let c = rng.uniformInt(in: -5...5)
        let shifted = try r.inDouble(SelfCheckSupport.double(rows.map { $0.map { $0 + c } }))
        var order = Array(rows.indices)
        rng.shuffle(&order)
        let permuted = kind == .krum ? inDouble : try r.inDouble(SelfCheckSupport.double(order.map { rows[$0] }))
        var failure: String?
        if negated != inDouble.map({ -$0 }) {
          failure = "rule(−G) = \(SelfCheckSupport.show(negated)) ≠ −rule(G) = −\(SelfCheckSupport.show(inDouble))"
        } else if kind != .krum && permuted != inDouble {
          failure = "rows permuted \(order): \(SelfCheckSupport.show(permuted)) ≠ \(SelfCheckSupport.show(inDouble))"
        } else if !compare(shifted, want.map { $0 + Rational(c) }) {
          failure = "rule(G + \(c)) = \(SelfCheckSupport.show(shifted)) ≠ rule(G) + \(c)"
        }
        symmetry.record(failure.map { "\(label): \($0)" })
      } catch {
        definition.error("\(label): \(error)")
      }
      if ctx.cancellation.isCancelled { break }
    }
    var phases = [definition.phase(), symmetry.phase()]
    if ctx.cancellation.isCancelled, phases[0].verdict == .holds { phases[0].verdict = .inconclusive }
    return Judgement.record(
      id: ctx.id, source: "aggregation rules (implementation contract)",
      statement: "\(kind.rawValue) in Double and in ℚ equals its definition computed from integers; rule(−G) = −rule(G), row-permutation invariance\(kind == .krum ? " (not for Krum)" : ""), translation equivariance",
      method: "exact-search", domain: "\(cases) random integer matrices (b ≤ 12, d ≤ 9, entries in −20…20)\(kind == .krum ? ", 0 ≤ f ≤ n − 3, q ≤ 3" : kind == .trimmedMean ? ", β ∈ {0, 1/10, 1/8, 1/5, 1/4, 3/8, 7/16}" : "")",
      phases: phases)
  }

  /// Deliberately wrong variants of each rule (the same check must refute them).
  static func controls(_ kind: Kind) -> [ControlSpec] {
    func broken(_ name: String, _ breaks: String, _ make: @escaping @Sendable (Parameters) throws -> Rule) -> ControlSpec {
      ControlSpec(name: name, breaks: breaks, body: { ctx in
        try check(ctx, kind: kind, rule: { k, p in k == kind ? try make(p) : try implementation(k, p) })
      })
    }
    switch kind {
    case .coordinateMedian:
      return [broken("lower-middle", "even b: the lower of the two middle values") { _ in
        Rule(inDouble: { lowerMiddle($0) }, inRational: { lowerMiddle($0) })
      }]
    case .trimmedMean:
      return [broken("trim-rounded-up", "trims ⌈β·n⌉ per side instead of ⌊β·n⌋") { p in
        let beta = Double(p.beta.numerator) / Double(p.beta.denominator)
        return Rule(inDouble: { trimmedUp($0, beta: beta) }, inRational: { trimmedUp($0, beta: beta) })
      }]
    case .krum:
      return [broken("neighbours-n-f-1", "n − f − 1 neighbours instead of n − f − 2") { p in
        try implementation(.krum, Parameters(beta: p.beta, byzantine: max(0, p.byzantine - 1), selection: p.selection))
      }]
    case .mean:
      return [broken("first-row", "returns the first row") { _ in
        Rule(inDouble: { Array($0.row(0)) }, inRational: { Array($0.row(0)) })
      }]
    }
  }

  /// The lower middle value per column (a broken median for even b).
  static func lowerMiddle<T: Scalar>(_ g: Matrix<T>) -> [T] {
    (0..<g.columns).map { j in g.column(j).sorted()[(g.rows - 1) / 2] }
  }

  /// A trimmed mean trimming ⌈β·n⌉ per side (broken).
  static func trimmedUp<T: Scalar>(_ g: Matrix<T>, beta: Double) -> [T] {
    let n = g.rows
    let t = min((n - 1) / 2, Int((beta * Double(n)).rounded(.up)))
    return (0..<g.columns).map { j in
      let c = g.column(j).sorted()
      var s = T.zero
      for x in c[t..<(n - t)] { s += x }
      return s / T(integer: n - 2 * t)
    }
  }
}
