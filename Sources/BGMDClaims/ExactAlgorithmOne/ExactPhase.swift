import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// The outcome of one exact case of a bound: the largest LHS/RHS over the
/// steps (or nodes), and a failure message when some LHS > RHS.
struct BoundOutcome: Sendable {
  var ratio: Double
  var failure: String?
  var observed: JSONValue
}

/// The evidence of an exact phase.
struct ExactPhaseEvidence: Codable, Sendable {
  var cases: Int
  var discarded: Int
  var worstRatio: Double
  var worstCase: String
  var counterexample: String?
  var implementationErrors: [String]
  var health: String?
  var decision: String
}

/// The exact phase shared by the Lemma 3, 4 and 6 checks: `checkUniversal`
/// over `gen`, each case decided exactly in ℚ by `bound` on its `ExactTree`;
/// a failure is shrunk and stored as an exact fixture (not for controls).
/// An error of our implementation (a thrown error, `BlockDescent`
/// disagreeing with the tree) is not a counterexample: the phase is
/// `inconclusive` and the evidence lists it.
func runExactPhase(
  _ ctx: ClaimContext, name: String = "exact", gen: Gen<ExactCase>, tally: HypothesisTallies, crossCheck: Bool,
  bound: @escaping @Sendable (ExactCase) throws -> BoundOutcome
) throws -> PhaseResult {
  final class Worst: @unchecked Sendable {
    let lock = NSLock()
    var ratio = -Double.infinity
    var shape = ""
    func see(_ r: Double, _ s: String) {
      lock.lock()
      if r > ratio || (r == ratio && s < shape) {
        ratio = r
        shape = s
      }
      lock.unlock()
    }
  }
  let worst = Worst()
  var config = ctx.universalConfig()
  config.cases = ExactCaseGenerator.cases(ctx.budget)
  let result = checkUniversal(gen, config: config, cancellation: ctx.cancellation) { c in
    do {
      if crossCheck, let disagreement = try ExactTree.pathDisagreement(c) {
        tally.error("BlockDescent disagrees with the exact tree on \(c.shape): \(disagreement)")
        return .discard
      }
      let o = try bound(c)
      worst.see(o.ratio, c.shape)
      if let f = o.failure { return .fail(f) }
      return .pass
    } catch {
      tally.error("\(c.shape): \(error)")
      return .discard
    }
  }
  var evidence = ExactPhaseEvidence(cases: result.casesRun, discarded: result.discarded, worstRatio: worst.ratio,
                                    worstCase: worst.shape, counterexample: nil,
                                    implementationErrors: tally.implementationErrors, health: result.healthFailure,
                                    decision: "")
  var verdict: Verdict = .holds
  var counterexample: CounterexampleReference?
  var worstCase = WorstCase(ratio: worst.ratio, case: "largest LHS/RHS: " + worst.shape)
  if let found = result.counterexample {
    let c = found.value
    let o = try bound(c)
    let summary = "\(c.shape): \(found.message)"
    evidence.counterexample = summary
    if ctx.control == nil {
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: try JSONValue(encoding: c), observed: o.observed,
                            choices: ChoiceRecord(choices: found.choices), summary: summary)
      counterexample = try ClaimFixtures.record(fixture, exact: true, in: ctx)
    } else {
      counterexample = CounterexampleReference(fixture: "", exact: true, summary: summary)
    }
    worstCase = WorstCase(ratio: o.ratio, case: summary)
    verdict = .refuted
  } else if result.partial || result.healthFailure != nil || !evidence.implementationErrors.isEmpty {
    verdict = .inconclusive
  }
  evidence.decision = verdict.rawValue
  return try PhaseResult(name: name, verdict: verdict, cases: result.casesRun, worst: worstCase,
                         counterexample: counterexample, typedEvidence: evidence)
}

/// The bound's ratio LHS/RHS as a Double (∞ when RHS = 0 < LHS, 0 when both are 0).
func boundRatio(_ lhs: Rational, _ rhs: Rational) -> Double {
  if rhs.signum > 0 { return Double(lhs / rhs) }
  return lhs.signum > 0 ? .infinity : 0
}

/// The setting segment of an id.
func isCorrupted(_ setting: String) -> Bool { setting == "corrupted" }

/// Claim-id segments (docs/claim-ids.md): `lemmaN/<kind>/<memory>/<setting>/<last>`.
func idSegments(_ id: String) -> [String] { id.split(separator: "/").map(String.init) }

/// The claims of Lemmas 3 and 4: one per memory of the exact tree (`averaged`,
/// `per-row`), setting (`clean`, `corrupted`) and reading of Assumption 1,
/// each checked by `check` with its `controls`.
func memorySettingReadingClaims(
  id: (MemoryVariant, String, Assumption1Reading) -> String,
  controls: (MemoryVariant, String, Assumption1Reading) -> [ControlSpec],
  check: @escaping @Sendable (ClaimContext, MemoryVariant, String, Assumption1Reading) throws -> ClaimRecord
) -> [ClaimSpec] {
  var claims: [ClaimSpec] = []
  for memory in [MemoryVariant.averaged, .perRow] {
    for setting in ["clean", "corrupted"] {
      for reading in Assumption1Reading.allCases {
        claims.append(ClaimSpec(id: id(memory, setting, reading), controls: controls(memory, setting, reading)) { ctx in
          try check(ctx, memory, setting, reading)
        })
      }
    }
  }
  return claims
}
