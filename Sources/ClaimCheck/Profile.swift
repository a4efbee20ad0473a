import Foundation

/// Budgets of one profile.
public struct Budget: Sendable, Hashable {
  /// Valid cases per universal claim.
  public var cases: Int
  /// Shrinker test runs and its stall limit.
  public var shrinkAttempts: Int
  /// Consecutive unsuccessful shrink attempts before the shrinker stops.
  public var shrinkStall: Int
  /// Largest sample size a sequential test may plan.
  public var maxSamples: Int
  /// Hill-climbing steps per targeted search.
  public var targetedSteps: Int
}

/// Campaign profiles: `quick` (what `swift test` runs), `standard` (the default
/// of `bgmd verify`), `deep`. `BGMD_PROFILE` overrides the default.
public enum Profile: String, Sendable, Codable, CaseIterable {
  case quick, standard, deep

  /// The budgets of this profile.
  public var budget: Budget {
    switch self {
    case .quick: return Budget(cases: 100, shrinkAttempts: 1_000, shrinkStall: 300, maxSamples: 25_600, targetedSteps: 300)
    case .standard:
      return Budget(cases: 1_000, shrinkAttempts: 5_000, shrinkStall: 1_000, maxSamples: 409_600, targetedSteps: 3_000)
    case .deep:
      return Budget(cases: 20_000, shrinkAttempts: 50_000, shrinkStall: 5_000, maxSamples: 6_553_600, targetedSteps: 50_000)
    }
  }

  /// `BGMD_PROFILE` when set, else `fallback`.
  /// - Throws: `ConfigurationError` when the variable names no profile.
  public static func fromEnvironment(default fallback: Profile,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Profile {
    guard let text = environment["BGMD_PROFILE"], !text.isEmpty else { return fallback }
    guard let p = Profile(rawValue: text.lowercased()) else {
      throw ConfigurationError(variable: "BGMD_PROFILE", value: text, expected: "quick, standard or deep")
    }
    return p
  }
}

/// The run seed: `BGMD_SEED` when set (decimal or 0x-hex), else `fallback`.
/// - Throws: `ConfigurationError` when the variable is not a 64-bit integer.
public func runSeed(default fallback: UInt64,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UInt64 {
  guard let text = environment["BGMD_SEED"], !text.isEmpty else { return fallback }
  let value = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
  guard let v = value else {
    throw ConfigurationError(variable: "BGMD_SEED", value: text, expected: "an unsigned 64-bit integer")
  }
  return v
}

/// A bad environment setting.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The environment variable.
  public var variable: String
  /// Its value.
  public var value: String
  /// What was expected.
  public var expected: String
  /// "VAR=\"value\": expected …".
  public var description: String { "\(variable)=\"\(value)\": expected \(expected)" }
}
