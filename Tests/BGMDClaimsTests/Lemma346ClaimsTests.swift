import BGMD
@testable import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

/// Lemmas 3, 4 and 6: the right-hand sides against hand computations in ℚ,
/// the exact tree against a hand-run instance, and the families at the quick
/// profile (verdicts and controls).
@Suite struct Lemma346ClaimsTests {
  static func r(_ p: Int, _ q: Int = 1) -> Rational { Rational(p, q) }

  /// (11): 4(1 − ξ²)γ²σ²/ξ² at ξ = 1/2, γ = 1/3, σ² = 2: 4·(3/4)·(1/9)·2·4 = 8/3.
  @Test func lemma3RightHandSideConstant() {
    #expect(Lemma3Claims.rightHandSide(xi: Self.r(1, 2), gamma: Self.r(1, 3), sigma2: Self.r(2)) == Self.r(8, 3))
  }

  /// (12) at ξ = 1/2, γ = 1/3, σ² = 2, α = 1/2, ε = 3, |𝔾| = 2:
  /// 96·(1/9)·2/(1/4)·[1 + 4·(3/4)/(1/4)] = (256/3)·13 = 3328/3, plus
  /// 2·9/(4·(1/4)) = 18: 3382/3.
  @Test func lemma4RightHandSideConstant() {
    let rhs = Lemma4Claims.rightHandSide(xi: Self.r(1, 2), gamma: Self.r(1, 3), sigma2: Self.r(2), alpha: Self.r(1, 2),
                                         epsilon: Self.r(3), good: 2)
    #expect(rhs == Self.r(3382, 3))
  }

  /// (14) with f(x̃_t) = 5, ‖∇f(x_t)‖² = 4, ‖x̃_t − x_t‖² = 1, E_t‖g_t‖² = 3,
  /// E_t‖z_t‖² = 2, γ = 1/2, L = 2, ρ = 1/4:
  /// 5 − (1/4)(1/4)·4 + (3·(1/2)·4/2)·1 + 2·(1/4)·3 + (2 + 4 + 1)·2 = 93/4.
  @Test func lemma6RightHandSideConstant() {
    let node = Lemma6Node(step: 0, virtualLoss: Self.r(5), gradientNormSquared: Self.r(4), gapSquared: Self.r(1),
                          nextVirtualLoss: Self.r(0), honestMeanSquared: Self.r(3), perturbationSquared: Self.r(2),
                          bias: Self.r(0))
    #expect(Lemma6Claims.rightHandSide(node, gamma: Self.r(1, 2), smoothness: Self.r(2), rho: Self.r(1, 4)) == Self.r(93, 4))
  }

  /// f(x) = ½(x₁² + x₂²/2), x_0 = (2, 2), γ = 1, b = 1, k = 1, top-k, no noise:
  /// G̃_0 = ∇f(x_0) = (2, 1); the block is {0}; M_0 = (0, 1), so
  /// E‖m̂_1‖² = 1, ξ = 4/5 (retained 4 of 5), σ² (second moment) = 5.
  static func handCase(noise: String = "none", memory: MemoryVariant = .averaged) -> ExactCase {
    ExactCase(memory: memory, reading: .topK, k: 1, stepSize: r(1), eigenvalues: [r(1), r(1, 2)],
              householderVectors: [], minimizer: [r(0), r(0)], noise: noise, noiseScale: r(1),
              initialIterate: [r(2), r(2)], rows: 1, badCount: 0, badRows: [[]], aggregator: "injected",
              outputs: [[r(2)]], steps: 1, rho: r(1, 4), pathSeed: 0)
  }

  @Test func exactTreeMatchesAHandRun() throws {
    let tree = try ExactTree(Self.handCase())
    #expect(tree.memory == [Self.r(1)])
    #expect(tree.xi == Self.r(4, 5))
    #expect(tree.secondMoment == Self.r(5))
    #expect(tree.variance == Self.r(0))
    // z_0 = g̃_0 − Δ_0 = (2, 0) − (2, 0) = 0.
    #expect(tree.perturbation == [Self.r(0)])
    // (11) with these: 4(1 − 16/25)·5/(16/25) = 45/4 ≥ 1.
    #expect(Lemma3Claims.bound(Self.handCase(), tree: tree, reading: .secondMoment, xi: .delivered).failure == nil)
    // Variance reading: σ² = 0, so the bound is 0 < 1: refuted.
    #expect(Lemma3Claims.bound(Self.handCase(), tree: tree, reading: .variance, xi: .delivered).failure != nil)
    #expect(try ExactTree.pathDisagreement(Self.handCase()) == nil)
  }

  @Test func signedBasisNoiseIsEnumeratedExactly() throws {
    let c = Self.handCase(noise: "signed-basis", memory: .perRow)
    let tree = try ExactTree(c)
    #expect(tree.levelMass == [Self.r(1)])
    #expect(tree.variance == Self.r(1))
    #expect(tree.largestNoiseMean == Self.r(0))
    // Four outcomes of G̃_0 = (2, 1) + n, n = ±e_j: (3, 1), (1, 1), (2, 2), (2, 0);
    // top-k keeps column 0 (ties to the lower index): M = 1, 1, 4, 0 → E = 3/2.
    #expect(tree.memory == [Self.r(3, 2)])
    #expect(tree.leaves == 4)
  }

  @Test func theLibraryAgreesWithTheTreeOnGeneratedCases() throws {
    for memory in [MemoryVariant.averaged, .perRow] {
      let gen = ExactCaseGenerator(memory: memory, corrupted: true, aggregators: ["median", "injected", "offset", "weiszfeld"],
                                   maxBlock: nil, maxDimension: 3, maxRows: 4, maxSteps: 3, maxLeaves: 100).gen
      for seed in UInt64(0)..<8 {
        guard let c = try? gen.example(seed: seed) else { continue }
        #expect(try ExactTree.pathDisagreement(c) == nil, "\(c.shape)")
      }
    }
  }

  /// The quick campaign of the three families: the verdicts the analysis in
  /// Proofs/lemma-3.md, lemma-4.md, lemma-6.md expects, every `holds` with
  /// all its controls refuted.
  @Test func quickCampaign() {
    let claims = Lemma3Claims.family.claims.filter { $0.id.hasSuffix("clean/second-moment") || $0.id.hasSuffix("variance") && $0.id.contains("averaged/clean") || $0.id.contains("corrupted/second-moment") }
      + Lemma4Claims.family.claims.filter { $0.id.contains("per-row/clean") }
      + Lemma6Claims.family.claims.filter { $0.id.contains("averaged/corrupted") }
    let report = Campaign(seed: 1, profile: .quick, threads: 2).run(claims)
    var verdicts: [String: Verdict] = [:]
    for c in report.claims {
      verdicts[c.id] = c.verdict
      if c.verdict == .holds {
        #expect(c.power?.isComplete == true, "\(c.id): \(c.power?.line ?? "no power")")
        let allHeld = c.hypotheses.allSatisfy { $0.held }
        #expect(allHeld, "\(c.id)")
      }
    }
    #expect(verdicts["lemma3/memory-bound/averaged/clean/second-moment"] == .holds)
    #expect(verdicts["lemma3/memory-bound/per-row/clean/second-moment"] == .holds)
    #expect(verdicts["lemma3/memory-bound/averaged/clean/variance"] == .refuted)
    #expect(verdicts["lemma3/memory-bound/averaged/corrupted/second-moment"] == .refuted)
    #expect(verdicts["lemma3/memory-bound/per-row/corrupted/second-moment"] == .refuted)
    #expect(verdicts["lemma4/perturbation-bound/per-row/clean/second-moment"] == .holds)
    #expect(verdicts["lemma4/perturbation-bound/per-row/clean/variance"] == .holds)
    #expect(verdicts["lemma6/recursion/averaged/corrupted/injected"] == .holds)
    #expect(verdicts["lemma6/recursion/averaged/corrupted/geometric-median"] == .holds)
  }

  /// Each control alone, with the claim's budget: it must be refuted.
  @Test func controlsAreRefuted() throws {
    let ctx = ClaimContext(id: "lemma3/memory-bound/per-row/clean/second-moment", seed: 7, profile: .quick,
                           budget: Profile.quick.budget, threads: 2, cancellation: CancellationFlag(), fixtures: nil,
                           control: nil)
    for control in Lemma3Claims.controls(.perRow, "clean", .secondMoment)
      + Lemma4Claims.controls(.averaged, "clean", .secondMoment) + Lemma6Claims.controls(.perRow, "clean", "injected")
    {
      let r = try control.body(ctx.forControl(control.name))
      #expect(r.verdict == .refuted, "\(control.name): \(r.verdict)")
    }
  }

  @Test func fixturesReplay() throws {
    let c = Self.handCase()
    let fixture = Fixture(claim: "lemma3/memory-bound/averaged/clean/variance", expect: .refutes,
                          input: try JSONValue(encoding: c), observed: .null, summary: "hand")
    #expect(try FixtureReplay.replay(fixture))
    let holding = Fixture(claim: "lemma3/memory-bound/averaged/clean/second-moment", expect: .refutes,
                          input: try JSONValue(encoding: c), observed: .null, summary: "hand")
    #expect(try FixtureReplay.replay(holding) == false)
  }
}
