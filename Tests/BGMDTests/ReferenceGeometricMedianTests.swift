import Foundation
import Randomness
import Testing
@testable import BGMD

/// The fused Weiszfeld kernels behind `geometricMedian` against the plain
/// reference solver `referenceGeometricMedian`: on shapes that cross the
/// kernels' chunk (4096 columns) and row-group (8 rows) edges, with data
/// points as medians and heavy outliers, each result's objective is within
/// the other's proven lower bound times (1 + ε).
@Suite struct ReferenceGeometricMedianTests {
  static func matrix(rows b: Int, columns d: Int, shape: Int, using rng: inout Xoshiro256) -> [[Double]] {
    (0..<b).map { i in
      (0..<d).map { j in
        switch shape {
        case 0: return rng.standardNormal()
        case 1: return i < (b + 1) / 2 ? Double(j % 3) : 100 * rng.standardNormal()  // a majority on one point
        case 2: return i == 0 ? 1e6 * rng.standardNormal() : rng.standardNormal()  // one heavy outlier
        default: return Double(rng.uniformInt(below: 3))  // ties everywhere
        }
      }
    }
  }

  @Test(arguments: [(1, 1), (2, 3), (3, 5), (7, 9), (8, 4097), (9, 4095), (17, 300), (33, 64)])
  func kernelsAgreeWithTheReference(_ shape: (Int, Int)) throws {
    let (b, d) = shape
    var rng = Xoshiro256(seed: UInt64(b * 10_007 + d))
    for kind in 0..<4 {
      let rows = Self.matrix(rows: b, columns: d, shape: kind, using: &rng)
      let epsilon = 1e-6
      let reference = referenceGeometricMedian(rows, epsilon: epsilon)
      let fast = try geometricMedian(try Matrix<Double>(rows), options: GeometricMedianOptions(epsilon: epsilon))
      let r = reference.certificate, f = fast.certificate
      #expect(r.converged && f.converged, "b = \(b), d = \(d), shape \(kind): \(r), \(f)")
      // Each objective is a value of g; each lower bound is below min g.
      let slack = 1 + 1e-12
      #expect(f.objective >= r.lowerBound / slack && r.objective >= f.lowerBound / slack)
      #expect(f.objective <= (1 + epsilon) * r.lowerBound * slack || r.objective == 0)
      #expect(r.objective <= (1 + epsilon) * f.lowerBound * slack || f.objective == 0)
      // The reference's objective is g at its point.
      let g = rows.reduce(0.0) { s, row in
        s + zip(reference.point, row).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
      }
      #expect(abs(g - r.objective) <= 1e-12 * Swift.max(1, g))
    }
  }

  @Test func aMajorityPointIsTheMedianAndIsCertified() {
    // Three of five rows at (1, 1): the geometric median is that point.
    let rows: [[Double]] = [[1, 1], [1, 1], [1, 1], [5, -3], [-40, 7]]
    let r = referenceGeometricMedian(rows)
    #expect(r.point == [1, 1])
    #expect(r.certificate.converged && r.certificate.epsilon <= 1e-6)
  }
}
