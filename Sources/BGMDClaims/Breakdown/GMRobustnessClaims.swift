import BGMD
import ClaimCheck
import Foundation

/// `gm/robustness-bound`: Minsker's Lemma 2.1 on generated point sets
/// (universal search) and on a targeted search that maximises
/// ‖z − x‖/(C_α r). A case refutes the claim only when the violation is
/// certified: ‖z − x‖ − δ > C_α r with δ the certified bound on ‖z − z*‖
/// (`GMRobustnessCase.accuracyBound`); cases where neither the violation nor
/// the bound is certified are counted as undecided.
enum GMRobustnessClaims {
  static let id = "gm/robustness-bound"

  static var spec: ClaimSpec { ClaimSpec(id: id) { ctx in try check(ctx) } }

  /// Running statistics over cases (max and counts commute, so the totals do
  /// not depend on the thread count).
  final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var maxRatio = -Double.infinity
    private(set) var maxUpper = -Double.infinity
    private(set) var undecided = 0
    private(set) var certifiedHolds = 0
    private(set) var largestAccuracy = 0.0
    private(set) var exact = 0
    func add(_ r: GMRobustnessCase.Result) {
      lock.lock()
      defer { lock.unlock() }
      maxRatio = Swift.max(maxRatio, r.ratio)
      maxUpper = Swift.max(maxUpper, r.ratioUpper)
      if r.exactDecision != nil { exact += 1 } else { largestAccuracy = Swift.max(largestAccuracy, r.accuracy / r.bound) }
      if r.certifiedHold { certifiedHolds += 1 } else if !r.certifiedViolation { undecided += 1 }
    }
  }

  static func check(_ ctx: ClaimContext) throws -> ClaimRecord {
    let statement = "if at most αn of n points lie outside B(x, r), α < 1/2, then ‖GM − x‖ ≤ C_α r, C_α = (1 − α)/√(1 − 2α)"
    let source = "Minsker 2015, Lemma 2.1 (the property behind eq. (22))"
    let domain = "d ∈ 2…3, n ∈ 3…15, x ∈ [−5, 5]^d, r ∈ [0.5, 5], good points in B(x, r) (inside or on the sphere), "
      + "m < n/2 bad points within 10⁴ of x (clustered or spread); α = outside/n; GM by Weiszfeld–Vardi–Zhang with certified ε ≤ 1e−12"
    let tally = Tally()
    let gen = GMRobustnessCase.generator
    let universal = checkUniversal(gen, config: ctx.universalConfig(examples: try ctx.storedChoices()),
                                   cancellation: ctx.cancellation) { c -> CaseResult in
      let r = c.evaluate()
      guard r.applicable else { return .discard }
      tally.add(r)
      return r.certifiedViolation
        ? .fail("‖z − x‖ = \(r.distance) − δ = \(r.accuracy) > C_α r = \(r.bound) (α = \(r.alpha))") : .pass
    }
    let steps = ctx.budget.targetedSteps
    let targeted = searchTargeted(gen, seed: ctx.seed ^ 0x7A_46E7, starts: Swift.max(8, steps / 10), steps: steps,
                                  threads: ctx.threads, cancellation: ctx.cancellation) { c in
      let r = c.evaluate()
      guard r.applicable else { throw GenerationStop.rejected }
      return r.ratio
    }
    let best = targeted.bestValue?.evaluate()
    if let best, best.applicable { tally.add(best) }

    var failing: (GMRobustnessCase, [Choice]?, String)?
    if let c = universal.counterexample {
      failing = (c.value, c.choices, c.message)
    } else if let value = targeted.bestValue, let best, best.certifiedViolation {
      failing = (value, targeted.bestChoices, "targeted: ratio ≥ \(best.ratioLower) > 1")
    }
    var counterexample: CounterexampleReference?
    if let (value, choices, message) = failing {
      let r = value.evaluate()
      let fixture = Fixture(
        claim: id, expect: .refutes, input: try JSONValue(encoding: value),
        observed: .object([
          "distance": .number(r.distance), "bound": .number(r.bound), "accuracy": .number(r.accuracy),
          "alpha": .number(r.alpha), "ratioLower": .number(r.ratioLower),
        ]), choices: choices.map { ChoiceRecord(choices: $0) }, summary: message)
      try ctx.fixtures?.write(fixture)
      counterexample = CounterexampleReference(
        fixture: "fixtures/counterexamples/\(id)/\(fixture.hash).json", exact: r.exactDecision != nil, summary: message)
    }
    let verdict: Verdict = failing != nil ? .refuted
      : (universal.partial || targeted.partial || universal.healthFailure != nil) ? .inconclusive : .holds
    let bestDescription = best.map { b in
      let how = b.exactDecision.map { "median a data point; bound \($0 ? "holds" : "fails") exactly in ℚ" }
        ?? "certified within [\(b.ratioLower), \(b.ratioUpper)]"
      return "targeted best: ‖z − x‖/(C_α r) = \(b.ratio) (\(how)), α = \(b.alpha), n = \(targeted.bestValue?.points.count ?? 0)"
    } ?? "targeted search found no applicable case"
    let tight = GMRobustnessCase.tangentExample.evaluate()
    let evidence: JSONValue = .object([
      "tangentExample": .object([
        "ratio": .number(tight.ratio), "ratioLower": .number(tight.ratioLower), "ratioUpper": .number(tight.ratioUpper),
        "alpha": .number(tight.alpha), "certifiedViolation": .bool(tight.certifiedViolation),
        "note": .string("the bound is attained: 4 good points at the tangent points, 2 bad on the axis (α = 1/3)"),
      ]),
      "universalCases": .number(Double(universal.casesRun)), "discarded": .number(Double(universal.discarded)),
      "certifiedHolds": .number(Double(tally.certifiedHolds)), "undecided": .number(Double(tally.undecided)),
      "maxRatio": .number(tally.maxRatio), "maxCertifiedUpperRatio": .number(tally.maxUpper),
      "largestAccuracyOverBound": .number(tally.largestAccuracy), "decidedExactly": .number(Double(tally.exact)),
      "targeted": .object([
        "evaluations": .number(Double(targeted.evaluations)), "improvements": .number(Double(targeted.improvements)),
        "bestRatio": .number(best?.ratio ?? .nan), "bestRatioLower": .number(best?.ratioLower ?? .nan),
        "bestRatioUpper": .number(best?.ratioUpper ?? .nan), "bestAlpha": .number(best?.alpha ?? .nan),
        "best": .string(targeted.description),
      ]),
      "certified": .string("exact in ℚ: the count of points outside the ball; when the median is a data point certified "
        + "optimal with interval square roots, the bound itself. Otherwise δ bounds ‖z − z*‖ from the solver's certificate "
        + "(objective − lowerBound, plus a rounding allowance) and the curvature of g along the segment, computed in "
        + "floating point (rounding of δ itself not enclosed); undecided: neither ‖z − x‖ ± δ side of C_α r certified"),
    ])
    return ClaimRecord(
      id: id, source: source, statement: statement, verdict: verdict, method: "search+targeted",
      cases: universal.casesRun + targeted.evaluations, domain: domain,
      worst: WorstCase(ratio: tally.maxRatio.isFinite ? tally.maxRatio : nil, case: bestDescription),
      counterexample: counterexample, evidence: evidence)
  }
}
