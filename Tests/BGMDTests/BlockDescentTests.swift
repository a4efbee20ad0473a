import ExactArithmetic
import Randomness
import Testing

@testable import BGMD

/// The column mean, for every scalar: a rule with no square root, so that
/// Algorithm 1 runs exactly in ℚ.
struct ColumnMeanRule<Element: Scalar>: AggregationRule {
  var name: String { "test-mean" }
  func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    AggregationResult(vector: columnMeans(rows, rows: Array(0..<rows.rows)))
  }
}

/// Small integer rows, as `Rational` and as `Double` with the same values.
func integerRows(b: Int, d: Int, using rng: inout Xoshiro256) -> Matrix<Rational> {
  var m = Matrix<Rational>(rows: b, columns: d, repeating: .zero)
  for index in m.storage.indices { m.storage[index] = Rational(rng.uniformInt(in: -3...3)) }
  return m
}

func toDouble(_ m: Matrix<Rational>) -> Matrix<Double> {
  // The shape is unchanged, so the storage count matches.
  (try? Matrix(rows: m.rows, columns: m.columns, storage: m.storage.map { Double($0) }))
    ?? Matrix(rows: 0, columns: 0, repeating: 0)
}

@Suite struct BlockDescentTests {
  @Test(arguments: MemoryVariant.allCases)
  func exactRunAgreesWithDoubleRunWithinRounding(memory: MemoryVariant) throws {
    var data = Xoshiro256(seed: 21)
    let (b, d, steps) = (4, 6, 12)
    let gamma = Rational(1, 4)
    let exactConfig = OptimizerConfiguration<Rational>(
      stepSize: gamma, memory: memory, block: .block(k: 2, reading: .topK), record: .full)
    let doubleConfig = OptimizerConfiguration<Double>(
      stepSize: 0.25, memory: memory, block: .block(k: 2, reading: .topK), record: .full)
    var exact = try BlockDescent(initialIterate: Array(repeating: Rational.zero, count: d), batchCount: b,
                                 rule: ColumnMeanRule<Rational>(), configuration: exactConfig)
    var float = try BlockDescent(initialIterate: Array(repeating: 0.0, count: d), batchCount: b,
                                 rule: ColumnMeanRule<Double>(), configuration: doubleConfig)
    var rngExact = Xoshiro256(seed: 1)
    var rngDouble = Xoshiro256(seed: 1)
    for _ in 0..<steps {
      // Rows depend on the iterate (a linear gradient) so errors could compound.
      var rows = integerRows(b: b, d: d, using: &data)
      for i in 0..<b { for j in 0..<d { rows[i, j] += exact.iterate[j] * 3 } }
      var rowsDouble = toDouble(integerRows(b: 0 + b, d: d, using: &data))
      // Same honest values in both: rebuild from the exact rows.
      rowsDouble = toDouble(rows)
      let r1 = try exact.step(rows: rows, goodRows: Array(0..<b), using: &rngExact)
      let r2 = try float.step(rows: rowsDouble, goodRows: Array(0..<b), using: &rngDouble)
      #expect(r1.block == r2.block)
    }
    for j in 0..<d {
      let e = Double(exact.iterate[j])
      #expect(abs(e - float.iterate[j]) <= 1e-12 * max(1, abs(e)), "coordinate \(j)")
    }
  }

  @Test func averagedMemoryHoldsTheMeanResidual() throws {
    // One step by hand: b = 2, d = 3, k = 1, γ = 1, top-k picks column 2.
    let rows = try Matrix<Rational>([[1, 0, 5], [3, 2, -1]])
    let config = OptimizerConfiguration<Rational>(
      stepSize: 1, memory: .averaged, block: .block(k: 1, reading: .topK), record: .full)
    var opt = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 2,
                               rule: ColumnMeanRule<Rational>(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    let record = try opt.step(rows: rows, goodRows: [0, 1], using: &rng)
    #expect(record.block == [2])  // s = (10, 4, 26)
    #expect(opt.iterate == [0, 0, -2])  // g̃ = (0, 0, mean(5, −1))
    #expect(opt.averagedMemory == [2, 1, 0])  // mean of the residual columns
    #expect(record.retainedFraction == 26.0 / 40.0)
    // Next step: the memory is added to every row before selection.
    let zeroRows = Matrix<Rational>(rows: 2, columns: 3, repeating: .zero)
    let second = try opt.step(rows: zeroRows, goodRows: [0, 1], using: &rng)
    #expect(second.augmentedRows == (try Matrix<Rational>([[2, 1, 0], [2, 1, 0]])))
    #expect(second.block == [0])
    #expect(opt.iterate == [-2, 0, -2])
    #expect(opt.averagedMemory == [0, 1, 0])
  }

  @Test func perRowMemoryReturnsEachRowsResidual() throws {
    let rows = try Matrix<Rational>([[1, 0, 5], [3, 2, -1]])
    let config = OptimizerConfiguration<Rational>(
      stepSize: Rational(1, 2), memory: .perRow, block: .block(k: 1, reading: .topK), record: .full)
    var opt = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 2,
                               rule: ColumnMeanRule<Rational>(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    _ = try opt.step(rows: rows, goodRows: [0, 1], using: &rng)
    #expect(opt.rowMemory == (try Matrix<Rational>([[Rational(1, 2), 0, 0], [Rational(3, 2), 1, 0]])))
    #expect(opt.memoryMean() == [1, Rational(1, 2), 0])
    #expect(opt.memoryMean(over: [1]) == [Rational(3, 2), 1, 0])
  }

  @Test func noMemoryAndFullBlockKeepNothing() throws {
    let rows = try Matrix<Double>([[1, 2], [3, 4]])
    var sgd = try BlockDescent(
      initialIterate: [1, 1], batchCount: 2, rule: ColumnMeanRule<Double>(),
      configuration: OptimizerConfiguration(stepSize: 0.5, memory: .averaged, block: .all))
    var rng = Xoshiro256(seed: 0)
    let record = try sgd.step(rows: rows, goodRows: [0, 1], using: &rng)
    #expect(sgd.iterate == [0, -0.5])  // x − γ·mean = (1, 1) − 0.5·(2, 3)
    #expect(sgd.averagedMemory == [0, 0])
    #expect(record.block == nil && record.retainedFraction == 1)
  }

  @Test func badShapesThrow() throws {
    let config = OptimizerConfiguration<Double>(stepSize: 1, block: .block(k: 3, reading: .uniform))
    #expect(throws: ShapeError.blockSize(k: 3, d: 2)) {
      _ = try BlockDescent(initialIterate: [0, 0], batchCount: 2, rule: ColumnMeanRule<Double>(), configuration: config)
    }
    #expect(throws: ShapeError.noRows) {
      _ = try BlockDescent(initialIterate: [0, 0], batchCount: 0, rule: ColumnMeanRule<Double>(),
                           configuration: OptimizerConfiguration(stepSize: 1))
    }
    var opt = try BlockDescent(initialIterate: [0, 0], batchCount: 2, rule: ColumnMeanRule<Double>(),
                               configuration: OptimizerConfiguration(stepSize: 1))
    var rng = Xoshiro256(seed: 0)
    #expect(throws: ShapeError.self) {
      _ = try opt.step(rows: Matrix(rows: 3, columns: 2, repeating: 0), goodRows: [], using: &rng)
    }
    #expect(throws: ShapeError.self) {
      _ = try opt.step(rows: Matrix(rows: 2, columns: 5, repeating: 0), goodRows: [], using: &rng)
    }
    #expect(throws: ShapeError.self) { _ = try BlockChoice.fraction(0, reading: .uniform).blockSize(dimension: 10) }
    #expect(try BlockChoice.fraction(0.1, reading: .uniform).blockSize(dimension: 95) == 10)
  }
}
