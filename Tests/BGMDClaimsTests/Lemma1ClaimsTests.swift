import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

/// The Lemma 1 checks on hand-computed cases, and the family at the quick profile.
@Suite struct Lemma1ClaimsTests {
  @Test func enumerationVisitsEveryNonZeroVectorInLexicographicOrder() {
    var v = [0, 0]
    var seen: [[Int]] = []
    while Lemma1Exhaustive.increment(&v, max: 2) { seen.append(v) }
    #expect(seen == [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]])
  }

  @Test func exhaustiveFindsTheMinimalWithReplacementCounterexample() throws {
    // Hand computation: G = [[1, 1, 1]], k = 2, two draws each 1/3:
    // P(one distinct column) = 3·(1/3)² = 1/3, so E residual = 1/3·2 + 2/3·1 = 4/3 > (1 − 2/3)·3 = 1.
    // Smaller cases cannot fail: d = 1 or k = d keep every positive column, and for
    // d = 2, k = 1 one draw keeps one column, E = bound·… ≤ (1 − 1/2)‖G‖² only if s is … (checked).
    let out = try Lemma1Exhaustive(maxDimension: 3, maxEntry: 1).run(reading: .withReplacement, side: .lemma,
                                                                     cancellation: CancellationFlag())
    let (c, e) = try #require(out.first)
    #expect(c.matrix == [[1, 1, 1].map { Rational($0) }] && c.k == 2)
    #expect(e.expectedResidual == Rational(4, 3) && e.bound == Rational(1))
    #expect(out.violations >= 1)
  }

  @Test(arguments: [SelectionReading.successive, .normProportional, .topK, .uniform])
  func exhaustiveFindsNoViolationForTheOtherReadings(reading: SelectionReading) throws {
    for side in [Lemma1Side.lemma, .step] {
      let out = try Lemma1Exhaustive(maxDimension: 3, maxEntry: 2).run(reading: reading, side: side,
                                                                       cancellation: CancellationFlag())
      #expect(out.violations == 0)
      #expect(out.first == nil)
      // Equal columns make successive sampling uniform: the ratio 1 is attained.
      if reading != .topK { #expect(out.worstRatio == 1) }
    }
  }

  @Test func ratioIsInfiniteWhenTheBoundIsZeroAndTheResidualIsNot() throws {
    let c = Lemma1ExactCase(reading: .withReplacement, side: .lemma, k: 2, matrix: [[1, 1, 1].map { Rational($0) }])
    let e = try c.expectation()
    #expect(Lemma1Side.lemma.ratio(e) == 4.0 / 3.0)
    var zero = e
    zero.bound = .zero
    #expect(Lemma1Side.lemma.ratio(zero) == .infinity)
    zero.expectedResidual = .zero
    #expect(Lemma1Side.lemma.ratio(zero) == nil)
  }

  @Test func replayOfExactFixtures() throws {
    let refuting = try Lemma1ExactCase(reading: .withReplacement, side: .lemma, k: 2, matrix: [[1, 1, 1].map { Rational($0) }])
      .fixture(claim: "lemma1/with-replacement", expectation: try Lemma1ExactCase(
        reading: .withReplacement, side: .lemma, k: 2, matrix: [[1, 1, 1].map { Rational($0) }]).expectation())
    #expect(try Lemma1Claims.claimHolds(on: refuting) == false)
    #expect(try Lemma1Claims.replay(refuting) == true)  // still refutes, as recorded
    #expect(try FixtureReplay.replay(refuting) == true)
    var holding = refuting
    holding.input = try JSONValue(encoding: Lemma1ExactCase(reading: .successive, side: .step, k: 2,
                                                            matrix: [[1, 1, 1].map { Rational($0) }]))
    #expect(try Lemma1Claims.claimHolds(on: holding) == true)
    #expect(try Lemma1Claims.replay(holding) == false)  // recorded as refuting, but the claim holds on it
    holding.expect = .holds
    #expect(try Lemma1Claims.replay(holding) == true)
    var malformed = refuting
    malformed.input = .object(["kind": .string("exact"), "reading": .string("sideways"), "side": .string("lemma"),
                               "k": .number(2), "matrix": .array([])])
    #expect(throws: FixtureInputError.self) { try Lemma1Claims.replay(malformed) }
  }

  @Test func sequentialTestRefutesWithReplacementAndAcceptsSuccessive() throws {
    let sampling = Lemma1Sampling(dimensions: [50], fractions: [0.9], families: ["equal"], margin: 0.05)
    let budget = Profile.quick.budget
    let bad = try sampling.run(reading: .withReplacement, seed: 4, budget: budget, threads: 2, cancellation: CancellationFlag())
    // 45 draws from 50 equal columns keep 50(1 − (49/50)^45) ≈ 29.9 columns: E[X] ≈ 0.40 > 0.1.
    #expect(bad.first?.test.decision == .refuted)
    let good = try sampling.run(reading: .successive, seed: 4, budget: budget, threads: 2, cancellation: CancellationFlag())
    #expect(good.first?.test.decision == .holds)
  }

  @Test func familyAtQuickGivesEveryClaimAVerdict() throws {
    let report = Campaign(seed: 1, profile: .quick).run(Lemma1Claims.family.claims)
    #expect(report.claims.count == 11)
    #expect(!report.run.partial)
    for c in report.claims {
      #expect(c.evidence["error"] == nil, "\(c.id): \(ReportText.evidenceSummary(c.evidence, limit: 300))")
      #expect(!c.source.isEmpty && !c.statement.isEmpty && !c.domain.isEmpty)
    }
    let byId = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0) })
    #expect(byId["lemma1/with-replacement"]?.verdict == .refuted)
    #expect(byId["lemma1/with-replacement"]?.counterexample?.exact == true)
    #expect(byId["lemma1/successive"]?.verdict == .holds)
    #expect(byId["lemma1/xi-in-practice"]?.method == "observation")
  }
}
