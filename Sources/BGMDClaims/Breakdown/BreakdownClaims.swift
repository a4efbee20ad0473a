import ClaimCheck
import Foundation

/// The Breakdown claims (Definitions 1 and 2, the abstract, Table 1, and
/// Minsker's bound behind eq. (22)); the checks, their negative controls and
/// measured hypotheses are explained in `Proofs/breakdown.md`.
///
/// - `breakdown/aggregate/<rule>`: one aggregation under attack
///   (`AggregateBreakdownCase`);
/// - `breakdown/training/<method>`: T iterations under the adversary of
///   Definition 1 (`TrainingBreakdownCase`);
/// - `gm/robustness-bound`: Minsker's Lemma 2.1 behind eq. (22)
///   (`GMRobustnessCase`).
public enum BreakdownClaims {
  /// The family and its claims.
  public static var family: ClaimFamily {
    ClaimFamily(
      name: "breakdown", title: "Breakdown", document: "Proofs/breakdown.md", prefixes: ["breakdown", "gm"],
      claims: AggregateBreakdownClaims.rules.map(AggregateBreakdownClaims.spec)
        + TrainingBreakdownClaims.methods.map(TrainingBreakdownClaims.spec)
        + [GMRobustnessClaims.spec],
      replay: { try replay($0) })
  }

  /// Re-runs a stored fixture of this family and returns true when it still
  /// does what it records: for `breakdown/…` fixtures, that the stored case
  /// still breaks (or stays bounded) as `observed.breaks` says; for
  /// `gm/robustness-bound`, that the stored point set still violates the
  /// bound with certainty (`refutes`) or satisfies it (`holds`).
  /// - Throws: `BreakdownError.malformedFixture` when the input does not
  ///   decode or the claim is not of this family.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
      do {
        let data = try ClaimCheckJSON.encoder(pretty: false).encode(fixture.input)
        return try ClaimCheckJSON.decoder().decode(T.self, from: data)
      } catch {
        throw BreakdownError.malformedFixture("\(fixture.claim): input: \(error)")
      }
    }
    if fixture.claim == GMRobustnessClaims.id {
      let c = try decode(GMRobustnessCase.self)
      let result = c.evaluate()
      return fixture.expect == .refutes ? result.certifiedViolation : !result.certifiedViolation
    }
    guard case .bool(let recorded) = fixture.observed["breaks"] else {
      throw BreakdownError.malformedFixture("\(fixture.claim): observed.breaks is not a boolean")
    }
    if fixture.claim.hasPrefix("breakdown/aggregate/") {
      let c = try decode(AggregateBreakdownCase.self)
      return c.breaks == recorded
    }
    if fixture.claim.hasPrefix("breakdown/training/") {
      let c = try decode(TrainingBreakdownCase.self)
      return try c.curves().contains(where: \.breaks) == recorded
    }
    throw BreakdownError.malformedFixture("\(fixture.claim) is not a claim of the breakdown family")
  }
}
