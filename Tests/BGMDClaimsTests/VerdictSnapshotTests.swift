import ClaimCheck
import Foundation
import Testing
import TestSupport

@testable import BGMDClaims

/// The claims among `ids` that the recorded standard run (seed 1, in
/// `Proofs/verdicts.json`) refuted, sorted: each must have a committed
/// fixture, so a test replaying fixtures can tell an empty folder from a
/// folder that replays.
func recordedRefutations(among ids: [String]) throws -> [String] {
  let file = try VerdictFile.load(packageRoot.appendingPathComponent("Proofs/verdicts.json"))
  let standard = file.profiles["standard"] ?? [:]
  return ids.filter { standard[$0] == .refuted }.sorted()
}

/// Snapshot tests of the claim verdicts and the stored counterexamples:
/// every fixture must still do what it records, and every registered claim
/// must reach, at the quick profile with seed 1, the verdict recorded in
/// `Proofs/verdicts.json` (re-record with `swift run bgmd verify --profile quick --record`).
@Suite(.serialized) struct VerdictSnapshotTests {
  @Test func everyFixtureStillDoesWhatItRecords() throws {
    let root = packageRoot.appendingPathComponent("fixtures/counterexamples")
    let outcomes = FixtureReplay.replayAll([root])
    // An empty (or misplaced) fixtures folder replays nothing: not a pass.
    #expect(!outcomes.isEmpty)
    for o in outcomes where !o.ok {
      Issue.record("\(o.file.path): \(o.message) — replay with `swift run bgmd replay \(o.file.path)`")
    }
    // Not vacuous: every claim the recorded standard run refuted has its
    // counterexample among the replayed fixtures.
    let file = try VerdictFile.load(packageRoot.appendingPathComponent("Proofs/verdicts.json"))
    let refuted = (file.profiles["standard"] ?? [:]).filter { $0.value == .refuted }.map(\.key)
    #expect(!refuted.isEmpty)
    #expect(outcomes.count >= refuted.count)
    let claimsWithFixtures = Set(outcomes.compactMap { $0.fixture?.claim })
    for id in refuted.sorted() {
      #expect(claimsWithFixtures.contains(id), "\(id) is refuted in Proofs/verdicts.json but has no fixture")
    }
  }

  @Test func quickVerdictsMatchTheRecordedOnes() throws {
    let file = try VerdictFile.load(packageRoot.appendingPathComponent("Proofs/verdicts.json"))
    let report = Campaign(seed: 1, profile: .quick).run(ClaimRegistry.claims)
    #expect(!report.run.partial)
    #expect(!report.claims.isEmpty && report.claims.count == ClaimRegistry.claims.count)
    let recorded = file.profiles["quick"] ?? [:]
    #expect(!recorded.isEmpty)
    for c in report.claims {
      guard let expected = recorded[c.id] else {
        let message = "\(c.id) has no quick verdict in Proofs/verdicts.json (observed \(c.verdict.rawValue)); "
          + "run `swift run bgmd verify --profile quick --record`"
        Issue.record(Comment(rawValue: message))
        continue
      }
      if expected != c.verdict {
        let message = "\(c.id): verdict moved from \(expected.rawValue) to \(c.verdict.rawValue) at quick, seed 1 "
          + "(\(ReportText.evidenceSummary(c.evidence, limit: 400))); if intended, re-record with "
          + "`swift run bgmd verify --profile quick --record`"
        Issue.record(Comment(rawValue: message))
      }
    }
  }
}
