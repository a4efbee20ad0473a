import ClaimCheck

/// The Breakdown claims (DESIGN.md, "Claims registry"). Not written yet: the
/// family registers no claim, so `bgmd verify` reports none of its ids.
public enum BreakdownClaims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(name: "breakdown", document: "Proofs/breakdown.md", claims: [])
  }

  /// Replays a fixture of this family. Not written yet: throws, naming the claim.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    throw FixtureReplayError.noReplayer(claim: fixture.claim)
  }
}
