import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

@Suite struct BreakdownCampaignTests {
  /// The family at the quick profile through `Campaign` (seed 1): every
  /// claim gets a verdict, every refutation has a fixture that replays.
  @Test func quickCampaignGivesEveryClaimAVerdictAndFixturesReplay() throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("breakdown-fixtures-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = FixtureStore(root: root, names: ClaimRegistry.names)
    let claims = BreakdownClaims.family.claims
    let report = Campaign(seed: 1, profile: .quick, threads: 2, fixtures: store).run(claims)
    #expect(report.claims.count == claims.count)
    #expect(Set(report.claims.map(\.id)).count == claims.count)
    for record in report.claims {
      let seconds = record.evidence["seconds"].flatMap { v -> Double? in if case .number(let s) = v { return s }; return nil } ?? -1
      print("breakdown quick: \(record.id) \(record.verdict.rawValue) \(String(format: "%.2f", seconds)) s"
        + (record.counterexample.map { " — \($0.summary)" } ?? ""))
      #expect(record.verdict != .inconclusive, "\(record.id): \(record.evidence["error"] ?? .null)")
      #expect(!record.source.isEmpty && !record.statement.isEmpty && !record.domain.isEmpty)
      if record.verdict == .refuted {
        let reference = try #require(record.counterexample)
        #expect(reference.fixture.hasPrefix("fixtures/counterexamples/\(record.id)/"))
        let stored = try store.load(claim: record.id)
        #expect(stored.count == 1)
        for s in stored { #expect(try BreakdownClaims.replay(s.fixture), "\(s.url.path) no longer replays") }
      }
    }
    print("breakdown quick: total \(String(format: "%.1f", report.run.seconds)) s")
  }
}

@Suite struct BreakdownDeterminismTests {
  /// Reports do not depend on the thread count (timings stripped).
  @Test func reportsAreIdenticalAcrossThreadCounts() throws {
    let ids: Set = ["breakdown/aggregate/block-gm/top-k", "breakdown/training/bgmd/averaged/top-k", "gm/robustness-bound"]
    let claims = BreakdownClaims.family.claims.filter { ids.contains($0.id) }
    #expect(claims.count == 3)
    let one = try Campaign(seed: 9, profile: .quick, threads: 1).run(claims).strippingTimings().encoded()
    let two = try Campaign(seed: 9, profile: .quick, threads: 2).run(claims).strippingTimings().encoded()
    #expect(one == two)
  }
}

@Suite struct BreakdownFixtureReplayTests {
  /// The committed counterexamples of this family (written by a standard
  /// run, seed 1) still do what they record.
  @Test func committedFixturesReplay() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fixtures/counterexamples")
    let store = FixtureStore(root: root, names: ClaimRegistry.names)
    var replayed = 0
    for claim in BreakdownClaims.family.claims.map(\.id) {
      let failing = try store.replay(claim: claim) { fixture in
        replayed += 1
        // `FixtureStore.replay` wants "the claim held"; ours says "still as recorded".
        let asRecorded = try BreakdownClaims.replay(fixture)
        return fixture.expect == .refutes ? !asRecorded : asRecorded
      }
      #expect(failing.isEmpty, "\(failing.map(\.url.path))")
    }
    print("breakdown fixtures replayed: \(replayed)")
  }
}
