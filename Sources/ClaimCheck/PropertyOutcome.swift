/// A property's outcome in a form a test framework can report.
///
/// ClaimCheck does not import Swift Testing; a test target wraps
/// `failureMessage` in `Issue.record`.
public struct PropertyOutcome: Sendable, Hashable {
  /// The property's name.
  public var name: String
  /// The run seed.
  public var seed: UInt64
  /// Whether no case failed and the health check passed.
  public var passed: Bool
  /// The shrunk counterexample, its choices and the failure message, or the health failure.
  public var detail: String
  /// A shell command that replays the run.
  public var replayCommand: String

  /// `nil` when the property passed; else seed, counterexample and replay command.
  public var failureMessage: String? {
    passed ? nil : "property \(name) failed (seed \(seed))\n\(detail)\nreplay: \(replayCommand)"
  }

  /// Summarises a universal result; `testFilter` names the test for the replay command.
  public init<T>(name: String, result: UniversalResult<T>, testFilter: String) {
    self.name = name
    self.seed = result.seed
    self.passed = result.passed
    self.replayCommand = "BGMD_SEED=\(result.seed) swift test --filter \(testFilter)"
    if let c = result.counterexample {
      detail = """
        counterexample: \(String(describing: c.value))
        message: \(c.message)
        choices: [\(c.choices.map(\.description).joined(separator: ", "))]
        found at case \(c.caseIndex.map(String.init) ?? "replayed example"); shrunk in \(c.shrinkAttempts) attempts
        """
    } else {
      detail = result.healthFailure ?? "passed \(result.casesRun) cases"
    }
  }
}

/// Runs a universal property with the seed from `<PREFIX>_SEED` (else
/// `defaultSeed`) and the profile's budget (`<PREFIX>_PROFILE`, else
/// `profile`), and returns an outcome ready for a test framework.
public func checkProperty<T>(
  _ name: String, _ gen: Gen<T>, testFilter: String, defaultSeed: UInt64 = 1, profile: Profile = .quick,
  names: EngineNames = .default, _ property: @escaping @Sendable (T) throws -> Bool
) -> PropertyOutcome {
  let seed = (try? runSeed(default: defaultSeed, names: names)) ?? defaultSeed
  let budget = ((try? Profile.fromEnvironment(default: profile, names: names)) ?? profile).budget
  let config = UniversalConfig(seed: seed, cases: budget.cases, shrinkAttempts: budget.shrinkAttempts,
                               shrinkStall: budget.shrinkStall)
  return PropertyOutcome(name: name, result: checkUniversal(gen, config: config, property), testFilter: testFilter)
}
