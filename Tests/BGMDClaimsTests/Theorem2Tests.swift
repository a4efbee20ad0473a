import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness
import Testing

@testable import BGMDClaims

/// A quadratic instance with the given knobs (the rest fixed).
func theorem2Instance(_ setting: Theorem2Setting = .clean, k: Int = 4, noise: String = "none", runs: Int = 4,
                      horizons: [Int] = [1, 10, 20, 40]) -> Theorem2Instance {
  Theorem2Instance(
    theorem: 2, problem: "quadratic", problemSeed: 7, dimension: 4, rank: 3, conditionNumber: 4, blockSize: k, rows: 10,
    noise: noise, noiseNumerator: 1, noiseDenominator: 2, startScale: 3, corruption: setting.corruption,
    badPercent: setting.badPercent, attack: 4, magnitudeExponent: 2, runs: runs, runSeed: 11, horizons: horizons)
}

@Suite struct Theorem2BracketTests {
  @Test func bracketTermsByHand() {
    // μ = 1, L = 2, R0 = 3: transient = L·R0/μ² · (1 − 1/16)^T.
    let b0 = Theorem2Bracket(mu: 1, smoothness: 2, initialGap: 3, horizon: 0, sigmaSquared: 4, xi: 0.5,
                             alpha: 0.25, goodCount: 8, epsilon: 0.1)
    #expect(b0.transient == 6)
    // σ²ξ⁻²/(μ²(1 − α)²) = 4 · 4 / 0.5625.
    #expect(abs(b0.noise - 16 / 0.5625) < 1e-12)
    // L²ε²/(μ²|𝔾|²(1 − α)²) = 4 · 0.01 / (64 · 0.5625).
    #expect(abs(b0.accuracy - 0.04 / 36) < 1e-15)
    let b8 = Theorem2Bracket(mu: 1, smoothness: 2, initialGap: 3, horizon: 8, sigmaSquared: 0, xi: 1,
                             alpha: 0, goodCount: 10, epsilon: 0)
    #expect(abs(b8.transient - 6 * pow(15.0 / 16, 8)) < 1e-12)
    #expect(b8.total == b8.transient)
  }

  @Test func instanceConstantsAreExact() throws {
    let inst = theorem2Instance()
    let q = try #require(inst.quadratic())
    #expect(q.rank == 3 && q.dimension == 4)
    #expect(q.smoothness == Rational(4) * q.plConstant)
    let p = Theorem2Problem(inst)
    let x0 = zip(q.minimizer, inst.startOffset()).map { $0 + Rational($1) }
    #expect(p.initialGap == Double(q.loss(x0) - q.optimalValue))
    #expect(p.initialDistance == Double(q.squaredDistanceToSolutionSet(x0)))
    #expect(inst.startOffset().contains { $0 != 0 })
    #expect(inst.badCount == 0 && inst.goodCount == 10)
    let bad = theorem2Instance(.adversary40)
    #expect(bad.badCount == 4 && bad.goodCount == 6 && abs(bad.alpha - 4.0 / 6) < 1e-15)
  }
}

@Suite struct Theorem2RunTests {
  /// x̂_1 = x_0 and x̂_2 = (w_0 x_0 + w_1 x_1)/(w_0 + w_1) with w_1/w_0 = 1/q,
  /// x_1 = x_0 − γ∇f(x_0) (noise-free clean rows are identical: the GM is the row).
  @Test func weightedAverageOfTheFirstTwoIterates() throws {
    let inst = theorem2Instance(horizons: [1, 2])
    let p = Theorem2Problem(inst)
    let run = runTheorem2(inst, problem: p, seed: 5)
    #expect(run.squaredDistances[0] == p.initialDistance || abs(run.squaredDistances[0] - p.initialDistance) < 1e-12)
    let f = try #require(inst.quadratic()).converted(to: Double.self)
    let x0 = p.start
    let x1 = zip(x0, f.gradient(x0)).map { $0 - p.stepSize * $1 }
    let q = p.rate
    let average = zip(x0, x1).map { (q * $0 + $1) / (q + 1) }
    let expected = f.squaredDistanceToSolutionSet(average)
    #expect(abs(run.squaredDistances[1] - expected) <= 1e-12 * max(1, expected))
    #expect(run.epsilon[1] == 0 && run.retained[1] == 1 && !run.diverged)
  }

  /// Under the second-moment reading with σ² measured along the run, the
  /// bracket's noise term alone bounds LHS for a quadratic: dist(x̂_T)² ≤
  /// max_t dist(x_t)² ≤ max_t ‖∇f(x_t)‖²/μ² ≤ σ²/μ². A diverging run shows it.
  @Test func secondMomentReadingBoundsEvenADivergingRun() {
    let m = Theorem2Measurement(theorem2Instance(.bitFlip20, k: 1, runs: 3, horizons: [1, 20, 40, 80]), threads: 1)
    #expect((m.ratios(.variance).last ?? 0) > 1e3)
    #expect(m.ratios(.secondMoment).allSatisfy { $0 <= 1 })
  }

  @Test func sameSeedSameMeasurement() {
    let a = Theorem2Measurement(theorem2Instance(.additive20, k: 2, noise: "rademacher"), threads: 2)
    let b = Theorem2Measurement(theorem2Instance(.additive20, k: 2, noise: "rademacher"), threads: 1)
    #expect(a.lhs == b.lhs && a.epsilon == b.epsilon && a.secondMoment == b.secondMoment)
  }
}

@Suite struct Theorem2CampaignTests {
  @Test func quickCampaignGivesEveryClaimAVerdictAndReplaysItsFixtures() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("theorem2-fixtures-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = FixtureStore(root: root)
    let start = Date()
    let report = Campaign(seed: 1, profile: .quick, fixtures: store).run(Theorem2Claims.family.claims)
    let seconds = Date().timeIntervalSince(start)
    #expect(report.claims.count == 2 * Theorem2Setting.allCases.count * Assumption1Reading.allCases.count)
    for record in report.claims {
      print("\(record.id): \(record.verdict.rawValue) worst \(record.worst?.ratio.map { "\($0)" } ?? "-") "
            + "[\(record.evidence["seconds"].map { "\($0)" } ?? "")] \(record.evidence["note"].map { "\($0)" } ?? "")")
      #expect(record.method != "error", "\(record.id): \(record.evidence)")
      if record.verdict == .refuted {
        let fixtures = try store.load(claim: record.id)
        #expect(fixtures.count == 1, "\(record.id)")
        for stored in fixtures { #expect(try Theorem2Claims.replay(stored.fixture), "\(record.id)") }
        if record.id == "theorem2/bound/bit-flip-20/variance", let stored = fixtures.first {
          // The same fixture with k = d (GMD: no memory) no longer refutes.
          var tampered = stored.fixture
          guard case .object(var input) = tampered.input, case .object(var instance)? = input["instance"],
            case .number(let d)? = instance["dimension"]
          else { Issue.record("unexpected fixture shape"); continue }
          instance["blockSize"] = .number(d)
          input["instance"] = .object(instance)
          input["baseInstance"] = .object(instance)
          tampered.input = .object(input)
          #expect(try !Theorem2Claims.replay(tampered))
        }
      }
    }
    print("theorem-2 family at quick: \(seconds) s")
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
