import Randomness
import Testing

@testable import ExactArithmetic

@Suite struct RationalIntervalTests {
  @Test(arguments: [0, 1, 10, 53, 200])
  func sqrtTwoEnclosure(precision: Int) {
    let r = RationalInterval.sqrt(2, precision: precision)
    #expect(r.lo * r.lo <= 2)
    #expect(r.hi * r.hi >= 2)
    #expect(r.lo * r.lo != 2 && r.hi * r.hi != 2)
    #expect(r.width <= Rational(1).scaled(byPowerOfTwo: -precision))
    if precision >= 53 {
      #expect(r.contains(Rational(2.0.squareRoot())) || r.compare(Rational(2.0.squareRoot())) != .undecided)
      #expect(Double(r.lo) == 2.0.squareRoot() || Double(r.hi) == 2.0.squareRoot())
    }
  }

  @Test func perfectSquaresAreExact() {
    for (x, root) in [(Rational(49), Rational(7)), (Rational(9, 16), Rational(3, 4)), (Rational(0), Rational(0)),
                      (Rational(2).power(200), Rational(2).power(100))] {
      let r = RationalInterval.sqrt(x, precision: 30)
      #expect(r.isExact)
      #expect(r.lo == root)
    }
  }

  @Test func sqrtOfRandomRationalsEnclosesAndMeetsWidth() {
    var rng = Xoshiro256(seed: 5)
    for _ in 0..<300 {
      let x = randomRational(bits: 80, using: &rng).magnitude
      let precision = rng.uniformInt(below: 120)
      let r = RationalInterval.sqrt(x, precision: precision)
      #expect(r.lo.signum >= 0)
      #expect(r.lo * r.lo <= x && x <= r.hi * r.hi)
      #expect(r.width <= Rational(1).scaled(byPowerOfTwo: -precision))
    }
  }

  @Test func arithmeticEnclosesPointwiseResults() {
    var rng = Xoshiro256(seed: 9)
    for _ in 0..<300 {
      let a1 = randomRational(bits: 20, using: &rng), a2 = randomRational(bits: 20, using: &rng)
      let b1 = randomRational(bits: 20, using: &rng), b2 = randomRational(bits: 20, using: &rng)
      let a = RationalInterval(min(a1, a2), max(a1, a2))
      let b = RationalInterval(min(b1, b2), max(b1, b2))
      for x in [a.lo, a.hi, a.midpoint] {
        for y in [b.lo, b.hi, b.midpoint] {
          #expect((a + b).contains(x + y))
          #expect((a - b).contains(x - y))
          #expect((a * b).contains(x * y))
          #expect(a.squared.contains(x * x))
          if !b.contains(0) { #expect((a / b).contains(x / y)) }
        }
      }
    }
  }

  @Test func certifiedComparisons() {
    let sqrt2 = RationalInterval.sqrt(2, precision: 60)
    let sqrt3 = RationalInterval.sqrt(3, precision: 60)
    #expect(sqrt2.compare(sqrt3) == .less)
    #expect(sqrt3.compare(sqrt2) == .greater)
    #expect(sqrt2.compare(Rational(141421356, 100000000)) == .greater)
    // √2 + √3 vs √10 (3.146… vs 3.162…): decided at moderate precision.
    #expect((sqrt2 + sqrt3).compare(RationalInterval.sqrt(10, precision: 60)) == .less)
    // At precision 0 the enclosures are wide and the answer is undecided.
    #expect(RationalInterval.sqrt(2, precision: 0).compare(RationalInterval.sqrt(3, precision: 0)) == .undecided)
    // A norm: ‖(3, 4)‖ = 5 exactly.
    #expect(RationalInterval.norm([3, 4], precision: 10) == RationalInterval(exactly: 5))
  }
}
