import ExactArithmetic
import Foundation
import Randomness
import Testing
@testable import BGMD

@Suite struct SelectionTests {
  /// Columns with rational norms (3-4-5 and 6-8-10 triangles) so that
  /// `norm-proportional` is exact; column 3 is zero.
  let exactMatrix = Matrix<Rational>(rows: 2, columns: 5, repeating: .zero).filled([
    [3, 0, 6, 0, 1],
    [4, 1, 8, 0, 0],
  ])

  @Test(arguments: SelectionReading.allCases)
  func exactDistributionSumsToOne(reading: SelectionReading) throws {
    for k in 1...5 {
      let distribution = try blockDistribution(exactMatrix, k: k, reading: reading)
      let total = distribution.reduce(Rational.zero) { $0 + $1.probability }
      #expect(total == Rational(1), "reading \(reading.rawValue), k = \(k)")
      for (block, p) in distribution {
        #expect(p > .zero)
        #expect(block == block.sorted())
        if reading != .withReplacement { #expect(block.count == k) }
      }
      // Inclusion probabilities add up to the expected block size.
      let inclusion = inclusionProbabilities(distribution, d: 5)
      let expectedSize = distribution.reduce(Rational.zero) { $0 + $1.probability * Rational($1.block.count) }
      #expect(inclusion.reduce(Rational.zero, +) == expectedSize)
    }
  }

  @Test func successiveByHand() throws {
    // s = (1, 2, 3): P({0,1}) = 1/6·2/5 + 2/6·1/4 = 3/20.
    let h = try Matrix<Rational>([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]].map { $0.map { Rational($0) } })
    let one = try blockDistribution(h, k: 1, reading: .successive)
    #expect(one.map(\.probability) == [Rational(1, 6), Rational(1, 3), Rational(1, 2)])
    let two = try blockDistribution(h, k: 2, reading: .successive)
    #expect(two.first?.block == [0, 1])
    #expect(two.first?.probability == Rational(3, 20))
    // With replacement, k = 2: P({0}) = 1/36, P({0,1}) = 2·(1/6)(2/6) = 1/9.
    let withReplacement = try blockDistribution(h, k: 2, reading: .withReplacement)
    #expect(withReplacement.first { $0.block == [0] }?.probability == Rational(1, 36))
    #expect(withReplacement.first { $0.block == [0, 1] }?.probability == Rational(1, 9))
  }

  @Test func fewerPositiveColumnsThanKFillsFromZeros() throws {
    // Columns 2 and 4 are non-zero; k = 3 takes both plus one of the 3 zeros
    // (the non-zero columns are not the first ones, so a block that ignored
    // the scores, such as 0..<k, fails here).
    let g = try Matrix<Rational>([[0, 0, 1, 0, 2]].map { $0.map { Rational($0) } })
    let distribution = try blockDistribution(g, k: 3, reading: .successive)
    #expect(distribution.map(\.block) == [[0, 2, 4], [1, 2, 4], [2, 3, 4]])
    #expect(distribution.allSatisfy { $0.probability == Rational(1, 3) })
    var rng = Xoshiro256(seed: 3)
    for reading in [SelectionReading.successive, .normProportional] {
      var fills = Set<Int>()
      for _ in 0..<60 {
        let sampled = try selectBlock(g, k: 3, reading: reading, using: &rng)
        #expect(sampled.count == 3 && sampled.contains(2) && sampled.contains(4) && sampled == sampled.sorted())
        fills.formUnion(sampled.filter { $0 != 2 && $0 != 4 })
      }
      // The third column is a zero one, uniformly: all three turn up in 60 draws
      // (each misses with probability 3·(2/3)^60 < 1e-10).
      #expect(fills == [0, 1, 3], "reading \(reading.rawValue)")
    }
  }

  @Test func normProportionalNeedsRationalNorms() throws {
    let g = try Matrix<Rational>([[1, 1], [1, 0]].map { $0.map { Rational($0) } })
    #expect(throws: SelectionError.irrationalNormWeight(column: 0, squaredNorm: "2")) {
      try blockDistribution(g, k: 1, reading: .normProportional)
    }
  }

  /// Sampled inclusion frequencies against the exact inclusion
  /// probabilities. Test: for each reading and coordinate, Hoeffding's
  /// inequality P(|p̂ − π| ≥ t) ≤ 2·exp(−2Nt²); with m = 5 readings × 5
  /// coordinates × 3 values of k tests and family-wise false-alarm rate
  /// α = 1e-6 (Bonferroni), t = √(ln(2m/α) / (2N)).
  @Test func frequenciesMatchExactInclusionProbabilities() throws {
    let n = 20_000
    let m = Double(SelectionReading.allCases.count * 5 * 3)
    let alpha = 1e-6
    let t = (log(2 * m / alpha) / (2 * Double(n))).squareRoot()
    let g = exactMatrix.storage.map { $0.doubleValue }
    let floating = try Matrix(rows: 2, columns: 5, storage: g)
    var rng = Xoshiro256(seed: 20_220_328)
    for reading in SelectionReading.allCases {
      for k in [1, 2, 4] {
        let exact = inclusionProbabilities(try blockDistribution(exactMatrix, k: k, reading: reading), d: 5)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<n {
          for j in try selectBlock(floating, k: k, reading: reading, using: &rng) { counts[j] += 1 }
        }
        for j in 0..<5 {
          let frequency = Double(counts[j]) / Double(n)
          #expect(abs(frequency - exact[j].doubleValue) < t,
                  "reading \(reading.rawValue), k = \(k), coordinate \(j): \(frequency) vs \(exact[j])")
        }
      }
    }
  }

  @Test func topKTiesGoToTheLowerIndex() throws {
    var rng = Xoshiro256(seed: 1)
    let scores: [Double] = [1, 3, 3, 2, 3]
    #expect(try selectBlock(scores: scores, k: 2, reading: .topK, using: &rng) == [1, 2])
    #expect(try selectBlock(scores: scores, k: 4, reading: .topK, using: &rng) == [1, 2, 3, 4])
    let exact = try blockDistribution(
      try Matrix<Rational>([[1, 3, 3, 2, 3].map { Rational($0) }]), k: 2, reading: .topK)
    #expect(exact.count == 1 && exact[0].block == [1, 2] && exact[0].probability == Rational(1))
  }

  @Test func largeSuccessiveSelectionIsAValidBlock() throws {
    var rng = Xoshiro256(seed: 11)
    // Even columns score 0; odd ones Exp(1). A successive sample of 2,000
    // of the 10,000 positive columns holds no zero column, and leans to large
    // scores: the mean score of an included column is about E[s²]/E[s] = 2
    // for k ≪ d (≈ 1.9 here), against 1 for a block that ignored the scores.
    let scores = (0..<20_000).map { j in j % 2 == 0 ? 0 : rng.standardExponential() }
    let block = try selectBlock(scores: scores, k: 2_000, reading: .successive, using: &rng)
    #expect(block.count == 2_000)
    #expect(Set(block).count == 2_000 && block == block.sorted())
    #expect(block.first.map { $0 >= 0 } == true && block.last.map { $0 < 20_000 } == true)
    #expect(block.allSatisfy { $0 % 2 == 1 })
    let meanScore = block.reduce(0.0) { $0 + scores[$1] } / Double(block.count)
    #expect(meanScore > 1.6, "mean score of the block \(meanScore)")
  }

  @Test func badBlockSizesAndScoresThrow() throws {
    var rng = Xoshiro256(seed: 2)
    let g = try Matrix<Double>([[1, 2, 3]])
    for reading in SelectionReading.allCases {
      #expect(throws: ShapeError.blockSize(k: 4, d: 3)) { try selectBlock(g, k: 4, reading: reading, using: &rng) }
      #expect(throws: ShapeError.blockSize(k: 0, d: 3)) { try selectBlock(g, k: 0, reading: reading, using: &rng) }
    }
    let bad = try Matrix<Double>([[1, .nan, 3]])
    #expect(throws: SelectionError.self) {
      try selectBlock(bad, k: 1, reading: .successive, using: &rng)
    }
    #expect(throws: ShapeError.blockSize(k: 3, d: 2)) {
      try blockDistribution(try Matrix<Rational>([[Rational(1), Rational(2)]]), k: 3, reading: .uniform)
    }
  }

  @Test func scoresAreScaledAgainstOverflow() throws {
    let g = try Matrix<Double>([[1e200, 0, 3e200], [0, 2e200, 0]])
    let s = squaredColumnNorms(g)
    #expect(s.allSatisfy { $0.isFinite })
    #expect(abs(s[2] / s[0] - 9) < 1e-12 && abs(s[1] / s[0] - 4) < 1e-12)
  }

  @Test func matrixAndScoreVariantsDrawTheSameBlocks() throws {
    let g = try Matrix<Double>([[1, -2, 0, 4, 0.5, 3], [2, 1, 0, -1, 0.5, 0]])
    for reading in SelectionReading.allCases {
      var a = Xoshiro256(seed: 9), b = Xoshiro256(seed: 9)
      for k in 1...6 {
        let fromMatrix = try selectBlock(g, k: k, reading: reading, using: &a)
        let fromScores = try selectBlock(scores: squaredColumnNorms(g), k: k, reading: reading, using: &b)
        #expect(fromMatrix == fromScores, "reading \(reading.rawValue), k = \(k)")
      }
    }
    #expect(columnNorms(g) == squaredColumnNorms(g).map { $0.squareRoot() })
  }

  @Test func blockSizeFromAFraction() throws {
    #expect(try BlockSize.fraction(0.1).resolve(d: 1_163_978) == 116_398)
    #expect(try BlockSize.fraction(0.001).resolve(d: 10) == 1)
    #expect(try BlockSize.fraction(1).resolve(d: 7) == 7)
    #expect(throws: AggregationError.self) { try BlockSize.fraction(0).resolve(d: 7) }
    #expect(throws: AggregationError.self) { try BlockSize.fraction(1.5).resolve(d: 7) }
    #expect(throws: ShapeError.blockSize(k: 0, d: 7)) { try BlockSize.count(0).resolve(d: 7) }
  }
}

extension Matrix where Element == Rational {
  /// The matrix with its entries replaced by the integers of `rows` (same shape).
  func filled(_ rows: [[Int]]) -> Matrix<Rational> {
    var copy = self
    for (i, row) in rows.enumerated() {
      for (j, value) in row.enumerated() { copy[i, j] = Rational(value) }
    }
    return copy
  }
}
