import ClaimCheck
import Foundation

/// The typed evidence of a Theorem 1/2 check.
enum Theorem2Evidence {
  /// The domain searched, in words.
  static func domain(theorem: BoundTheorem, setting: Theorem2Setting, plan: Theorem2Plan, variant: Theorem2Variant?) -> String {
    let corruption: String
    switch setting.corruption {
    case .none: corruption = "no corruption"
    case .bitFlip: corruption = "scaled bit flip −100·g on a fresh ⌊ψb⌋ rows per iteration (dynamic, §7.2)"
    case .additive: corruption = "additive N(0, 100·I) on a fresh ⌊ψb⌋ rows per iteration (dynamic, §7.2)"
    case .adversary:
      corruption = "Definition-1 adversary on a fresh ⌊ψb⌋ rows per iteration: built-in attacks "
        + Theorem2Instance.attackNames.joined(separator: ", ") + " at magnitude 10^0…10^6 (searched)"
    }
    return "PL quadratics f = ½(x − x*)ᵀQᵀDQ(x − x*) built exactly in ℚ (rational Householder Q, d 2…\(plan.maxDimension), "
      + "rank 1…d, κ 1…\(plan.maxCondition)) and Σ x_j² + 3 sin² x_j (μ = 1/32, L = 8), run in Double; "
      + "oracle noise none / Rademacher / signed basis with exact σ²; x_0 = x* + u, u ∈ {−S…S}^d, S ≤ 10; "
      + "Algorithm 1 as printed (averaged memory, successive selection, k 1…d, γ = 1/(\(theorem.stepDenominator)L)), "
      + "GM with certified ε ≤ 1e−6; b = 10, ψ = \(setting.badPercent)%, \(corruption); T ∈ \(plan.horizons), "
      + "R = \(plan.runs) calibration runs per instance"
      + (variant.map { "; control variant \($0.rawValue)" } ?? "")
  }

  /// LHS⁻, the computed LHS and RHS⁺ against T (log scale).
  static func plot(_ e: Theorem2Evaluation, _ reading: Assumption1Reading, title: String) -> JSONValue {
    let lhsName = e.instance.theorem == .theorem1 ? "(1/T)Σ‖∇f(x_t)‖²" : "‖x̂_T − x_p‖²"
    func series(_ name: String, _ ys: [Double]) -> JSONValue {
      let points = zip(e.instance.horizons, ys).filter { $0.1.isFinite && $0.1 > 0 }
        .map { JSONValue.array([.number(Double($0.0)), .number($0.1)]) }
      return .object(["name": .string(name), "points": .array(points)])
    }
    let idx = e.instance.horizons.indices
    return .object([
      "title": .string(title), "xLabel": .string("T"), "yLabel": .string("mean \(lhsName) and RHS"),
      "logX": .bool(false), "logY": .bool(true),
      "series": .array([
        series("LHS⁻ (rounding floor removed)", idx.map { e.lhs(at: $0, lower: true) }),
        series("LHS as computed", idx.map { e.lhs(at: $0, lower: false) }),
        series("RHS⁺ (\(e.instance.theorem.equation)), ξ = k/d", idx.map { e.rhsUpper(reading, at: $0) }),
      ]),
    ])
  }

  struct Search: Codable {
    var evaluations: Int
    var improvements: Int
    var probes: Int
    var bestScoreLog10: Double?
    var objective: String
  }

  /// One instance: constants, both sides per horizon, the readings reported beside.
  struct Measurement: Codable {
    var instance: Theorem2Instance
    var description: String
    var horizons: [Int]
    var lhsLower: [Double?]
    var lhsComputed: [Double?]
    var rhs: [Double]
    var rhsTerms: [[Double]]
    var termNames: [String]
    var ratio: [Double?]
    var ratioWithoutRoundingFloor: [Double?]
    var ratioMeasuredXi: [Double?]
    var ratioRelativeEpsilon: [Double?]
    var constants: Constants
    /// Horizons compared (every run finite up to there).
    var usableHorizons: Int

    struct Constants: Codable {
      var mu: Double
      var L: Double
      var R0: Double
      var sigma2: Double
      var sigma2Variance: Double
      var sigma2SecondMoment: Double
      var epsilonAbsolute: Double
      var epsilonRelative: Double
      var xiLemma1: Double
      var xiMeasuredMin: Double
      var alpha: Double
      var goodCount: Int
      var gamma: Double
    }

    init(_ e: Theorem2Evaluation, _ reading: Assumption1Reading) {
      let idx = e.instance.horizons.indices
      func opt(_ x: Double) -> Double? { x.isFinite ? x : nil }
      instance = e.instance
      description = e.instance.description
      horizons = e.instance.horizons
      lhsLower = idx.map { opt(e.lhs(at: $0, lower: true)) }
      lhsComputed = idx.map { opt(e.lhs(at: $0, lower: false)) }
      let bounds = idx.map { e.bound(reading, at: $0) }
      rhs = idx.map { e.rhsUpper(reading, at: $0) }
      rhsTerms = bounds.map(\.terms)
      termNames = e.instance.theorem == .theorem1
        ? ["8R0/(γT)", "8Lγσ²", "48L²γ²σ²(1−ξ²)/ξ²", "2304σ²/(1−α)²·[1+4(1−ξ²)/ξ²]", "48ε²/(γ²|𝔾|²(1−α)²)"]
        : ["16R0/(μ²γ)·[1−μγ/2]^T", "16Lγσ²/μ²", "80γ²σ²L²(1−ξ²)/(μ²ξ²)", "3072σ²/(μ²(1−α)²)·[1+4(1−ξ²)/ξ²]",
           "64ε²/(μ²γ²|𝔾|²(1−α)²)"]
      ratio = e.ratios(reading).map(opt)
      ratioWithoutRoundingFloor = e.rawRatios(reading).map(opt)
      ratioMeasuredXi = idx.map { opt(theorem2Ratio(e.lhs(at: $0, lower: true), e.bound(reading, at: $0, measuredXi: true).total)) }
      ratioRelativeEpsilon = idx.map {
        opt(theorem2Ratio(e.lhs(at: $0, lower: true), e.bound(reading, at: $0, relativeEpsilon: true).total))
      }
      usableHorizons = e.usable
      constants = Constants(
        mu: e.problem.mu, L: e.problem.smoothness, R0: e.problem.initialGap, sigma2: e.sigmaSquared(reading),
        sigma2Variance: e.problem.noiseVariance, sigma2SecondMoment: e.secondMoment,
        epsilonAbsolute: e.epsilonAbsolute, epsilonRelative: e.epsilonRelative, xiLemma1: e.lemma1Xi,
        xiMeasuredMin: e.measuredXi, alpha: e.instance.alpha, goodCount: e.instance.goodCount,
        gamma: TheoremBound.statedStep(theorem: e.instance.theorem, smoothness: e.problem.smoothness))
    }
  }

  struct SearchPhase: Codable {
    var search: Search
    var worstInstance: Measurement
    /// Runs of the worst instance that left the floating range, and where:
    /// horizons from there on are not compared (not a refutation).
    var rangeExceeded: [String]
  }

  struct TestPhase: Codable {
    var horizon: Int?
    var rhsUpper: Double?
    var test: JSONValue?
    var transform: String?
    var implementationErrors: [String]

    init(horizon: Int? = nil, rhsUpper: Double? = nil, test: JSONValue? = nil, transform: String? = nil,
         implementationErrors: [String]) {
      self.horizon = horizon
      self.rhsUpper = rhsUpper
      self.test = test
      self.transform = transform
      self.implementationErrors = implementationErrors
    }
  }
}
