import BGMD
import ExactArithmetic
import Testing

@testable import BGMDClaims

@Suite struct Lemma1ExpectationTests {
  @Test func uniformReadingMeetsTheBoundWithEquality() throws {
    let g = try Matrix<Rational>([[1, 2, 0, -1], [3, 0, 1, 1]])
    let e = try Lemma1Expectation(g, k: 2, reading: .uniform)
    #expect(e.total == 17)
    #expect(e.expectedResidual == Rational(17, 2))
    #expect(e.uniformResidual == e.bound)
    #expect(e.ratio == 1)
  }

  @Test func successiveOnOneColumnPairByHand() throws {
    // s = (1, 3), k = 1: E residual = (1/4)·3 + (3/4)·1 = 3/2 ≤ (1/2)·4 = 2.
    let g = try Matrix<Rational>([[1, 1], [0, 1], [0, 1]])
    let e = try Lemma1Expectation(g, k: 1, reading: .successive)
    #expect(e.expectedResidual == Rational(3, 2))
    #expect(e.bound == 2)
    #expect(e.holds && e.stepHolds)
  }

  @Test func withReplacementCanKeepFewerThanKColumns() throws {
    // Three equal columns, k = 2: two draws with replacement hit one column
    // twice with probability 1/3, so E residual = 1/3·2 + 2/3·1 = 4/3 > 1.
    let g = try Matrix<Rational>([[1, 1, 1]])
    let e = try Lemma1Expectation(g, k: 2, reading: .withReplacement)
    #expect(e.expectedResidual == Rational(4, 3))
    #expect(e.bound == 1)
    #expect(!e.holds)
  }

  @Test func topKIsDeterministic() throws {
    let g = try Matrix<Rational>([[3, 1, 2]])
    let e = try Lemma1Expectation(g, k: 2, reading: .topK)
    #expect(e.expectedResidual == 1)
    #expect(e.bound == Rational(14, 3))
  }
}
