import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// Lemma 3 (eq. (11), Appendix F; Proofs/lemma-3.md):
/// E‖m̂_t‖² ≤ 4(1 − ξ²)γ²σ²ξ⁻² "∀ i ∈ [n]".
///
/// Ids `lemma3/memory-bound/<memory>/<setting>/<reading>`:
/// - memory `averaged` (Algorithm 1 as printed): the quantity is m̂_t, the
///   vector added to every row; `per-row` (the authors' code): the "∀ i"
///   reading, max over i ∈ 𝔾 of E‖M_{t−1}[i,:]‖², the memory row i carries;
/// - setting `clean` (𝔹 = ∅) or `corrupted` (a Definition-1 adversary on
///   fixed slots, ψ < 1/2);
/// - reading of Assumption 1: `variance` (σ² = max E‖g_i − ∇f_i‖²) or
///   `second-moment` (σ² = max E‖g_i‖² over the states the run can reach).
///
/// E is over all the run's randomness up to t (oracle draws and blocks),
/// decided exactly on the finite tree (`ExactTree`) for t = 1…T; ξ is the
/// largest value Lemma 1 allows on the instance (the minimum over the
/// augmented matrices the run can meet of the exact retained fraction).
public enum Lemma3Claims {
  static let source = "Lemma 3, eq. (11); proof: Appendix F (a citation of [BDKD19, Lemma 5])"

  /// The family and its claims.
  public static var family: ClaimFamily {
    let claims = memorySettingReadingClaims(id: id, controls: controls) { ctx, memory, setting, reading in
      try check(ctx, memory: memory, setting: setting, reading: reading)
    }
    return ClaimFamily(name: "lemma-3", title: "Lemma 3", document: "Proofs/lemma-3.md", prefixes: ["lemma3"],
                       claims: claims, replay: { try replay($0) })
  }

  /// `lemma3/memory-bound/<memory>/<setting>/<reading>`.
  public static func id(_ memory: MemoryVariant, _ setting: String, _ reading: Assumption1Reading) -> String {
    "lemma3/memory-bound/\(memory.rawValue)/\(setting)/\(reading.rawValue)"
  }

  /// How ξ enters the bound.
  enum XiSource: Sendable { case delivered, topK }

  static func controls(_ memory: MemoryVariant, _ setting: String, _ reading: Assumption1Reading) -> [ControlSpec] {
    [
      ControlSpec(name: "memory-never-cleared", breaks: "the selected columns stay in memory: M_t = G̃_t") { ctx in
        try check(ctx, memory: memory, setting: setting, reading: reading, variant: TreeVariant(neverCleared: true))
      },
      ControlSpec(name: "xi-overstated",
                  breaks: "a selection that ignores the scores (uniform) with ξ of the top-k selection") { ctx in
        try check(ctx, memory: memory, setting: setting, reading: reading,
                  variant: TreeVariant(selection: .uniform), xi: .topK)
      },
    ]
  }

  static func generator(_ profile: Profile, memory: MemoryVariant, corrupted: Bool) -> ExactCaseGenerator {
    switch profile {
    case .quick:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["injected", "median"], maxBlock: nil,
                                maxDimension: 3, maxRows: 3, maxSteps: 3, maxLeaves: 150)
    case .standard:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["injected", "median"], maxBlock: nil,
                                maxDimension: 3, maxRows: 4, maxSteps: 4, maxLeaves: 3_000)
    case .deep:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: ["injected", "median"], maxBlock: nil,
                                maxDimension: 4, maxRows: 5, maxSteps: 6, maxLeaves: 30_000)
    }
  }

  /// The bound on one case: for t = 1…T, LHS_t = E‖m̂_t‖² (or the per-row
  /// maximum) against RHS = 4(1 − ξ²)γ²σ²/ξ².
  static func bound(_ c: ExactCase, tree: ExactTree, reading: Assumption1Reading, xi source: XiSource) -> BoundOutcome {
    guard let xi = source == .delivered ? tree.xi : tree.xiTopK, xi.signum > 0 else {
      return BoundOutcome(ratio: 0, failure: nil, observed: .object(["note": .string("every augmented matrix is 0")]))
    }
    let sigma2 = reading == .variance ? tree.variance : tree.secondMoment
    let rhs = rightHandSide(xi: xi, gamma: c.stepSize, sigma2: sigma2)
    var worst = 0.0
    var failure: String?
    var observed: JSONValue = .null
    for (t, lhs) in tree.memory.enumerated() {
      let r = boundRatio(lhs, rhs)
      if r > worst || failure == nil && rhs < lhs {
        worst = Swift.max(worst, r)
      }
      if rhs < lhs && failure == nil {
        let what = c.memory == .perRow ? "max_{i∈𝔾} E‖M_\(t)[i,:]‖²" : "E‖m̂_\(t + 1)‖²"
        failure = "\(what) = \(lhs) > 4(1 − ξ²)γ²σ²/ξ² = \(rhs) (ξ = \(xi), σ² = \(sigma2), t = \(t + 1))"
        observed = .object(["step": .number(Double(t + 1)), "lhs": .string(lhs.description),
                            "rhs": .string(rhs.description), "xi": .string(xi.description),
                            "sigma2": .string(sigma2.description)])
      }
    }
    return BoundOutcome(ratio: worst, failure: failure, observed: observed)
  }

  /// 4(1 − ξ²)γ²σ²/ξ², the right-hand side of (11).
  public static func rightHandSide(xi: Rational, gamma: Rational, sigma2: Rational) -> Rational {
    Rational(4) * (Rational(1) - xi * xi) * gamma * gamma * sigma2 / (xi * xi)
  }

  /// Measures the hypotheses of the claim on one case's tree.
  static func measure(_ c: ExactCase, _ tree: ExactTree, _ tally: HypothesisTallies, reading: Assumption1Reading) {
    let (sigma2, formula) = reading == .variance ? (tree.variance, tree.varianceFormula)
      : (tree.secondMoment, tree.secondMomentFormula)
    tally.record("Assumption 1 (\(reading.rawValue)): σ² ≥ the closed-form \(reading == .variance ? "E‖g_i − ∇f_i‖²" : "E‖g_i‖²") at every state",
                 held: !(sigma2 < formula), detail: "σ² = \(sigma2) < \(formula) on \(c.shape)")
    tally.record("f_i L-smooth (Assumption 2) on the visited pairs",
                 held: !((c.eigenvalues.max() ?? Rational(0)) * (c.eigenvalues.max() ?? Rational(0)) < tree.smoothnessSquared),
                 detail: "‖∇f(u) − ∇f(v)‖²/‖u − v‖² = \(tree.smoothnessSquared) on \(c.shape)")
    let kd = Rational(c.k, c.dimension)
    tally.record("ξ ≥ k/d (Lemma 1) on every augmented matrix", held: tree.xi.map { !($0 < kd) } ?? true,
                 detail: "ξ = \(tree.xi?.description ?? "—") < k/d = \(kd) on \(c.shape)")
    tally.record("α = |𝔹|/|𝔾| < 1 (ψ < 1/2)", held: c.alpha < Rational(1), detail: "α = \(c.alpha) on \(c.shape)")
    tally.record("unbiased oracle: E[g_i] = ∇f_i (Assumption 1)", held: tree.largestNoiseMean.isZero,
                 detail: "noise mean \(tree.largestNoiseMean) on \(c.shape)")
    tally.record("exact enumeration: probabilities sum to 1 at every step",
                 held: tree.levelMass.allSatisfy { $0 == Rational(1) }, detail: "mass \(tree.levelMass) on \(c.shape)")
  }

  static func check(_ ctx: ClaimContext, memory: MemoryVariant, setting: String, reading: Assumption1Reading,
                    variant: TreeVariant = .paper, xi: XiSource = .delivered) throws -> ClaimRecord {
    let g = generator(ctx.profile, memory: memory, corrupted: isCorrupted(setting))
    let tally = HypothesisTallies([])
    let phase = try runExactPhase(ctx, gen: g.gen, tally: tally, crossCheck: variant == .paper) { c in
      let tree = try ExactTree(c, variant: variant)
      measure(c, tree, tally, reading: reading)
      return bound(c, tree: tree, reading: reading, xi: xi)
    }
    // The sampled phase on a larger instance, when the exact phase found no
    // counterexample (controls run the exact phase only: their variants are
    // of the exact tree).
    var phases = [phase]
    if phase.verdict == .holds, variant == .paper && xi == .delivered {
      phases.append(try runSampledPhase(ctx, bound: .lemma3, memory: memory, corrupted: isCorrupted(setting),
                                        reading: reading, tally: tally))
    }
    let quantity = memory == .perRow ? "max over i ∈ 𝔾 of E‖M_{t−1}[i,:]‖² (the \"∀ i\" reading, per-row memory)"
      : "E‖m̂_t‖² (m̂_t = (1/b)Σ_i M_{t−1}[i,:], Algorithm 1 as printed)"
    let sigma = reading == .variance ? "σ² = max E‖g_i − ∇f_i‖² (variance reading)"
      : "σ² = max over reachable states of E‖g_i‖² (second-moment reading, as (5) prints it)"
    return Judgement.record(
      id: ctx.id, source: source,
      statement: "E‖m̂_t‖² ≤ 4(1 − ξ²)γ²σ²ξ⁻², ∀ i ∈ [n] (11); checked: \(quantity) ≤ 4(1 − ξ²)γ²σ²/ξ² for t = 1…T, "
        + "\(sigma), ξ = the largest value Lemma 1 allows on the instance, \(setting == "clean" ? "𝔹 = ∅" : "a Definition-1 adversary, ψ < 1/2")",
      method: phases.count > 1 ? "exact-tree+sampled" : "exact-tree",
      domain: "\(g.maxDimension >= 2 ? "d = 2…\(g.maxDimension)" : ""), 1 ≤ k ≤ d, b ≤ \(g.maxRows), T ≤ \(g.maxSteps) "
        + "(at most \(g.maxLeaves) leaves), PL quadratics with rational A (eigenvalues p/q, one Householder reflection), "
        + "noise none / Rademacher / signed basis (scale p/q), selection successive / top-k / uniform, "
        + "aggregator injected rational outputs or coordinate median, γ = p/q; E over every oracle draw and block, exactly in ℚ; "
        + sampledPhaseDomain,
      phases: phases, hypotheses: tally.hypotheses)
  }

  /// Replays a Lemma 3 fixture: true when the bound still fails (expect
  /// `refutes`) or still holds (`holds`) on its input.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    try replayMemoryBoundFixture(fixture, idPattern: "lemma3/memory-bound/<memory>/<setting>/<reading>") { c, tree, reading in
      bound(c, tree: tree, reading: reading, xi: .delivered).failure != nil
    }
  }
}
