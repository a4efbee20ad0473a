import Testing
@testable import ClaimCheck

@Suite struct SequentialTests {
  static let runs = 200

  func bernoulli(_ p: Double) -> Gen<Double> { Gen.bool(probability: p).map { $0 ? 1.0 : 0.0 } }

  @Test func planLooksAtDoublingPointsAndMeetsPower() throws {
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 0.05, beta: 0.05, margin: 0.2)
    #expect(plan.looks.first == 100)
    #expect(zip(plan.looks, plan.looks.dropFirst()).allSatisfy { $1 == 2 * $0 })
    let looks = Double(plan.looks.count)
    let n = plan.maxSamples
    #expect(plan.radius(level: 0.05 / looks, samples: n) + plan.radius(level: 0.05 / looks, samples: n) <= 0.2)
    #expect(throws: SequentialError.self) { try SequentialPlan(range: 1...1, bound: 0, alpha: 0.1, beta: 0.1, margin: 0.1) }
  }

  @Test func falseAlarmRateWithinBinomialBound() throws {
    // True claim E[X] ≤ 0.5 with X ~ Bernoulli(0.5): each run refutes with
    // probability ≤ α = 0.05; more refutations than the 1e-6 binomial tail
    // allows means the test is miscalibrated.
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 0.05, beta: 0.05, margin: 0.2)
    var refuted = 0
    for run in 0..<SequentialTests.runs {
      let r = try checkExpectation(bernoulli(0.5), plan: plan, seed: UInt64(1_000 + run))
      if r.decision == .refuted { refuted += 1 }
      #expect(r.decision != .inconclusive)
    }
    let critical = binomialCriticalValue(n: SequentialTests.runs, p: 0.05, level: 1e-6)
    #expect(refuted < critical, "\(refuted) refutations, critical value \(critical)")
  }

  @Test func powerAgainstMarginWithinBinomialBound() throws {
    // False claim E[X] ≤ 0.5 with X ~ Bernoulli(0.7) (exactly the margin 0.2):
    // each run accepts with probability ≤ β = 0.05.
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 0.05, beta: 0.05, margin: 0.2)
    var accepted = 0
    for run in 0..<SequentialTests.runs {
      let r = try checkExpectation(bernoulli(0.7), plan: plan, seed: UInt64(5_000 + run))
      if r.decision == .holds { accepted += 1 }
      if r.decision == .refuted { #expect(r.confidenceBound > 0.5) }
    }
    let critical = binomialCriticalValue(n: SequentialTests.runs, p: 0.05, level: 1e-6)
    #expect(accepted < critical, "\(accepted) acceptances, critical value \(critical)")
  }

  @Test func atLeastMirrorsAtMostAndRangeIsEnforced() throws {
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, comparison: .atLeast, alpha: 1e-3, beta: 1e-3, margin: 0.2)
    #expect(try checkExpectation(bernoulli(0.2), plan: plan, seed: 1).decision == .refuted)
    #expect(try checkExpectation(bernoulli(0.9), plan: plan, seed: 1).decision == .holds)
    let wide = Gen.double(in: 0...2)
    #expect(throws: SequentialError.self) { try checkExpectation(wide, plan: plan, seed: 1) }
    let short = try checkExpectation(bernoulli(0.5), plan: plan, seed: 1, maxSamples: 50)
    #expect(short.decision == .inconclusive && short.partial)
  }
}
