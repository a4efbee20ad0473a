import BGMD
@testable import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

/// The cost family (Table 1, Proposition 1, Lemma 2): verdicts at the quick
/// profile, every control refuted, and the counts the verdicts rest on.
@Suite struct CostClaimsTests {
  static func run(_ id: String) throws -> ClaimRecord {
    let spec = try #require(CostClaims.family.claims.first { $0.id == id })
    return Campaign(seed: 1, profile: .quick, threads: 1).run([spec]).claims[0]
  }

  static func context(_ id: String) -> ClaimContext {
    ClaimContext(id: id, seed: 1, profile: .quick, budget: Profile.quick.budget, threads: 1,
                 cancellation: CancellationFlag(), fixtures: nil, control: nil)
  }

  @Test func familyIsRegisteredBetweenLemma1AndBreakdown() {
    let names = ClaimRegistry.families.map(\.name)
    let i = names.firstIndex(of: "proposition-1"), l = names.firstIndex(of: "lemma-1"), b = names.firstIndex(of: "breakdown")
    #expect(i != nil && l != nil && b != nil)
    if let i, let l, let b { #expect(l < i && i < b) }
    #expect(ClaimRegistry.family(owning: "table1/cmd/breakdown")?.name == "proposition-1")
    #expect(ClaimRegistry.family(owning: "lemma2/choice-of-k")?.name == "proposition-1")
  }

  /// Proposition 1 holds on the counted work, and both wasteful variants
  /// (an O(d·k) sampler, an O(b·k/ε²) GM) are refuted by the same check.
  @Test func proposition1HoldsWithEveryControlRefuted() throws {
    let r = try Self.run("proposition1/aggregation-cost")
    #expect(r.verdict == .holds)
    #expect(r.power?.total == 2 && r.power?.refuted == 2)
    let held = r.hypotheses.allSatisfy(\.held)
    #expect(held)
  }

  @Test(arguments: ["table1/sgd/complexity", "table1/cmd/complexity", "table1/gmd/complexity"])
  func table1ComplexityRowsHoldWithControlsRefuted(_ id: String) throws {
    let r = try Self.run(id)
    #expect(r.verdict == .holds, "\(id): \(r.vacuity ?? "")")
    #expect(r.power?.isComplete == true)
  }

  /// A control run directly: the naive sampler's curve along k ∝ M grows
  /// like k/b; the real selection's does not.
  @Test func naiveSamplerIsUnboundedAlongK() throws {
    let path = CostClaims.bgmdPaths[0]
    #expect(path.name == "k ∝ M")
    let scales: [Double] = [1, 4, 16, 32]
    let real = try CostGrowth.curve(.bgmd, model: .bgmd, path: path, scales: scales, steps: 1, seed: 2, perIteration: false)
    let naive = try CostGrowth.curve(.bgmdNaiveSampler, model: .bgmd, path: path, scales: scales, steps: 1, seed: 2,
                                     perIteration: false)
    #expect(real.bounded && !naive.bounded)
    // The naive sampler reads ≥ d·k/2 weights per aggregation.
    let last = try #require(naive.points.last)
    #expect(last.work.selection >= 2048 * 128 / 2)
  }

  /// The counted GMD aggregation is exactly its passes: b·d for γG, then
  /// (iterations + 2) passes of b·d for the certified GM.
  @Test func gmdCountIsItsPasses() throws {
    let i = CostInstance(blockSize: 1, rows: 6, dimension: 50, epsilon: 1e-6, steps: 1, seed: 4)
    let m = try CostCounter.measure(.gmd, i)
    let direct = try geometricMedian(i.gradients(step: 0), options: CostCounter.options(1e-6))
    #expect(m.work.rule == direct.matrixPasses * 6 * 50)
    #expect(m.aggregation == Double(6 * 50 + direct.matrixPasses * 6 * 50))
    #expect(m.certified && direct.certificate.epsilon <= 1e-6)
    #expect(m.medianIterations == Double(direct.certificate.iterations))
  }

  /// Lemma 2 with k = ⌊(1/F − bε²)d⌋ and the implementation's counts: the
  /// F-fold reduction is not reached (GMD's certified GM costs a few passes
  /// of b·d, not d/ε²), and the counterexample replays.
  @Test func lemma2IsRefutedAndReplays() throws {
    let r = try Self.run(Lemma2Claim.id)
    #expect(r.verdict == .refuted)
    let held = r.hypotheses.allSatisfy(\.held)
    #expect(held)
    let c = Lemma2Case(rows: 4, dimension: 256, epsilon: 1e-4, factor: 2, steps: 2, seed: 1, method: .bgmd)
    let o = try c.evaluate()
    #expect(o.k == 127)
    #expect(o.speedup < 2)
    let fixture = Fixture(claim: Lemma2Claim.id, expect: .refutes, input: try JSONValue(encoding: c),
                          observed: .object(["speedup": .number(o.speedup)]))
    #expect(try CostClaims.replay(fixture))
    // The k = d control cannot be faster than GMD.
    var full = c
    full.method = .bgmdFullBlock
    #expect(try full.evaluate().speedup < 1)
  }

  /// CMD's breakdown point does not shrink with d/b under Definition 2: no
  /// m < b/2 breaks the coordinate median; the GM control is refuted too.
  @Test func cmdBreakdownIsRefuted() throws {
    let r = try Self.run(CMDBreakdownClaim.id)
    #expect(r.verdict == .refuted)
    let control = try CMDBreakdownClaim.check(Self.context(CMDBreakdownClaim.id).forControl("geometric-median"),
                                              rule: "geometric-median")
    #expect(control.verdict == .refuted)
    // m = ⌈b/2⌉ bad rows do break it (the search can say "breaks").
    let c = CMDBreakdownClaim.breakdownCase(rule: "coordinate-median", b: 9, d: 36, m: 5, scales: breakdownScales(.quick), seed: 1)
    #expect(c.breaks)
  }

  @Test func growthFixtureReplays() throws {
    let f = CostClaims.GrowthFixture(method: .pairwise, model: .bd, path: CostClaims.bdPaths[0], scales: [1, 4, 16, 32],
                                     steps: 1, seed: 3, perIteration: true)
    let fixture = Fixture(claim: "table1/sgd/complexity", expect: .refutes, input: try JSONValue(encoding: f),
                          observed: .object(["bounded": .bool(false)]))
    #expect(try CostClaims.replay(fixture))
    var sgd = f
    sgd.method = .sgd
    let holds = Fixture(claim: "table1/sgd/complexity", expect: .refutes, input: try JSONValue(encoding: sgd),
                        observed: .object(["bounded": .bool(false)]))
    #expect(try !CostClaims.replay(holds))
  }
}
