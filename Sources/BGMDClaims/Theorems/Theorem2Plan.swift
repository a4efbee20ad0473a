import ClaimCheck
import Foundation

/// The budget of one Theorem 2 check, fixed per profile before any run.
public struct Theorem2Plan: Sendable, Hashable {
  /// The horizons T (the first is 1: x̂_1 = x_0, so its ratio is exact).
  public var horizons: [Int]
  /// R, runs averaged per instance in the search.
  public var runs: Int
  /// Random instances, then hill-climbing mutations (`searchTargeted`).
  public var starts: Int
  public var steps: Int
  /// Largest d and κ drawn.
  public var maxDimension: Int
  public var maxCondition: Int
  /// Exponents e of the scale curve (attack magnitude 10^e for the
  /// adversary, oracle-noise scale 10^e otherwise).
  public var scaleExponents: [Int]
  /// Shrinker runs (each one re-measures an instance).
  public var shrinkAttempts: Int
  /// The confirmation test on the bounded transform (see `Theorem2Check`).
  public var alpha: Double
  public var beta: Double
  public var margin: Double
  public var firstLook: Int
  public var maxConfirmationRuns: Int
  /// The growth rule applied to ratio curves.
  public var growth: GrowthRule

  /// The plan of `profile`.
  public static func forProfile(_ profile: Profile) -> Theorem2Plan {
    switch profile {
    case .quick:
      return Theorem2Plan(horizons: [1, 10, 20, 40, 80], runs: 4, starts: 2, steps: 2, maxDimension: 6,
                          maxCondition: 10, scaleExponents: [0, 6], shrinkAttempts: 4, alpha: 0.01, beta: 0.01,
                          margin: 0.25, firstLook: 16, maxConfirmationRuns: 256, growth: GrowthRule())
    case .standard:
      return Theorem2Plan(horizons: [1, 10, 20, 40, 80, 160, 320], runs: 12, starts: 8, steps: 10, maxDimension: 8,
                          maxCondition: 20, scaleExponents: [0, 2, 4, 6], shrinkAttempts: 24, alpha: 0.01,
                          beta: 0.01, margin: 0.25, firstLook: 32, maxConfirmationRuns: 512, growth: GrowthRule())
    case .deep:
      return Theorem2Plan(horizons: [1, 10, 20, 40, 80, 160, 320, 640, 1280], runs: 32, starts: 64, steps: 200,
                          maxDimension: 12, maxCondition: 50, scaleExponents: [0, 2, 4, 6, 8, 10, 12],
                          shrinkAttempts: 200, alpha: 0.001, beta: 0.001, margin: 0.2, firstLook: 64,
                          maxConfirmationRuns: 8_192, growth: GrowthRule())
    }
  }

  /// The plan as evidence.
  public var json: JSONValue {
    .object([
      "horizons": .array(horizons.map { .number(Double($0)) }), "runs": .number(Double(runs)),
      "starts": .number(Double(starts)), "steps": .number(Double(steps)),
      "maxDimension": .number(Double(maxDimension)), "maxCondition": .number(Double(maxCondition)),
      "scaleExponents": .array(scaleExponents.map { .number(Double($0)) }),
      "shrinkAttempts": .number(Double(shrinkAttempts)), "growthRule": .string(growth.statement),
    ])
  }
}
