import ClaimCheck
import Foundation

/// Why a Theorem 2 fixture cannot be replayed.
public struct Theorem2FixtureError: Error, Sendable, CustomStringConvertible {
  public var field: String
  public var description: String { "theorem-2 fixture: field `\(field)` is missing or malformed" }
}

/// The fixture of a confirmed refutation: the tested instance (every
/// parameter: problem seed, shape, noise, attack, runs, run seed, horizons),
/// the curve, the reference instance, the planned test and its seed, and
/// what was observed.
func theorem2Fixture(claim: String, curve: Theorem2Curve, confirmation c: Theorem2Confirmation,
                     result: ExpectationResult, base: Theorem2Instance, plan: Theorem2Plan,
                     ratios: [Double]) -> Fixture {
  let input: JSONValue = .object([
    "instance": (try? JSONValue(encoding: c.instance)) ?? .null,
    "baseInstance": (try? JSONValue(encoding: base)) ?? .null,
    "reading": .string(c.reading.rawValue), "curve": .string(curve.rawValue),
    "referenceExponent": .number(Double(plan.scaleExponents.first ?? 0)),
    "horizonIndex": .number(Double(c.horizonIndex)),
    "thresholdFactor": .number(plan.growth.minimumRatio),
    "confirmation": .object([
      "seed": .string(String(c.seed)), "alpha": .number(c.plan.alpha), "beta": .number(c.plan.beta),
      "margin": .number(c.plan.margin), "firstLook": .number(Double(c.plan.looks.first ?? 1)),
      "maxSamples": .number(Double(c.plan.maxSamples)),
    ]),
  ])
  let observed: JSONValue = .object([
    "ratiosOfBase": .array(ratios.map { .number($0) }), "threshold": .number(c.threshold),
    "test": result.json,
  ])
  let horizon = c.instance.horizons[c.horizonIndex]
  let summary = "\(c.instance.description): E[ratio at T=\(horizon)] > θ = \(c.threshold) "
    + "(Hoeffding sequential test, α = \(c.plan.alpha), mean of the bounded transform \(result.estimate) "
    + "after \(result.samples) runs; \(curve.rawValue) curve)"
  return Fixture(claim: claim, expect: .refutes, input: input, observed: observed, choices: nil, summary: summary)
}

extension Theorem2Claims {
  /// Re-runs a stored Theorem 2 fixture deterministically (the exploring runs,
  /// the reference, the threshold and the planned test with its stored seed)
  /// and returns true when it still does what it records: for `refutes`,
  /// that the test still refutes; for `holds`, that it does not.
  /// - Throws: `Theorem2FixtureError` for a malformed input.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    let input = fixture.input
    func decode<T: Decodable>(_ key: String, as type: T.Type) throws -> T {
      guard let value = input[key], let data = try? ClaimCheckJSON.encoder(pretty: false).encode(value),
        let decoded = try? ClaimCheckJSON.decoder().decode(T.self, from: data)
      else { throw Theorem2FixtureError(field: key) }
      return decoded
    }
    func number(_ value: JSONValue?, _ field: String) throws -> Double {
      guard case .number(let x)? = value else { throw Theorem2FixtureError(field: field) }
      return x
    }
    let instance = try decode("instance", as: Theorem2Instance.self)
    let base = try decode("baseInstance", as: Theorem2Instance.self)
    let reading = try decode("reading", as: Assumption1Reading.self)
    let curve = try decode("curve", as: Theorem2Curve.self)
    let index = Int(try number(input["horizonIndex"], "horizonIndex"))
    let factor = try number(input["thresholdFactor"], "thresholdFactor")
    let exponent = Int(try number(input["referenceExponent"], "referenceExponent"))
    let c = input["confirmation"]
    guard case .string(let seedText)? = c?["seed"], let seed = UInt64(seedText) else {
      throw Theorem2FixtureError(field: "confirmation.seed")
    }
    guard instance.horizons.indices.contains(index) else { throw Theorem2FixtureError(field: "horizonIndex") }
    let threads = processorCount
    let referenceInstance = curve == .scale ? base.scaled(exponent: exponent) : instance
    let reference = theorem2Reference(Theorem2Measurement(referenceInstance, threads: threads), reading, curve: curve)
    let plan = try SequentialPlan(
      range: 0...1, bound: 0.5, comparison: .atMost, alpha: try number(c?["alpha"], "confirmation.alpha"),
      beta: try number(c?["beta"], "confirmation.beta"), margin: try number(c?["margin"], "confirmation.margin"),
      firstLook: Int(try number(c?["firstLook"], "confirmation.firstLook")),
      maxSamples: Int(try number(c?["maxSamples"], "confirmation.maxSamples")))
    let confirmation = Theorem2Confirmation(instance: instance, reading: reading, horizonIndex: index,
                                            threshold: factor * max(reference, 1e-300), plan: plan, seed: seed)
    let exploration = Theorem2Measurement(instance, threads: threads)
    let result = try confirmation.run(exploration: exploration, threads: threads)
    let refutes = result.decision == .refuted
    return fixture.expect == .refutes ? refutes : !refutes
  }
}
