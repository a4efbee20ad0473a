import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `conformance/<rule>/<property>`: the suite run against an implementation
/// of an aggregation rule that is not ours (`bgmd conformance --exec …`).
///
/// These claims are not in `ClaimRegistry` (they need the program under
/// test); `bgmd conformance` runs them through the same `Campaign`, reports
/// and fixtures. Each claim's negative controls are in-package adapters with
/// a planted fault (`ConformanceFault`), checked by the same property with
/// the same budget: they must come out refuted for a `holds` to count.
public enum ConformanceClaims {
  /// Budgets of a profile (external calls are slow: smaller than the paper claims').
  public struct Plan: Sendable {
    public var cases: Int
    public var shrinkAttempts: Int
    public var shrinkStall: Int
    public var breakdownCases: Int
    public var starts: Int
    public var steps: Int
    /// Cases per bad-input kind in the per-kind survey (evidence only).
    public var surveyCases: Int = 8

    public static func of(_ profile: Profile) -> Plan {
      switch profile {
      case .quick: return Plan(cases: 64, shrinkAttempts: 300, shrinkStall: 100, breakdownCases: 1, starts: 2, steps: 4)
      case .standard: return Plan(cases: 256, shrinkAttempts: 1_000, shrinkStall: 300, breakdownCases: 2, starts: 4, steps: 12)
      case .deep: return Plan(cases: 2_048, shrinkAttempts: 5_000, shrinkStall: 1_000, breakdownCases: 5, starts: 16, steps: 80)
      }
    }
  }

  /// The id of `property` for `rule`.
  public static func id(_ rule: ConformanceRule, _ property: ConformanceProperty) -> String {
    "conformance/\(rule.name)/\(property.rawValue)"
  }

  /// The planted faults that serve as negative controls of `property`.
  public static func controls(_ rule: ConformanceRule, _ property: ConformanceProperty) -> [ConformanceFault] {
    switch property {
    case .agreement:
      switch rule.name {
      case "geometric-median": return [.threeSmoothedIterations]
      case "coordinate-median": return [.lowerMiddleMedian]
      case "trimmed-mean": return [.trimCeiling]
      case "krum": return [.multiKrumTwo]
      default: return [.dropLastRow]
      }
    case .permutation: return [.dropLastRow]
    case .translation: return [.shrinkHalf]
    case .scaling: return [.offsetOne]
    case .rotation: return [.coordinateMedian]
    case .badInput: return rule.screensNonFinite ? [.noScreening, .flushSubnormals] : [.flushSubnormals]
    case .breakdown: return rule.name == "mean" ? [.coordinateMedian] : [.mean]
    }
  }

  /// What each fault breaks, for the report.
  static func breaks(_ fault: ConformanceFault) -> String {
    switch fault {
    case .threeSmoothedIterations: return "geometric median from three Weiszfeld steps with distances floored at 1e-5"
    case .lowerMiddleMedian: return "median takes the lower middle value for even n"
    case .trimCeiling: return "trims ⌈βn⌉ per side instead of ⌊βn⌋"
    case .multiKrumTwo: return "returns the mean of the two best-scored rows"
    case .dropLastRow: return "ignores the last row (order dependent)"
    case .shrinkHalf: return "output halved (not translation equivariant)"
    case .offsetOne: return "output plus 1 (not scale equivariant)"
    case .coordinateMedian: return "coordinate-wise median in place of the rule"
    case .mean: return "mean in place of the rule"
    case .noScreening: return "non-finite rows not excluded (NaN output)"
    case .flushSubnormals: return "subnormal outputs flushed to zero"
    default: return fault.rawValue
    }
  }

  /// The claims for `rule` checked against `target`.
  public static func claims(_ rule: ConformanceRule, target: ConformanceTarget,
                            properties: [ConformanceProperty]? = nil) -> [ClaimSpec] {
    (properties ?? ConformanceProperty.applicable(to: rule)).map { property in
      ClaimSpec(id: id(rule, property), controls: controls(rule, property).map { fault in
        ControlSpec(name: fault.rawValue, breaks: breaks(fault)) { ctx in
          try check(rule, property, target: fault.target(rule), ctx)
        }
      }) { ctx in try check(rule, property, target: target, ctx) }
    }
  }

  static func statement(_ rule: ConformanceRule, _ property: ConformanceProperty) -> String {
    switch property {
    case .agreement: return "the implementation agrees with our \(rule.description): \(rule.convention)"
        + (rule.isGM ? "" : ", up to the ulp allowance (2 ulp for medians and Krum, n + 2 ulp for means, of the column's largest magnitude)")
    case .permutation: return "the output does not depend on the order of the rows"
    case .translation: return "out(X + 𝟙cᵀ) = out(X) + c (up to rounding)"
    case .scaling: return "out(sX) = s·out(X) for signed powers of two s (exact in floating point)"
    case .rotation: return "the geometric median is rotation equivariant: Qᵀ·out(XQ) is as good a median of X as out(X) (Householder Q)"
    case .badInput: return "on bad input (non-finite rows fewer than half, 1e200 or subnormal magnitudes, b = 1, d = 1, duplicate rows, the mean on a data point) the output is finite and agrees with ours: rows with a NaN or ±∞ entry are excluded"
        + (rule.screensNonFinite ? "" : " (the mean propagates them: those cases are out of domain)")
    case .breakdown:
      let b = breakdownRows(rule)
      let claim = claimedRanges(rule, rows: b)
      return claim.statement
    }
  }

  static func source(_ rule: ConformanceRule, _ property: ConformanceProperty) -> String {
    switch property {
    case .breakdown: return "Table 1 (breakdown points), Definition 2; the growth rule of breakdown/aggregate/*"
    case .rotation: return "definition of the geometric median (Fermat–Weber point), Section 3"
    default: return "conformance of an external implementation to our \(rule.name) (docs/conformance.md)"
    }
  }

  /// Checks `property` of `target` in `ctx`.
  static func check(_ rule: ConformanceRule, _ property: ConformanceProperty, target: ConformanceTarget,
                    _ ctx: ClaimContext) throws -> ClaimRecord {
    if property == .breakdown { return try ConformanceBreakdown.check(rule, target: target, ctx) }
    let plan = Plan.of(ctx.profile)
    let timing = TimingLog()
    let errors = OurErrorLog()
    let checks = ConformanceChecks(rule: rule, target: target, timing: timing, ourErrors: errors)
    let gen = checks.generator(property)
    var config = ctx.universalConfig(examples: try ctx.storedChoices())
    config.cases = plan.cases
    config.shrinkAttempts = Swift.min(config.shrinkAttempts, plan.shrinkAttempts)
    config.shrinkStall = Swift.min(config.shrinkStall, plan.shrinkStall)
    // The first failing choices, kept in case the failure does not reproduce
    // when replayed after shrinking (a flaky program): that is reported, not passed.
    let firstFailure = ChoiceBox()
    config.onFailure = { choices, shrunk in if !shrunk { firstFailure.set(choices) } }
    let result = checkUniversal(gen, config: config, cancellation: ctx.cancellation, progress: ctx.caseProgress) { c in
      checks.check(property, c)
    }
    var flaky: String?
    if result.counterexample == nil, let choices = firstFailure.get() {
      let again = (try? gen.replay(choices.map(\.value))).map { checks.check(property, $0) }
      let message: String
      if case .fail(let m)? = again { message = m } else { message = "passed when replayed" }
      flaky = "a failing case did not fail again when replayed after shrinking (the program is not deterministic?); replayed: "
        + String(message.prefix(400))
    }
    let cid = id(rule, property)
    var counterexample: CounterexampleReference?
    var verdict: Verdict = result.passed ? .holds : .refuted
    if let cx = result.counterexample {
      let summary = "\(target.name): " + String(cx.message.prefix(400))
      let input = try JSONValue(encoding: ConformanceFixtureInput(rule: rule, property: property, case: cx.value))
      let fixture = Fixture(claim: cid, expect: .refutes, input: input,
                            observed: .object(["message": .string(cx.message), "target": .string(target.name),
                                               "originalChoices": .number(Double(cx.originalChoices.count)),
                                               "shrunkChoices": .number(Double(cx.choices.count))]),
                            choices: ChoiceRecord(values: cx.choices.map(\.value)), summary: summary)
      counterexample = try ConformanceFixtures.record(fixture, in: ctx)
    } else if let h = result.healthFailure {
      verdict = .inconclusive
      _ = h
    }
    if result.partial { verdict = .inconclusive }
    if flaky != nil && verdict != .refuted { verdict = .inconclusive }
    let ours = errors.all
    if !ours.isEmpty && verdict != .refuted { verdict = .inconclusive }
    var evidence: [String: JSONValue] = [
      "target": .string(target.name),
      "casesRun": .number(Double(result.casesRun)), "discarded": .number(Double(result.discarded)),
    ]
    if let h = result.healthFailure { evidence["health"] = .string(h) }
    if let f = flaky { evidence["flaky"] = .string(f) }
    if property == .badInput && ctx.control == nil {
      evidence["perKind"] = checks.badInputSurvey(seed: ctx.seed, cases: plan.surveyCases)
    }
    if !ours.isEmpty {
      evidence["ourImplementationErrors"] = .array(ours.prefix(5).map { .string($0) })
      evidence["ourImplementationErrorCount"] = .number(Double(ours.count))
    }
    if let cx = result.counterexample {
      evidence["shrunk"] = .object(["matrix": .string(cx.value.matrix.brief), "rows": .number(Double(cx.value.matrix.b)),
                                    "columns": .number(Double(cx.value.matrix.d)),
                                    "shrinkAttempts": .number(Double(cx.shrinkAttempts))])
    }
    if let t = timing.summary {
      // Wall times: they vary run to run, like `seconds`, and are left out when reports are compared.
      evidence["timing"] = .object([
        "calls": .number(Double(t.calls)), "externalMedianSeconds": .number(t.external),
        "oursMedianSeconds": .number(t.ours), "ratio": .number(t.ours > 0 ? t.external / t.ours : .infinity),
      ])
    }
    let phase = PhaseResult(name: "universal", verdict: verdict, cases: result.casesRun, counterexample: counterexample,
                            evidence: .object(evidence))
    let domain: String
    switch property {
    case .badInput: domain = "kinds " + BadInputKind.allCases.map(\.rawValue).joined(separator: ", ") + "; float32 and float64 .npy"
    default: domain = "b in \(checks.minRows)…\(checks.minRows + 8) rows, d in 1…5, float32 and float64 .npy, entries in [−10, 10] or small integers (ties)"
        + (property.transformName.map { "; \($0) drawn per case" } ?? "")
    }
    return Judgement.record(id: cid, source: source(rule, property), statement: statement(rule, property),
                            method: "universal", domain: domain, phases: [phase])
  }

  /// Rows of the breakdown check: 11, or 2f + 3 for Krum with a larger f.
  static func breakdownRows(_ rule: ConformanceRule) -> Int {
    rule.name == "krum" ? Swift.max(11, 2 * rule.byzantine + 3) : 11
  }

  /// The claimed robust and breaking ranges of m for `rule` with b rows.
  static func claimedRanges(_ rule: ConformanceRule, rows b: Int) -> (robust: ClosedRange<Int>?, breaks: ClosedRange<Int>?, statement: String) {
    let half = (b - 1) / 2
    switch rule.name {
    case "mean":
      return (nil, 1...half, "the mean breaks for every 1 ≤ m < b/2 (b = \(b)): breakdown 0")
    case "trimmed-mean":
      let t = Int((rule.trim * Double(b)).rounded(.down))
      return (t >= 1 ? 1...t : nil, t + 1 <= half ? (t + 1)...half : nil,
              "the β-trimmed mean (β = \(rule.trim)) is bounded for m ≤ ⌊βb⌋ = \(t) and breaks for ⌊βb⌋ < m < b/2 (b = \(b))")
    case "krum":
      let f = rule.byzantine
      return (f >= 1 ? 1...Swift.min(f, half) : nil, nil, "Krum with f = \(f) is bounded for every m ≤ f (b = \(b) > 2f + 2)")
    default:
      return (half >= 1 ? 1...half : nil, nil, "the \(rule.name) is bounded for every m < b/2 (b = \(b)): breakdown 1/2")
    }
  }
}

/// A conformance fixture's input: the rule, the property and the shrunk case.
struct ConformanceFixtureInput: Codable {
  var rule: ConformanceRule
  var property: ConformanceProperty
  var `case`: ConformanceCase?
  var breakdown: AggregateBreakdownCase?
}

/// Conformance fixtures: written under the store's root by claim id; the
/// report refers to them relative to the report directory (`fixtures/…`).
public enum ConformanceFixtures {
  static func record(_ fixture: Fixture, in ctx: ClaimContext) throws -> CounterexampleReference {
    if let store = ctx.fixtures { try store.write(fixture) }
    return CounterexampleReference(fixture: "fixtures/\(fixture.claim)/\(fixture.hash).json", exact: true,
                                   summary: fixture.summary ?? "")
  }

  /// Replays a conformance fixture against `target`: true when it still
  /// refutes (or, for `expect: holds`, still satisfies) its claim.
  /// - Throws: `ConformanceError.badFixture` for a fixture that is not a conformance fixture.
  public static func replay(_ fixture: Fixture, target: ConformanceTarget) throws -> Bool {
    let input = try FixtureReplay.decode(ConformanceFixtureInput.self, from: fixture.input)
    let fails: Bool
    if input.property == .breakdown {
      guard let c = input.breakdown else { throw ConformanceError.badFixture("breakdown fixture without `breakdown`") }
      fails = ConformanceBreakdown.violates(input.rule, c, target: target)
    } else {
      guard let c = input.case else { throw ConformanceError.badFixture("fixture without `case`") }
      let checks = ConformanceChecks(rule: input.rule, target: target, timing: nil, ourErrors: nil)
      if case .fail = checks.check(input.property, c) { fails = true } else { fails = false }
    }
    return fixture.expect == .refutes ? fails : !fails
  }
}

/// The first failing choice sequence of a run (set from `onFailure`).
final class ChoiceBox: @unchecked Sendable {
  private var choices: [Choice]?
  private let lock = NSLock()
  func set(_ c: [Choice]) {
    lock.lock()
    defer { lock.unlock() }
    if choices == nil { choices = c }
  }
  func get() -> [Choice]? {
    lock.lock()
    defer { lock.unlock() }
    return choices
  }
}
