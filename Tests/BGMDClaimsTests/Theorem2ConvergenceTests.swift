import BGMD
import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

@Suite struct Theorem2ConvergenceTests {
  /// F = 1 + 4(1 − ξ²)/ξ²: 1 at k = d (GMD), 13 at ξ = 1/2, 97 at ξ = 1/5.
  @Test func factorIsTheSigmaTermsFactorOf17() {
    #expect(Theorem2ConvergenceClaims.factor(blockSize: 4, dimension: 4) == 1)
    #expect(Theorem2ConvergenceClaims.factor(blockSize: 1, dimension: 2) == 13)
    #expect(abs(Theorem2ConvergenceClaims.factor(blockSize: 1, dimension: 5) - 97) < 1e-12)
  }

  /// Y = g_B/(g_B + F·g_G) is at most 1/2 exactly when g_B ≤ F·g_G; values
  /// below the rounding floor count as the floor; both zero gives 0; a
  /// non-finite value gives NaN (an implementation error, never a sample).
  @Test func transformDecidesWithinTheFactor() {
    let y = { (b: Double, g: Double, f: Double) in
      Theorem2ConvergenceClaims.transform(bgmd: b, bgmdFloor: 0, gmd: g, gmdFloor: 0, factor: f)
    }
    #expect(y(3, 1, 3) == 0.5)
    #expect(y(2.9, 1, 3) < 0.5)
    #expect(y(3.1, 1, 3) > 0.5)
    #expect(y(0, 0, 13) == 0)
    #expect(y(1, 0, 13) == 1)
    #expect(y(0, 1, 13) == 0)
    #expect(y(.infinity, 1, 13).isNaN)
    #expect(y(1, .nan, 13).isNaN)
    // 1e-40 and 1e-30 are both under a floor of 1e-20: a tie.
    let tied = Theorem2ConvergenceClaims.transform(bgmd: 1e-30, bgmdFloor: 1e-20, gmd: 1e-40, gmdFloor: 1e-20,
                                                   factor: 1)
    #expect(tied == 0.5)
  }

  /// The memory field leaves the printed algorithm's runs alone: `nil` and
  /// `.averaged` give the same run bit for bit, and an instance without a
  /// memory encodes without the key (stored fixtures stay valid).
  @Test func absentMemoryIsThePrintedAlgorithm() throws {
    let stated = theorem2Instance(.bitFlip20, k: 2, noise: "rademacher", runs: 1)
    var explicit = stated
    explicit.memory = .averaged
    let p = Theorem2Problem(stated)
    let a = runTheorem2(stated, problem: p, seed: 9)
    let b = runTheorem2(explicit, problem: p, seed: 9)
    #expect(a == b)
    let json = try #require(String(data: try ClaimCheckJSON.encoder(pretty: false).encode(stated), encoding: .utf8))
    #expect(!json.contains("memory"))
    var robust = stated
    robust.memory = .filteredMean
    let decoded = try ClaimCheckJSON.decoder().decode(
      Theorem2Instance.self, from: try ClaimCheckJSON.encoder(pretty: false).encode(robust))
    #expect(decoded == robust)
  }

  /// At k = d every memory stays 0, so BGMD with a robust memory is GMD: the
  /// paired runs agree bit for bit and Y = 1/2 with F = 1.
  @Test(arguments: Theorem2ConvergenceClaims.memories)
  func fullBlockIsGMD(memory: MemoryVariant) {
    var inst = theorem2Instance(.bitFlip40, k: 4, noise: "rademacher", runs: 2)
    inst.memory = memory
    let e = Theorem2ConvergenceEvaluation(inst, threads: 1)
    #expect(e.factor == 1)
    #expect(e.bgmd == e.gmd)
    #expect(e.meanTransform.allSatisfy { $0 == 0.5 })
  }

  /// On the same instance under the bit flip at ψ = 0.4, a robust memory is
  /// within F of GMD on both runs while the printed memory is not.
  @Test func printedMemoryBreaksWhereTheRobustOneDoesNot() {
    var robust = theorem2Instance(.bitFlip40, k: 2, runs: 2)
    robust.memory = .normFiltered
    var printed = robust
    printed.memory = .averaged
    let r = Theorem2ConvergenceEvaluation(robust, threads: 1)
    let p = Theorem2ConvergenceEvaluation(printed, threads: 1)
    #expect(r.usable == robust.horizons.count)
    #expect(r.meanTransform.allSatisfy { $0 < 0.5 }, "\(r.meanTransform)")
    #expect(p.meanTransform.contains { $0 > 0.5 }, "\(p.meanTransform)")
  }

  /// One claim with every control at quick: the claim holds, its hypotheses
  /// hold, and every control (printed memory, dropped residual, ascent,
  /// γ = 3/L) comes out refuted.
  @Test func quickClaimHoldsAndItsControlsAreRefuted() throws {
    let spec = try #require(Theorem2ConvergenceClaims.claims.first {
      $0.id == "theorem2/convergence-vs-gmd/coordinate-median/bit-flip-40"
    })
    #expect(Theorem2ConvergenceClaims.controls(.bitFlip40).count == 4)
    #expect(Theorem2ConvergenceClaims.controls(.clean).count == 3)
    let report = Campaign(seed: 1, profile: .quick).run([spec])
    let record = report.claims[0]
    #expect(record.verdict == .holds, "\(record.evidence)")
    #expect(record.power?.isComplete == true, "\(String(describing: record.power))")
    #expect(record.evidence["implementationError"] == nil)
  }

  /// A refutation's fixture replays (the printed memory under the bit flip);
  /// the same fixture with a robust memory no longer refutes.
  @Test func fixtureOfARefutationReplays() throws {
    var printed = theorem2Instance(.bitFlip40, k: 2, runs: 2)
    printed.memory = .averaged
    let e = Theorem2ConvergenceEvaluation(printed, threads: 1)
    let index = try #require(e.testHorizon)
    let c = Theorem2ConvergenceConfirmation(instance: printed, horizonIndex: index,
                                            plan: try Theorem2Plan.forProfile(.quick).sequential(), seed: 3)
    let (result, failures) = try c.run(threads: 2)
    #expect(failures.isEmpty)
    let res = try #require(result)
    #expect(res.decision == .refuted)
    let fixture = c.fixture(claim: "theorem2/convergence-vs-gmd/coordinate-median/bit-flip-40", result: res)
    let replay = try #require(Theorem2Claims.family.replay)
    #expect(try replay(fixture))
    var robust = fixture
    var instance = printed
    instance.memory = .normFiltered
    if case .object(var input) = fixture.input {
      input["instance"] = try JSONValue(encoding: instance)
      robust.input = .object(input)
    }
    #expect(try !Theorem2ConvergenceClaims.replay(robust))
  }

  /// The paired runs do not depend on the thread count.
  @Test func sameSeedSamePairedRunsWhateverTheThreads() {
    var inst = theorem2Instance(.additive20, k: 2, noise: "rademacher", runs: 3)
    inst.memory = .coordinateMedian
    let a = Theorem2ConvergenceEvaluation(inst, threads: 1)
    let b = Theorem2ConvergenceEvaluation(inst, threads: 2)
    #expect(a.bgmd == b.bgmd && a.gmd == b.gmd)
    #expect(a.meanTransform == b.meanTransform)
  }

  /// Every memory × setting has its id, under the family's prefix.
  @Test func idsFollowTheGrammar() {
    let ids = Theorem2ConvergenceClaims.claims.map(\.id)
    #expect(ids.count == 3 * Theorem2Setting.allCases.count)
    #expect(Set(ids).count == ids.count)
    #expect(ids.allSatisfy { Theorem2Claims.family.owns($0) })
    #expect(ids.contains("theorem2/convergence-vs-gmd/norm-filtered/adversary-40"))
  }
}
