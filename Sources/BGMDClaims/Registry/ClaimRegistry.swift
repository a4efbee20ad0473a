import ClaimCheck

/// One family of the paper's claims: its heading, the id prefixes it owns,
/// the claims and how each is checked (with its negative controls), how its
/// fixtures are replayed, and the document under `Proofs/` that explains the
/// checks. Adding a family means adding its folder and one entry in
/// `ClaimRegistry.families`.
public struct ClaimFamily: Sendable {
  /// A short name (`lemma-1`, `breakdown`, `lemma-5`, `theorem-2`).
  public var name: String
  /// The heading in the reports ("Lemma 1", "Theorem 2", …).
  public var title: String
  /// The document under `Proofs/` for this family (e.g. `Proofs/lemma-1.md`).
  public var document: String
  /// The claim-id prefixes the family owns (`lemma1/`, `gm/`, …): a claim or
  /// fixture whose id starts with one belongs here.
  public var prefixes: [String]
  /// The claims, each with its stable id (docs/claim-ids.md).
  public var claims: [ClaimSpec]
  /// Replays one of the family's fixtures: true when it still does what it
  /// records; `nil` when the family stores no fixtures.
  public var replay: (@Sendable (Fixture) throws -> Bool)?

  public init(name: String, title: String, document: String, prefixes: [String], claims: [ClaimSpec],
              replay: (@Sendable (Fixture) throws -> Bool)? = nil) {
    self.name = name
    self.title = title
    self.document = document
    self.prefixes = prefixes
    self.claims = claims
    self.replay = replay
  }

  /// Whether claim (or fixture) id `id` belongs to this family.
  public func owns(_ id: String) -> Bool {
    prefixes.contains { id == $0 || id.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
  }
}

/// The paper's claims, by family and by stable id.
public enum ClaimRegistry {
  /// The suite's names for the engine: `BGMD_SEED`, `BGMD_PROFILE`, reports
  /// tagged `bgmd-claims/1`, fixtures `bgmd-fixture/1`.
  public static let names = EngineNames(environmentPrefix: "BGMD", reportSchema: "bgmd-claims/1",
                                        fixtureSchema: "bgmd-fixture/1")

  /// Every family, in the paper's order.
  public static var families: [ClaimFamily] {
    [Lemma1Claims.family, CostClaims.family, BreakdownClaims.family, Lemma3Claims.family, Lemma4Claims.family,
     Lemma5Claims.family, Lemma6Claims.family, Theorem1Claims.family, Theorem2Claims.family,
     SelfCheckClaims.family]
  }

  /// The family that owns claim or fixture id `id`.
  public static func family(owning id: String) -> ClaimFamily? {
    families.first { $0.owns(id) }
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
