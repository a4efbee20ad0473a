import ClaimCheck
import Foundation

/// Writing a claim's counterexample and referring to it from its record.
///
/// The reference's path is repository-relative and root-independent:
/// `fixtures/counterexamples/<claim-id>/<hash>.json`, whatever directory the
/// store writes to (`bgmd verify --fixtures DIR` changes where the file goes,
/// not the path in the report), so `claims.json` is the same on every machine.
public enum ClaimFixtures {
  /// The repository-relative path of `fixture`.
  public static func path(of fixture: Fixture) -> String {
    "fixtures/counterexamples/\(fixture.claim)/\(fixture.hash).json"
  }

  /// Writes `fixture` through the context's store (when there is one; a
  /// plain test run has none) and returns the record's reference.
  /// - Throws: the store's write errors.
  public static func record(_ fixture: Fixture, exact: Bool, in context: ClaimContext) throws -> CounterexampleReference {
    if let store = context.fixtures { try store.write(fixture) }
    return CounterexampleReference(fixture: path(of: fixture), exact: exact, summary: fixture.summary ?? "")
  }
}
