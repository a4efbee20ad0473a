import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// `self-check/rational/order`: `Rational`'s order and equality agree with
/// the integers' on p/q (q > 0): a < b ⟺ p₁q₂ < p₂q₁ and a = b ⟺ p₁q₂ = p₂q₁,
/// on mixed signs, zero and unreduced forms. Exhaustive on |p| ≤ 6, 1 ≤ q ≤ 4
/// (`proved` on that grid: 52² ordered pairs), then a search over
/// |p| ≤ 10⁹, q ≤ 10⁹ (cross products computed in ℚ-free 128-bit integers),
/// plus −a < −b ⟺ b < a and a − b < 0 ⟺ a < b.
enum SelfCheckRational {
  /// The comparison under test.
  typealias Order = @Sendable (Rational, Rational) -> Bool

  static let implementation: Order = { $0 < $1 }

  static func crossLess(_ a: (Int, Int), _ b: (Int, Int)) -> Bool {
    let l = a.0.multipliedFullWidth(by: b.1), r = b.0.multipliedFullWidth(by: a.1)
    return (l.high, l.low) < (r.high, r.low)
  }

  static func crossEqual(_ a: (Int, Int), _ b: (Int, Int)) -> Bool {
    let l = a.0.multipliedFullWidth(by: b.1), r = b.0.multipliedFullWidth(by: a.1)
    return l.high == r.high && l.low == r.low
  }

  static func compare(_ a: (Int, Int), _ b: (Int, Int), less: Order) -> String? {
    let x = Rational(a.0, a.1), y = Rational(b.0, b.1)
    let want = crossLess(a, b)
    if less(x, y) != want { return "\(a.0)/\(a.1) < \(b.0)/\(b.1) is \(less(x, y)), integers say \(want)" }
    if (x == y) != crossEqual(a, b) { return "\(a.0)/\(a.1) == \(b.0)/\(b.1) is \(x == y), integers say \(crossEqual(a, b))" }
    if less(-x, -y) != less(y, x) { return "−\(a.0)/\(a.1) < −\(b.0)/\(b.1) disagrees with \(b.0)/\(b.1) < \(a.0)/\(a.1)" }
    if ((x - y).signum < 0) != want { return "sign of \(a.0)/\(a.1) − \(b.0)/\(b.1) disagrees with the integers" }
    return nil
  }

  static func check(_ ctx: ClaimContext, less: Order) throws -> ClaimRecord {
    var grid = SelfCheckTally("exhaustive-grid")
    var values: [(Int, Int)] = []
    for p in -6...6 { for q in 1...4 { values.append((p, q)) } }
    for a in values { for b in values { grid.record(compare(a, b, less: less)) } }
    var search = SelfCheckTally("search")
    let cases = max(1000, ctx.budget.cases * 20)
    for i in 0..<cases {
      var rng = Xoshiro256(seed: PRNG.caseSeed(runSeed: ctx.seed, caseIndex: UInt64(i)))
      let big = 1_000_000_000
      let range = [6, 1000, big][rng.uniformInt(below: 3)]
      func draw() -> (Int, Int) { (rng.uniformInt(in: -range...range), rng.uniformInt(in: 1...range)) }
      search.record(compare(draw(), draw(), less: less))
    }
    return Judgement.record(
      id: ctx.id, source: "exact arithmetic (implementation contract)",
      statement: "Rational's < and == agree with integer cross-multiplication on p/q, mixed signs included; −a < −b ⟺ b < a; sign(a − b) agrees",
      method: "exact-enumeration+search", domain: "every pair p/q with |p| ≤ 6, 1 ≤ q ≤ 4; \(cases) random pairs with |p|, q ≤ 6, 10³ or 10⁹",
      phases: [grid.phase(exhaustive: true), search.phase()])
  }

  static var controls: [ControlSpec] {
    [
      ControlSpec(name: "magnitudes", breaks: "compares |a| < |b|", body: { ctx in
        try check(ctx, less: { a, b in (a.signum >= 0 ? a : -a) < (b.signum >= 0 ? b : -b) })
      }),
      ControlSpec(name: "mixed-signs-reversed", breaks: "a < 0 < b answered false", body: { ctx in
        try check(ctx, less: { a, b in a.signum != b.signum && a.signum != 0 && b.signum != 0 ? a.signum > b.signum : a < b })
      }),
    ]
  }
}
