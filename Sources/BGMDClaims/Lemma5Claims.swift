import ClaimCheck

/// The Lemma 5 claims (DESIGN.md, "Claims registry"). Not written yet: the
/// family registers no claim, so `bgmd verify` reports none of its ids.
public enum Lemma5Claims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(name: "lemma-5", document: "Proofs/lemma-5.md", claims: [])
  }
}
