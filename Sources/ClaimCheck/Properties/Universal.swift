/// The outcome of one case of a property.
public enum CaseResult: Sendable, Equatable {
  case pass
  /// The case violates the property; the message says how.
  case fail(String)
  /// The case is outside the property's domain; it is not counted.
  case discard
}

/// Budgets and seed of a universal run.
public struct UniversalConfig: Sendable {
  /// The run seed; case `i` draws from `PRNG.caseSeed(runSeed: seed, caseIndex: i)`.
  public var seed: UInt64
  /// Valid cases to run when no failure is found.
  public var cases: Int
  /// Budget of the shrinker (test runs) and its stall limit.
  public var shrinkAttempts: Int
  public var shrinkStall: Int
  /// Threads for case generation; results do not depend on it.
  public var threads: Int
  /// Choice sequences replayed before new cases (e.g. from fixtures).
  public var examples: [[ChoiceValue]]
  /// Largest number of choices per case.
  public var maxChoices: Int
  /// Called with the failing choices the moment a failure is found (before
  /// shrinking, `shrunk == false`) and again after shrinking (`shrunk == true`),
  /// so a fixture can be on disk before a long shrink is interrupted.
  /// Rebuild the value with `Gen.replay(_:)`.
  public var onFailure: (@Sendable (_ choices: [Choice], _ shrunk: Bool) -> Void)?
  /// Called after each batch with (valid cases, planned cases) when
  /// `checkUniversal` is given no `progress` of its own.
  public var progress: (@Sendable (Int, Int) -> Void)? = nil

  /// A configuration; budgets default to small values suitable for unit tests.
  public init(seed: UInt64, cases: Int = 200, shrinkAttempts: Int = 2_000, shrinkStall: Int = 500,
              threads: Int = 1, examples: [[ChoiceValue]] = [], maxChoices: Int = 10_000,
              onFailure: (@Sendable (_ choices: [Choice], _ shrunk: Bool) -> Void)? = nil) {
    self.seed = seed
    self.cases = cases
    self.shrinkAttempts = shrinkAttempts
    self.shrinkStall = shrinkStall
    self.threads = threads
    self.examples = examples
    self.maxChoices = maxChoices
    self.onFailure = onFailure
  }
}

/// A shrunk failing case.
public struct Counterexample<Value> {
  /// The generated value of the shrunk case.
  public var value: Value
  /// The shrunk choice sequence; replaying it reproduces `value`.
  public var choices: [Choice]
  /// The failure message of the shrunk case.
  public var message: String
  /// The case index where the failure was first seen (`nil` for a replayed example).
  public var caseIndex: Int?
  /// The choice sequence before shrinking.
  public var originalChoices: [Choice]
  /// Test runs spent shrinking and accepted simplifications.
  public var shrinkAttempts: Int
  public var shrinkImprovements: Int
}

/// The result of a universal property run.
public struct UniversalResult<Value> {
  public var seed: UInt64
  /// Cases run up to and including the first failure (or all, when none failed).
  public var casesRun: Int
  /// Cases discarded by filters or `.discard`.
  public var discarded: Int
  /// The shrunk failure, if any.
  public var counterexample: Counterexample<Value>?
  /// Set when the run failed its health check (e.g. > 90% of ≥ 1,000 attempts rejected).
  public var healthFailure: String?
  /// True when cancelled before the budget was spent.
  public var partial: Bool
  /// True when no case failed and the health check passed.
  public var passed: Bool { counterexample == nil && healthFailure == nil }
}

struct _CaseRecord: Sendable {
  var result: CaseResult
  var choices: [Choice]
}

/// Runs `gen` on a source and applies `property`; thrown errors fail the case,
/// `GenerationStop` discards it.
func _runCase<T>(_ gen: Gen<T>, _ source: inout ChoiceSource,
                 _ property: (T) throws -> CaseResult) -> (CaseResult, T?) {
  let value: T
  do { value = try gen.generate(&source) } catch is GenerationStop { return (.discard, nil) } catch {
    return (.fail("generator threw: \(error)"), nil)
  }
  do { return (try property(value), value) } catch is GenerationStop { return (.discard, value) } catch {
    return (.fail("threw: \(error)"), value)
  }
}

/// Checks that every generated case satisfies `property`; shrinks the first failure.
///
/// Cases run in batches of 64 in parallel; the failure kept is the one with
/// the smallest case index, so the result is the same for every thread count.
/// Replayed `examples` run first. The run stops early when `cancellation` is set.
/// - Complexity: up to `cases` valid cases (at most 10× that many attempts)
///   plus `shrinkAttempts` runs.
public func checkUniversal<T>(
  _ gen: Gen<T>, config: UniversalConfig, cancellation: CancellationFlag? = nil,
  progress: (@Sendable (Int, Int) -> Void)? = nil,
  _ property: @escaping @Sendable (T) throws -> CaseResult
) -> UniversalResult<T> {
  let progress = progress ?? config.progress
  var result = UniversalResult<T>(seed: config.seed, casesRun: 0, discarded: 0, counterexample: nil,
                                  healthFailure: nil, partial: false)
  let maxChoices = config.maxChoices
  // Replayed examples.
  for example in config.examples {
    var source = ChoiceSource(prefix: example, tail: .simplest, maxChoices: maxChoices)
    let (r, _) = _runCase(gen, &source, property)
    if case .fail = r {
      result.counterexample = _shrink(gen, source.choices, nil, config, property)
      if result.counterexample == nil { result.healthFailure = _lostFailure }
      return result
    }
  }
  let batch = 64
  var valid = 0
  var attempted = 0
  while valid < config.cases && attempted < 10 * Swift.max(config.cases, 1) {
    if cancellation?.isCancelled == true {
      result.partial = true
      break
    }
    let start = attempted
    let seed = config.seed
    let records = parallelMap(count: batch, threads: config.threads) { k -> _CaseRecord in
      var source = ChoiceSource(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(start + k)), maxChoices: maxChoices)
      let (r, _) = _runCase(gen, &source, property)
      return _CaseRecord(result: r, choices: source.choices)
    }
    for (k, record) in records.enumerated() {
      attempted += 1
      switch record.result {
      case .discard: result.discarded += 1
      case .pass: valid += 1
      case .fail:
        result.casesRun = start + k + 1
        result.counterexample = _shrink(gen, record.choices, start + k, config, property)
        if result.counterexample == nil { result.healthFailure = _lostFailure }
        return result
      }
      if valid >= config.cases { break }
    }
    result.casesRun = attempted
    progress?(valid, config.cases)
    if attempted >= 1_000 && result.discarded * 10 > attempted * 9 { break }
  }
  result.casesRun = attempted
  if attempted > 0 && result.discarded * 10 > attempted * 9 && (attempted >= 1_000 || valid < config.cases) {
    result.healthFailure = "health check: \(result.discarded) of \(attempted) attempts rejected (> 90%)"
  }
  return result
}

/// A failing case whose replay after shrinking passed: the property is not a
/// function of the generated value (it reads a clock, a counter, a process…),
/// so the run cannot pass.
let _lostFailure = "health check: a failing case passed when replayed (the property is not deterministic)"

/// Boolean form of `checkUniversal`: `false` fails the case.
public func checkUniversal<T>(
  _ gen: Gen<T>, config: UniversalConfig, cancellation: CancellationFlag? = nil,
  _ property: @escaping @Sendable (T) throws -> Bool
) -> UniversalResult<T> {
  checkUniversal(gen, config: config, cancellation: cancellation) { v in
    try property(v) ? .pass : .fail("property returned false")
  }
}

func _shrink<T>(_ gen: Gen<T>, _ initial: [Choice], _ index: Int?, _ config: UniversalConfig,
                _ property: @escaping @Sendable (T) throws -> CaseResult) -> Counterexample<T>? {
  let maxChoices = config.maxChoices
  config.onFailure?(initial, false)
  var shrinker = Shrinker(initial: initial, maxAttempts: config.shrinkAttempts, maxStall: config.shrinkStall) { prefix in
    var source = ChoiceSource(prefix: prefix, tail: .simplest, maxChoices: maxChoices)
    let (r, _) = _runCase(gen, &source, property)
    if case .fail = r { return source.choices }
    return nil
  }
  let best = shrinker.shrink()
  config.onFailure?(best, true)
  var source = ChoiceSource(prefix: best.map(\.value), tail: .simplest, maxChoices: maxChoices)
  let (r, value) = _runCase(gen, &source, property)
  guard case .fail(let message) = r, let v = value else { return nil }
  return Counterexample(value: v, choices: best, message: message, caseIndex: index, originalChoices: initial,
                        shrinkAttempts: shrinker.attempts, shrinkImprovements: shrinker.improvements)
}
