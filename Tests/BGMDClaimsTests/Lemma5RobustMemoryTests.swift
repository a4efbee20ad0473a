import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

/// Lemma 5 restated for the robust memories (`lemma5/robust/…`): hand runs
/// in ℚ and the claims at the quick profile with their controls.
@Suite struct Lemma5RobustMemoryTests {
  /// The hand case of `Lemma5ClaimsTests` with the memory replaced.
  static func handCase(memory: MemoryVariant, schedule: String) -> Lemma5Case<Rational> {
    var c = Lemma5ClaimsTests.handCase(memory: memory, schedule: schedule)
    c.memory = memory
    return c
  }

  @Test(arguments: ["clean", "fixed", "dynamic"])
  func robustMemoriesSatisfyTheirIdentityExactly(schedule: String) throws {
    for memory in [MemoryVariant.coordinateMedian, .filteredMean, .normFiltered] {
      let c = Self.handCase(memory: memory, schedule: schedule)
      #expect(try Lemma5RobustMemory.firstGap(c, rule: memory) == nil, "\(memory) \(schedule)")
      // The gap vector is exactly zero at every t = 0…T.
      let gaps = try Lemma5RobustMemory.gaps(c, rule: memory)
      #expect(gaps.count == c.steps + 1)
    }
  }

  @Test func theMeanMemoryBreaksTheRobustIdentityUnderCorruption() throws {
    // Step 0: γG = (2, 1/2) for the good rows, (5/2, 7/2) for the bad one; block {0};
    // the residual column 1 holds 1/2, 1/2, 7/2: its median is 1/2, its mean 3/2.
    let c = Self.handCase(memory: .averaged, schedule: "fixed")
    let gaps = try Lemma5RobustMemory.gaps(c, rule: .coordinateMedian)
    #expect(gaps[0] == [0, 0])
    #expect(gaps[1] == [Rational(0), Rational(-1)])  // m̂_1 = 3/2 against the median 1/2
    // And the paper's identity (m_t over 𝔾) fails for the robust memory under corruption? Here
    // the median equals the good rows' mean, so it holds: the robust memory is m_t on this run.
    #expect(try Self.handCase(memory: .coordinateMedian, schedule: "fixed").firstGap() == nil)
  }

  @Test func claimsHoldWithTheirControlsRefutedAtQuickProfile() throws {
    let specs = Lemma5RobustMemory.claims
    #expect(specs.count == 9)
    let report = Campaign(seed: 1, profile: .quick, threads: 1).run(specs.filter { $0.id.hasSuffix("/dynamic") })
    #expect(report.claims.count == 3)
    for record in report.claims {
      #expect(record.verdict == .holds, "\(record.id): \(record.verdict)")
      #expect(record.power?.controls.count == 2, "\(record.id)")
      #expect(record.power?.controls.allSatisfy { $0.verdict == .refuted } == true, "\(record.id)")
    }
  }
}
