import ClaimCheck

/// One family of the paper's claims: the ids, how each is checked, and the
/// document under `Proofs/` that explains the checks.
public struct ClaimFamily: Sendable {
  /// A short name (`lemma-1`, `breakdown`, `lemma-5`, `theorem-2`).
  public var name: String
  /// The document under `Proofs/` for this family (e.g. `Proofs/lemma-1.md`).
  public var document: String
  /// The claims, each with its stable id (DESIGN.md, "Claims registry").
  public var claims: [ClaimSpec]

  public init(name: String, document: String, claims: [ClaimSpec]) {
    self.name = name
    self.document = document
    self.claims = claims
  }
}

/// The paper's claims, by family and by stable id.
public enum ClaimRegistry {
  /// Every family, in the paper's order.
  public static var families: [ClaimFamily] {
    [Lemma1Claims.family, BreakdownClaims.family, Lemma5Claims.family, Theorem2Claims.family]
  }

  /// Every registered claim, sorted by id.
  public static var claims: [ClaimSpec] {
    families.flatMap(\.claims).sorted { $0.id < $1.id }
  }

  /// Every registered claim id, sorted.
  public static var all: [String] { claims.map(\.id) }

  /// The claims whose id equals one of `selectors` or starts with one of
  /// them followed by `/` (a prefix such as `lemma1` or `breakdown/aggregate`);
  /// all claims when `selectors` is empty.
  public static func select(_ selectors: [String]) -> [ClaimSpec] {
    guard !selectors.isEmpty else { return claims }
    return claims.filter { claim in
      selectors.contains { s in claim.id == s || claim.id.hasPrefix(s.hasSuffix("/") ? s : s + "/") }
    }
  }
}
