import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

/// The Lemma 5 checks on hand-made runs, and the family at the quick profile.
@Suite struct Lemma5ClaimsTests {
  /// T = 2, b = 3, d = 2, k = 1, top-k; slot 2 bad at both steps (or slot 2
  /// then slot 0 for `dynamic`); the bad row differs from the good ones in
  /// the column off the block, so its residual differs.
  static func handCase(memory: MemoryVariant, schedule: String) -> Lemma5Case<Rational> {
    let r = { (v: [Int]) in v.map { Rational($0) } }
    let slots: [[Int]] = schedule == "clean" ? [[], []] : (schedule == "fixed" ? [[2], [2]] : [[2], [0]])
    let bad: [[[Rational]]] = slots.map { s in s.map { _ in [Rational(5), Rational(7)] } }
    return Lemma5Case(arithmetic: "rational", memory: memory, schedule: schedule, reading: .topK, k: 1,
                      stepSize: Rational(1, 2), initialIterate: r([0, 0]),
                      gradients: [[r([4, 1]), r([4, 1]), r([4, 1])], [r([4, 1]), r([4, 1]), r([4, 1])]],
                      badSlots: slots, badRows: bad, outputs: [r([3]), r([-1])], selectionSeed: 0)
  }

  @Test func handComputedGaps() throws {
    // averaged: m̂_1 averages the bad row's residual 7/2 with the good ones' 1/2, while
    // m_1 averages over 𝔾 only: the gap opens at t = 2 (x_1 − x̃_1 = m_1 always).
    #expect(try Self.handCase(memory: .averaged, schedule: "fixed").firstGap() == 2)
    #expect(try Self.handCase(memory: .perRow, schedule: "fixed").firstGap() == nil)
    #expect(try Self.handCase(memory: .perRow, schedule: "dynamic").firstGap() == 2)
    #expect(try Self.handCase(memory: .none, schedule: "fixed").firstGap() == 2)
    #expect(try Self.handCase(memory: .averaged, schedule: "clean").firstGap() == nil)
    #expect(try Self.handCase(memory: .none, schedule: "clean").firstGap() == 2)
    let (seq, _) = try Self.handCase(memory: .averaged, schedule: "fixed").sequences(rule: InjectedOutputs([[Rational(3)], [Rational(-1)]]).rule)
    // Step 0: augmented = γG = (2, 1/2) for good rows, (5/2, 7/2) for the bad one; block {0};
    // residual column 1: 1/2, 1/2, 7/2 → m̂_1 = 3/2, m_1 = 1/2. With gap_1 = 0,
    // gap_2 = m_1 − (mean over 𝔾 of the memory added at t = 1) = 1/2 − 3/2 = −1.
    #expect(seq.memories[1] == [Rational(0), Rational(1, 2)])
    #expect(seq.gaps[1] == [Rational(0), Rational(0)])
    #expect(seq.gaps[2] == [Rational(0), Rational(-1)])
  }

  @Test func identityHoldsAtTheFirstStepForEveryGeneratedCase() throws {
    for memory in MemoryVariant.allCases {
      for schedule in ["fixed", "dynamic"] {
        let gen = Lemma5Generators(schedule: schedule, memories: [memory], maxSteps: 3, maxDimension: 3, maxRows: 5).exact
        for seed in UInt64(0)..<20 {
          let c = try gen.example(seed: seed)
          let gap = try c.firstGap()
          #expect(gap == nil || gap! >= 2, "\(c.shape): gap at \(gap ?? -1)")
        }
      }
    }
  }

  @Test func roundingBoundHoldsForTheIdentityAndCatchesTheAveragedGap() throws {
    let gen = Lemma5Generators(schedule: "fixed", memories: [.perRow], maxSteps: 5, maxDimension: 4, maxRows: 6).floating
    for seed in UInt64(0)..<10 {
      #expect(try gen.example(seed: seed).roundingRatio().ratio <= 1)
    }
    var c = Lemma5Case<Double>(arithmetic: "double", memory: .averaged, schedule: "fixed", reading: .topK, k: 1,
                               stepSize: 0.5, initialIterate: [0, 0], gradients: Array(repeating: Array(repeating: [4, 1], count: 3), count: 2),
                               badSlots: [[2], [2]], badRows: [[[5, 7]], [[5, 7]]], outputs: nil, selectionSeed: 0)
    #expect(try c.roundingRatio().ratio > 1)
    c.memory = .perRow
    #expect(try c.roundingRatio().ratio <= 1)
  }

  @Test func replayAndMalformedFixtures() throws {
    let c = Self.handCase(memory: .averaged, schedule: "fixed")
    let fixture = Fixture(claim: "lemma5/corrupted/averaged/fixed", expect: .refutes, input: try JSONValue(encoding: c),
                          observed: .null)
    #expect(try Lemma5Claims.identityHolds(on: fixture) == false)
    #expect(try Lemma5Claims.replay(fixture) == true)  // still refutes, as recorded
    #expect(try FixtureReplay.replay(fixture) == true)
    var asHolding = fixture
    asHolding.expect = .holds
    #expect(try Lemma5Claims.replay(asHolding) == false)
    var input = fixture.input
    if case .object(var o) = input {
      o["gradients"] = nil
      input = .object(o)
    }
    var broken = fixture
    broken.input = input
    do {
      _ = try Lemma5Claims.replay(broken)
      Issue.record("a fixture without gradients replayed")
    } catch let error as FixtureInputError {
      #expect(error.field == "input.gradients")
    }
  }

  @Test func familyAtQuickGivesEveryClaimAVerdict() throws {
    let report = Campaign(seed: 1, profile: .quick).run(Lemma5Claims.family.claims)
    #expect(report.claims.count == 1 + 2 * MemoryVariant.allCases.count + Lemma5RobustMemory.claims.count)
    for c in report.claims {
      #expect(c.evidence["error"] == nil, "\(c.id): \(ReportText.evidenceSummary(c.evidence, limit: 300))")
    }
    let byId = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0.verdict) })
    #expect(byId["lemma5/clean"] == .holds)
    #expect(byId["lemma5/corrupted/per-row/fixed"] == .holds)
    #expect(byId["lemma5/corrupted/averaged/fixed"] == .refuted)
    #expect(byId["lemma5/corrupted/none/dynamic"] == .refuted)
  }
}
