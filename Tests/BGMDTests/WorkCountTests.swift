import Randomness
import Testing
import TestSupport

@testable import BGMD

/// `WorkCount`: the counted selection is the selection, the counts follow
/// the passes each path makes, and counting changes no bit of the step.
@Suite struct WorkCountTests {
  static func gaussianRows(b: Int, d: Int, seed: UInt64) -> Matrix<Double> {
    var rng = Xoshiro256(seed: seed)
    var g = Matrix<Double>(rows: b, columns: d, repeating: 0)
    for index in g.storage.indices { g.storage[index] = rng.standardNormal() + Double(index % d) * 0.01 }
    return g
  }

  static func scores(d: Int, zeros: Int, seed: UInt64) -> [Double] {
    var rng = Xoshiro256(seed: seed)
    var s = (0..<d).map { _ in rng.standardExponential() * rng.standardExponential() }
    for j in stride(from: 0, to: min(d, zeros * 3), by: 3) { s[j] = 0 }
    return s
  }

  @Test(arguments: SelectionReading.allCases)
  func countedSelectionIsTheSelection(_ reading: SelectionReading) throws {
    for (d, k, zeros) in [(10, 3, 0), (64, 9, 5), (300, 40, 0), (50, 45, 20), (7, 7, 0), (12, 5, 10)] {
      for seed in 1...5 as ClosedRange<UInt64> {
        let s = Self.scores(d: d, zeros: zeros, seed: seed)
        var a = Xoshiro256(seed: seed &* 31)
        var c = a
        let block = try selectBlock(scores: s, k: k, reading: reading, using: &a)
        let counted = try countedSelectBlock(scores: s, k: k, reading: reading, using: &c)
        #expect(counted.block == block, "\(reading) d = \(d) k = \(k) seed \(seed)")
        #expect(a.next() == c.next(), "the counted run draws the same words")
        let w = counted.work
        #expect(w.selection >= w.selectionComparisons + w.randomWords)
        let positives = s.filter { $0 > 0 }.count
        switch reading {
        case .successive, .normProportional:
          if positives > k {
            #expect(w.randomWords == positives, "one word per positive weight")
            #expect(w.selectionComparisons >= d, "the two scans compare every key at least once")
            #expect(w.selectionComparisons <= 30 * d)
            let roots = reading == .normProportional ? d : 0
            #expect(w.selection == d + roots + d + w.randomWords + w.selectionComparisons)
          }
        case .topK:
          #expect(w.randomWords == 0)
          if k < d { #expect(w.selectionComparisons >= d && w.selectionComparisons <= 30 * d) }
          if k == d { #expect(w.selectionComparisons == 0, "k = d takes every column without comparing") }
        case .uniform:
          #expect(w.randomWords >= k && w.selectionComparisons == 0)
        case .withReplacement:
          if positives > k { #expect(w.randomWords == k) }
        }
      }
    }
  }

  @Test func countedCoordinateMedianIsTheCoordinateMedian() {
    for (b, d) in [(1, 4), (2, 5), (5, 9), (8, 33), (11, 70)] {
      let g = Self.gaussianRows(b: b, d: d, seed: UInt64(b * 100 + d))
      let counted = countedCoordinateMedian(g)
      #expect(counted.median == coordinateMedian(g), "b = \(b), d = \(d)")
      #expect(counted.work.scoring == b * d && counted.work.gather == b * d)
      if b > 2 { #expect(counted.work.rule >= (b - 1) * d / 2, "at least one comparison per column entry pair") }
    }
  }

  /// One pass for the start, one per Weiszfeld step, one for the final
  /// certifying step: maxIterations = m on rows whose median is no data
  /// point gives m iterations and m + 2 passes.
  @Test func geometricMedianPassesFollowTheIterations() throws {
    let g = Self.gaussianRows(b: 7, d: 12, seed: 5)
    for m in 0...6 {
      let s = try geometricMedian(g, options: GeometricMedianOptions(epsilon: 0, maxIterations: m))
      #expect(s.certificate.iterations == m)
      #expect(s.matrixPasses == m + 2, "m = \(m)")
      var rng = Xoshiro256(seed: 1)
      let r = try GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: 0, maxIterations: m)).aggregate(g, using: &rng)
      #expect(r.entriesRead == (m + 2) * 7 * 12)
    }
    // The median at a data point: Vardi–Zhang steps recompute the
    // distances, one more pass each.
    let star = try Matrix([[0.0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [0.3, 0.1]])
    let s = try geometricMedian(star, options: GeometricMedianOptions(epsilon: 1e-12, maxIterations: 200))
    #expect(s.matrixPasses >= s.certificate.iterations + 2)
    #expect(s.matrixPasses <= 2 * s.certificate.iterations + 3)
  }

  static func optimizer(b: Int, d: Int, k: Int?, fast: Bool, counting: Bool) throws -> BlockDescent<GeometricMedian<Double>> {
    let block: BlockChoice = k.map { .block(k: $0, reading: .successive) } ?? .all
    var o = try BlockDescent(initialIterate: [Double](repeating: 0, count: d), batchCount: b,
                             rule: GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: 1e-8)),
                             configuration: OptimizerConfiguration(stepSize: 0.5, memory: .averaged, block: block))
    o._usesFastPath = fast
    if counting { o.workCount = WorkCount() }
    return o
  }

  @Test(arguments: [true, false])
  func countingChangesNoBit(fast: Bool) throws {
    let b = 6, d = 40, k = 7
    var plain = try Self.optimizer(b: b, d: d, k: k, fast: fast, counting: false)
    var counted = try Self.optimizer(b: b, d: d, k: k, fast: fast, counting: true)
    var r1 = Xoshiro256(seed: 9), r2 = Xoshiro256(seed: 9)
    for t in 0..<4 {
      let g = Self.gaussianRows(b: b, d: d, seed: UInt64(t + 20))
      let a = try plain.step(rows: g, goodRows: [], using: &r1)
      let c = try counted.step(rows: g, goodRows: [], using: &r2)
      #expect(a.block == c.block)
    }
    #expect(sameBits(plain.iterate, counted.iterate))
    #expect(sameBits(plain.averagedMemory, counted.averagedMemory))
    #expect(r1.next() == r2.next())
    #expect(plain.workCount == nil)
    #expect(counted.workCount?.aggregations == 4)
  }

  @Test func fastPathCountsItsPasses() throws {
    let b = 6, d = 40, k = 5
    var o = try Self.optimizer(b: b, d: d, k: k, fast: true, counting: true)
    var rng = Xoshiro256(seed: 3)
    _ = try o.step(rows: Self.gaussianRows(b: b, d: d, seed: 4), goodRows: [], using: &rng)
    let w = try #require(o.workCount)
    #expect(w.augmentation == b * d)
    #expect(w.scoring == 0, "the scores come out of the augmentation's fused pass")
    #expect(w.gather == b * k + d)
    #expect(w.memory == d)
    #expect(w.update == d)
    #expect(w.rulePasses == w.ruleIterations + 2)
    #expect(w.rule == w.rulePasses * b * k)
    #expect(w.randomWords == d)
    #expect(w.selection == 2 * d + w.randomWords + w.selectionComparisons)
    #expect(w.aggregation == w.augmentation + w.selection + w.gather + w.rule + w.memory)
    #expect(w.total == w.aggregation + d)
    #expect(w.ruleReported)
  }

  @Test func genericPathCountsItsPasses() throws {
    let b = 5, d = 30, k = 4
    var o = try Self.optimizer(b: b, d: d, k: k, fast: false, counting: true)
    var rng = Xoshiro256(seed: 3)
    _ = try o.step(rows: Self.gaussianRows(b: b, d: d, seed: 4), goodRows: [], using: &rng)
    let w = try #require(o.workCount)
    #expect(w.augmentation == b * d)
    #expect(w.scoring == 3 * b * d)
    #expect(w.memory == 2 * b * d + b * k)
    #expect(w.diagnostics == 2 * b * d)
    #expect(w.rule == w.rulePasses * b * k)
  }

  @Test func wholeVectorCounts() throws {
    let b = 5, d = 30
    var o = try Self.optimizer(b: b, d: d, k: nil, fast: true, counting: true)
    var rng = Xoshiro256(seed: 3)
    _ = try o.step(rows: Self.gaussianRows(b: b, d: d, seed: 4), goodRows: [], using: &rng)
    let w = try #require(o.workCount)
    #expect(w.augmentation == b * d && w.selection == 0 && w.memory == d && w.update == d)
    #expect(w.rule == w.rulePasses * b * d && w.rulePasses == w.ruleIterations + 2)
    var mean = try BlockDescent(initialIterate: [Double](repeating: 0, count: d), batchCount: b, rule: Mean<Double>(),
                                configuration: OptimizerConfiguration(stepSize: 1, memory: .none))
    mean.workCount = WorkCount()
    _ = try mean.step(rows: Self.gaussianRows(b: b, d: d, seed: 4), goodRows: [], using: &rng)
    // The mean reads G once (its column sums; finite sums prove the rows
    // finite, so the finiteness scan is skipped).
    #expect(mean.workCount?.rule == b * d)
    #expect(mean.workCount?.total == b * d + b * d + d)
  }
}
