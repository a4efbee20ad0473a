import BGMD
@testable import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness
import Testing

@testable import BGMDClaims
import TestSupport

/// The self-check family: every claim holds on the implementation with each
/// control refuted, and the checks refute the concrete bugs the mutants in
/// `mutants/` plant (written here as broken implementations).
@Suite struct SelfCheckTests {
  static func run(_ spec: ClaimSpec) -> ClaimRecord {
    Campaign(seed: 1, profile: .quick, threads: 2).run([spec]).claims[0]
  }

  static func context(_ id: String) -> ClaimContext {
    ClaimContext(id: id, seed: 11, profile: .quick, budget: Profile.quick.budget, threads: 2,
                 cancellation: CancellationFlag(), fixtures: nil, control: nil)
  }

  @Test func familyHoldsWithEveryControlRefuted() {
    let family = SelfCheckClaims.family
    #expect(family.claims.count == 15)
    #expect(ClaimRegistry.family(owning: "self-check/rules/krum")?.name == "self-check")
    let report = Campaign(seed: 1, profile: .quick, threads: 2).run(family.claims)
    for r in report.claims {
      #expect(r.verdict == .holds, "\(r.id): \(r.verdict.rawValue) \(r.vacuity ?? "") \(r.worst?.case ?? "")")
      #expect(r.power?.isComplete == true, "\(r.id): \(r.power?.line ?? "no power")")
    }
  }

  @Test func samplerCheckRefutesNormWeightsAndAcceptsTheRealSampler() throws {
    let ctx = Self.context("self-check/sampler/successive")
    let good = try SelfCheckSampler.check(ctx, reading: .successive, sampler: SelfCheckSampler.implementation)
    #expect(good.verdict == .holds)
    let bad = try SelfCheckSampler.check(ctx, reading: .successive, sampler: { g, k, _, rng in
      try selectBlock(g, k: k, reading: .normProportional, using: &rng)
    })
    #expect(bad.verdict == .refuted)
    #expect(bad.worst?.case?.contains("exact π") == true)
  }

  @Test func distributionCheckRefutesNormalisationByTheTotal() throws {
    let g = try SelfCheckSupport.rational([[1, 2, 3, 4]])
    var total = Rational.zero
    for (_, p) in SelfCheckDistribution.normalisedByTotal(g, k: 2) { total += p }
    #expect(total != Rational(1))
    let r = try SelfCheckDistribution.check(Self.context("self-check/block-distribution"), distribution: { g, k, reading in
      reading == .successive && k == 2 && g.columns == 4 ? SelfCheckDistribution.normalisedByTotal(g, k: k)
        : try blockDistribution(g, k: k, reading: reading)
    })
    #expect(r.verdict == .refuted)
  }

  @Test func rulesCheckRefutesLowerMiddleAndKrumOffByOne() throws {
    let median = try SelfCheckRules.check(Self.context("self-check/rules/coordinate-median"), kind: .coordinateMedian,
                                          rule: { _, _ in SelfCheckRules.Rule(inDouble: { SelfCheckRules.lowerMiddle($0) },
                                                                             inRational: { coordinateMedian($0) }) })
    #expect(median.verdict == .refuted)
    // The definition itself: b = 4 takes the mean of the two middle values.
    #expect(SelfCheckRules.reference(.coordinateMedian, [[1], [2], [4], [9]], .init()) == [Rational(3)])
    // Krum with n = 5, f = 1: m = 2 neighbours.
    let rows = [[0], [1], [3], [10], [11]]
    var p = SelfCheckRules.Parameters()
    p.byzantine = 1
    // scores with 2 neighbours: 0 → 1+9 = 10, 1 → 1+4 = 5, 3 → 4+9 = 13, 10 → 1+49 = 50, 11 → 1+64 = 65.
    #expect(SelfCheckRules.reference(.krum, rows, p) == [Rational(1)])
    let krum = try SelfCheckRules.check(Self.context("self-check/rules/krum"), kind: .krum, rule: { kind, p in
      var q = p
      q.byzantine = max(0, p.byzantine - 1)
      return try SelfCheckRules.implementation(kind, q)
    })
    #expect(krum.verdict == .refuted)
  }

  @Test func certificateCheckRefutesAnOverstatedBound() throws {
    let ctx = Self.context("self-check/geometric-median/certificate")
    let good = try SelfCheckGeometricMedian.checkCertificate(ctx, solver: SelfCheckGeometricMedian.implementation)
    #expect(good.verdict == .holds)
    // Stopping at the coordinate-median start (5, 0), a data point that is not
    // the median, and claiming the fixed-point bound there.
    let bad = try SelfCheckGeometricMedian.checkCertificate(ctx, solver: { x, o in
      var s = try geometricMedian(x, options: o)
      s.certificate.lowerBound = s.certificate.objective * (1 + 1e-6)
      return s
    })
    #expect(bad.verdict == .refuted)
  }

  @Test func rationalOrderCheckRefutesMixedSignBug() throws {
    #expect(SelfCheckRational.crossLess((-1, 2), (1, 3)))
    #expect(!SelfCheckRational.crossLess((1, 3), (-1, 2)))
    #expect(SelfCheckRational.crossEqual((2, 4), (1, 2)))
    let r = try SelfCheckRational.check(Self.context("self-check/rational/order"), less: { a, b in
      a.signum < 0 && b.signum > 0 ? false : a < b
    })
    #expect(r.verdict == .refuted)
    let exhaustive = try SelfCheckRational.check(Self.context("self-check/rational/order"), less: SelfCheckRational.implementation)
    #expect(exhaustive.verdict == .holds)
  }

  @Test func mutantPatchesNameTheirSuites() throws {
    // Every committed mutant has a header naming its unit-test suites.
    let folder = packageRoot.appendingPathComponent("mutants")
    let patches = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".patch") }
    #expect(patches.count >= 20)
    for name in patches {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(text.contains("# Tests: "), "\(name)")
      #expect(text.contains("\n+++ b/Sources/"), "\(name)")
    }
  }
}
