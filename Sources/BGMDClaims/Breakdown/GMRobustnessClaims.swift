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

  static var spec: ClaimSpec {
    ClaimSpec(id: id, controls: [
      ControlSpec(name: "coordinate-mean-in-place", breaks: "the geometric median replaced by the coordinate-wise mean") {
        try check($0, estimator: .coordinateMean)
      },
      ControlSpec(name: "weiszfeld-one-step-from-mean",
                  breaks: "Weiszfeld stopped after one step started from the mean") {
        try check($0, estimator: .weiszfeldOneStepFromMean)
      },
    ]) { ctx in try check(ctx) }
  }

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
      if r.ratio.isFinite { maxRatio = Swift.max(maxRatio, r.ratio) }
      maxUpper = Swift.max(maxUpper, r.ratioUpper)
      if r.exactDecision != nil { exact += 1 } else { largestAccuracy = Swift.max(largestAccuracy, r.accuracy / r.bound) }
      if r.certifiedHold { certifiedHolds += 1 } else if !r.certifiedViolation { undecided += 1 }
    }
  }

  /// The statement, Minsker's α written ψ (a fraction of all n points,
  /// Definition 1's ψ) so that α keeps the paper's meaning ψ/(1 − ψ).
  static let statement = "if at most ψn of n points lie outside B(x, r), ψ < 1/2 (Minsker's α, a fraction of all n points; "
    + "the paper's α = ψ/(1 − ψ) < 1), then ‖GM − x‖ ≤ C_ψ r, C_ψ = (1 − ψ)/√(1 − 2ψ) = 1/√(1 − α²)"

  /// `estimator` other than the geometric median is a negative control: the
  /// same search, seeds and budget on a broken estimator. A control stops at
  /// its universal phase's refutation (the targeted search is skipped).
  static func check(_ ctx: ClaimContext, estimator: GMRobustnessEstimator = .geometricMedian) throws -> ClaimRecord {
    let source = "Minsker 2015, Lemma 2.1 (the property behind eq. (22))"
    let domain = "d ∈ 2…3, n ∈ 3…15, x ∈ [−5, 5]^d, r ∈ [0.5, 5], good points in B(x, r) (inside or on the sphere), "
      + "m < n/2 bad points within 10⁴ of x (clustered or spread); ψ = outside/n; GM by Weiszfeld–Vardi–Zhang with certified ε ≤ 1e−12"
      + (estimator == .geometricMedian ? "" : "; control: \(estimator.rawValue) in place of the GM")
    let tally = Tally()
    let radius = HypothesisTally()
    let gen = GMRobustnessCase.generator
    let examples = estimator == .geometricMedian ? try ctx.storedChoices() : []
    let universal = checkUniversal(gen, config: ctx.universalConfig(examples: examples),
                                   cancellation: ctx.cancellation) { c -> CaseResult in
      // The hypothesis, measured exactly in ℚ on the point set alone.
      let n = c.points.count
      let outside = GMRobustnessExact.outsideCount(points: c.points, center: c.center, radius: c.radius) ?? n
      let level = CorruptionLevel(rows: n, bad: outside)
      guard level.psiBelowHalf else { return .discard }
      radius.add(level.psiBelowHalf && level.alphaBelowOne && c.radius > 0,
                 "n = \(n), outside = \(outside), r = \(c.radius)")
      let r = c.evaluate(estimator: estimator)
      guard r.applicable else { return .discard }
      tally.add(r)
      return r.certifiedViolation
        ? .fail("‖z − x‖ = \(r.distance) − δ = \(r.accuracy) > C_ψ r = \(r.bound) (ψ = \(r.psi), α = \(r.alpha))") : .pass
    }
    let stop = ctx.stopsAtRefutation && universal.counterexample != nil
    let steps = stop ? 0 : ctx.budget.targetedSteps
    let targeted = searchTargeted(gen, seed: ctx.seed ^ 0x7A_46E7, starts: stop ? 0 : Swift.max(8, steps / 10), steps: steps,
                                  threads: ctx.threads, cancellation: ctx.cancellation) { c in
      let r = c.evaluate(estimator: estimator)
      guard r.applicable else { throw GenerationStop.rejected }
      return r.ratio
    }
    let best = targeted.bestValue?.evaluate(estimator: estimator)
    if let best, best.applicable { tally.add(best) }

    var failing: (GMRobustnessCase, [Choice]?, String)?
    if let c = universal.counterexample {
      failing = (c.value, c.choices, c.message)
    } else if let value = targeted.bestValue, let best, best.certifiedViolation {
      failing = (value, targeted.bestChoices, "targeted: ratio ≥ \(best.ratioLower) > 1")
    }
    var counterexample: CounterexampleReference?
    if let (value, choices, message) = failing {
      let r = value.evaluate(estimator: estimator)
      let fixture = Fixture(
        claim: id, expect: .refutes, input: try JSONValue(encoding: value),
        observed: .object([
          "distance": .number(r.distance), "bound": .number(r.bound), "accuracy": .number(r.accuracy),
          "psi": .number(r.psi), "alpha": .number(r.alpha), "ratioLower": .number(r.ratioLower),
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
      return "targeted best: ‖z − x‖/(C_ψ r) = \(b.ratio) (\(how)), ψ = \(b.psi), α = \(b.alpha), n = \(targeted.bestValue?.points.count ?? 0)"
    } ?? "targeted search found no applicable case"
    let tight = GMRobustnessCase.tangentExample.evaluate()
    let evidence: JSONValue = .object([
      "tangentExample": .object([
        "ratio": .number(tight.ratio), "ratioLower": .number(tight.ratioLower), "ratioUpper": .number(tight.ratioUpper),
        "psi": .number(tight.psi), "alpha": .number(tight.alpha), "certifiedViolation": .bool(tight.certifiedViolation),
        "note": .string("the bound is attained: 4 good points at the tangent points, 2 bad on the axis (ψ = 1/3, α = 1/2)"),
      ]),
      "universalCases": .number(Double(universal.casesRun)), "discarded": .number(Double(universal.discarded)),
      "certifiedHolds": .number(Double(tally.certifiedHolds)), "undecided": .number(Double(tally.undecided)),
      "maxRatio": .number(tally.maxRatio), "maxCertifiedUpperRatio": .number(tally.maxUpper),
      "largestAccuracyOverBound": .number(tally.largestAccuracy), "decidedExactly": .number(Double(tally.exact)),
      "targeted": .object([
        "evaluations": .number(Double(targeted.evaluations)), "improvements": .number(Double(targeted.improvements)),
        "bestRatio": .number(best?.ratio ?? .nan), "bestRatioLower": .number(best?.ratioLower ?? .nan),
        "bestRatioUpper": .number(best?.ratioUpper ?? .nan), "bestPsi": .number(best?.psi ?? .nan),
        "bestAlpha": .number(best?.alpha ?? .nan),
        "best": .string(targeted.description),
      ]),
      "certified": .string("exact in ℚ: the count of points outside the ball; when the median is a data point certified "
        + "optimal with interval square roots, the bound itself. Otherwise δ bounds ‖z − z*‖ from the solver's certificate "
        + "(objective − lowerBound, plus a rounding allowance) and the curvature of g along the segment, computed in "
        + "floating point (rounding of δ itself not enclosed); undecided: neither ‖z − x‖ ± δ side of C_ψ r certified"),
    ])
    var record = ClaimRecord(
      id: id, source: source, statement: statement, verdict: verdict, method: "search+targeted",
      cases: universal.casesRun + targeted.evaluations, domain: domain,
      worst: WorstCase(ratio: tally.maxRatio.isFinite ? tally.maxRatio : nil, case: bestDescription),
      counterexample: counterexample, evidence: evidence)
    record.hypotheses = [radius.hypothesis(
      "at most ψn points outside B(x, r), ψ < 1/2 (equivalently the paper's α = ψ/(1 − ψ) < 1), r > 0",
      how: "points outside the closed ball counted exactly in ℚ on each universal case before its median is computed "
        + "(generated cases with 2·outside ≥ n are discarded, not judged)")]
    return record
  }
}
