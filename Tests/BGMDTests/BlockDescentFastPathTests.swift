import Randomness
import RealModule
import Testing

@testable import BGMD
import TestSupport

/// Random rows: Gaussian entries with per-column scales over six orders of
/// magnitude, some exact zeros and negative zeros, and (when asked) a row
/// with a NaN or an infinity in it.
func randomRows<E: Scalar & BinaryFloatingPoint>(
  _: E.Type, b: Int, d: Int, nonFinite: Bool, using rng: inout Xoshiro256
) -> Matrix<E> {
  var m = Matrix<E>(rows: b, columns: d, repeating: 0)
  let scales = (0..<d).map { _ in Double.pow(10, Double(rng.uniformInt(in: -3...3))) }
  for i in 0..<b {
    for j in 0..<d {
      switch rng.uniformInt(in: 0...19) {
      case 0: m[i, j] = 0
      case 1: m[i, j] = -0.0
      default: m[i, j] = E(rng.standardNormal() * scales[j])
      }
    }
  }
  if nonFinite {
    m[rng.uniformInt(below: b), rng.uniformInt(below: d)] = rng.bernoulli(0.5) ? .nan : -.infinity
  }
  return m
}

/// Runs the fast path and the generic path side by side for `steps` steps
/// on the same rows and the same random draws, and checks that they agree:
/// block, certificate, excluded rows, aggregate-driven iterate and memory bit
/// for bit; the retained fraction to 1e-12 (its summation order differs).
func expectFastPathMatchesGeneric<E: Scalar & Real & BinaryFloatingPoint, Rule: AggregationRule>(
  _: E.Type, rule: Rule, memory: MemoryVariant, reading: SelectionReading, seed: UInt64,
  nonFinite: Bool = false
) throws where Rule.Element == E {
  var data = Xoshiro256(seed: seed)
  let b = data.uniformInt(in: (nonFinite ? 3 : 1)...7), d = data.uniformInt(in: 1...40)
  let k = data.uniformInt(in: 1...d)
  let gamma = E([1, 0.5, 0.1, 3][data.uniformInt(below: 4)])
  let config = OptimizerConfiguration<E>(
    stepSize: gamma, memory: memory, block: .block(k: k, reading: reading), record: .summary)
  let start = (0..<d).map { _ in E(data.standardNormal()) }
  var fast = try BlockDescent(initialIterate: start, batchCount: b, rule: rule, configuration: config)
  var generic = fast
  generic._usesFastPath = false
  var rngFast = Xoshiro256(seed: seed &+ 1)
  var rngGeneric = Xoshiro256(seed: seed &+ 1)
  for step in 0..<4 {
    let rows = randomRows(E.self, b: b, d: d, nonFinite: nonFinite && step == 2, using: &data)
    let f = try fast.step(rows: rows, goodRows: Array(0..<b), using: &rngFast)
    let g = try generic.step(rows: rows, goodRows: Array(0..<b), using: &rngGeneric)
    let context = "seed \(seed), b \(b), d \(d), k \(k), step \(step)"
    #expect(f.block == g.block, "\(context)")
    #expect(f.certificate == g.certificate, "\(context)")
    #expect(f.excludedRows == g.excludedRows, "\(context)")
    #expect(sameBits(f.iterate ?? [], g.iterate ?? []), "\(context)")
    #expect(sameBits(fast.iterate, generic.iterate), "\(context)")
    #expect(sameBits(fast.averagedMemory, generic.averagedMemory), "\(context)")
    #expect(sameBits(fast.rowMemory?.storage ?? [], generic.rowMemory?.storage ?? []), "\(context)")
    let fr = f.retainedFraction, gr = g.retainedFraction
    #expect((fr.isNaN && gr.isNaN) || abs(fr - gr) <= 1e-12, "\(context): \(fr) vs \(gr)")
  }
  // Both draw the same numbers, so the generators stay in step.
  #expect(rngFast.next() == rngGeneric.next())
}

@Suite struct BlockDescentFastPathTests {
  static let cases: [(MemoryVariant, SelectionReading)] = MemoryVariant.allCases.flatMap { memory in
    SelectionReading.allCases.map { (memory, $0) }
  }

  @Test(arguments: cases)
  func floatFastPathMatchesGenericWithGeometricMedian(memory: MemoryVariant, reading: SelectionReading) throws {
    for seed in UInt64(0)..<12 {
      try expectFastPathMatchesGeneric(
        Float.self, rule: GeometricMedian<Float>(), memory: memory, reading: reading, seed: seed)
    }
  }

  @Test(arguments: cases)
  func doubleFastPathMatchesGenericWithMean(memory: MemoryVariant, reading: SelectionReading) throws {
    for seed in UInt64(100)..<112 {
      try expectFastPathMatchesGeneric(
        Double.self, rule: ColumnMeanRule<Double>(), memory: memory, reading: reading, seed: seed)
    }
  }

  @Test(arguments: cases)
  func nonFiniteRowsFallBackToTheGenericRules(memory: MemoryVariant, reading: SelectionReading) throws {
    // The geometric median excludes the non-finite row; the mean would
    // propagate it (compared bit for bit as well).
    for seed in UInt64(200)..<206 {
      try expectFastPathMatchesGeneric(
        Double.self, rule: GeometricMedian<Double>(), memory: memory, reading: reading, seed: seed,
        nonFinite: true)
      try expectFastPathMatchesGeneric(
        Float.self, rule: ColumnMeanRule<Float>(), memory: memory, reading: reading, seed: seed,
        nonFinite: true)
    }
  }

  @Test(arguments: MemoryVariant.allCases)
  func allCoordinatesAugmentAsTheGenericPath(memory: MemoryVariant) throws {
    var data = Xoshiro256(seed: 300)
    let (b, d) = (5, 19)
    let config = OptimizerConfiguration<Float>(stepSize: 0.1, memory: memory, block: .all, record: .full)
    var fast = try BlockDescent(initialIterate: Array(repeating: 0, count: d), batchCount: b,
                                rule: GeometricMedian<Float>(), configuration: config)
    var generic = fast
    generic._usesFastPath = false
    var r1 = Xoshiro256(seed: 1), r2 = Xoshiro256(seed: 1)
    for _ in 0..<3 {
      let rows = randomRows(Float.self, b: b, d: d, nonFinite: false, using: &data)
      let f = try fast.step(rows: rows, goodRows: Array(0..<b), using: &r1)
      let g = try generic.step(rows: rows, goodRows: Array(0..<b), using: &r2)
      #expect(sameBits(f.augmentedRows?.storage ?? [], g.augmentedRows?.storage ?? []))
      #expect(f.certificate == g.certificate)
      #expect(sameBits(fast.iterate, generic.iterate))
    }
  }

  @Test func overflowingScoresFallBackToTheRescaledSelection() throws {
    // Entries near 1e200: squares overflow `Double`; the generic path
    // selects on rescaled scores.
    let rows = try Matrix<Double>([[1e200, 3e200, 1], [2e200, -1e200, 2]])
    for memory in MemoryVariant.allCases {
      let config = OptimizerConfiguration<Double>(
        stepSize: 1, memory: memory, block: .block(k: 1, reading: .topK), record: .none)
      var fast = try BlockDescent(initialIterate: [0, 0, 0], batchCount: 2, rule: ColumnMeanRule<Double>(),
                                  configuration: config)
      var generic = fast
      generic._usesFastPath = false
      var r1 = Xoshiro256(seed: 1), r2 = Xoshiro256(seed: 1)
      let f = try fast.step(rows: rows, goodRows: [0, 1], using: &r1)
      let g = try generic.step(rows: rows, goodRows: [0, 1], using: &r2)
      #expect(f.block == [1] && g.block == [1])
      #expect(sameBits(fast.iterate, generic.iterate))
      #expect(sameBits(fast.averagedMemory, generic.averagedMemory))
    }
  }

  @Test func aThrowingRuleLeavesThePerRowMemoryUnchanged() throws {
    struct Failing: AggregationRule {
      var name: String { "failing" }
      func aggregate(_ rows: Matrix<Float>, using rng: inout some RandomNumberGenerator) throws
        -> AggregationResult<Float>
      { throw ShapeError.noRows }
    }
    let config = OptimizerConfiguration<Float>(
      stepSize: 0.5, memory: .perRow, block: .block(k: 1, reading: .successive), record: .none)
    var opt = try BlockDescent(initialIterate: [0, 0], batchCount: 2, rule: Failing(), configuration: config)
    var rng = Xoshiro256(seed: 0)
    #expect(throws: ShapeError.noRows) {
      _ = try opt.step(rows: Matrix(rows: 2, columns: 2, repeating: 1), goodRows: [0, 1], using: &rng)
    }
    #expect(opt.rowMemory == Matrix(rows: 2, columns: 2, repeating: 0))
    #expect(opt.iteration == 0)
  }
}

/// The `Float` moments kernel against the scalar definition, on shapes that
/// cross its row groups (8 rows) and column chunks (4096 columns) and leave
/// remainders of every size below its strip width (16 columns).
@Suite struct FloatMomentKernelTests {
  static let shapes: [(b: Int, d: Int)] = [(1, 1), (3, 15), (8, 16), (9, 17), (17, 4096 + 31), (33, 2 * 4096 + 5)]

  @Test(arguments: shapes)
  func momentsMatchTheScalarDefinitionBitForBit(b: Int, d: Int) {
    var rng = Xoshiro256(seed: UInt64(b * 100_003 + d))
    let g = (0..<(b * d)).map { _ in Float(rng.standardNormal() * 3) }
    let averagedMemory = (0..<d).map { _ in Float(rng.standardNormal()) }
    let rowMemory = (0..<(b * d)).map { _ in Float(rng.standardNormal()) }
    let gamma: Float = 0.3
    for source in [_AugmentationSource<Float>.averaged(averagedMemory), .perRow(rowMemory), .none] {
      var scores = [Double](repeating: 0, count: d)
      var sums = [Float](repeating: 0, count: d)
      for i in 0..<b {
        for j in 0..<d {
          var a = gamma * g[i * d + j]
          switch source {
          case let .averaged(m): a = a + m[j]
          case let .perRow(m): a = a + m[i * d + j]
          case .none: break
          }
          scores[j] += Double(a) * Double(a)
          sums[j] += a
        }
      }
      let kernel = _floatAugmentedColumnMoments(g, rows: b, columns: d, gamma: gamma, source: source)
      #expect(sameBits(kernel.scores, scores))
      if case .averaged = source {
        #expect(sameBits(kernel.sums, sums))
      } else {
        #expect(kernel.sums.isEmpty)
      }
      #expect(kernel.total.isFinite)
      #expect(kernel.deviations.isEmpty, "deviations only when asked for")
    }
  }

  /// The row norms ‖aᵢ − m̂‖² the moments pass computes for `norm-filtered`
  /// (Float kernel and generic Double pass), against `_rowSquaredDistances`
  /// on the augmented rows, bit for bit, with the scores and sums unchanged.
  @Test(arguments: shapes)
  func rowDeviationsMatchTheReferenceBitForBit(b: Int, d: Int) throws {
    var rng = Xoshiro256(seed: UInt64(b * 7 + d))
    let g = (0..<(b * d)).map { _ in rng.standardNormal() * 3 }
    let m = (0..<d).map { _ in rng.standardNormal() }
    let gf = g.map { Float($0) }, mf = m.map { Float($0) }
    let gamma: Float = 0.3
    let augmented = Matrix<Float>(_unchecked: b, d, (0..<(b * d)).map { gamma * gf[$0] + mf[$0 % d] })
    let float = _floatAugmentedColumnMoments(gf, rows: b, columns: d, gamma: gamma, source: .averaged(mf),
                                             rowDeviations: true)
    let plain = _floatAugmentedColumnMoments(gf, rows: b, columns: d, gamma: gamma, source: .averaged(mf))
    #expect(sameBits(float.deviations, _rowSquaredDistances(augmented, center: mf)))
    #expect(sameBits(float.scores, plain.scores) && sameBits(float.sums, plain.sums))
    let augmentedDouble = Matrix<Double>(_unchecked: b, d, (0..<(b * d)).map { 0.3 * g[$0] + m[$0 % d] })
    let double = _augmentedColumnMoments(g, rows: b, columns: d, gamma: 0.3, source: .averaged(m), rowDeviations: true)
    #expect(sameBits(double.deviations, _rowSquaredDistances(augmentedDouble, center: m)))
  }
}
