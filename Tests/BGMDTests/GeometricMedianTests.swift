import ExactArithmetic
import Randomness
import Testing
@testable import BGMD

@Suite struct GeometricMedianTests {
  func solve(_ rows: [[Double]], epsilon: Double = 1e-12, weights: [Double]? = nil) throws
    -> GeometricMedianSolution<Double>
  {
    try geometricMedian(try Matrix(rows), weights: weights, options: GeometricMedianOptions(epsilon: epsilon))
  }

  func distance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
  }

  @Test func anchorCollinearMedianIsTheMiddlePoint() throws {
    let s = try solve([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    #expect(s.point == [4, 5, 6])
    #expect(s.certificate.converged)
    #expect(s.certificate.lowerBound <= s.certificate.objective)
  }

  @Test func anchorFourPointsInThreeDimensions() throws {
    let s = try solve([[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]])
    #expect(distance(s.point, [1.8775256, 1.9649419, 2.9094887]) < 1e-6)
    #expect(abs(s.certificate.objective - 7.7857609) < 1e-6)
    #expect(s.certificate.converged)
    #expect(s.certificate.epsilon <= 1e-12)
  }

  @Test func anchorStartOnADataPointThatIsNotTheMedian() throws {
    // The coordinate median (5, 0) is a data point; plain Weiszfeld stalls
    // there, Vardi–Zhang moves off it to (5 − 0.1/√3, 0).
    let s = try solve([[0, 0], [5, 0], [5, 0.1], [5, -0.1], [-15, 0]])
    #expect(distance(s.point, [5 - 0.1 / 3.0.squareRoot(), 0]) < 1e-8)
    #expect(s.certificate.converged)
  }

  @Test func certificateBracketsTheObjectiveOnRandomData() throws {
    var rng = Xoshiro256(seed: 7)
    for _ in 0..<20 {
      let b = 2 + rng.uniformInt(below: 10), d = 1 + rng.uniformInt(below: 30)
      let rows = (0..<b).map { _ in (0..<d).map { _ in rng.standardNormal() } }
      let s = try solve(rows, epsilon: 1e-9)
      #expect(s.certificate.lowerBound <= s.certificate.objective)
      #expect(s.certificate.converged)
      #expect(s.certificate.epsilon <= 1e-9)
      // The objective at the point is what the certificate says.
      let g = rows.map { distance($0, s.point) }.reduce(0, +)
      #expect(abs(g - s.certificate.objective) <= 1e-12 * max(1, g))
    }
  }

  /// A proof, in exact rational arithmetic, of how close z is to optimal for
  /// integer points x: returns U and L with L ≤ min g ≤ g(z) ≤ U.
  /// L comes from a dual certificate built exactly: qᵢ = rational unit
  /// directions (z − xᵢ)/‖z − xᵢ‖ rounded through Double, minus their mean
  /// (so Σ = 0 exactly), divided by an interval upper bound on max ‖qᵢ‖ when
  /// it exceeds 1 (so ‖uᵢ‖ ≤ 1 provably); L = Σ⟨uᵢ, z − xᵢ⟩. U is the sum of
  /// the upper ends of certified norm enclosures.
  func provenBounds(_ points: [[Int]], _ z: [Double]) -> (upper: Rational, lower: Rational) {
    let zq = z.map { Rational($0) }
    let differences = points.map { x in zip(zq, x).map { $0 - Rational($1) } }
    var upper = Rational.zero
    var directions: [[Rational]] = []
    for v in differences {
      let norm = RationalInterval.norm(v, precision: 80)
      upper += norm.hi
      let approximate = norm.midpoint.doubleValue
      directions.append(v.map { approximate > 0 ? Rational($0.doubleValue / approximate) : .zero })
    }
    let d = z.count, n = points.count
    for j in 0..<d {
      var sum = Rational.zero
      for q in directions { sum += q[j] }
      let mean = sum / Rational(n)
      for i in 0..<n { directions[i][j] -= mean }
    }
    var largest = Rational(1)
    for q in directions {
      let bound = RationalInterval.norm(q, precision: 80).hi
      if bound > largest { largest = bound }
    }
    var lower = Rational.zero
    for (q, v) in zip(directions, differences) {
      for j in 0..<d { lower += q[j] * v[j] }
    }
    return (upper, lower / largest)
  }

  @Test func optimalityIsProvedInRationalArithmetic() throws {
    let cases: [[[Int]]] = [
      [[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]],
      [[0, 0], [4, 0], [0, 3], [7, 7], [-2, 5]],
      [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    ]
    for points in cases {
      let s = try solve(points.map { $0.map(Double.init) }, epsilon: 1e-9)
      let (upper, lower) = provenBounds(points, s.point)
      #expect(lower > .zero)
      // Proven: (g(z) − min g) / min g ≤ (U − L)/L ≤ 1e-8.
      #expect((upper - lower) / lower <= Rational(1, 100_000_000), "\(points)")
      // The solver's own lower bound, computed in Double, is below the
      // proven upper bound on min g up to its rounding (2⁻⁵⁰ relative).
      #expect(Rational(s.certificate.lowerBound) <= upper * (Rational(1) + Rational(1, 1 << 50)))
    }
  }

  @Test func meanThatIsADataPoint() throws {
    // Symmetric around the origin, a data point: the mean, the coordinate
    // median and the geometric median are all (0, 0).
    let s = try solve([[0, 0], [2, 1], [-2, -1], [1, -2], [-1, 2]])
    #expect(s.point == [0, 0])
    // ε = 0 would need ĝ exact; the proven bounds carry the rounding of ĝ.
    #expect(s.certificate.converged && s.certificate.epsilon <= 1e-13)
  }

  @Test func duplicatesActAsWeights() throws {
    // Three copies of the origin outweigh two unit pulls (‖R‖ = √2 ≤ 3).
    let s = try solve([[0, 0], [0, 0], [0, 0], [10, 0], [0, 10]])
    #expect(s.point == [0, 0])
    let rows: [[Double]] = [[1, 2], [1, 2], [5, -1], [0, 7], [3, 3]]
    let duplicated = try solve(rows, epsilon: 1e-10)
    let weighted = try solve([[1, 2], [5, -1], [0, 7], [3, 3]], epsilon: 1e-10, weights: [2, 1, 1, 1])
    #expect(distance(duplicated.point, weighted.point) < 1e-6)
    #expect(abs(duplicated.certificate.objective - weighted.certificate.objective) < 1e-8)
  }

  @Test func nonFiniteRowsAreExcludedAndCounted() throws {
    let s = try solve([[1, 2, 3], [.nan, 0, 0], [4, 5, 6], [7, 8, 9], [0, -.infinity, 0]])
    #expect(s.point == [4, 5, 6] && s.excludedRows == [1, 4])
    #expect(throws: AggregationError.tooManyNonFiniteRows(rule: "geometric-median", nonFinite: 2, rows: 4, tolerated: 1)) {
      try solve([[1, 2], [.nan, 0], [4, 5], [.infinity, 0]])
    }
  }

  @Test func hugeMagnitudesDoNotOverflow() throws {
    let rows: [[Double]] = [[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]]
    let s = try solve(rows.map { $0.map { $0 * 1e200 } }, epsilon: 1e-10)
    let reference = [1.8775256, 1.9649419, 2.9094887]
    for j in 0..<3 { #expect(abs(s.point[j] / 1e200 - reference[j]) < 1e-6) }
    #expect(s.certificate.objective.isFinite && abs(s.certificate.objective / 1e200 - 7.7857609) < 1e-6)
    #expect(s.certificate.converged)
  }

  @Test func floatInputAndSmallShapes() throws {
    let floatRows: [[Float]] = [[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]]
    let f = try geometricMedian(try Matrix<Float>(floatRows))
    #expect(abs(f.point[0] - 1.8775256) < 1e-5 && f.certificate.converged)
    // The certificate is about the returned Float point itself.
    let g = floatRows.map { row in distance(row.map(Double.init), f.point.map(Double.init)) }.reduce(0, +)
    #expect(abs(g - f.certificate.objective) <= 1e-12 * g)
    // d = 1: the median; b = 1: the row.
    #expect(try solve([[5], [1], [3], [100], [2]]).point == [3])
    #expect(try solve([[2, -7]]).point == [2, -7])
    let zero = try solve([[0, 0], [0, 0]])
    #expect(zero.point == [0, 0] && zero.certificate.objective == 0)
  }

  @Test func nonConvergenceReturnsTheBestIterateWithAnHonestCertificate() throws {
    let s = try geometricMedian(
      try Matrix<Double>([[0, 0], [5, 0], [5, 0.1], [5, -0.1], [-15, 0]]),
      options: GeometricMedianOptions(epsilon: 0, maxIterations: 2))
    #expect(s.certificate.iterations <= 2)
    #expect(!s.certificate.converged || s.certificate.epsilon == 0)
    #expect(s.certificate.lowerBound <= s.certificate.objective)
    let g = [[0, 0], [5, 0], [5, 0.1], [5, -0.1], [-15, 0]].map { distance($0, s.point) }.reduce(0, +)
    #expect(abs(g - s.certificate.objective) < 1e-12)
  }

  @Test func badWeightsThrow() throws {
    #expect(throws: ShapeError.dimensionMismatch(what: "weights", expected: 2, found: 1)) {
      try solve([[1], [2]], weights: [1])
    }
    #expect(throws: AggregationError.self) { try solve([[1], [2]], weights: [1, -1]) }
    #expect(throws: AggregationError.self) { try solve([[1], [2]], weights: [0, 0]) }
  }

  @Test func fusedStartPassAgreesWithTheScaledPath() throws {
    // Entries times 2^600 take the scaled path (separate median, mean and
    // distance passes); power-of-two scaling is exact, so both paths must
    // give the same point up to that factor. d = 2500 spans several column
    // chunks and a tail; odd and even row counts.
    var rng = Xoshiro256(seed: 13)
    for n in [5, 6] {
      let values = (0..<(n * 2500)).map { _ in rng.standardNormal() }
      let plain = try geometricMedian(try Matrix(rows: n, columns: 2500, storage: values))
      let scaled = try geometricMedian(try Matrix(rows: n, columns: 2500, storage: values.map { $0 * 0x1p600 }))
      #expect(plain.point.map { $0 * 0x1p600 } == scaled.point)
      #expect(plain.certificate.iterations == scaled.certificate.iterations)
      #expect(plain.certificate.converged)
    }
  }
}
