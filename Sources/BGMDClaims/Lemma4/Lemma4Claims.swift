import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// Lemma 4 (eq. (12), Appendix G; Proofs/lemma-4.md):
/// E‖z_t‖² ≤ 96γ²σ²/(1 − α)²·[1 + 4(1 − ξ²)/ξ²] + 2ε²/(|𝔾|²(1 − α)²),
/// z_t = g̃_t − Δ_t (10).
///
/// Ids `lemma4/perturbation-bound/<memory>/<setting>/<reading>` (segments as
/// Lemma 3's). The exact phase uses blocks of one coordinate (k = 1), where
/// the geometric median of the block is the median of b numbers, exactly in
/// ℚ; the aggregator is that exact GM (ε = 0) or an injected rational output
/// whose accuracy ε = g(g̃) − g(GM) (additive, g the Fermat–Weber objective
/// of (4) over the b block rows) is measured exactly, its largest value
/// entering the bound. E is over every oracle draw and block up to t.
public enum Lemma4Claims {
  static let source = "Lemma 4, eq. (12); proof: Appendix G, (22)–(27)"

  /// The family and its claims.
  public static var family: ClaimFamily {
    let claims = memorySettingReadingClaims(id: id, controls: controls) { ctx, memory, setting, reading in
      try check(ctx, memory: memory, setting: setting, reading: reading)
    }
    return ClaimFamily(name: "lemma-4", title: "Lemma 4", document: "Proofs/lemma-4.md", prefixes: ["lemma4"],
                       claims: claims, replay: { try replay($0) })
  }

  /// `lemma4/perturbation-bound/<memory>/<setting>/<reading>`.
  public static func id(_ memory: MemoryVariant, _ setting: String, _ reading: Assumption1Reading) -> String {
    "lemma4/perturbation-bound/\(memory.rawValue)/\(setting)/\(reading.rawValue)"
  }

  static func controls(_ memory: MemoryVariant, _ setting: String, _ reading: Assumption1Reading) -> [ControlSpec] {
    [
      ControlSpec(name: "aggregator-far-from-gm",
                  breaks: "the aggregate is 10·(1 + max |entry|) on the block, reported as an exact GM (ε = 0)") { ctx in
        try check(ctx, memory: memory, setting: setting, reading: reading, variant: TreeVariant(farAggregator: true),
                  claimedEpsilon: Rational(0))
      },
      ControlSpec(name: "epsilon-ignored",
                  breaks: "the aggregate's excess over the GM objective is ignored: ε taken as 0 for every rule") { ctx in
        try check(ctx, memory: memory, setting: setting, reading: reading, claimedEpsilon: Rational(0))
      },
    ]
  }

  static func generator(_ profile: Profile, memory: MemoryVariant, corrupted: Bool) -> ExactCaseGenerator {
    switch profile {
    case .quick:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["median", "injected"], maxBlock: 1,
                                maxDimension: 3, maxRows: 3, maxSteps: 3, maxLeaves: 150)
    case .standard:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["median", "injected"], maxBlock: 1,
                                maxDimension: 3, maxRows: 5, maxSteps: 4, maxLeaves: 3_000)
    case .deep:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["median", "injected"], maxBlock: 1,
                                maxDimension: 4, maxRows: 5, maxSteps: 6, maxLeaves: 30_000)
    }
  }

  /// 96γ²σ²/(1 − α)²·[1 + 4(1 − ξ²)/ξ²] + 2ε²/(|𝔾|²(1 − α)²), the right-hand side of (12).
  public static func rightHandSide(xi: Rational, gamma: Rational, sigma2: Rational, alpha: Rational, epsilon: Rational,
                                   good: Int) -> Rational {
    let one = Rational(1)
    let oneMinusAlphaSquared = (one - alpha) * (one - alpha)
    let g = Rational(good)
    return Rational(96) * gamma * gamma * sigma2 / oneMinusAlphaSquared * (one + Rational(4) * (one - xi * xi) / (xi * xi))
      + Rational(2) * epsilon * epsilon / (g * g * oneMinusAlphaSquared)
  }

  static func bound(_ c: ExactCase, tree: ExactTree, reading: Assumption1Reading, xi source: Lemma3Claims.XiSource,
                    claimedEpsilon: Rational?) throws -> BoundOutcome {
    guard let xi = source == .delivered ? tree.xi : tree.xiTopK, xi.signum > 0 else {
      return BoundOutcome(ratio: 0, failure: nil, observed: .object(["note": .string("every augmented matrix is 0")]))
    }
    guard let epsilon = claimedEpsilon ?? tree.epsilon else {
      throw FixtureInputError(field: "input.k", expected: "blocks of one coordinate (ε is exact only for k = 1)")
    }
    let sigma2 = reading == .variance ? tree.variance : tree.secondMoment
    let rhs = rightHandSide(xi: xi, gamma: c.stepSize, sigma2: sigma2, alpha: c.alpha, epsilon: epsilon,
                            good: c.goodCount)
    var worst = 0.0
    var failure: String?
    var observed: JSONValue = .null
    for (t, lhs) in tree.perturbation.enumerated() {
      worst = Swift.max(worst, boundRatio(lhs, rhs))
      if rhs < lhs && failure == nil {
        failure = "E‖z_\(t)‖² = \(lhs) > RHS(12) = \(rhs) (ξ = \(xi), σ² = \(sigma2), α = \(c.alpha), ε = \(epsilon))"
        observed = .object(["step": .number(Double(t)), "lhs": .string(lhs.description), "rhs": .string(rhs.description),
                            "xi": .string(xi.description), "sigma2": .string(sigma2.description),
                            "epsilon": .string(epsilon.description)])
      }
    }
    return BoundOutcome(ratio: worst, failure: failure, observed: observed)
  }

  static func check(_ ctx: ClaimContext, memory: MemoryVariant, setting: String, reading: Assumption1Reading,
                    variant: TreeVariant = .paper, xi: Lemma3Claims.XiSource = .delivered,
                    claimedEpsilon: Rational? = nil) throws -> ClaimRecord {
    let g = generator(ctx.profile, memory: memory, corrupted: isCorrupted(setting))
    let tally = HypothesisTallies([])
    let phase = try runExactPhase(ctx, gen: g.gen, tally: tally, crossCheck: variant == .paper) { c in
      let tree = try ExactTree(c, variant: variant)
      Lemma3Claims.measure(c, tree, tally, reading: reading)
      tally.record("ε-accurate GM oracle: ε measured exactly (k = 1)", held: tree.epsilon != nil,
                   detail: "a block of more than one coordinate on \(c.shape)")
      return try bound(c, tree: tree, reading: reading, xi: xi, claimedEpsilon: claimedEpsilon)
    }
    // The sampled phase on a larger instance, when the exact phase found no
    // counterexample (controls run the exact phase only: their variants are
    // of the exact tree).
    var phases = [phase]
    if phase.verdict == .holds, variant == .paper && xi == .delivered && claimedEpsilon == nil {
      phases.append(try runSampledPhase(ctx, bound: .lemma4, memory: memory, corrupted: isCorrupted(setting),
                                        reading: reading, tally: tally))
    }
    let sigma = reading == .variance ? "σ² = max E‖g_i − ∇f_i‖² (variance reading)"
      : "σ² = max over reachable states of E‖g_i‖² (second-moment reading, as (5) prints it)"
    return Judgement.record(
      id: ctx.id, source: source,
      statement: "E‖z_t‖² ≤ 96γ²σ²/(1 − α)²·[1 + 4(1 − ξ²)/ξ²] + 2ε²/(|𝔾|²(1 − α)²) (12), z_t = g̃_t − Δ_t (10); "
        + "checked for t = 0…T−1 with memory \(memory.rawValue), \(sigma), ξ = the largest value Lemma 1 allows on the "
        + "instance, ε = the largest additive excess g(g̃_t) − min g of the aggregate, "
        + (setting == "clean" ? "𝔹 = ∅" : "a Definition-1 adversary, ψ < 1/2, α = ψ/(1 − ψ)"),
      method: phases.count > 1 ? "exact-tree+sampled" : "exact-tree",
      domain: "k = 1 (the block's GM is the median, exact in ℚ), d = 2…\(g.maxDimension), b ≤ \(g.maxRows), "
        + "T ≤ \(g.maxSteps) (at most \(g.maxLeaves) leaves), PL quadratics with rational A, noise none / Rademacher / "
        + "signed basis, selection successive / top-k / uniform, aggregator the exact GM or injected rational outputs; "
        + "E over every oracle draw and block, exactly in ℚ; "
        + sampledPhaseDomain,
      phases: phases, hypotheses: tally.hypotheses)
  }

  /// Replays a Lemma 4 fixture.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    try replayMemoryBoundFixture(fixture, idPattern: "lemma4/perturbation-bound/<memory>/<setting>/<reading>") { c, tree, reading in
      try bound(c, tree: tree, reading: reading, xi: .delivered, claimedEpsilon: nil).failure != nil
    }
  }
}
