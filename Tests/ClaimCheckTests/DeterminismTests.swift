import Testing
@testable import ClaimCheck

@Suite struct DeterminismTests {
  @Test func universalResultIndependentOfThreads() {
    let gen = Gen.array(of: Gen.int(in: 0...1_000), count: 0...20)
    for seed in UInt64(1)...5 {
      let runs = [1, 4].map { threads in
        checkUniversal(gen, config: UniversalConfig(seed: seed, cases: 300, threads: threads)) { $0.reduce(0, +) < 3_000 }
      }
      #expect(runs[0].casesRun == runs[1].casesRun)
      #expect(runs[0].counterexample?.choices == runs[1].counterexample?.choices)
      #expect(runs[0].counterexample?.originalChoices == runs[1].counterexample?.originalChoices)
      #expect(runs[0].counterexample != nil)
    }
  }

  @Test func sequentialAndTargetedIndependentOfThreads() throws {
    let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 1e-3, beta: 1e-3, margin: 0.1)
    let gen = Gen.double(in: 0...1)
    let a = try checkExpectation(gen, plan: plan, seed: 9, threads: 1)
    let b = try checkExpectation(gen, plan: plan, seed: 9, threads: 4)
    #expect(a.estimate == b.estimate && a.samples == b.samples && a.decision == b.decision)
    let score: @Sendable (Int) -> Double = { Double(-($0 - 37) * ($0 - 37)) }
    let t1 = searchTargeted(Gen.int(in: 0...100), seed: 3, starts: 20, steps: 200, threads: 1, score: score)
    let t4 = searchTargeted(Gen.int(in: 0...100), seed: 3, starts: 20, steps: 200, threads: 4, score: score)
    #expect(t1.bestChoices == t4.bestChoices && t1.bestScore == t4.bestScore)
  }

  @Test func parallelMapKeepsIndexOrder() {
    let xs = parallelMap(count: 1_000, threads: 4) { $0 * $0 }
    #expect(xs == (0..<1_000).map { $0 * $0 })
  }
}
