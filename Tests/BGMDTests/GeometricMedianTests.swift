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
}
