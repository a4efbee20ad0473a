import ClaimCheck

/// The Lemma 1 claims (DESIGN.md, "Claims registry"). Not written yet: the
/// family registers no claim, so `bgmd verify` reports none of its ids.
public enum Lemma1Claims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(name: "lemma-1", document: "Proofs/lemma-1.md", claims: [])
  }
}
