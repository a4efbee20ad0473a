import ClaimCheck
import Foundation

/// The budget of one Theorem 1/2 check, fixed per profile before any run.
public struct Theorem2Plan: Sendable, Hashable, Codable {
  /// The horizons T (the first is 1: x̂_1 = x_0).
  public var horizons: [Int]
  /// R, calibration runs per instance (and exploration runs of a variant).
  public var runs: Int
  /// Random instances, then hill-climbing mutations (`searchTargeted`).
  public var starts: Int
  public var steps: Int
  /// Largest d and κ drawn.
  public var maxDimension: Int
  public var maxCondition: Int
  /// The sequential test on the bounded transform (see `Theorem2Confirmation`).
  public var alpha: Double
  public var beta: Double
  public var margin: Double
  public var firstLook: Int
  public var maxConfirmationRuns: Int

  /// The plan of `profile`.
  public static func forProfile(_ profile: Profile) -> Theorem2Plan {
    switch profile {
    case .quick:
      return Theorem2Plan(horizons: [1, 10, 20, 40], runs: 2, starts: 1, steps: 2, maxDimension: 5, maxCondition: 8,
                          alpha: 0.01, beta: 0.01, margin: 0.25, firstLook: 16, maxConfirmationRuns: 256)
    case .standard:
      return Theorem2Plan(horizons: [1, 10, 20, 40, 80, 160, 320], runs: 8, starts: 8, steps: 12, maxDimension: 8,
                          maxCondition: 20, alpha: 0.01, beta: 0.01, margin: 0.25, firstLook: 32,
                          maxConfirmationRuns: 512)
    case .deep:
      return Theorem2Plan(horizons: [1, 10, 20, 40, 80, 160, 320, 640, 1280], runs: 16, starts: 48, steps: 150,
                          maxDimension: 12, maxCondition: 50, alpha: 0.001, beta: 0.001, margin: 0.2, firstLook: 64,
                          maxConfirmationRuns: 8_192)
    }
  }

  /// The sequential plan of the test.
  /// - Throws: `SequentialError` for invalid rates.
  public func sequential() throws -> SequentialPlan {
    try SequentialPlan(range: 0...1, bound: 0.5, comparison: .atMost, alpha: alpha, beta: beta, margin: margin,
                       firstLook: firstLook, maxSamples: maxConfirmationRuns)
  }
}
