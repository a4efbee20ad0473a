import Foundation
import ExactArithmetic
import Randomness
import Testing
import TestSupport
@testable import BGMD

/// Central finite differences of `f` at x, step h.
func finiteDifferenceGradient(_ f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-6) -> [Double] {
  (0..<x.count).map { j in
    var plus = x, minus = x
    plus[j] += h
    minus[j] -= h
    return (f(plus) - f(minus)) / (2 * h)
  }
}

@Suite struct ProblemTests {
  @Test func sineSquaredPLInequalityOnAGrid() {
    let f = SineSquaredPL<Double>()
    #expect(f.plConstant == 1.0 / 32 && f.smoothness == 8)
    var worst = Double.infinity
    for step in -20_000...20_000 where step != 0 {
      let x = [Double(step) / 1000]
      let g = f.gradient(x)[0]
      let gap = f.loss(x) - f.optimalValue
      #expect(0.5 * g * g >= f.plConstant * gap)
      worst = min(worst, 0.5 * g * g / gap)
      // Smoothness: |f''| = |2 + 6 cos 2x| ≤ 8.
      #expect(abs(2 + 6 * cos(2 * x[0])) <= f.smoothness)
    }
    // The tightest ratio on the grid is near 0.1755, well above 1/32.
    #expect(worst > 0.17 && worst < 0.18)
    let separable = SineSquaredPL<Double>(dimension: 3)
    let x = [0.3, -2.2, 5.0]
    let g = separable.gradient(x)
    #expect(0.5 * g.map { $0 * $0 }.reduce(0, +) >= separable.plConstant * separable.loss(x))
    #expect(maxAbsDifference(g, finiteDifferenceGradient(separable.loss, at: x)) < 1e-6)
  }

  @Test func leastSquaresGradientMatchesFiniteDifferences() {
    var rng = Xoshiro256(seed: 21)
    let (f, truth) = LeastSquares<Double>.random(samples: 30, dimension: 4, policy: MiniBatchPolicy(batchSize: 5),
                                                 using: &rng)
    let x = [0.5, -1, 2, 0.25]
    #expect(maxAbsDifference(f.gradient(x), finiteDifferenceGradient(f.loss, at: x)) < 1e-6)
    let batch = [3, 7, 11]
    #expect(maxAbsDifference(f.gradient(x, samples: batch),
                             finiteDifferenceGradient({ f.loss($0, samples: batch) }, at: x)) < 1e-6)
    // Noise 0.1: the truth nearly zeroes the gradient.
    #expect(f.gradient(truth).map(abs).max() ?? 1 < 0.2)
    #expect(f.stochasticGradient(x, worker: 0, using: &rng).count == 4)
  }

  @Test func leastSquaresRunsExactly() throws {
    let a = try Matrix<Rational>([[1, 2], [3, 4], [0, 1]])
    let f = LeastSquares(design: a, targets: [1, 0, Rational(1, 2)], policy: MiniBatchPolicy(batchSize: 1))
    // Residuals at x = (1, 0): 0, 3, −1/2; gradient (1/3)(0·(1,2) + 3·(3,4) − ½·(0,1)).
    #expect(f.gradient([1, 0]) == [3, 4 - Rational(1, 6)])
    #expect(f.loss([1, 0]) == (9 + Rational(1, 4)) / 6)
  }

  @Test func logisticGradientMatchesFiniteDifferences() {
    var rng = Xoshiro256(seed: 22)
    let f = LogisticRegression<Double>.random(samples: 40, dimension: 5, l2: 0.01,
                                              policy: MiniBatchPolicy(batchSize: 8), using: &rng)
    let x = [0.3, -0.7, 1.1, 0, -2]
    #expect(maxAbsDifference(f.gradient(x), finiteDifferenceGradient(f.loss, at: x)) < 1e-6)
    let batch = [0, 5, 9, 39]
    #expect(maxAbsDifference(f.gradient(x, samples: batch),
                             finiteDifferenceGradient({ f.loss($0, samples: batch) }, at: x)) < 1e-6)
    // A huge margin neither overflows the loss nor its gradient.
    let far = x.map { $0 * 1e6 }
    #expect(f.loss(far).isFinite && f.gradient(far).allSatisfy(\.isFinite))
    #expect(f.accuracy(x) >= 0 && f.accuracy(x) <= 1)
  }

  @Test func logisticAcceptsZeroOneLabels() throws {
    let a = try Matrix<Double>([[1], [-1]])
    let f = LogisticRegression(features: a, labels: [1, 0], policy: MiniBatchPolicy(batchSize: 1))
    #expect(f.labels == [1, -1])
    #expect(abs(f.loss([0]) - log(2.0)) < 1e-15)
    #expect(f.accuracy([1]) == 1)
  }
}
