import Foundation
import Testing
@testable import ClaimCheck

@Suite struct SearchTests {
  @Test func targetedSearchClimbsToTheMaximum() {
    let t = searchTargeted(Gen.int(in: 0...1_000), seed: 5, starts: 10, steps: 400) { x in
      -Double((x - 737) * (x - 737))
    }
    #expect(t.bestScore == 0)
    #expect(t.bestValue == 737)
    #expect(t.description == "737")
    #expect(t.improvements > 0)
  }

  @Test func targetedSearchOnPairsBeatsRandomStarts() {
    let gen = zip(Gen.double(in: -10...10), Gen.double(in: -10...10))
    let score: @Sendable ((Double, Double)) -> Double = { p in -((p.0 - 3) * (p.0 - 3) + (p.1 + 2) * (p.1 + 2)) }
    let startsOnly = searchTargeted(gen, seed: 8, starts: 50, steps: 0, score: score)
    let climbed = searchTargeted(gen, seed: 8, starts: 50, steps: 1_000, score: score)
    #expect(climbed.bestScore >= startsOnly.bestScore)
    #expect(climbed.bestScore > -0.05)
  }

  @Test func growthRuleSeparatesBoundedFromUnbounded() {
    let scales = geometricScales(fromExponent: 0, toExponent: 12)
    let bounded = checkGrowth(scales: scales) { m in 2 + 1 / m }
    #expect(bounded.bounded)
    #expect(bounded.curve.count == 13)
    let sqrtGrowth = checkGrowth(scales: scales) { m in m.squareRoot() }
    #expect(!sqrtGrowth.bounded)
    #expect(abs(sqrtGrowth.tailSlope - 0.5) < 1e-9)
    // Slow growth (log M) is bounded by this rule: the slope stays near 0.
    #expect(checkGrowth(scales: scales) { m in log(m + 1) }.bounded)
    // Saturating growth: large ratio but flat tail.
    #expect(checkGrowth(scales: scales) { m in min(m, 1e5) }.bounded)
    // Non-finite or throwing evaluations count as unbounded.
    #expect(!checkGrowth(scales: scales) { m in m > 1e10 ? .infinity : 1 }.bounded)
    struct Overflow: Error {}
    #expect(!checkGrowth(scales: scales) { m in if m > 1e11 { throw Overflow() }; return 1 }.bounded)
    if case .object(let o) = sqrtGrowth.json { #expect(o["curve"] != nil && o["rule"] != nil) }
  }

  @Test func edgeMatricesCoverTheirPatterns() throws {
    let gen = Gen<[[Double]]>.edgeMatrix(rows: 2...4, cols: 2...4)
    var zeroColumn = false, duplicateRows = false, tiny = false, huge = false, allEqual = false
    for seed in UInt64(0)..<400 {
      let m = try gen.example(seed: seed)
      #expect(m.allSatisfy { $0.allSatisfy(\.isFinite) })
      let cols = m[0].count
      if (0..<cols).contains(where: { j in m.allSatisfy { $0[j] == 0 } }) { zeroColumn = true }
      if Set(m.map { $0.map(\.bitPattern) }).count < m.count { duplicateRows = true }
      let entries = m.flatMap { $0 }
      if entries.contains(where: { $0 != 0 && abs($0) <= 1e-100 }) { tiny = true }
      if entries.contains(where: { abs($0) >= 1e100 }) { huge = true }
      if Set(entries).count == 1 { allEqual = true }
    }
    #expect(zeroColumn && duplicateRows && tiny && huge && allEqual)
    let withNonFinite = Gen<[[Double]]>.edgeMatrix(rows: 3...3, cols: 3...3, allowNonFinite: true)
    let sawNonFinite = try (UInt64(0)..<300).contains { try withNonFinite.example(seed: $0).joined().contains { !$0.isFinite } }
    #expect(sawNonFinite)
    let ints = Gen<[[Int]]>.intMatrix(rows: 1...3, cols: 1...3)
    #expect(try (UInt64(0)..<100).allSatisfy { try ints.example(seed: $0).joined().allSatisfy { (-2...2).contains($0) } })
  }

  @Test func rankDeficientMatrixShrinksToSmallestShape() {
    // "No matrix has a zero row": refuted by the zero pattern, shrunk to the smallest shape.
    let gen = Gen<[[Int]]>.intMatrix(rows: 2...5, cols: 2...5, entries: -2...2)
    let r = checkUniversal(gen, config: UniversalConfig(seed: 2, cases: 300)) { m in
      !m.contains { $0.allSatisfy { $0 == 0 } }
    }
    #expect(r.counterexample?.value == [[0, 0], [0, 0]])
  }

  @Test func failureMessageCarriesSeedCounterexampleAndReplay() {
    let outcome = checkProperty("bounded", Gen.int(in: 0...10_000), testFilter: "SearchTests", defaultSeed: 11) {
      $0 < 1_000
    }
    let message = outcome.failureMessage ?? ""
    #expect(message.contains("counterexample: 1000"))
    #expect(message.contains("swift test --filter SearchTests"))
    #expect(message.contains("BGMD_SEED=\(outcome.seed)"))
    let passing = checkProperty("fine", Gen.int(in: 0...10), testFilter: "SearchTests") { $0 <= 10 }
    #expect(passing.failureMessage == nil)
    expectHolds(passing)
  }
}

@Suite struct LostFailureTests {
  /// A property that fails once and never again does not pass.
  @Test func aFailureThatDoesNotReplayIsAHealthFailure() {
    final class Count: @unchecked Sendable {
      var n = 0
      let lock = NSLock()
      func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }
    let count = Count()
    let result = checkUniversal(Gen.int(in: 0...10), config: UniversalConfig(seed: 1, cases: 20)) { _ in
      count.next() == 1 ? .fail("first call") : .pass
    }
    #expect(result.counterexample == nil)
    #expect(!result.passed)
    #expect(result.healthFailure?.contains("not deterministic") == true)
  }
}
