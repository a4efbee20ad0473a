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

  /// `<PREFIX>_PROFILE` when set (`names.environmentPrefix`), else `fallback`.
  /// - Throws: `ConfigurationError` when the variable names no profile.
  public static func fromEnvironment(default fallback: Profile, names: EngineNames = .default,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Profile {
    let variable = names.variable("PROFILE")
    guard let text = environment[variable], !text.isEmpty else { return fallback }
    guard let p = Profile(rawValue: text.lowercased()) else {
      throw ConfigurationError(variable: variable, value: text, expected: "quick, standard or deep")
    }
    return p
  }
}

/// The run seed: `<PREFIX>_SEED` when set (decimal or 0x-hex), else `fallback`.
/// - Throws: `ConfigurationError` when the variable is not a 64-bit integer.
public func runSeed(default fallback: UInt64, names: EngineNames = .default,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UInt64 {
  let variable = names.variable("SEED")
  guard let text = environment[variable], !text.isEmpty else { return fallback }
  let value = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
  guard let v = value else {
    throw ConfigurationError(variable: variable, value: text, expected: "an unsigned 64-bit integer")
  }
  return v
}

/// The names an application gives the engine: the prefix of the
/// environment variables it reads (`<PREFIX>_SEED`, `<PREFIX>_PROFILE`) and
/// the schema tags of the reports and fixtures it writes. The engine knows
/// no application; each passes its own (the BGMD suite's are
/// `ClaimRegistry.names`).
public struct EngineNames: Sendable, Hashable {
  /// e.g. `BGMD`.
  public var environmentPrefix: String
  /// The `schema` of `claims.json`, e.g. `bgmd-claims/1`.
  public var reportSchema: String
  /// The `schema` of a fixture file, e.g. `bgmd-fixture/1`.
  public var fixtureSchema: String

  /// Names from their parts.
  public init(environmentPrefix: String, reportSchema: String, fixtureSchema: String) {
    self.environmentPrefix = environmentPrefix
    self.reportSchema = reportSchema
    self.fixtureSchema = fixtureSchema
  }

  /// The engine's own names: `CLAIMCHECK_SEED`, `claimcheck-claims/1`, `claimcheck-fixture/1`.
  public static let `default` = EngineNames(environmentPrefix: "CLAIMCHECK", reportSchema: "claimcheck-claims/1",
                                            fixtureSchema: "claimcheck-fixture/1")

  /// `<PREFIX>_<name>`.
  public func variable(_ name: String) -> String { "\(environmentPrefix)_\(name)" }
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
