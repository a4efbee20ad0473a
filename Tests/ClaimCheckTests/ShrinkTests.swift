import Testing
@testable import ClaimCheck

@Suite struct ShrinkTests {
  func config(_ seed: UInt64) -> UniversalConfig { UniversalConfig(seed: seed, cases: 500) }

  @Test func minimalIntegerAtLeast1000IsExactly1000() {
    for seed in UInt64(1)...20 {
      let r = checkUniversal(Gen.int(in: 0...10_000), config: config(seed)) { $0 < 1_000 }
      #expect(r.counterexample?.value == 1_000, "seed \(seed)")
    }
  }

  @Test func minimalListWithSumOver100IsSingle101() {
    let gen = Gen.array(of: Gen.int(in: 0...1_000), count: 0...20)
    for seed in UInt64(1)...20 {
      let r = checkUniversal(gen, config: config(seed)) { $0.reduce(0, +) <= 100 }
      #expect(r.counterexample?.value == [101], "seed \(seed): \(String(describing: r.counterexample?.value))")
    }
  }

  @Test func minimalPairWithSumOver10HasSum11() {
    let gen = zip(Gen.int(in: 0...100), Gen.int(in: 0...100))
    for seed in UInt64(1)...20 {
      let r = checkUniversal(gen, config: config(seed)) { $0.0 + $0.1 <= 10 }
      let v = r.counterexample?.value
      #expect(v.map { $0.0 + $0.1 } == 11, "seed \(seed)")
      #expect(v?.0 == 0 && v?.1 == 11, "seed \(seed)")
    }
  }

  @Test func duplicateShrinksToTwoEqualMinimalElements() {
    let gen = Gen.array(of: Gen.int(in: 0...50), count: 0...30)
    for seed in UInt64(1)...10 {
      let r = checkUniversal(gen, config: config(seed)) { Set($0).count == $0.count }
      #expect(r.counterexample?.value == [0, 0], "seed \(seed): \(String(describing: r.counterexample?.value))")
    }
  }

  @Test func rationalShrinksTowardSmallDenominator() {
    // Fractions strictly above 1/3: the simplest is 1/2 (denominator 2, numerator 1).
    let gen = Gen.fraction(maxNumerator: 50, maxDenominator: 50)
    for seed in UInt64(1)...10 {
      let r = checkUniversal(gen, config: config(seed)) { f in 3 * f.numerator <= f.denominator }
      let v = r.counterexample?.value
      #expect(v == DrawnFraction(numerator: 1, denominator: 1), "seed \(seed): \(String(describing: v))")
    }
  }

  @Test func floatShrinksToShortFraction() {
    // Doubles with x > 0.3 and x < 1: the simplest is 0.5 (one binary fraction digit).
    let gen = Gen.double(in: 0...1)
    for seed in UInt64(1)...10 {
      let r = checkUniversal(gen, config: config(seed)) { !($0 > 0.3 && $0 < 1) }
      #expect(r.counterexample?.value == 0.5, "seed \(seed): \(String(describing: r.counterexample?.value))")
    }
  }

  @Test func rationalBetweenThirdAndHalfShrinksToTwoFifths() {
    // The fraction with the least denominator strictly between 1/3 and 1/2 is 2/5.
    let gen = Gen.fraction(maxNumerator: 50, maxDenominator: 50)
    for seed in UInt64(1)...10 {
      let r = checkUniversal(gen, config: config(seed)) { f in
        !(3 * f.numerator > f.denominator && 2 * f.numerator < f.denominator)
      }
      #expect(r.counterexample?.value == DrawnFraction(numerator: 2, denominator: 5), "seed \(seed)")
    }
  }

  @Test func floatShrinksToInteger() {
    let gen = Gen.double(in: 0...100)
    for seed in UInt64(1)...10 {
      let r = checkUniversal(gen, config: config(seed)) { $0 <= 2.5 }
      #expect(r.counterexample?.value == 3, "seed \(seed): \(String(describing: r.counterexample?.value))")
    }
  }
}
