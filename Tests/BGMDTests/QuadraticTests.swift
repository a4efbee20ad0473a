import ExactArithmetic
import Randomness
import Testing
import TestSupport
@testable import BGMD

@Suite struct QuadraticTests {
  static func instances() -> [PLQuadratic<Rational>] {
    var rng = Xoshiro256(seed: 20220301)
    var result: [PLQuadratic<Rational>] = []
    for (d, r) in [(1, 1), (2, 1), (3, 2), (4, 4), (5, 3), (6, 2)] {
      let builder = PLQuadraticBuilder(dimension: d, rank: r, conditionNumber: 1...20,
                                       noise: .signedBasis(scale: Rational(1, 3)))
      result.append(builder.build(using: &rng))
    }
    return result
  }

  @Test func builderRespectsRankAndConditionNumber() {
    var rng = Xoshiro256(seed: 99)
    for _ in 0..<10 {
      let f = PLQuadraticBuilder(dimension: 5, rank: 3, conditionNumber: 4...9).build(using: &rng)
      #expect(f.rank == 3)
      let kappa = f.smoothness / f.plConstant
      #expect(kappa >= 4 && kappa <= 9 && kappa.isInteger)
      #expect(f.eigenvalues.filter { $0 == 0 }.count == 2)
    }
  }

  @Test func orthogonalIsExactlyOrthogonal() {
    for f in Self.instances() {
      let q = f.orthogonal
      let d = f.dimension
      for i in 0..<d {
        for j in 0..<d {
          var s = Rational(0)
          for k in 0..<d { s += q[k, i] * q[k, j] }
          #expect(s == (i == j ? Rational(1) : Rational(0)), "QᵀQ[\(i),\(j)] = \(s)")
        }
      }
    }
  }

  @Test func hessianEigenStructure() {
    for f in Self.instances() {
      for j in 0..<f.dimension {
        var e = Array(repeating: Rational(0), count: f.dimension)
        e[j] = 1
        let u = f.applyQTranspose(e)
        #expect(f.hessianProduct(u) == u.map { f.eigenvalues[j] * $0 })
      }
    }
  }

  @Test func exactConstants() {
    let f = PLQuadratic<Rational>(householderVectors: [[1, 2, 0]], eigenvalues: [0, Rational(1, 2), 3],
                                  minimizer: [1, 0, -1])
    #expect(f.plConstant == Rational(1, 2))
    #expect(f.smoothness == 3)
    #expect(f.rank == 2)
    // H = I − 2vvᵀ/5 with v = (1, 2, 0).
    #expect(f.orthogonal[0, 0] == Rational(3, 5))
    #expect(f.orthogonal[0, 1] == Rational(-4, 5))
    #expect(f.orthogonal[2, 2] == 1)
    #expect(f.loss(f.minimizer) == 0)
  }

  @Test func projectionIsIdempotentAndInSolutionSet() {
    var rng = Xoshiro256(seed: 7)
    for f in Self.instances() {
      for _ in 0..<5 {
        let x = (0..<f.dimension).map { _ in Rational(rng.uniformInt(in: -9...9), rng.uniformInt(in: 1...5)) }
        let p = f.projection(x)
        #expect(f.isInSolutionSet(p))
        #expect(f.loss(p) == f.optimalValue)
        #expect(f.projection(p) == p)
        // x − x_p is orthogonal to the null space: A-range component only.
        let residual = zip(x, p).map { $0 - $1 }
        let z = f.applyQ(residual)
        for j in 0..<f.dimension where f.eigenvalues[j] == 0 { #expect(z[j] == 0) }
      }
    }
  }

  @Test func plInequalityHoldsExactly() {
    var rng = Xoshiro256(seed: 11)
    for f in Self.instances() {
      for _ in 0..<20 {
        let x = (0..<f.dimension).map { _ in Rational(rng.uniformInt(in: -20...20), rng.uniformInt(in: 1...7)) }
        let g = f.gradient(x)
        var gg = Rational(0)
        for v in g { gg += v * v }
        #expect(gg / 2 >= f.plConstant * (f.loss(x) - f.optimalValue))
        // L-smoothness in the same exact terms: ‖∇f‖² ≤ 2L (f − f*).
        #expect(gg <= 2 * f.smoothness * (f.loss(x) - f.optimalValue))
      }
    }
  }

  @Test(arguments: [0, 1, 2])
  func noiseSecondMomentByEnumeration(kind: Int) throws {
    let s = Rational(2, 7)
    let noise: GradientNoise<Rational> = [.none, .rademacher(scale: s), .signedBasis(scale: s)][kind]
    let d = 4
    let outcomes = try #require(noise.outcomes(dimension: d))
    var total = Rational(0)
    var second = Rational(0)
    var mean = Array(repeating: Rational(0), count: d)
    for (p, n) in outcomes {
      total += p
      var nn = Rational(0)
      for (j, v) in n.enumerated() { nn += v * v; mean[j] += p * v }
      second += p * nn
    }
    #expect(total == 1)
    #expect(mean.allSatisfy { $0 == 0 })
    #expect(second == noise.variance(dimension: d))
    #expect(noise.variance(dimension: d) == [Rational(0), 4 * s * s, s * s][kind])
  }

  @Test func noiseDrawsAreOutcomes() {
    var rng = Xoshiro256(seed: 3)
    let s = Rational(1, 2)
    for noise in [GradientNoise<Rational>.rademacher(scale: s), .signedBasis(scale: s)] {
      let support = (noise.outcomes(dimension: 3) ?? []).map(\.vector)
      for _ in 0..<20 { #expect(support.contains(noise.sample(dimension: 3, using: &rng))) }
    }
  }

  @Test func secondMomentReading() {
    let f = Self.instances()[3]
    let x = Array(repeating: Rational(1), count: f.dimension)
    var gg = Rational(0)
    for v in f.gradient(x) { gg += v * v }
    #expect(f.secondMoment(at: x) == gg + Rational(1, 9))
    #expect(f.noiseVariance == Rational(1, 9))
  }

  @Test func doubleConversionAgrees() {
    let exact = Self.instances()[4]
    let float = exact.converted(to: Double.self)
    let same = exact.converted(to: Rational.self)
    #expect(same.hessian == exact.hessian)
    let x: [Rational] = [1, -2, Rational(1, 3), 0, 5]
    let gx = exact.gradient(x).map { Double($0) }
    #expect(maxAbsDifference(float.gradient(x.map { Double($0) }), gx) < 1e-9)
    #expect(abs(float.plConstant - Double(exact.plConstant)) < 1e-15)
  }

  @Test func oracleMatrixHasOneRowPerWorker() {
    var rng = Xoshiro256(seed: 5)
    let f = Self.instances()[2]
    let x = Array(repeating: Rational(0), count: f.dimension)
    let g = f.stochasticGradients(x, rows: 4, using: &rng)
    #expect(g.rows == 4 && g.columns == f.dimension)
  }
}
