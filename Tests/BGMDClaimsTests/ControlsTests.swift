import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

/// The negative controls and measured hypotheses of the Lemma 1, Breakdown
/// and Lemma 5 families: one claim per family run with its controls at the
/// quick profile (the controls must come out `refuted`, the claim `holds`,
/// not `vacuous`), and the broken variants on hand-checked inputs.
@Suite struct ControlsTests {
  /// One claim of `family`, run through `Campaign` (body, controls, judgement).
  static func run(_ id: String, in family: ClaimFamily) throws -> ClaimRecord {
    let spec = try #require(family.claims.first { $0.id == id })
    let report = Campaign(seed: 1, profile: .quick, threads: 2).run([spec])
    return try #require(report.claims.first)
  }

  /// The claim holds, every control (at least `controls`) is refuted, and
  /// every hypothesis held: a control that stopped refuting would make the
  /// verdict `vacuous` and this fail.
  static func expectPowered(_ r: ClaimRecord, controls: Int) {
    #expect(r.verdict == .holds, "\(r.id): \(r.verdict.rawValue) — \(r.vacuity ?? "")")
    #expect(r.verdict != .vacuous)
    #expect(r.vacuity == nil)
    #expect(r.power?.total == controls, "\(r.id): \(r.power?.line ?? "no power")")
    #expect(r.power?.isComplete == true, "\(r.id): \(r.power?.line ?? "no power")")
    for c in r.power?.controls ?? [] { #expect(c.verdict == .refuted, "\(r.id) control \(c.name): \(c.summary)") }
    #expect(!r.hypotheses.isEmpty)
    for h in r.hypotheses { #expect(h.held, "\(r.id): \(h.name): \(h.detail)") }
  }

  // MARK: Lemma 1

  @Test func lemma1TopKHoldsWithBothControlsRefuted() throws {
    let r = try Self.run("lemma1/top-k", in: Lemma1Claims.family)
    Self.expectPowered(r, controls: 2)
    #expect(r.power?.controls.map(\.name) == ["smallest-norm-columns", "unnormalised-block-weights"])
  }

  /// The same claim with a "control" that is Algorithm 2 itself: it cannot
  /// be refuted, so the claim's `holds` must turn `vacuous`.
  @Test func lemma1WithAToothlessControlIsVacuous() throws {
    let spec = ClaimSpec(id: "lemma1/top-k", controls: [
      ControlSpec(name: "the-paper-itself", breaks: "nothing") { try Lemma1Claims.check($0, reading: .topK, side: .lemma) },
    ]) { try Lemma1Claims.check($0, reading: .topK, side: .lemma) }
    let r = try #require(Campaign(seed: 1, profile: .quick, threads: 2).run([spec]).claims.first)
    #expect(r.verdict == .vacuous)
    #expect(r.vacuity?.contains("the-paper-itself") == true)
  }

  /// By hand: G = [[0, 1]], k = 1. The smallest-norm selection keeps column
  /// 0, residual 1 > (1 − 1/2)·1. G = [[1, 1, 1]], k = 2: the unnormalised
  /// weights are 2/3 per block (sum 2), residual 3·(2/3)·1 = 2 > (1/3)·3.
  @Test func brokenSelectionsViolateTheLemmaByHand() throws {
    let a = try Lemma1ExactCase(reading: .successive, side: .lemma, k: 1, matrix: [[0, 1].map { Rational($0) }],
                                selection: .smallestNorm).expectation()
    #expect(a.expectedResidual == Rational(1) && a.bound == Rational(1, 2) && !a.holds)
    let b = try Lemma1ExactCase(reading: .successive, side: .lemma, k: 2, matrix: [[1, 1, 1].map { Rational($0) }],
                                selection: .unnormalisedWeights).expectation()
    #expect(b.expectedResidual == Rational(2) && b.bound == Rational(1) && !b.holds)
    // The paper's selection on the same inputs holds.
    let c = try Lemma1ExactCase(reading: .successive, side: .lemma, k: 2, matrix: [[1, 1, 1].map { Rational($0) }])
      .expectation()
    #expect(c.holds)
    // The claim's own fixtures do not carry a selection field.
    let json = try JSONValue(encoding: Lemma1ExactCase(reading: .topK, side: .lemma, k: 1, matrix: [[Rational(1)]]))
    #expect(json["selection"] == nil)
  }

  // MARK: Breakdown

  @Test func trimmedMeanHoldsWithItsControlsRefuted() throws {
    let r = try Self.run("breakdown/aggregate/trimmed-mean", in: BreakdownClaims.family)
    Self.expectPowered(r, controls: 2)
    #expect(r.power?.controls.first?.name == "trims-nothing")
    #expect(r.hypotheses.map(\.name).contains { $0.contains("⌊βb⌋") })
  }

  @Test func sgdMustBreakAndTheMedianInItsPlaceIsRefuted() throws {
    let r = try Self.run("breakdown/training/sgd", in: BreakdownClaims.family)
    Self.expectPowered(r, controls: 1)
    #expect(r.power?.controls.first?.summary.contains("stays bounded") == true)
  }

  @Test func gmRobustnessBoundHoldsWithBrokenEstimatorsRefuted() throws {
    let r = try Self.run(GMRobustnessClaims.id, in: BreakdownClaims.family)
    Self.expectPowered(r, controls: 2)
  }

  /// One Weiszfeld step from the mean moves with the outliers; capped
  /// distances make a weighted mean; the real median does not move.
  @Test func brokenMediansFollowTheOutliers() {
    let good = [[0.0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]
    for m in [1e3, 1e6] {
      let points = good + [[m, m], [m, m]]
      #expect(scaledNorm(BrokenMedians.oneStepFromMean(points)) > 1e-3 * m)
      #expect(scaledNorm(BrokenMedians.distancesCapped(points)) > 1e-3 * m)
      #expect(scaledNorm(BrokenMedians.coordinateMean(points)) > 0.1 * m)
    }
    let solution = try? geometricMedian(Matrix(good + [[1e6, 1e6], [1e6, 1e6]]))
    #expect((solution.map { scaledNorm($0.point) } ?? .infinity) < 2)
  }

  // MARK: Lemma 5

  @Test func lemma5PerRowFixedHoldsWithBothMemoryControlsRefuted() throws {
    let r = try Self.run("lemma5/corrupted/per-row/fixed", in: Lemma5Claims.family)
    Self.expectPowered(r, controls: 2)
    #expect(r.power?.controls.map(\.name) == ["memory-dropped", "memory-averaged-over-all-rows"])
  }

  @Test func lemma5CleanHoldsWithTheDroppedMemoryRefuted() throws {
    let r = try Self.run("lemma5/clean", in: Lemma5Claims.family)
    Self.expectPowered(r, controls: 1)
  }
}

/// Controls and measured hypotheses do not make a record depend on the
/// thread count (hypotheses are tallied over concurrent cases).
@Suite struct ControlsDeterminismTests {
  @Test func recordsWithControlsAndHypothesesAreIdenticalAcrossThreadCounts() throws {
    let ids: Set = ["lemma1/top-k", "lemma5/corrupted/per-row/fixed", "lemma5/corrupted/averaged/dynamic"]
    let claims = (Lemma1Claims.family.claims + Lemma5Claims.family.claims).filter { ids.contains($0.id) }
    #expect(claims.count == 3)
    let one = try Campaign(seed: 5, profile: .quick, threads: 1).run(claims).strippingTimings().encoded()
    let two = try Campaign(seed: 5, profile: .quick, threads: 2).run(claims).strippingTimings().encoded()
    #expect(one == two)
  }
}

/// Definition 1: α = |𝔹|/|𝔾| = ψ/(1 − ψ), and ψ < 1/2 ⇔ α < 1; Minsker's
/// constant (the `gm/robustness-bound` claim) is written in ψ, and equals
/// 1/√(1 − α²) in the paper's α.
@Suite struct AlphaAuditTests {
  @Test func alphaIsPsiOverOneMinusPsi() {
    for b in 1...12 {
      for m in 0..<b {
        let level = CorruptionLevel(rows: b, bad: m)
        let psi = Double(m) / Double(b)
        #expect(abs(level.psi - psi) < 1e-15)
        #expect(abs(level.alpha - psi / (1 - psi)) < 1e-12, "b = \(b), m = \(m)")
        #expect(level.alpha == Double(m) / Double(b - m))
        #expect(level.psiBelowHalf == level.alphaBelowOne, "b = \(b), m = \(m)")
        #expect(level.psiBelowHalf == (2 * m < b))
      }
    }
    #expect(CorruptionLevel(rows: 4, bad: 2).alphaBelowOne == false)
    #expect(CorruptionLevel(rows: 5, bad: 2).alpha == 2.0 / 3)
  }

  /// The tangent configuration: 2 of 6 points outside the unit ball, so
  /// Minsker's α (our ψ) = 1/3 and the paper's α = 2/4 = 1/2; the bound is
  /// C_ψ r = (2/3)/√(1/3) = 2/√3 = 1/√(1 − 1/4). Reading Minsker's α as the
  /// paper's α (1/2) would give (1/2)/√0: no bound at all.
  @Test func gmRobustnessBoundUsesPsiAndReportsThePaperAlpha() {
    let r = GMRobustnessCase.tangentExample.evaluate()
    #expect(r.outside == 2)
    #expect(abs(r.psi - 1.0 / 3) < 1e-15)
    #expect(abs(r.alpha - 0.5) < 1e-15)
    #expect(abs(r.bound - 2 / 3.0.squareRoot()) < 1e-12)
    #expect(abs(r.bound - GMRobustnessCase.constant(paperAlpha: r.alpha)) < 1e-12)
    #expect(GMRobustnessClaims.statement.contains("ψ < 1/2") && GMRobustnessClaims.statement.contains("α = ψ/(1 − ψ)"))
  }

  /// On generated point sets, C_ψ r = r/√(1 − α²) with α = outside/(n − outside).
  @Test func minskerConstantInThePaperAlphaOnGeneratedCases() throws {
    var checked = 0
    for seed in UInt64(0)..<60 {
      guard let c = try? GMRobustnessCase.generator.example(seed: seed) else { continue }
      let r = c.evaluate(estimator: .coordinateMean)
      guard 2 * r.outside < c.points.count else { continue }
      let alpha = Double(r.outside) / Double(c.points.count - r.outside)
      #expect(abs(r.alpha - alpha) < 1e-15)
      #expect(abs(r.bound - c.radius * GMRobustnessCase.constant(paperAlpha: alpha)) <= 1e-12 * r.bound)
      checked += 1
    }
    #expect(checked > 30)
  }
}
