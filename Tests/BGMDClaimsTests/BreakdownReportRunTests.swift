import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

/// Runs the family at `BGMD_PROFILE` (default `standard`) and writes the
/// report to `BGMD_BREAKDOWN_REPORT`, fixtures under
/// `BGMD_BREAKDOWN_FIXTURES` when set; skipped unless the report path is set.
/// `BGMD_BREAKDOWN_REPORT=/tmp/claims.json swift test -c release --filter BreakdownReportRunTests`
@Suite struct BreakdownReportRunTests {
  static let path = ProcessInfo.processInfo.environment["BGMD_BREAKDOWN_REPORT"]

  @Test(.enabled(if: path != nil)) func writeReport() throws {
    let profile = try Profile.fromEnvironment(default: .standard, names: ClaimRegistry.names)
    let seed = try runSeed(default: 1, names: ClaimRegistry.names)
    let fixtures = ProcessInfo.processInfo.environment["BGMD_BREAKDOWN_FIXTURES"].map {
      FixtureStore(root: URL(fileURLWithPath: $0), names: ClaimRegistry.names)
    }
    let report = Campaign(seed: seed, profile: profile, fixtures: fixtures, progress: { e in
      if e.phase == "done" { print("[\(e.position)/\(e.total)] \(e.claim)") }
    }).run(BreakdownClaims.family.claims)
    try report.encoded().write(to: URL(fileURLWithPath: Self.path ?? "/dev/null"))
    for r in report.claims {
      print("\(r.id): \(r.verdict.rawValue)" + (r.counterexample.map { " — \($0.summary)" } ?? ""))
    }
    print("total \(report.run.seconds) s")
    if let store = fixtures {
      for r in report.claims where r.counterexample != nil {
        for stored in try store.load(claim: r.id) {
          #expect(try BreakdownClaims.replay(stored.fixture), "\(stored.url.path) does not replay")
        }
      }
    }
  }
}
