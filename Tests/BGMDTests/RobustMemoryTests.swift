import ExactArithmetic
import Randomness
import RealModule
import Testing
import TestSupport

@testable import BGMD

/// The robust memory variants (`coordinate-median`, `filtered-mean`):
/// hand-computed values in ℚ, the bound that makes them robust, and the
/// fast path against the generic one on shapes that cross the chunk edges.
@Suite struct RobustMemoryTests {
  static let robust: [MemoryVariant] = [.coordinateMedian, .filteredMean, .normFiltered]

  @Test func coordinateMedianMemoryHoldsTheMedianResidual() throws {
    // b = 3, d = 3, k = 1, γ = 1; top-k picks column 2 (s = (14, 4, 1000)).
    let rows = try Matrix<Rational>([[1, 0, 10], [3, 2, 30], [-2, 0, -10]])
    let config = OptimizerConfiguration<Rational>(
      stepSize: 1, memory: .coordinateMedian, block: .block(k: 1, reading: .topK), record: .full)
    var opt = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 3,
                               rule: ColumnMeanRule<Rational>(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    let record = try opt.step(rows: rows, goodRows: [0, 1, 2], using: &rng)
    #expect(record.block == [2])
    #expect(opt.averagedMemory == [1, 0, 0])  // medians of (1, 3, −2) and (0, 2, 0)
    // The memory is added to every row: the median of γG + m̂ is median(γG) + m̂.
    let next = try Matrix<Rational>([[0, 5, 0], [0, 1, 0], [0, 3, 0]])
    let second = try opt.step(rows: next, goodRows: [0, 1, 2], using: &rng)
    #expect(second.augmentedRows == (try Matrix<Rational>([[1, 5, 0], [1, 1, 0], [1, 3, 0]])))
    #expect(second.block == [1])
    #expect(opt.averagedMemory == [1, 0, 0])
  }

  @Test func filteredMeanDropsTheFarRowAndAveragesTheRest() throws {
    // Residual rows (block = column 2 zeroed): (1, 0), (3, 2), (1000, −1000), (2, 1), (2, 1).
    let rows = try Matrix<Rational>([[1, 0, 100], [3, 2, 100], [1000, -1000, 9000], [2, 1, 100], [2, 1, 100]])
    let config = OptimizerConfiguration<Rational>(
      stepSize: 1, memory: .filteredMean, block: .block(k: 1, reading: .topK), record: .full)
    var opt = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 5,
                               rule: ColumnMeanRule<Rational>(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    let record = try opt.step(rows: rows, goodRows: [0, 1, 3, 4], using: &rng)
    #expect(record.block == [2])
    // Coordinate median (2, 1); squared distances 2, 2, ·, 0, 0; lower median 2;
    // kept: rows with D ≤ 8, i.e. all but row 2.
    let residual = try #require(record.residual)
    let (mean, kept) = filteredMean(residual)
    #expect(kept == [0, 1, 3, 4])
    #expect(mean == [2, 1, 0])
    #expect(opt.averagedMemory == [2, 1, 0])
  }

  @Test func normFilteredDropsTheLongRowAndAveragesTheRest() throws {
    // γ = 1, m̂_0 = 0: the norms are those of the rows: 10, 13, 2·10⁶, 5, 5 (block column 2 included).
    let rows = try Matrix<Rational>([[1, 0, 3], [3, 2, 0], [1000, -1000, 0], [2, 1, 0], [2, 1, 0]])
    let config = OptimizerConfiguration<Rational>(
      stepSize: 1, memory: .normFiltered, block: .block(k: 1, reading: .topK), record: .full)
    var opt = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 5,
                               rule: ColumnMeanRule<Rational>(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    let record = try opt.step(rows: rows, goodRows: [0, 1, 3, 4], using: &rng)
    #expect(record.block == [0])  // s = (1000018, 1000006, 9)
    // Lower median of (10, 13, 2000000, 5, 5) is 10: rows with norm² ≤ 40 are kept.
    let (mean, kept) = normFilteredMean(try #require(record.residual), augmented: try #require(record.augmentedRows),
                                        memory: [0, 0, 0])
    #expect(kept == [0, 1, 3, 4])
    #expect(mean == [0, 1, Rational(3, 4)])
    #expect(opt.averagedMemory == [0, 1, Rational(3, 4)])
  }

  @Test func keptRowsUseTheLowerMedianAndKeepAtLeastHalf() {
    #expect(_keptRows(squaredDistances: [Rational(0), 1, 100, 5]) == [0, 1])  // lower median 1: threshold 4
    #expect(_keptRows(squaredDistances: [Rational(1), 4, 4, 16, 17]) == [0, 1, 2, 3])  // median 4: threshold 16
    #expect(_keptRows(squaredDistances: [7.0, 7.0]) == [0, 1])
    #expect(_keptRows(squaredDistances: [Double.nan, 1, 2]) == [1, 2])
  }

  /// One bad row of size M in every column and every step (b = 5, ψ = 1/5):
  /// the robust memories stay where they are at M = 1 (the bound does not
  /// depend on M), while `averaged` grows with M — the check would fail for
  /// a memory that is not robust.
  @Test(arguments: robust + [MemoryVariant.averaged])
  func oneBadRowCannotMoveTheRobustMemory(memory: MemoryVariant) throws {
    func finalMemoryNorm(_ magnitude: Double) throws -> Double {
      var data = Xoshiro256(seed: 9)
      let (b, d) = (5, 12)
      let config = OptimizerConfiguration<Double>(
        stepSize: 0.5, memory: memory, block: .block(k: 3, reading: .successive), record: .none)
      var opt = try BlockDescent(initialIterate: Array(repeating: 0, count: d), batchCount: b,
                                 rule: GeometricMedian<Double>(), configuration: config)
      var rng = Xoshiro256(seed: 2)
      for _ in 0..<6 {
        var rows = Matrix<Double>(rows: b, columns: d, repeating: 0)
        for i in 0..<b { for j in 0..<d { rows[i, j] = data.standardNormal() } }
        for j in 0..<d { rows[0, j] = magnitude }
        _ = try opt.step(rows: rows, goodRows: Array(1..<b), using: &rng)
      }
      return opt.averagedMemory.map { $0 * $0 }.reduce(0, +).squareRoot()
    }
    let small = try finalMemoryNorm(1), large = try finalMemoryNorm(1e9)
    if memory.isRobust {
      #expect(large <= 10 * max(small, 1), "\(memory): ‖m̂‖ = \(small) at M = 1, \(large) at M = 1e9")
    } else {
      #expect(large > 1e6, "averaged: ‖m̂‖ = \(large) at M = 1e9")
    }
  }

  /// The fast path against the generic one, bit for bit, on shapes crossing
  /// the robust pass's column chunks (1024), the median network's lane
  /// groups and its written-out 32-row case.
  static let shapes: [(b: Int, d: Int)] = [(1, 9), (2, 1025), (5, 1024 + 7), (10, 2 * 1024 + 13), (32, 1024 + 40),
                                           (33, 3000), (3, 2 * 4096 + 3)]

  @Test(arguments: shapes)
  func fastPathMatchesGenericAcrossChunkEdges(b: Int, d: Int) throws {
    for memory in Self.robust {
      for reading in [SelectionReading.successive, .topK] {
        try expectBitForBit(Float.self, memory: memory, reading: reading, b: b, d: d, seed: UInt64(b * 7919 + d))
        try expectBitForBit(Double.self, memory: memory, reading: reading, b: b, d: d, seed: UInt64(b * 31 + d))
      }
    }
  }

  func expectBitForBit<E: Scalar & Real & BinaryFloatingPoint>(
    _: E.Type, memory: MemoryVariant, reading: SelectionReading, b: Int, d: Int, seed: UInt64
  ) throws {
    var data = Xoshiro256(seed: seed)
    let k = max(1, d / 10)
    let config = OptimizerConfiguration<E>(
      stepSize: E(0.3), memory: memory, block: .block(k: k, reading: reading), record: .summary)
    var fast = try BlockDescent(initialIterate: Array(repeating: 0, count: d), batchCount: b,
                                rule: ColumnMeanRule<E>(), configuration: config)
    var generic = fast
    generic._usesFastPath = false
    var r1 = Xoshiro256(seed: seed &+ 1), r2 = Xoshiro256(seed: seed &+ 1)
    for step in 0..<3 {
      let rows = randomRows(E.self, b: b, d: d, nonFinite: false, using: &data)
      let f = try fast.step(rows: rows, goodRows: Array(0..<b), using: &r1)
      let g = try generic.step(rows: rows, goodRows: Array(0..<b), using: &r2)
      let context = "\(E.self) \(memory) \(reading) b \(b) d \(d) step \(step)"
      #expect(f.block == g.block, "\(context)")
      #expect(sameBits(fast.averagedMemory, generic.averagedMemory), "\(context)")
      #expect(sameBits(fast.iterate, generic.iterate), "\(context)")
      #expect(fast.averagedMemory.contains { $0 != 0 } || d == k, "\(context): the memory should hold a residual")
    }
  }
}
