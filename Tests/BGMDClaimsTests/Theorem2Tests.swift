import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness
import Testing

@testable import BGMDClaims
import TestSupport

/// A quadratic instance with the given knobs (the rest fixed).
func theorem2Instance(_ setting: Theorem2Setting = .clean, theorem: BoundTheorem = .theorem2, k: Int = 4, noise: String = "none",
                      runs: Int = 4, horizons: [Int] = [1, 10, 20, 40], variant: Theorem2Variant? = nil)
  -> Theorem2Instance
{
  Theorem2Instance(
    theorem: theorem, problem: "quadratic", problemSeed: 7, dimension: 4, rank: 3, conditionNumber: 4, blockSize: k,
    rows: 10, noise: noise, noiseNumerator: 1, noiseDenominator: 2, startScale: 3, corruption: setting.corruption,
    badPercent: setting.badPercent, attack: 4, magnitudeExponent: 2, runs: runs, runSeed: 11, horizons: horizons,
    variant: variant)
}

/// The instance of issue 13's deep-profile refutation: d = 2, κ = 1, k = d,
/// no noise, no corruption (identical rows), T up to 1280.
func theorem2RoundingInstance(runs: Int = 2) -> Theorem2Instance {
  Theorem2Instance(
    theorem: .theorem2, problem: "quadratic", problemSeed: 3, dimension: 2, rank: 2, conditionNumber: 1, blockSize: 2,
    rows: 10, noise: "none", noiseNumerator: 1, noiseDenominator: 1, startScale: 1, corruption: .none,
    badPercent: 0, attack: 0, magnitudeExponent: 0, runs: runs, runSeed: 5, horizons: [1, 160, 320, 640, 1280])
}

@Suite struct TheoremBoundTests {
  /// (16) and (17) written out again here in ℚ, for L = 2, μ = 1/2, R0 = 3,
  /// σ² = 5/4, ξ = 1/2, α = 1/4, |𝔾| = 8, ε = 1/10, T = 3: each term of the
  /// library's `TheoremBound` agrees to 1e−13 relative. A wrong constant
  /// (2304 → 2034, 3072 → 3027, a missing factor) fails this test.
  @Test func explicitConstantsAgainstRationals() {
    let l = Rational(2), mu = Rational(1, 2), r0 = Rational(3), s2 = Rational(5, 4), xi = Rational(1, 2)
    let alpha = Rational(1, 4), g = Rational(8), eps = Rational(1, 10)
    let t = 3
    let shrink = (Rational(1) - xi * xi) / (xi * xi)
    let oma2 = (Rational(1) - alpha) * (Rational(1) - alpha)
    func power(_ x: Rational, _ n: Int) -> Rational { (0..<n).reduce(Rational(1)) { a, _ in a * x } }
    // (16), γ = 1/(2L).
    let g1 = Rational(1) / (Rational(2) * l)
    let expected16: [Rational] = [
      Rational(8) * r0 / (g1 * Rational(t)),
      Rational(8) * l * g1 * s2,
      Rational(48) * l * l * g1 * g1 * s2 * shrink,
      Rational(2304) * s2 / oma2 * (Rational(1) + Rational(4) * shrink),
      Rational(48) * eps * eps / (g1 * g1 * g * g * oma2),
    ]
    // (17), γ = 1/(4L).
    let g2 = Rational(1) / (Rational(4) * l)
    let expected17: [Rational] = [
      Rational(16) * r0 / (mu * mu * g2) * power(Rational(1) - mu * g2 / Rational(2), t),
      Rational(16) * l * g2 * s2 / (mu * mu),
      Rational(80) * g2 * g2 * s2 * l * l * shrink / (mu * mu),
      Rational(3072) * s2 / (mu * mu * oma2) * (Rational(1) + Rational(4) * shrink),
      Rational(64) * eps * eps / (mu * mu * g2 * g2 * g * g * oma2),
    ]
    let c = TheoremBound.Constants(smoothness: 2, mu: 0.5, initialGap: 3, sigmaSquared: 1.25, xi: 0.5, alpha: 0.25,
                                   goodCount: 8, epsilon: 0.1)
    for (theorem, expected) in [(BoundTheorem.theorem1, expected16), (.theorem2, expected17)] {
      let b = TheoremBound(theorem: theorem, horizon: t, constants: c)
      for (term, exact) in zip(b.terms, expected) {
        let x = Double(exact)
        #expect(abs(term - x) <= 1e-13 * abs(x), "theorem \(theorem): \(term) vs \(exact)")
      }
      let total = Double(expected.reduce(Rational(0), +))
      #expect(abs(b.total - total) <= 1e-13 * total)
      #expect(b.upper(horizon: t) >= b.total)
    }
    // Two hand values: 8R0/(γT) = 8·3/((1/4)·3) = 32; 2304σ²/(1 − α)²·13 = 66560.
    #expect(expected16[0] == Rational(32) && expected16[3] == Rational(66560))
  }
}

@Suite struct Theorem2RunTests {
  /// x̂_1 = x_0 and x̂_2 = (q x_0 + x_1)/(q + 1), x_1 = x_0 − γ∇f(x_0)
  /// (noise-free clean rows are identical: the GM is the row).
  @Test func weightedAverageOfTheFirstTwoIterates() throws {
    let inst = theorem2Instance(horizons: [1, 2])
    let p = Theorem2Problem(inst)
    let run = runTheorem2(inst, problem: p, seed: 5)
    #expect(abs(run.squaredDistances[0] - p.initialDistance) <= 1e-12 * max(1, p.initialDistance))
    let f = try #require(inst.quadratic()).converted(to: Double.self)
    let x0 = p.start
    let x1 = zip(x0, f.gradient(x0)).map { $0 - p.stepSize * $1 }
    let q = p.rate
    let average = zip(x0, x1).map { (q * $0 + $1) / (q + 1) }
    let expected = f.squaredDistanceToSolutionSet(average)
    #expect(abs(run.squaredDistances[1] - expected) <= 1e-12 * max(1, expected))
    #expect(run.squaredDistancesLower[1] <= run.squaredDistances[1])
    #expect(run.squaredDistancesLower[1] >= 0.999 * run.squaredDistances[1])
    #expect(run.epsilon[1] == 0 && run.retained[1] == 1 && !run.diverged && run.failure == nil)
  }

  /// The variants do what they say: frozen keeps x_0 (LHS constant), the
  /// step past the theorem and the ascent blow up.
  @Test func variantsBreakTheAlgorithm() {
    let frozen = theorem2Instance(horizons: [1, 20, 40], variant: .ignoresGradients)
    let p = Theorem2Problem(frozen)
    let r = runTheorem2(frozen, problem: p, seed: 1)
    #expect(r.squaredDistances.allSatisfy { abs($0 - p.initialDistance) <= 1e-9 * p.initialDistance })
    for v in [Theorem2Variant.stepPastTheorem, .ascends] {
      let inst = theorem2Instance(horizons: [1, 20, 40], variant: v)
      let run = runTheorem2(inst, problem: Theorem2Problem(inst), seed: 1)
      #expect(run.squaredDistances[2] > 1e3 * p.initialDistance, "\(v)")
    }
  }

  @Test func sameSeedSameEvaluation() {
    let a = Theorem2Evaluation(theorem2Instance(.additive20, k: 2, noise: "rademacher"), threads: 2)
    let b = Theorem2Evaluation(theorem2Instance(.additive20, k: 2, noise: "rademacher"), threads: 1)
    #expect(a.calibration == b.calibration && a.secondMoment == b.secondMoment && a.epsilonAbsolute == b.epsilonAbsolute)
  }

  /// The hypotheses measured on an instance hold (exact spectrum in ℚ, γ, α).
  @Test func hypothesesOfABuiltInstanceHold() {
    let e = Theorem2Evaluation(theorem2Instance(.bitFlip40, k: 4, runs: 2), threads: 1)
    let hs = theorem2Hypotheses(e, .secondMoment)
    #expect(hs.count == 6)
    for h in hs { #expect(h.held, "\(h.name): \(h.detail)") }
  }

  /// Algorithm 1 as printed averages the memory over all b rows, the
  /// corrupted ones included (8): with k < d and the −100·g bit flip the
  /// stated algorithm diverges, so σ² of the second-moment reading is not
  /// bounded in T and the hypothesis says so (the bound is then vacuous, not
  /// true).
  @Test func secondMomentUnboundedWhenTheStatedAlgorithmDiverges() {
    let e = Theorem2Evaluation(theorem2Instance(.bitFlip40, k: 2, runs: 2), threads: 1)
    let h = theorem2Hypotheses(e, .secondMoment).first { $0.name.hasPrefix("σ² bounded uniformly") }
    #expect(h?.held == false)
  }
}

@Suite struct Theorem2RoundingTests {
  /// Issue 13: d = 2, κ = 1, k = d, no noise, identical rows, T = 1280. The
  /// computed ‖x̂_T − x_p‖² sits at the rounding floor of a Double iterate
  /// while (17) has fallen far below it: the comparison without the floor
  /// (what the old check did) puts LHS/RHS far above 1; with the floor the
  /// ratio is at most 1 and the planned test does not refute.
  @Test func roundingFloorPreventsARoundingRefutation() throws {
    let e = Theorem2Evaluation(theorem2RoundingInstance(), threads: 1)
    let last = e.instance.horizons.count - 1
    let raw = e.rawRatios(.variance)[last]
    #expect(raw > 1e6, "raw ratio \(raw): the instance no longer shows the rounding problem")
    #expect(e.ratios(.variance).allSatisfy { $0 <= 1 }, "\(e.ratios(.variance))")
    #expect(e.bound(.variance, at: last).total < 1e-60)
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 0.01, beta: 0.01, margin: 0.25, firstLook: 16,
                                  maxSamples: 256)
    let c = Theorem2Confirmation(instance: e.instance, reading: .variance, horizonIndex: last,
                                 rhs: e.rhsUpper(.variance, at: last), plan: plan, seed: 3)
    let (result, failures) = try c.run(problem: e.problem, threads: 2)
    #expect(failures.isEmpty)
    #expect(result?.decision == .holds)
  }

  /// A non-finite LHS is an implementation error with its input, never a sample.
  @Test func nonFiniteLHSIsAnImplementationError() throws {
    // γ = 3/L diverges as 2^T: past T ≈ 1000 the iterate overflows.
    var inst = theorem2RoundingInstance(runs: 1)
    inst.horizons = [1, 1100]
    inst.variant = .stepPastTheorem
    let e = Theorem2Evaluation(inst, threads: 1)
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 0.01, beta: 0.01, margin: 0.25, firstLook: 4,
                                  maxSamples: 4096)
    let c = Theorem2Confirmation(instance: inst, reading: .variance, horizonIndex: 1, rhs: e.rhsUpper(.variance, at: 1),
                                 plan: plan, seed: 1)
    let (result, failures) = try c.run(problem: e.problem, threads: 1)
    #expect(result == nil)
    // The overflowing run is named with its input and what went non-finite
    // (the LHS, or the rule that met only non-finite rows on the way).
    #expect(failures.first.map { $0.contains("not finite") || $0.contains("is inf") || $0.contains("non-finite") } == true,
            "\(failures)")
    #expect(failures.first?.contains("d=2") == true)
  }
}

/// Runs one check body as the campaign would (same seed for the same id).
func theorem2CheckOnce(id: String, _ body: @escaping @Sendable (ClaimContext) throws -> ClaimRecord) -> ClaimRecord {
  let report = Campaign(seed: 1, profile: .quick).run([ClaimSpec(id: id, controls: [], body: body)])
  return report.claims[0]
}

@Suite struct Theorem2ControlTests {
  /// Every control of Theorem 1 and 2 in the clean and bit-flip settings,
  /// under both readings, comes out refuted by the claim's own check (quick).
  @Test(arguments: BoundTheorem.allCases)
  func controlsAreRefuted(theorem: BoundTheorem) throws {
    for (setting, reading) in [(Theorem2Setting.clean, Assumption1Reading.variance), (.bitFlip20, .secondMoment)] {
      for variant in TheoremBoundClaims.controls(setting, reading) {
        let id = TheoremBoundClaims.id(setting, reading, theorem: theorem)
        let r = theorem2CheckOnce(id: id) { ctx in
          try TheoremBoundClaims.check(setting, reading, theorem: theorem, variant: variant,
                                   context: ctx.forControl(variant.rawValue))
        }
        #expect(r.verdict == .refuted, "\(id) control \(variant.rawValue): \(r.verdict) \(r.evidence)")
      }
    }
  }

  /// A fixture of a refuted control replays (and the same fixture with the
  /// algorithm as stated does not refute).
  @Test func fixtureOfARefutationReplays() throws {
    let e = Theorem2Evaluation(theorem2Instance(runs: 2, variant: .ascends), threads: 1)
    let plan = try Theorem2Plan.forProfile(.quick).sequential()
    let c = Theorem2Confirmation(instance: e.instance, reading: .variance, horizonIndex: 3,
                                 rhs: e.rhsUpper(.variance, at: 3), plan: plan, seed: 9)
    let (result, _) = try c.run(problem: e.problem, threads: 1)
    let res = try #require(result)
    #expect(res.decision == .refuted)
    let fixture = theorem2Fixture(claim: "theorem2/bound/clean/variance", confirmation: c, result: res)
    #expect(try TheoremBoundClaims.replay(fixture))
    var stated = fixture
    guard case .object(var input) = stated.input, case .object(var inst)? = input["instance"] else {
      Issue.record("fixture shape")
      return
    }
    inst.removeValue(forKey: "variant")
    input["instance"] = .object(inst)
    stated.input = .object(input)
    #expect(try !TheoremBoundClaims.replay(stated))
  }
}

@Suite struct Theorem2CampaignTests {
  @Test func quickCampaignGivesEveryClaimAVerdictAndReplaysItsFixtures() throws {
    let root = temporaryDirectory("theorem2-fixtures")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = FixtureStore(root: root, names: ClaimRegistry.names)
    let start = Date()
    // The bound claims of both theorems (the convergence claims have their own suite).
    let claims = TheoremBoundClaims.claims(theorem: .theorem2) + Theorem1Claims.claims
    let report = Campaign(seed: 1, profile: .quick, fixtures: store).run(claims)
    let seconds = Date().timeIntervalSince(start)
    #expect(report.claims.count == 2 * Theorem2Setting.allCases.count * Assumption1Reading.allCases.count)
    for record in report.claims {
      print("\(record.id): \(record.verdict.rawValue) worst \(record.worst?.ratio.map { "\($0)" } ?? "-") "
            + "power \(record.power?.line ?? "-") \(record.vacuity ?? "")")
      #expect(record.method != "error", "\(record.id): \(record.evidence)")
      #expect(record.evidence["implementationError"] == nil, "\(record.id)")
      if record.verdict == .refuted {
        let fixtures = try store.load(claim: record.id)
        #expect(fixtures.count == 1, "\(record.id)")
        for stored in fixtures { #expect(try TheoremBoundClaims.replay(stored.fixture), "\(record.id)") }
      }
      if record.verdict == .holds { #expect(record.power?.isComplete == true, "\(record.id)") }
    }
    print("theorem-1 and theorem-2 families at quick: \(seconds) s")
  }
}

@Suite struct Theorem2OracleTests {
  /// The specialised oracle draws exactly what `PLQuadratic.stochasticGradients` draws.
  @Test(arguments: ["none", "rademacher", "signed-basis"])
  func oracleMatchesTheLibrary(noise: String) throws {
    let inst = theorem2Instance(noise: noise)
    let p = Theorem2Problem(inst)
    let f = try #require(inst.quadratic()).converted(to: Double.self)
    var a = Xoshiro256(seed: 9)
    var b = Xoshiro256(seed: 9)
    for _ in 0..<5 {
      let mine = p.oracle(p.start, 10, &a)
      let library = f.stochasticGradients(p.start, rows: 10, using: &b)
      #expect(mine.storage == library.storage)
    }
    #expect(a.next() == b.next())
    #expect(p.gradientSquaredNorm(p.start) == f.gradient(p.start).reduce(0) { $0 + $1 * $1 })
  }
}
