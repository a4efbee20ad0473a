import Foundation
import Randomness
import Testing

@testable import ExactArithmetic

@Suite struct RationalConversionTests {
  @Test(arguments: [
    0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, Double.pi, 1e300, -1e-300,
    Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude,
    Double.leastNormalMagnitude, Double.leastNonzeroMagnitude,
    Double.leastNormalMagnitude.nextDown, 0x1.fffffffffffffp-1, 12345678901234567890.0,
  ])
  func exactDoubleRoundTrip(x: Double) throws {
    let q = try #require(Rational(exactly: x))
    #expect(Double(q) == x)
    #expect(Double(q).sign == x.sign || x == 0)
  }

  @Test func doubleRoundTripOnRandomBitPatterns() throws {
    var rng = Xoshiro256(seed: 11)
    var checked = 0
    while checked < 3000 {
      let x = Double(bitPattern: rng.next())
      guard x.isFinite else { continue }
      let q = try #require(Rational(exactly: x))
      #expect(Double(q) == x)
      let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
      if f.isFinite {
        #expect(Float(try #require(Rational(exactly: f))) == f)
      }
      checked += 1
    }
  }

  @Test func exactValueOfPointOne() throws {
    let q = try #require(Rational(exactly: 0.1))
    #expect(q.description == "3602879701896397/36028797018963968")
    #expect(Rational(exactly: Double.nan) == nil)
    #expect(Rational(exactly: Double.infinity) == nil)
    #expect(Rational(exactly: -Float.infinity) == nil)
  }

  @Test func roundsToNearestNotTruncating() {
    // 1/3 truncated would be 0x1.5555555555555p-2; nearest is the same here,
    // but 2/3 truncates to ...4 and rounds to ...5.
    #expect(Double(Rational(2, 3)) == 2.0 / 3.0)
    #expect(Double(Rational(1, 3)) == 1.0 / 3.0)
    var rng = Xoshiro256(seed: 3)
    for _ in 0..<2000 {
      let p = rng.uniformInt(in: -(1 << 40)...(1 << 40))
      let q = rng.uniformInt(in: 1...(1 << 40))
      // IEEE division of exactly representable integers is correctly rounded.
      #expect(Double(Rational(p, q)) == Double(p) / Double(q))
    }
  }

  @Test func tiesAndNearTiesRoundCorrectly() {
    let one = Rational(1)
    let ulp = Rational(1).scaled(byPowerOfTwo: -52)  // ulp of 1
    let half = ulp / 2
    // 1 + ulp/2 is a tie between 1 (even) and 1 + ulp (odd): goes to 1.
    #expect(Double(one + half) == 1.0)
    // 1 + 3ulp/2 is a tie between 1 + ulp (odd) and 1 + 2ulp (even).
    #expect(Double(one + ulp + half) == 1.0 + 2 * 0x1p-52)
    // Just above and below the tie.
    let tiny = Rational(1).scaled(byPowerOfTwo: -200)
    #expect(Double(one + half + tiny) == 1.0 + 0x1p-52)
    #expect(Double(one + half - tiny) == 1.0)
    // Negative values mirror.
    #expect(Double(-(one + half + tiny)) == -(1.0 + 0x1p-52))
  }

  @Test func floatRoundsOnceFromTheExactValue() {
    // 1 + 2^-24 + 2^-60: through Double it would round to 1 + 2^-24 and then
    // tie to 1; rounded once it is above the Float tie and goes up.
    let x = Rational(1) + Rational(1).scaled(byPowerOfTwo: -24) + Rational(1).scaled(byPowerOfTwo: -60)
    #expect(Float(x) == 1 + 0x1p-23)
    #expect(Float(Rational(1) + Rational(1).scaled(byPowerOfTwo: -24)) == 1)
    #expect(Float(Rational(1).scaled(byPowerOfTwo: -149)) == Float.leastNonzeroMagnitude)
    #expect(Float(Rational(1).scaled(byPowerOfTwo: -150)) == 0)
  }

  @Test func subnormalsAndUnderflow() {
    let least = Rational(1).scaled(byPowerOfTwo: -1074)
    #expect(Double(least) == Double.leastNonzeroMagnitude)
    // Half the least subnormal is a tie with 0 (even): 0.
    #expect(Double(least / 2) == 0)
    // Just above half rounds up to the least subnormal.
    #expect(Double(least / 2 + least / 1000) == Double.leastNonzeroMagnitude)
    // 3/2 of the least subnormal: tie between 1 (odd) and 2 (even) units.
    #expect(Double(least * Rational(3, 2)) == 2 * Double.leastNonzeroMagnitude)
    #expect(Double(-least / 4) == 0)
    #expect(Double(-least / 4).sign == .plus || Double(-least / 4) == 0)
    // Largest subnormal round trips.
    let largestSubnormal = Double.leastNormalMagnitude.nextDown
    #expect(Double(Rational(largestSubnormal)) == largestSubnormal)
  }

  @Test func overflowRoundsToInfinityOnlyPastTheMidpoint() {
    let maxFinite = Rational(Double.greatestFiniteMagnitude)
    let ulp = Rational(1).scaled(byPowerOfTwo: 971)
    #expect(Double(maxFinite + ulp / 2 - 1) == Double.greatestFiniteMagnitude)
    #expect(Double(maxFinite + ulp / 2) == .infinity)  // tie to even: 2^1024
    #expect(Double(-(maxFinite + ulp)) == -.infinity)
    #expect(Double(Rational(2).power(5000)) == .infinity)
    #expect(Float(Rational(Double.greatestFiniteMagnitude)) == .infinity)
    #expect(Float(Rational(Float.greatestFiniteMagnitude)) == .greatestFiniteMagnitude)
  }

  @Test func fromWideBinaryIntegers() {
    #expect(Rational(UInt64.max).description == "18446744073709551615")
    #expect(Rational(exactly: Int8(-128)) == Rational(-128))
    #expect(Rational(UInt.max) + 1 == Rational(2).power(64))
  }
}
