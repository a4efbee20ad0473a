import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// Lemma 6 (eq. (14), Appendix I; Proofs/lemma-6.md): for any 0 < ρ < 1/2,
/// E_t[f(x̃_{t+1})] ≤ f(x̃_t) − (1/2 − ρ)(γ/2)‖∇f(x_t)‖² + (3γL²/2)‖x̃_t − x_t‖²
///   + Lγ²E_t‖g_t‖² + (L + 1/(2ργ) + 1/(2γ))E_t‖z_t‖².
///
/// Ids `lemma6/recursion/<memory>/<setting>/<aggregate>`: the proof uses
/// only smoothness, Facts 1–2, E_t g_t = ∇f(x_t) and the definitions (10),
/// (13), not σ², so the reading segment of Lemmas 3–4 is replaced by the
/// aggregate: `injected` (g̃_t = Δ_t + a drawn rational vector on the block,
/// so z_t is that vector: any perturbation, shrinking toward z_t = 0) or
/// `geometric-median` (the library's geometric median, `GeometricMedian<Double>`,
/// on the block, whose output is converted exactly to ℚ: (14) holds for any
/// aggregate, so the real GM's output is judged exactly). E_t is over the oracle's draws and Algorithm 2's block at step
/// t, given the state (x_t, x̃_t, memory); the inequality is decided exactly
/// at every state of the tree with t < T.
public enum Lemma6Claims {
  static let source = "Lemma 6, eq. (14); proof: Appendix I, (32)–(37)"

  /// The family and its claims.
  public static var family: ClaimFamily {
    var claims: [ClaimSpec] = []
    for memory in [MemoryVariant.averaged, .perRow] {
      for setting in ["clean", "corrupted"] {
        for aggregate in ["injected", "geometric-median"] {
          claims.append(ClaimSpec(id: id(memory, setting, aggregate), controls: controls(memory, setting, aggregate)) { ctx in
            try check(ctx, memory: memory, setting: setting, aggregate: aggregate)
          })
        }
      }
    }
    return ClaimFamily(name: "lemma-6", title: "Lemma 6", document: "Proofs/lemma-6.md", prefixes: ["lemma6"],
                       claims: claims, replay: { try replay($0) })
  }

  /// `lemma6/recursion/<memory>/<setting>/<aggregate>`.
  public static func id(_ memory: MemoryVariant, _ setting: String, _ aggregate: String) -> String {
    "lemma6/recursion/\(memory.rawValue)/\(setting)/\(aggregate)"
  }

  static func controls(_ memory: MemoryVariant, _ setting: String, _ aggregate: String) -> [ControlSpec] {
    [
      ControlSpec(name: "oracle-against-gradient",
                  breaks: "the honest rows are −∇f(x_t) + n: E_t g_t ≠ ∇f(x_t) (an optimizer that ascends)") { ctx in
        try check(ctx, memory: memory, setting: setting, aggregate: aggregate, variant: TreeVariant(oracleSign: -1))
      },
      ControlSpec(name: "smoothness-understated", breaks: "the bound uses L/4 for the smoothness constant L") { ctx in
        try check(ctx, memory: memory, setting: setting, aggregate: aggregate, smoothnessDivisor: 4)
      },
    ]
  }

  static func generator(_ profile: Profile, memory: MemoryVariant, corrupted: Bool, aggregate: String) -> ExactCaseGenerator {
    let gm = aggregate == "geometric-median"
    let aggregators = gm ? ["weiszfeld"] : ["offset"]
    switch profile {
    case .quick:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: aggregators, maxBlock: nil,
                                maxDimension: 3, maxRows: 3, maxSteps: 3, maxLeaves: 150)
    case .standard:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: aggregators, maxBlock: nil,
                                maxDimension: 3, maxRows: 4, maxSteps: 4, maxLeaves: 3_000)
    case .deep:
      return ExactCaseGenerator(memory: memory, corrupted: corrupted, aggregators: aggregators, maxBlock: nil,
                                maxDimension: 4, maxRows: 5, maxSteps: 6, maxLeaves: 30_000)
    }
  }

  /// The right-hand side of (14) at one state.
  public static func rightHandSide(_ n: Lemma6Node, gamma: Rational, smoothness l: Rational, rho: Rational) -> Rational {
    let one = Rational(1), two = Rational(2)
    return n.virtualLoss - (one / two - rho) * (gamma / two) * n.gradientNormSquared
      + Rational(3) * gamma * l * l / two * n.gapSquared
      + l * gamma * gamma * n.honestMeanSquared
      + (l + one / (two * rho * gamma) + one / (two * gamma)) * n.perturbationSquared
  }

  static func bound(_ c: ExactCase, tree: ExactTree, smoothnessDivisor: Int) -> BoundOutcome {
    let l = (c.eigenvalues.max() ?? Rational(0)) / Rational(smoothnessDivisor)
    var worst = 0.0
    var failure: String?
    var observed: JSONValue = .null
    for n in tree.lemma6 {
      let rhs = rightHandSide(n, gamma: c.stepSize, smoothness: l, rho: c.rho)
      let lhs = n.nextVirtualLoss
      worst = Swift.max(worst, rhs.signum > 0 ? boundRatio(lhs, rhs) : (rhs < lhs ? .infinity : 0))
      if rhs < lhs && failure == nil {
        failure = "E_t f(x̃_\(n.step + 1)) = \(lhs) > RHS(14) = \(rhs) at a state of step t = \(n.step) (ρ = \(c.rho), L = \(l))"
        observed = .object(["step": .number(Double(n.step)), "lhs": .string(lhs.description),
                            "rhs": .string(rhs.description), "rho": .string(c.rho.description),
                            "L": .string(l.description)])
      }
    }
    return BoundOutcome(ratio: worst, failure: failure, observed: observed)
  }

  static func check(_ ctx: ClaimContext, memory: MemoryVariant, setting: String, aggregate: String,
                    variant: TreeVariant = .paper, smoothnessDivisor: Int = 1) throws -> ClaimRecord {
    let g = generator(ctx.profile, memory: memory, corrupted: isCorrupted(setting), aggregate: aggregate)
    let tally = HypothesisTallies([])
    let phase = try runExactPhase(ctx, gen: g.gen, tally: tally, crossCheck: variant == .paper) { c in
      let tree = try ExactTree(c, variant: variant)
      let l = (c.eigenvalues.max() ?? Rational(0)) / Rational(smoothnessDivisor)
      tally.record("f is L-smooth (Assumption 2): ‖∇f(u) − ∇f(v)‖ ≤ L‖u − v‖ on the visited pairs",
                   held: !(l * l < tree.smoothnessSquared),
                   detail: "max ‖∇f(u) − ∇f(v)‖²/‖u − v‖² = \(tree.smoothnessSquared) > L² = \(l * l) on \(c.shape)")
      tally.record("E_t g_t = ∇f(x_t) at every state (unbiased oracle, used in (33))",
                   held: tree.lemma6.allSatisfy { $0.bias.isZero },
                   detail: "‖E_t g_t − ∇f(x_t)‖² = \(tree.lemma6.map(\.bias).max() ?? Rational(0)) on \(c.shape)")
      tally.record("0 < ρ < 1/2", held: c.rho.signum > 0 && c.rho < Rational(1, 2), detail: "ρ = \(c.rho)")
      tally.record("exact enumeration: probabilities sum to 1 at every step",
                   held: tree.levelMass.allSatisfy { $0 == Rational(1) }, detail: "mass \(tree.levelMass) on \(c.shape)")
      return bound(c, tree: tree, smoothnessDivisor: smoothnessDivisor)
    }
    return Judgement.record(
      id: ctx.id, source: source,
      statement: "for any 0 < ρ < 1/2: E_t[f(x̃_{t+1})] ≤ f(x̃_t) − (1/2 − ρ)(γ/2)‖∇f(x_t)‖² + (3γL²/2)‖x̃_t − x_t‖² "
        + "+ Lγ²E_t‖g_t‖² + (L + 1/(2ργ) + 1/(2γ))E_t‖z_t‖² (14); checked at every state of the run with t < T, "
        + "memory \(memory.rawValue), aggregate \(aggregate == "injected" ? "injected: g̃_t = Δ_t + an arbitrary rational z_t on the block" : "the library's geometric median (in Double, its output converted exactly to ℚ)"), "
        + (setting == "clean" ? "𝔹 = ∅" : "a Definition-1 adversary, ψ < 1/2"),
      method: "exact-tree",
      domain: "1 ≤ k ≤ d, d = 2…\(g.maxDimension), b ≤ \(g.maxRows), T ≤ \(g.maxSteps) "
        + "(at most \(g.maxLeaves) leaves), PL quadratics with rational A (L = the largest eigenvalue), "
        + "ρ ∈ {1/100, 1/10, 1/4, 2/5, 49/100}, γ = p/q, noise none / Rademacher / signed basis; E_t exactly in ℚ",
      phases: [phase], hypotheses: tally.hypotheses)
  }

  /// Replays a Lemma 6 fixture.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    let c = try FixtureReplay.decode(ExactCase.self, from: fixture.input)
    let fails = bound(c, tree: try ExactTree(c), smoothnessDivisor: 1).failure != nil
    return fails == (fixture.expect == .refutes)
  }
}
