import ClaimCheck
import Foundation

/// Why a Theorem 1/2 fixture cannot be replayed.
public struct Theorem2FixtureError: Error, Sendable, CustomStringConvertible {
  public var field: String
  public var description: String { "theorem fixture: field `\(field)` is missing or malformed" }
}

/// The fixture of a confirmed refutation of (16)/(17): the instance (every
/// parameter: problem seed, shape, noise, attack, runs, run seed, horizons),
/// the reading, the tested horizon, the planned test and its seed, and what
/// was observed. Replaying it recomputes the calibration runs (hence RHS⁺)
/// and re-runs the test.
func theorem2Fixture(claim: String, confirmation c: Theorem2Confirmation, result: ExpectationResult) -> Fixture {
  let input: JSONValue = .object([
    "instance": (try? JSONValue(encoding: c.instance)) ?? .null,
    "reading": .string(c.reading.rawValue),
    "horizonIndex": .number(Double(c.horizonIndex)),
    "confirmation": .object([
      "seed": .string(String(c.seed)), "plan": (try? JSONValue(encoding: c.plan)) ?? .null,
    ]),
  ])
  let observed: JSONValue = .object(["rhsUpper": .number(c.rhs), "test": result.json])
  let horizon = c.instance.horizons[c.horizonIndex]
  let summary = "\(c.instance.description): E[LHS at T=\(horizon)] > RHS⁺ = \(c.rhs) "
    + "(sequential Hoeffding test, α = \(c.plan.alpha), mean of min(LHS⁻/(2·RHS⁺), 1) = \(result.estimate) "
    + "after \(result.samples) runs)"
  return Fixture(claim: claim, expect: .refutes, input: input, observed: observed, choices: nil, summary: summary)
}

extension TheoremBoundClaims {
  /// Re-runs a stored Theorem 1/2 fixture deterministically (the calibration
  /// runs, RHS⁺ and the planned test with its stored seed) and returns true
  /// when it still does what it records: for `refutes`, that the test still
  /// refutes; for `holds`, that it does not.
  /// - Throws: `Theorem2FixtureError` for a malformed input.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    let input = fixture.input
    let instance = try theorem2Field(input["instance"], "instance", as: Theorem2Instance.self)
    let reading = try theorem2Field(input["reading"], "reading", as: Assumption1Reading.self)
    let index = try theorem2Field(input["horizonIndex"], "horizonIndex", as: Int.self)
    let plan = try theorem2Field(input["confirmation"]?["plan"], "confirmation.plan", as: SequentialPlan.self)
    guard case .string(let seedText)? = input["confirmation"]?["seed"], let seed = UInt64(seedText) else {
      throw Theorem2FixtureError(field: "confirmation.seed")
    }
    guard instance.horizons.indices.contains(index), instance.dimension >= 1, instance.runs >= 1 else {
      throw Theorem2FixtureError(field: "horizonIndex")
    }
    let threads = processorCount
    let e = Theorem2Evaluation(instance, threads: threads)
    let confirmation = Theorem2Confirmation(instance: instance, reading: reading, horizonIndex: index,
                                            rhs: e.rhsUpper(reading, at: index), plan: plan, seed: seed)
    let (result, failures) = try confirmation.run(problem: e.problem, threads: threads)
    let refutes = failures.isEmpty && result?.decision == .refuted
    return fixture.expect == .refutes ? refutes : !refutes
  }
}

/// A field of a stored Theorem 1/2 fixture's input, decoded as T (the
/// bound claims' and the convergence-vs-gmd claims' replays).
/// - Throws: `Theorem2FixtureError` naming the field when it is missing or
///   does not decode.
func theorem2Field<T: Decodable>(_ value: JSONValue?, _ field: String, as type: T.Type) throws -> T {
  guard let value, let data = try? ClaimCheckJSON.encoder(pretty: false).encode(value),
    let decoded = try? ClaimCheckJSON.decoder().decode(T.self, from: data)
  else { throw Theorem2FixtureError(field: field) }
  return decoded
}

/// Stores a Theorem 1/2 counterexample in the context's fixture store (not
/// for a negative control's run) and says where: the reference the claim
/// record carries.
func storeTheorem2Counterexample(_ fixture: Fixture, claim: String, ctx: ClaimContext) throws
  -> CounterexampleReference
{
  var path = "(no fixture store configured)"
  if ctx.control == nil, let store = ctx.fixtures {
    let url = try store.write(fixture)
    path = "fixtures/counterexamples/\(claim)/\(url.lastPathComponent)"
  } else if ctx.control != nil {
    path = "(control \(ctx.control ?? ""): not stored)"
  }
  return CounterexampleReference(fixture: path, exact: false, summary: fixture.summary ?? "")
}
