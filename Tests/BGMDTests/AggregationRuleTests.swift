import ExactArithmetic
import Randomness
import Testing
@testable import BGMD

@Suite struct AggregationRuleTests {
  var rng = Xoshiro256(seed: 5)

  func rationalMatrix(_ rows: [[Int]]) throws -> Matrix<Rational> {
    try Matrix(rows.map { $0.map { Rational($0) } })
  }

  @Test mutating func meanIsTheAverageAndPropagatesNonFiniteRows() throws {
    let m = try Mean<Double>().aggregate(try Matrix([[1, 2], [3, 4], [5, 9]]), using: &rng)
    #expect(m.vector == [3, 5])
    let exact = try Mean<Rational>().aggregate(try rationalMatrix([[1, 2], [2, 2]]), using: &rng)
    #expect(exact.vector == [Rational(3, 2), Rational(2)])
    let bad = try Mean<Double>().aggregate(try Matrix([[1, 2], [.nan, 4]]), using: &rng)
    #expect(bad.vector[0].isNaN && bad.vector[1] == 3)
    #expect(bad.nonFiniteRowsIncluded == [1] && bad.excludedRows.isEmpty)
  }

  @Test mutating func coordinateMedianOddAndEvenCounts() throws {
    let odd = try CoordinateMedian<Double>().aggregate(try Matrix([[1, 9], [7, 2], [3, 5]]), using: &rng)
    #expect(odd.vector == [3, 5])
    // Even count: the mean of the two middle values, (2 + 4)/2 = 3.
    let even = try CoordinateMedian<Double>().aggregate(try Matrix([[1], [10], [2], [4]]), using: &rng)
    #expect(even.vector == [3])
    let exact = try CoordinateMedian<Rational>().aggregate(try rationalMatrix([[1], [2]]), using: &rng)
    #expect(exact.vector == [Rational(3, 2)])
    // A larger column (quickselect path) against sorting.
    var values: [Double] = (0..<41).map { Double(($0 * 17) % 41) }
    let m = try CoordinateMedian<Double>().aggregate(try Matrix(values.map { [$0] }), using: &rng)
    values.sort()
    #expect(m.vector == [values[20]])
    let m2 = try CoordinateMedian<Float>().aggregate(try Matrix(values.dropLast().map { [Float($0)] }), using: &rng)
    #expect(m2.vector == [Float((values[19] + values[20]) / 2)])
  }

  @Test mutating func robustRulesExcludeNonFiniteRowsAndThrowAtHalf() throws {
    let rows = try Matrix<Double>([[1, 1], [.infinity, 0], [2, 2], [3, 3], [0, .nan]])
    let median = try CoordinateMedian<Double>().aggregate(rows, using: &rng)
    #expect(median.vector == [2, 2] && median.excludedRows == [1, 4])
    let trimmed = try TrimmedMean<Double>(beta: 0).aggregate(rows, using: &rng)
    #expect(trimmed.vector == [2, 2] && trimmed.excludedRows == [1, 4])
    let half = try Matrix<Double>([[1], [.nan], [2], [.infinity]])
    #expect(throws: AggregationError.tooManyNonFiniteRows(rule: "coordinate-median", nonFinite: 2, rows: 4, tolerated: 1)) {
      try CoordinateMedian<Double>().aggregate(half, using: &rng)
    }
    #expect(throws: AggregationError.self) { try TrimmedMean<Double>(beta: 0.1).aggregate(half, using: &rng) }
    #expect(throws: AggregationError.self) { try Krum<Double>(byzantine: 0).aggregate(half, using: &rng) }
    #expect(throws: AggregationError.self) { try BlockGeometricMedian<Double>(blockSize: .count(1)).aggregate(half, using: &rng) }
  }

  @Test mutating func trimmedMeanDropsBetaPerSide() throws {
    // β = 0.2 of n = 5 trims one value per side: mean(2, 3, 4) = 3.
    let t = try TrimmedMean<Double>(beta: 0.2).aggregate(try Matrix([[1], [100], [3], [2], [4]]), using: &rng)
    #expect(t.vector == [3])
    let exact = try TrimmedMean<Rational>(beta: 0.25).aggregate(try rationalMatrix([[0], [1], [2], [9]]), using: &rng)
    #expect(exact.vector == [Rational(3, 2)])
    #expect(throws: AggregationError.self) { try TrimmedMean<Double>(beta: 0.5) }
    #expect(throws: AggregationError.self) { try TrimmedMean<Double>(beta: -0.1) }
  }

  @Test mutating func krumUsesNMinusFMinusTwoNeighbours() throws {
    // Points 0, 1, 2, 10, 11 on a line. With f = 1 each row sums its
    // m = 5 − 1 − 2 = 2 smallest squared distances: scores 5, 2, 5, 65, 82,
    // so Krum returns row 1. (With n − f − 1 = 3 neighbours the scores
    // would be 105, 83, 69, 146, 182 and the answer row 2.)
    let rows = try Matrix<Double>([[0], [1], [2], [10], [11]])
    #expect(try Krum<Double>(byzantine: 1).aggregate(rows, using: &rng).vector == [1])
    #expect(try Krum<Double>(byzantine: 0).aggregate(rows, using: &rng).vector == [2])
    // Multi-Krum, q = 3: rows 1, then 0 and 2 (tie at 5, lower index first).
    #expect(try Krum<Double>(byzantine: 1, selectionCount: 3).aggregate(rows, using: &rng).vector == [1])
    let exact = try Krum<Rational>(byzantine: 1).aggregate(try rationalMatrix([[0], [1], [2], [10], [11]]), using: &rng)
    #expect(exact.vector == [Rational(1)])
    // n − f − 2 < 1 is a parameter error.
    #expect(throws: AggregationError.self) { try Krum<Double>(byzantine: 3).aggregate(rows, using: &rng) }
    // Large magnitudes do not overflow the distances.
    let big = try Matrix<Double>([[0], [1e200], [2e200], [10e200], [11e200]])
    #expect(try Krum<Double>(byzantine: 1).aggregate(big, using: &rng).vector == [1e200])
  }

  @Test mutating func blockGeometricMedianScattersTheBlock() throws {
    let rows = try Matrix<Double>([[1, 0, 5, 2, 0, 0], [4, 0, 6, 3, 0, 1], [7, 0, 7, 4, 0, 0]])
    let rule = BlockGeometricMedian<Double>(blockSize: .count(2), reading: .topK)
    let result = try rule.aggregate(rows, using: &rng)
    // s = (66, 0, 110, 29, 0, 1): top-2 is {0, 2}; on the block the rows are
    // collinear, so the median is the middle row (4, 6).
    #expect(result.block == [0, 2])
    #expect(result.vector == [4, 0, 6, 0, 0, 0])
    #expect(result.certificate?.converged == true)
    let fraction = try BlockGeometricMedian<Double>(blockSize: .fraction(0.5), reading: .successive)
      .aggregate(rows, using: &rng)
    #expect(fraction.block?.count == 3)
    #expect(throws: ShapeError.blockSize(k: 7, d: 6)) {
      try BlockGeometricMedian<Double>(blockSize: .count(7)).aggregate(rows, using: &rng)
    }
  }

  @Test mutating func noRowsIsAShapeError() throws {
    let empty = Matrix<Double>(rows: 0, columns: 3, repeating: 0)
    #expect(throws: ShapeError.noRows) { try Mean<Double>().aggregate(empty, using: &rng) }
    #expect(throws: ShapeError.noRows) { try CoordinateMedian<Double>().aggregate(empty, using: &rng) }
    #expect(throws: ShapeError.noRows) { try TrimmedMean<Double>(beta: 0.1).aggregate(empty, using: &rng) }
    #expect(throws: ShapeError.noRows) { try Krum<Double>(byzantine: 0).aggregate(empty, using: &rng) }
    #expect(throws: ShapeError.noRows) { try GeometricMedian<Double>().aggregate(empty, using: &rng) }
    #expect(throws: ShapeError.noRows) { try BlockGeometricMedian<Double>(blockSize: .count(1)).aggregate(empty, using: &rng) }
  }

  @Test mutating func coordinateMedianNetworkAgreesWithTheReferenceForEveryRowCount() throws {
    // d = 19 exercises the vector groups (8 Float / 4 Double lanes) and the
    // quickselect tail; the reference sorts each column.
    for n in 1...40 {
      let values = (0..<(n * 19)).map { _ in Double(rng.uniformInt(below: 7)) - 3 + rng.uniformDouble() }
      let doubles = try Matrix(rows: n, columns: 19, storage: values)
      let floats = try Matrix(rows: n, columns: 19, storage: values.map { Float($0) })
      let rationals = try Matrix(rows: n, columns: 19, storage: values.map { Rational(exactly: $0) ?? Rational(0) })
      #expect(coordinateMedian(doubles) == referenceCoordinateMedian(doubles), "n = \(n)")
      #expect(coordinateMedian(floats) == referenceCoordinateMedian(floats), "n = \(n) (Float)")
      #expect(coordinateMedian(rationals) == referenceCoordinateMedian(rationals), "n = \(n) (Rational)")
    }
    // The reference is the definition: column 0 of [[1], [5], [2], [9]] is 3.5.
    let small = try Matrix<Double>([[1, 0], [5, 0], [2, 1], [9, 1]])
    #expect(referenceCoordinateMedian(small) == [3.5, 0.5])
  }

  @Test func coordinateMedianNearOverflowAgreesWithTheReference() throws {
    // Even row counts whose two middle values overflow when added.
    let big = Double.greatestFiniteMagnitude
    for n in [2, 4, 8, 32, 34] {
      let values = (0..<(n * 9)).map { k -> Double in
        let r = (k / 9 + k) % 3  // (row + column) mod 3: every column mixes the three values
        return r == 0 ? big : (r == 1 ? big / 2 * 1.5 : -big)
      }
      let doubles = try Matrix(rows: n, columns: 9, storage: values)
      let median = coordinateMedian(doubles)
      #expect(median.allSatisfy { $0.isFinite }, "n = \(n)")
      #expect(median == referenceCoordinateMedian(doubles), "n = \(n)")
    }
  }

  @Test mutating func coordinateMedianOfThirtyTwoRowsWithTies() throws {
    // 32 rows take the network written out in registers
    // (`_middleOfThirtyTwo`); many ties and signed zeros, several vector
    // groups and a tail.
    let n = 32, d = 1003
    let values = (0..<(n * d)).map { _ -> Double in
      let k = rng.uniformInt(below: 6)
      return k == 5 ? -0.0 : Double(k) - 2
    }
    let doubles = try Matrix(rows: n, columns: d, storage: values)
    let floats = try Matrix(rows: n, columns: d, storage: values.map { Float($0) })
    #expect(coordinateMedian(doubles) == referenceCoordinateMedian(doubles))
    #expect(coordinateMedian(floats) == referenceCoordinateMedian(floats))
  }
}

@Suite struct MatrixShapeTests {
  @Test func raggedRowsAndEmptyInputsAreShapeErrors() throws {
    #expect(throws: ShapeError.raggedRow(row: 1, expected: 2, found: 1)) { try Matrix<Double>([[1, 2], [3]]) }
    #expect(throws: ShapeError.noRows) { try Matrix<Double>([]) }
    #expect(throws: ShapeError.storageCount(rows: 2, columns: 2, count: 3)) {
      try Matrix<Double>(rows: 2, columns: 2, storage: [1, 2, 3])
    }
  }
}
