import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `breakdown/training/<method>`: T iterations of Algorithm 1 (or SGD, CMD,
/// GMD) on a fixed PL quadratic under the adversary of Definition 1, both
/// schedules, m = 1 … below b/2, every built-in attack and a targeted search
/// over `MixedAttack`; deviation of x_T from the clean run's x_T.
enum TrainingBreakdownClaims {
  /// The methods, as in the claim ids.
  static let methods: [String] = ["sgd", "cmd", "gmd"]
    + MemoryVariant.allCases.flatMap { memory in SelectionReading.allCases.map { "bgmd/\(memory.rawValue)/\($0.rawValue)" } }

  /// The problem seed: one fixed problem for every method and profile.
  static let problemSeed: UInt64 = 2_022

  struct Plan {
    var dimension: Int
    var rows: Int
    var blockSize: Int
    var iterations: Int
    var starts: Int
    var steps: Int
    var scales: [Double]
    var schedules = ["fixed", "dynamic"]
    /// The built-in attacks tried (all but at `quick`).
    var attacks = BreakdownAttack.builtIn
    var targetMagnitude = 1e6
    /// Whether to run m = ⌈b/2⌉ for context (not part of any claim) where
    /// nothing broke below b/2: it shows whether the attacks can break the
    /// method at all once the bad rows are not a minority.
    var context = true
    var medianEpsilon = 1e-12
  }

  static func plan(_ profile: Profile) -> Plan {
    switch profile {
    case .quick:
      // Smaller b (m = 1…3), and the additive-noise and ±∞ attacks left out
      // (NaN rows take the same excluded path as ±∞ rows).
      var plan = Plan(dimension: 8, rows: 8, blockSize: 2, iterations: 10, starts: 3, steps: 5, scales: breakdownScales(profile))
      plan.context = false
      plan.attacks = BreakdownAttack.builtIn.filter { !["additive-gaussian", "non-finite-+inf", "non-finite--inf"].contains($0.name) }
      return plan
    case .standard:
      return Plan(dimension: 12, rows: 10, blockSize: 3, iterations: 12, starts: 8, steps: 40, scales: breakdownScales(profile))
    case .deep:
      return Plan(dimension: 16, rows: 10, blockSize: 4, iterations: 20, starts: 16, steps: 200, scales: breakdownScales(profile))
    }
  }

  static func statement(_ method: String) -> (statement: String, source: String, mustBreak: Bool) {
    switch method {
    case "sgd":
      return ("SGD (mean aggregation) breaks at every ψ > 0: for every 1 ≤ m < b/2 some adversary moves x_T arbitrarily far",
              "abstract and Table 1 (\"even a single grossly corrupted sample can lead SGD to an arbitrarily poor solution\"; mean: breakdown 0)", true)
    case "cmd":
      return ("CMD (coordinate-wise median descent) stays bounded for every ψ = m/b < 1/2",
              "Table 1 (coordinate-wise median: breakdown 1/2)", false)
    case "gmd":
      return ("GMD (geometric median descent) stays bounded for every ψ = m/b < 1/2",
              "abstract, Table 1 (GM: optimal breakdown 1/2)", false)
    default:
      return ("BGMD (\(method)) stays bounded for every ψ = m/b < 1/2 under the adversary of Definition 1",
              "abstract, slides TL;DR (\"using a memory mechanism, one can retain the breakdown point of ½\"), Table 1, Definition 2", false)
    }
  }

  static func spec(_ method: String) -> ClaimSpec {
    ClaimSpec(id: "breakdown/training/\(method)", controls: controls(method)) { ctx in try check(method, ctx) }
  }

  /// The negative controls of `method`: the same check (plan, seeds,
  /// attacks, schedules) on a method that violates the claim.
  static func controls(_ method: String) -> [ControlSpec] {
    func control(_ name: String, _ breaks: String, runs: String) -> ControlSpec {
      ControlSpec(name: name, breaks: breaks) { ctx in try check(method, ctx, runs: runs) }
    }
    switch method {
    case "sgd":
      return [control("cmd-in-place", "SGD's mean replaced by the coordinate-wise median (never breaks below b/2)",
                      runs: "cmd")]
    case "cmd":
      return [control("mean-in-place", "the median replaced by the mean (SGD, breakdown 0)", runs: "sgd")]
    case "gmd":
      return [
        control("mean-in-place", "the geometric median replaced by the mean (SGD, breakdown 0)", runs: "sgd"),
        control("weiszfeld-one-step-from-mean", "the median replaced by one Weiszfeld step started from the mean",
                runs: "gmd-one-step-from-mean"),
      ]
    default:
      let parts = method.split(separator: "/").map(String.init)
      guard parts.count == 3 else { return [] }
      var out = [control("mean-on-the-block", "Algorithm 1 with the mean in place of GM(·) on the block",
                         runs: "bgmd-mean/\(parts[1])/\(parts[2])")]
      if parts[1] != MemoryVariant.averaged.rawValue {
        out.append(control("memory-averaged-over-all-rows",
                           "the memory averaged over all b rows, bad ones included (the `averaged` variant), added back to every row",
                           runs: "bgmd/averaged/\(parts[2])"))
      }
      return out
    }
  }

  struct Level: Sendable {
    var schedule: String
    var m: Int
    var curves: [BreakdownCurve]
    var targetedEvaluations: Int
    var trainingCase: TrainingBreakdownCase
    var breaker: BreakdownCurve? { curves.first(where: \.breaks) }
  }

  /// Every attack at one (schedule, m); the targeted search runs when no
  /// built-in attack breaks.
  static func level(_ method: String, plan: Plan, seed: UInt64, schedule: String, m: Int, threads: Int) throws -> Level {
    // (`method` is the method that runs: the claim's, or a control's.)
    var base = TrainingBreakdownCase(
      method: method, problemSeed: problemSeed, dimension: plan.dimension, rows: plan.rows, blockSize: plan.blockSize,
      iterations: plan.iterations, trainingSeed: seed, schedule: schedule, badCount: m, attacks: plan.attacks,
      scales: plan.scales, medianEpsilon: plan.medianEpsilon)
    let setup = base.setup()
    let clean = try base.finalIterate(setup, attack: nil, magnitude: 0)
    let probe = base
    var curves = parallelMap(count: base.attacks.count, threads: threads) { i in
      probe.curve(setup, clean: clean, attack: probe.attacks[i])
    }
    var evaluations = 0
    if !curves.contains(where: \.breaks) {
      let result = searchTargeted(
        MixedAttack.generator(dimension: plan.dimension),
        seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(schedule == "fixed" ? m : 100 + m)),
        starts: plan.starts, steps: plan.steps, threads: threads
      ) { attack in
        let v = probe.outcome(setup, clean: clean, attack: BreakdownAttack(name: "mixed", mixed: attack),
                              magnitude: plan.targetMagnitude).value
        return v.isFinite ? v : .infinity
      }
      evaluations = result.evaluations
      if let best = result.bestValue {
        let attack = BreakdownAttack(name: "mixed", mixed: best)
        base.attacks.append(attack)
        curves.append(base.curve(setup, clean: clean, attack: attack))
      }
    }
    return Level(schedule: schedule, m: m, curves: curves, targetedEvaluations: evaluations, trainingCase: base)
  }

  /// `runs` (a negative control) replaces the method that is trained; the
  /// claim (statement, whether it must break, plan, seeds) is `method`'s. A
  /// control stops at its first violation.
  static func check(_ method: String, _ ctx: ClaimContext, runs: String? = nil) throws -> ClaimRecord {
    let plan = plan(ctx.profile)
    let runs = runs ?? method
    let id = "breakdown/training/\(method)"
    let (statement, source, mustBreak) = statement(method)
    let b = plan.rows
    let half = (b - 1) / 2
    let domain = "PL quadratic (PLQuadraticBuilder, seed \(problemSeed), d = \(plan.dimension), κ ∈ 1…4, Rademacher noise 1/2), "
      + "b = \(b), k = \(plan.blockSize), T = \(plan.iterations), γ = 1/(4L); schedules \(plan.schedules.joined(separator: ", ")); "
      + "m = 1…\(half); attacks \(plan.attacks.map(\.name).joined(separator: ", ")) and a targeted search over "
      + "MixedAttack (\(plan.starts) starts + \(plan.steps) steps at M = \(plan.targetMagnitude)) when none breaks; "
      + "M ∈ {\(plan.scales.map { String(format: "%.0e", $0) }.joined(separator: ", "))}"
    var levels: [Level] = []
    var cancelled = false
    schedules: for schedule in plan.schedules {
      for m in 1...half {
        if ctx.cancellation.isCancelled {
          cancelled = true
          break
        }
        let l = try level(runs, plan: plan, seed: ctx.seed, schedule: schedule, m: m, threads: ctx.threads)
        levels.append(l)
        let violates = mustBreak ? l.breaker == nil : l.breaker != nil
        if violates && ctx.stopsAtRefutation { break schedules }
        // The breakdown point is the smallest breaking m; a method claimed
        // robust is refuted there and larger m add nothing.
        if !mustBreak && l.breaker != nil { break }
      }
    }
    var contextLevels: [Level] = []
    if plan.context && !cancelled && !mustBreak && !ctx.stopsAtRefutation {
      for schedule in plan.schedules where !levels.contains(where: { $0.schedule == schedule && $0.breaker != nil }) {
        contextLevels.append(try level(runs, plan: plan, seed: ctx.seed, schedule: schedule, m: (b + 1) / 2,
                                       threads: ctx.threads))
      }
    }
    if cancelled {
      return ClaimRecord(id: id, source: source, statement: statement, verdict: .inconclusive, method: "growth",
                         cases: 0, domain: domain, evidence: .object(["cancelled": .bool(true)]))
    }
    let violations = levels.filter { mustBreak ? $0.breaker == nil : $0.breaker != nil }
    let minimal = violations.min { ($0.m, $0.schedule == "fixed" ? 0 : 1) < ($1.m, $1.schedule == "fixed" ? 0 : 1) }
    var counterexample: CounterexampleReference?
    if let v = minimal {
      var stored = v.trainingCase
      if let breaker = v.breaker { stored.attacks = [breaker.attack] }
      let curves = v.breaker.map { [$0] } ?? v.curves
      let who = runs == method ? method : "\(runs) in place of \(method)"
      let summary = v.breaker != nil
        ? "\(who) breaks at m = \(v.m) of b = \(b) (ψ = \(Double(v.m) / Double(b))), \(v.schedule) schedule, under \(stored.attacks[0].description)"
        : "\(who) stays bounded at m = \(v.m) of b = \(b), \(v.schedule) schedule, under every attack tried"
      let fixture = Fixture(
        claim: id, expect: .refutes, input: try JSONValue(encoding: stored),
        observed: .object(["breaks": .bool(v.breaker != nil), "curves": .array(curves.map(\.json))]), summary: summary)
      try ctx.fixtures?.write(fixture)
      counterexample = CounterexampleReference(
        fixture: "fixtures/counterexamples/\(id)/\(fixture.hash).json", exact: false, summary: summary)
    }
    var perSchedule: [String: JSONValue] = [:]
    var plots: [JSONValue] = []
    var worst: WorstCase?
    var worstScore = -Double.infinity
    for schedule in plan.schedules {
      let ls = levels.filter { $0.schedule == schedule }
      let first = ls.first { $0.breaker != nil }
      var perM: [JSONValue] = []
      for l in ls {
        let entry: [String: JSONValue] = [
          "m": .number(Double(l.m)), "psi": .number(Double(l.m) / Double(b)), "breaks": .bool(l.breaker != nil),
          "brokenBy": l.breaker.map { .string($0.attack.description) } ?? .null,
          "worstFinalDeviation": .number(BreakdownPlot.worst(l.curves).last ?? .nan),
          "targetedEvaluations": .number(Double(l.targetedEvaluations)),
          "curves": .object(BreakdownCurve.evidence(l.curves)),
        ]
        perM.append(.object(entry))
      }
      var summary: [String: JSONValue] = ["perM": .array(perM)]
      summary["breakdownPoint"] = first.map { .number(Double($0.m) / Double(b)) } ?? .null
      summary["breakdownM"] = first.map { .number(Double($0.m)) } ?? .null
      summary["brokenBy"] = first?.breaker.map { .string($0.attack.description) } ?? .null
      summary["mChecked"] = .array(ls.map { .number(Double($0.m)) })
      if let c = contextLevels.first(where: { $0.schedule == schedule }) {
        summary["context"] = .object([
          "m": .number(Double(c.m)), "psi": .number(Double(c.m) / Double(b)), "breaks": .bool(c.breaker != nil),
          "brokenBy": c.breaker.map { .string($0.attack.description) } ?? .null,
          "note": .string("m ≥ b/2: outside every claim, for context"),
        ])
      }
      perSchedule[schedule] = .object(summary)
      plots.append(BreakdownPlot.plot(
        title: "\(method), \(schedule) schedule: worst ‖x_T − x_T^clean‖ over attacks vs M",
        yLabel: "‖x_T − x_T^clean‖",
        series: ls.map { BreakdownPlot.series("m = \($0.m) (ψ = \(Double($0.m) / Double(b)))", scales: plan.scales,
                                              values: BreakdownPlot.worst($0.curves)) }))
      for l in ls {
        // Non-finite curves count as ∞ where the claim is robustness; where the
          // claim is breaking, the best finite growth is more telling.
          let finite = l.curves.map(\.growth.ratio).filter(\.isFinite).max()
          let best = mustBreak ? (finite ?? .infinity)
            : (l.curves.contains { !$0.growth.ratio.isFinite } ? .infinity : (finite ?? 0))
        let score = mustBreak ? -best : best
        if score > worstScore {
          worstScore = score
          worst = WorstCase(
            ratio: best.isFinite ? best : nil,
            case: "\(schedule) schedule, m = \(l.m): " + (mustBreak ? "best attack's deviation ratio (must break)"
              : "largest deviation ratio (M = \(plan.scales.last ?? 0) over M = 1) over attacks")
              + (best.isFinite ? "" : ": non-finite"))
        }
      }
    }
    let sample = TrainingBreakdownCase(
      method: method, problemSeed: problemSeed, dimension: plan.dimension, rows: b, blockSize: plan.blockSize,
      iterations: plan.iterations, trainingSeed: ctx.seed, schedule: "fixed", badCount: 0, attacks: [], scales: [],
      medianEpsilon: plan.medianEpsilon)
    let planJSON: [String: JSONValue] = [
      "problemSeed": .number(Double(problemSeed)), "d": .number(Double(plan.dimension)), "b": .number(Double(b)),
      "k": .number(Double(plan.blockSize)), "T": .number(Double(plan.iterations)),
      "stepSize": .string("1/(4L) = \(sample.setup().exactStepSize)"),
      "medianEpsilon": .number(plan.medianEpsilon), "targetMagnitude": .number(plan.targetMagnitude),
    ]
    let evidence: JSONValue = .object([
      "claimedBreakdownPoint": .string(mustBreak ? "0" : "1/2"),
      "rule": .string(GrowthRule().statement),
      "schedules": .object(perSchedule),
      "plan": .object(planJSON),
      "plots": .array(plots),
    ])
    var record = ClaimRecord(
      id: id, source: source, statement: statement, verdict: violations.isEmpty ? .holds : .refuted, method: "growth",
      cases: levels.reduce(0) { $0 + $1.curves.count * plan.scales.count + $1.targetedEvaluations }, domain: domain,
      worst: worst, counterexample: counterexample, evidence: evidence)
    // Definition 1 on each attacked run, from its slot counts only.
    let definition1 = HypothesisTally()
    for l in levels {
      let level = CorruptionLevel(rows: l.trainingCase.rows, bad: l.trainingCase.badCount)
      definition1.add(level.psiBelowHalf && level.alphaBelowOne, "\(l.schedule) schedule, " + level.description)
    }
    record.hypotheses = [definition1.hypothesis(
      "ψ = m/b < 1/2 and α = ψ/(1 − ψ) = |𝔹|/|𝔾| < 1 (Definition 1)",
      how: "from each attacked run's bad-slot count m and row count b (context runs at m ≥ b/2 excluded)")]
    return record
  }
}
