import ClaimCheck

/// The Breakdown claims (DESIGN.md, "Claims registry"). Not written yet: the
/// family registers no claim, so `bgmd verify` reports none of its ids.
public enum BreakdownClaims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(name: "breakdown", document: "Proofs/breakdown.md", claims: [])
  }
}
