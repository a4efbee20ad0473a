import ClaimCheck

/// The Theorem 2 claims (DESIGN.md, "Claims registry"). Not written yet: the
/// family registers no claim, so `bgmd verify` reports none of its ids.
public enum Theorem2Claims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(name: "theorem-2", document: "Proofs/theorem-2.md", claims: [])
  }
}
