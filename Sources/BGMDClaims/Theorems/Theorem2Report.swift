import ClaimCheck
import Foundation

/// What one Theorem 2 check found, turned into its `ClaimRecord`.
struct Theorem2Report {
  /// 2 or 1.
  var theorem: Int
  var setting: Theorem2Setting
  var reading: Assumption1Reading
  var plan: Theorem2Plan
  var search: TargetedResult<Theorem2Instance>
  var verdict: Verdict = .inconclusive
  var note: String?
  var worst: Theorem2Measurement?
  var horizonGrowth: GrowthResult?
  var scaleGrowth: GrowthResult?
  var scaleMeasurements: [Theorem2Measurement] = []
  var confirmation: (Theorem2Confirmation, ExpectationResult)?
  var confirmedCurve: Theorem2Curve?
  var confirmedInstance: Theorem2Instance?
  var confirmedMeasurement: Theorem2Measurement?
  /// The counterexample with k = d, for comparison.
  var control: Theorem2Measurement?
  var shrinkAttempts = 0
  /// Permanent examples evaluated beside the search.
  var probes = 0
  var runsDone = 0
  var fixture: Fixture?
  var fixturePath: String?

  /// The domain searched, in words.
  var domain: String {
    let corruption: String
    switch setting.corruption {
    case .none: corruption = "no corruption"
    case .bitFlip: corruption = "scaled bit flip −100·g on a fresh ⌊ψb⌋ rows per iteration (dynamic, §7.2)"
    case .additive: corruption = "additive N(0, 100·I) on a fresh ⌊ψb⌋ rows per iteration (dynamic, §7.2)"
    case .adversary:
      corruption = "Definition-1 adversary on a fresh ⌊ψb⌋ rows per iteration: built-in attacks "
        + Theorem2Instance.attackNames.joined(separator: ", ") + " at magnitude 10^0…10^6 (searched)"
    }
    let feature = setting.corruption == .none ? ""
      : "; feature and label corruptions need data and do not apply to these problems"
    return "PL quadratics f = ½(x − x*)ᵀQᵀDQ(x − x*) built exactly in ℚ (rational Householder Q, d 2…\(plan.maxDimension), "
      + "rank 1…d, κ 1…\(plan.maxCondition), μ = 1/q, q ≤ 4) and Σ x_j² + 3 sin² x_j (μ = 1/32, L = 8), run in Double; "
      + "oracle noise none / Rademacher / signed basis with exact σ²; x_0 = x* + u, u ∈ {−S…S}^d, S ≤ 10; "
      + "Algorithm 1 as printed (averaged memory, successive selection, k 1…d, γ = 1/(\(theorem == 1 ? 2 : 4)L)), "
      + "GM with certified ε ≤ 1e−6; "
      + "b = 10, ψ = \(setting.badPercent)%, \(corruption)\(feature); T ∈ \(plan.horizons), R = \(plan.runs) runs"
  }

  func record(id: String) -> ClaimRecord {
    var evidence: [String: JSONValue] = [
      "plan": plan.json, "setting": .string(setting.rawValue), "reading": .string(reading.rawValue),
      "search": .object([
        "evaluations": .number(Double(search.evaluations)), "improvements": .number(Double(search.improvements)),
        "bestScoreLog10": .number(search.bestScore), "objective": .string("log10 of the largest ratio over T"),
        "probes": .number(Double(probes)),
      ]),
      "definitions": .object([
        "R0": .string("f(x_0) − f* (dimensionally consistent; the alternative ‖x_0 − x_p‖² is reported as ratioAlternativeR0)"),
        "sigma2": .string(reading == .variance
          ? "the oracle's exact noise variance E‖g_i − ∇f(x)‖²"
          : "the largest ‖∇f(x_t)‖² + σ²_noise over t < T and over the runs"),
        "xi": .string("k/d (Lemma 1); ratioMeasuredXi uses the smallest retainedFraction seen"),
        "epsilon": .string("the largest certified GM ε over t < T and over the runs"),
        "alpha": .string("|𝔹|/|𝔾| with |𝔹| = ⌊ψb⌋"),
      ]),
    ]
    if let note { evidence["note"] = .string(note) }
    if setting.corruption != .none {
      evidence["notApplicable"] = .string("feature and label corruptions need data; the quadratics and sin² have none")
    }
    var worstCase: WorstCase?
    if let m = worst {
      evidence["worstInstance"] = Self.measurementJSON(m, reading)
      evidence["largestRatio"] = .number(m.supRatio(reading))
      evidence["plots"] = .array([Self.plot(m, reading, title: "Theorem \(theorem), \(setting.rawValue), \(reading.rawValue): worst instance")])
      worstCase = WorstCase(ratio: m.supRatio(reading), case: m.instance.description)
    }
    if let g = horizonGrowth { evidence["horizonGrowth"] = g.json }
    if let g = scaleGrowth {
      var o: [String: JSONValue] = ["growth": g.json]
      o["variable"] = .string(setting.corruption == .adversary ? "attack magnitude M" : "oracle noise scale")
      o["largestRatioPerScale"] = .array(scaleMeasurements.map { .number($0.supRatio(reading)) })
      evidence["scaleGrowth"] = .object(o)
    }
    if let (c, r) = confirmation {
      evidence["confirmation"] = .object([
        "test": r.json, "threshold": .number(c.threshold), "horizon": .number(Double(c.instance.horizons[c.horizonIndex])),
        "instance": .string(c.instance.description), "curve": .string((confirmedCurve ?? .horizon).rawValue),
        "transform": .string("Y = min(Z/(2θ), 1), Z = ‖x̂_T − x_p‖²/RHS(T); E[Y] > 1/2 implies E[Z] > θ"),
      ])
    }
    if let m = confirmedMeasurement, verdict == .refuted {
      evidence["counterexampleInstance"] = Self.measurementJSON(m, reading)
      evidence["shrinkAttempts"] = .number(Double(shrinkAttempts))
      if let c = control {
        evidence["controlFullBlock"] = .object([
          "description": .string("the counterexample with k = d (GMD: no block selection, no memory)"),
          "instance": .string(c.instance.description), "lhs": Self.numbers(c.lhs), "ratio": Self.numbers(c.ratios(reading)),
          "horizonGrowthBounded": .bool(theorem2HorizonGrowth(c, reading, rule: plan.growth).bounded),
        ])
      }
      var plots: [JSONValue] = []
      if case .array(let a)? = evidence["plots"] { plots = a }
      plots.append(Self.plot(m, reading, title: "Theorem \(theorem), \(setting.rawValue), \(reading.rawValue): counterexample"))
      evidence["plots"] = .array(plots)
    }
    var counterexample: CounterexampleReference?
    if verdict == .refuted, let f = fixture {
      counterexample = CounterexampleReference(
        fixture: fixturePath ?? "(no fixture store configured)", exact: false, summary: f.summary ?? "")
    }
    return ClaimRecord(
      id: id, source: "Theorem \(theorem) (\(theorem == 1 ? 16 : 17)); Assumption 1 (\(reading.rawValue) reading)",
      statement: theorem == 1 ? Theorem2Claims.statement1 : Theorem2Claims.statement, verdict: verdict, method: "targeted-search+growth+sequential-test",
      cases: runsDone, domain: domain, worst: worstCase, counterexample: counterexample, evidence: .object(evidence))
  }

  static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { .number($0) }) }

  /// LHS, RHS (both ξ), terms, ratios and constants per horizon.
  static func measurementJSON(_ m: Theorem2Measurement, _ reading: Assumption1Reading) -> JSONValue {
    let idx = m.instance.horizons.indices
    let brackets = idx.map { m.bracket(reading, at: $0) }
    return .object([
      "instance": (try? JSONValue(encoding: m.instance)) ?? .null,
      "description": .string(m.instance.description),
      "horizons": numbers(m.instance.horizons.map(Double.init)),
      "lhs": numbers(m.lhs), "rhs": numbers(brackets.map(\.total)),
      "rhsTerms": .array(brackets.map { numbers([$0.transient, $0.noise, $0.accuracy]) }),
      "ratio": numbers(m.ratios(reading)),
      "rhsMeasuredXi": numbers(idx.map { m.bracket(reading, at: $0, measured: true).total }),
      "ratioMeasuredXi": numbers(m.ratios(reading, measured: true)),
      "ratioAlternativeR0": numbers(m.ratios(reading, alternativeR0: true)),
      "largestRatio": .number(m.supRatio(reading)),
      "constants": .object([
        "mu": .number(m.problem.mu), "L": .number(m.problem.smoothness), "R0": .number(m.problem.initialGap),
        "R0distance": .number(m.problem.initialDistance), "sigma2": numbers(idx.map { m.sigmaSquared(reading, at: $0) }),
        "epsilon": numbers(m.epsilon), "xiLemma1": .number(m.lemma1Xi), "xiMeasured": numbers(m.measuredXi),
        "alpha": .number(m.instance.alpha), "goodCount": .number(Double(m.instance.goodCount)),
        "divergedRuns": .number(Double(m.runs.filter(\.diverged).count)),
      ]),
    ])
  }

  /// The convergence plot: LHS and RHS (ξ = k/d and measured ξ) per T.
  static func plot(_ m: Theorem2Measurement, _ reading: Assumption1Reading, title: String) -> JSONValue {
    let lhsName = m.instance.theorem == 1 ? "LHS E‖∇f(x_τ)‖²" : "LHS E‖x̂_T − x_p‖²"
    func series(_ name: String, _ ys: [Double]) -> JSONValue {
      let points = zip(m.instance.horizons, ys).filter { $0.1.isFinite && $0.1 > 0 }
        .map { JSONValue.array([.number(Double($0.0)), .number($0.1)]) }
      return .object(["name": .string(name), "points": .array(points)])
    }
    let idx = m.instance.horizons.indices
    return .object([
      "title": .string(title), "xLabel": .string("T"), "yLabel": .string("\(lhsName.dropFirst(4)) and RHS(T)"),
      "logX": .bool(false), "logY": .bool(true),
      "series": .array([
        series(lhsName, m.lhs),
        series("RHS, ξ = k/d", idx.map { m.bracket(reading, at: $0).total }),
        series("RHS, measured ξ", idx.map { m.bracket(reading, at: $0, measured: true).total }),
      ]),
    ])
  }
}
