import BGMDClaims
import ClaimCheck
import ExactArithmetic
import Testing

/// `checkExpectationExactly`: E[X] ≤ c decided in ℚ.
@Suite struct ExactExpectationTests {
  @Test func exactEnumerationDecidesExactly() throws {
    // A fair die: E = 7/2.
    let die = (1...6).map { (value: Rational($0), probability: Rational(1, 6)) }
    let holds = try checkExpectationExactly(outcomes: die, bound: Rational(7, 2))
    #expect(holds.decision == .holds && holds.exact == "7/2")
    let refuted = try checkExpectationExactly(outcomes: die, bound: Rational(349, 100))
    #expect(refuted.decision == .refuted)
    #expect(throws: SequentialError.self) {
      try checkExpectationExactly(outcomes: [(Rational(1), Rational(1, 2))], bound: Rational(1))
    }
  }
}
