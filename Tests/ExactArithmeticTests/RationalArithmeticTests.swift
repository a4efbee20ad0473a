import Randomness
import Testing

@testable import ExactArithmetic

/// A rational with a numerator and denominator of up to `bits` random bits,
/// built exactly from 64-bit words.
func randomRational(bits: Int, using rng: inout Xoshiro256) -> Rational {
  func bigInteger(_ bits: Int) -> Rational {
    var value = Rational.zero
    var remaining = bits
    while remaining > 0 {
      let chunk = min(remaining, 62)
      let word = Int(rng.next() >> UInt64(64 - chunk))
      value = value.scaled(byPowerOfTwo: chunk) + Rational(word)
      remaining -= chunk
    }
    return value
  }
  let numerator = bigInteger(1 + rng.uniformInt(below: bits))
  let denominator = bigInteger(1 + rng.uniformInt(below: bits)) + 1
  let value = numerator / denominator
  return rng.bernoulli(0.5) ? -value : value
}

@Suite struct RationalArithmeticTests {
  @Test func reducedOnConstructionWithNegativeDenominator() {
    let q = Rational(6, -8)
    #expect(q.description == "-3/4")
    #expect(q.numeratorString == "-3")
    #expect(q.denominatorString == "4")
    #expect(Rational(0, -5).description == "0")
    #expect(Rational(10, 5).description == "2")
    #expect(Rational(10, 5).isInteger)
  }

  @Test func intMinInEitherPlace() {
    let a = Rational(Int.min, 1)
    #expect(a.description == "-9223372036854775808")
    let b = Rational(1, Int.min)
    #expect(b.description == "-1/9223372036854775808")
    let c = Rational(Int.min, Int.min)
    #expect(c == 1)
    let d = Rational(Int.min, -2)
    #expect(d.description == "4611686018427387904")
    #expect(a * b == 1)
  }

  @Test(arguments: [8, 64, 300])
  func fieldAxiomsOnGeneratedRationals(bits: Int) {
    var rng = Xoshiro256(seed: UInt64(bits))
    for _ in 0..<200 {
      let a = randomRational(bits: bits, using: &rng)
      let b = randomRational(bits: bits, using: &rng)
      let c = randomRational(bits: bits, using: &rng)
      #expect(a + b == b + a)
      #expect(a * b == b * a)
      #expect((a + b) + c == a + (b + c))
      #expect((a * b) * c == a * (b * c))
      #expect(a * (b + c) == a * b + a * c)
      #expect(a + 0 == a && a * 1 == a)
      #expect(a + (-a) == 0)
      #expect(a - b == a + (-b))
      if !a.isZero {
        #expect(a * (1 / a) == 1)
        #expect(a.reciprocal == 1 / a)
        #expect((b / a) * a == b)
      } else {
        #expect(a.reciprocal == nil)
      }
    }
  }

  @Test func agreesWithIntArithmeticWhereItCannotOverflow() {
    var rng = Xoshiro256(seed: 7)
    for _ in 0..<2000 {
      let x = rng.uniformInt(in: -1_000_000...1_000_000)
      let y = rng.uniformInt(in: -1_000_000...1_000_000)
      let (a, b) = (Rational(x), Rational(y))
      #expect(a + b == Rational(x + y))
      #expect(a - b == Rational(x - y))
      #expect(a * b == Rational(x * y))
      #expect((a < b) == (x < y))
      #expect((a == b) == (x == y))
      if y != 0 {
        let q = a / b
        // q = x/y exactly: q·y = x and the reduced parts match gcd reduction.
        #expect(q * b == a)
        #expect(q.isInteger == (x % y == 0))
        if x % y == 0 { #expect(q == Rational(x / y)) }
      }
    }
  }

  @Test func compoundOperatorsAndCopyOnWrite() {
    let original = Rational(3, 7)
    var copy = original
    copy += Rational(1, 7)
    #expect(original == Rational(3, 7))
    #expect(copy == Rational(4, 7))
    var other = copy
    other *= 7
    #expect(copy == Rational(4, 7))
    #expect(other == 4)
    var third = other
    third /= 8
    third -= Rational(1, 2)
    #expect(third == 0)
    #expect(other == 4)
    var negated = original
    negated.negate()
    #expect(negated == Rational(-3, 7) && original == Rational(3, 7))
    // Self-aliasing compound operations.
    var x = Rational(5, 3)
    x *= x
    #expect(x == Rational(25, 9))
    x -= x
    #expect(x == 0)
  }

  @Test func harmonicNumberH50() {
    var h = Rational.zero
    for n in 1...50 { h += Rational(1, n) }
    #expect(h.numeratorString == "13943237577224054960759")
    #expect(h.denominatorString == "3099044504245996706400")
  }

  @Test func comparisonSignMagnitudeHashing() {
    let values = [Rational(-5, 2), Rational(-1, 3), 0, Rational(1, 1000), Rational(2, 3), Rational(7)]
    for (i, a) in values.enumerated() {
      for (j, b) in values.enumerated() {
        #expect((a < b) == (i < j))
      }
    }
    #expect(Rational(-5, 2).magnitude == Rational(5, 2))
    #expect(Rational(-5, 2).signum == -1 && Rational.zero.signum == 0 && Rational(1, 9).signum == 1)
    let set: Set<Rational> = [Rational(1, 2), Rational(2, 4), Rational(-1, 2), Rational(3, 6)]
    #expect(set.count == 2)
    #expect(Rational(2, 4).hashValue == Rational(1, 2).hashValue)
  }

  @Test func hugeNumeratorsAndDenominators() {
    let big = Rational(2).power(400) + 1
    let small = 1 / big
    #expect(small.denominatorString.count == 121)
    #expect(big * small == 1)
    #expect(Rational(UInt64.max) == Rational(UInt64.max - 1) + 1)
    let wide = Rational(Int64.min) - 1
    #expect(wide.description == "-9223372036854775809")
    #expect(Rational(2, 3).power(-3) == Rational(27, 8))
    #expect(Rational(-7, 2).floor == -4 && Rational(-7, 2).ceiling == -3)
  }
}
