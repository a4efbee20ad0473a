import ClaimCheck
import Foundation
import Testing
import TestSupport

@testable import BGMDClaims

/// The breakdown family at the quick profile through `Campaign` (seed 1,
/// two threads), run once and shared by the tests below.
enum BreakdownQuickRun {
  static let fixtures = temporaryDirectory("breakdown-fixtures")
  static let store = FixtureStore(root: fixtures, names: ClaimRegistry.names)
  static let report: ClaimReport = {
    let report = Campaign(seed: 1, profile: .quick, threads: 2, fixtures: store).run(BreakdownClaims.family.claims)
    for record in report.claims {
      let seconds = record.evidence["seconds"].flatMap { v -> Double? in if case .number(let s) = v { return s }; return nil } ?? -1
      print("breakdown quick: \(record.id) \(record.verdict.rawValue) \(String(format: "%.2f", seconds)) s"
        + (record.counterexample.map { " — \($0.summary)" } ?? ""))
    }
    print("breakdown quick: total \(String(format: "%.1f", report.run.seconds)) s")
    return report
  }()
}

@Suite(.serialized) struct BreakdownCampaignTests {
  /// Every claim gets a verdict, every refutation has a fixture that replays.
  @Test func quickCampaignGivesEveryClaimAVerdictAndFixturesReplay() throws {
    let report = BreakdownQuickRun.report
    let claims = BreakdownClaims.family.claims
    #expect(!claims.isEmpty)
    #expect(report.claims.count == claims.count)
    #expect(Set(report.claims.map(\.id)).count == claims.count)
    var refutations = 0
    for record in report.claims {
      #expect(record.verdict != .inconclusive, "\(record.id): \(record.evidence["error"] ?? .null)")
      #expect(!record.source.isEmpty && !record.statement.isEmpty && !record.domain.isEmpty)
      if record.verdict == .refuted {
        refutations += 1
        let reference = try #require(record.counterexample)
        #expect(reference.fixture.hasPrefix("fixtures/counterexamples/\(record.id)/"))
        let stored = try BreakdownQuickRun.store.load(claim: record.id)
        #expect(stored.count == 1)
        for s in stored { #expect(try BreakdownClaims.replay(s.fixture), "\(s.url.path) no longer replays") }
      }
    }
    // The fixture check above is not vacuous: the family refutes (the
    // training claims of BGMD, as recorded in Proofs/verdicts.json).
    #expect(refutations > 0)
  }

  /// Reports do not depend on the thread count (timings stripped): three
  /// claims again on one thread, against the shared two-thread run.
  @Test func reportsAreIdenticalAcrossThreadCounts() throws {
    let ids: Set = ["breakdown/aggregate/block-gm/top-k", "breakdown/training/bgmd/averaged/top-k", "gm/robustness-bound"]
    let claims = BreakdownClaims.family.claims.filter { ids.contains($0.id) }
    #expect(claims.count == 3)
    let store = FixtureStore(root: temporaryDirectory("breakdown-fixtures-1"), names: ClaimRegistry.names)
    defer { try? FileManager.default.removeItem(at: store.root) }
    let one = Campaign(seed: 1, profile: .quick, threads: 1, fixtures: store).run(claims).strippingTimings().claims
    let two = BreakdownQuickRun.report.strippingTimings().claims.filter { ids.contains($0.id) }
    #expect(one.count == 3)
    // Compared as the JSON the report writes (a NaN in the evidence is not
    // == to itself, but encodes the same).
    #expect(try ClaimCheckJSON.encoder().encode(one) == ClaimCheckJSON.encoder().encode(two))
  }
}

@Suite struct BreakdownFixtureReplayTests {
  /// The committed counterexamples of this family (written by a standard
  /// run, seed 1) still do what they record.
  @Test func committedFixturesReplay() throws {
    let root = packageRoot.appendingPathComponent("fixtures/counterexamples")
    let store = FixtureStore(root: root, names: ClaimRegistry.names)
    var replayed = 0
    var replayedClaims = Set<String>()
    for claim in BreakdownClaims.family.claims.map(\.id) {
      let failing = try store.replay(claim: claim) { fixture in
        replayed += 1
        replayedClaims.insert(claim)
        // `FixtureStore.replay` wants "the claim held"; ours says "still as recorded".
        let asRecorded = try BreakdownClaims.replay(fixture)
        return fixture.expect == .refutes ? !asRecorded : asRecorded
      }
      #expect(failing.isEmpty, "\(failing.map(\.url.path))")
    }
    print("breakdown fixtures replayed: \(replayed)")
    // Not vacuous: an empty or misplaced fixtures folder fails here. Every
    // claim of the family the recorded standard run refuted has a fixture.
    let refuted = try recordedRefutations(among: BreakdownClaims.family.claims.map(\.id))
    #expect(!refuted.isEmpty)
    #expect(replayed >= refuted.count)
    for id in refuted { #expect(replayedClaims.contains(id), "\(id) is refuted in Proofs/verdicts.json but has no fixture") }
  }
}
