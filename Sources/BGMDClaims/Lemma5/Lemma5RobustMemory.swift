import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// Lemma 5 for the robust memories (`coordinate-median`, `filtered-mean`, `norm-filtered`;
/// Proofs/robust-memory.md, §4): the identity that does hold for them,
///
///   x_t − x̂_t = m̂_t for all t, exactly,
///
/// with m̂_t the memory the algorithm adds to every row, and the robust
/// virtual sequence x̂_0 = x_0, x̂_{t+1} = x̂_t − γĝ_t − ẑ_t, where
/// - ĝ_t = R(G_t): the memory's rule applied to the rows as received (all b,
///   bad ones included): their coordinate median, or the mean of the rows
///   i ∈ K_t, K_t the rows `filteredMean` keeps among P_{B_t^c}(γG_t[i,:]), or
///   (`norm-filtered`) the mean of the rows with ‖γG_t[i,:]‖² ≤ 4× their lower median;
/// - ẑ_t = g̃_t − P_{B_t}(γĝ_t + m̂_t), the block aggregate's deviation from
///   the rule's value on the block (the analogue of z_t in (13)).
///
/// The identity needs the rule's translation equivariance (the memory
/// shifts every residual row alike) and is algebraic in g̃_t, so the exact
/// phase injects arbitrary rational aggregates. Ids
/// `lemma5/robust/<memory>/<schedule>`, schedule ∈ {clean, fixed, dynamic}.
/// Negative controls: the same check with the optimizer's memory replaced by
/// `averaged` (the mean over all rows) and by `per-row`; both must be refuted.
public enum Lemma5RobustMemory {
  /// The claims.
  public static var claims: [ClaimSpec] {
    MemoryVariant.allCases.filter(\.isRobust).flatMap { memory in
      ["clean", "fixed", "dynamic"].map { schedule in
        ClaimSpec(
          id: "lemma5/robust/\(memory.rawValue)/\(schedule)",
          controls: [
            ControlSpec(name: "memory-averaged",
                        breaks: "the optimizer's memory is the mean over all b rows (Algorithm 1 as printed)") { ctx in
              try check(ctx, memory: memory, schedule: schedule, runs: .averaged)
            },
            ControlSpec(name: "memory-per-row", breaks: "each row gets its own residual back (per-row memory)") { ctx in
              try check(ctx, memory: memory, schedule: schedule, runs: .perRow)
            },
          ]
        ) { ctx in try check(ctx, memory: memory, schedule: schedule, runs: memory) }
      }
    }
  }

  /// The claim's check; `runs` is the memory the optimizer uses (the
  /// claim's, or a control's), `memory` the rule of ĝ_t.
  static func check(_ ctx: ClaimContext, memory: MemoryVariant, schedule: String, runs: MemoryVariant) throws
    -> ClaimRecord
  {
    let gens = Lemma5Claims.generators(ctx.profile, schedule: schedule, memories: [runs])
    let result = checkUniversal(gens.exact, config: ctx.universalConfig(), cancellation: ctx.cancellation) { c in
      guard let t = try firstGap(c, rule: memory) else { return .pass }
      return .fail("x_t − x̂_t ≠ m̂_t first at t = \(t)")
    }
    var evidence: [String: JSONValue] = ["cases": .number(Double(result.casesRun)),
                                         "discarded": .number(Double(result.discarded))]
    if let health = result.healthFailure { evidence["health"] = .string(health) }
    var counterexample: CounterexampleReference?
    var worst: WorstCase?
    if let found = result.counterexample {
      let c = found.value
      let gap = try gaps(c, rule: memory)
      let t = gap.firstIndex { $0.contains { $0 != .zero } } ?? -1
      let shown = t >= 0 ? gap[t].map(\.description) : []
      let summary = "\(c.shape): x_t − x̂_t − m̂_t = [\(shown.joined(separator: ", "))] at t = \(t)"
      var input = try JSONValue(encoding: c)
      if case .object(var fields) = input {
        fields["rule"] = .string(memory.rawValue)
        input = .object(fields)
      }
      let fixture = Fixture(claim: ctx.id, expect: .refutes, input: input,
                            observed: .object(["firstNonZeroGap": .number(Double(t)),
                                               "gap": .array(shown.map { .string($0) })]),
                            choices: ChoiceRecord(choices: found.choices), summary: summary)
      counterexample = try ClaimFixtures.record(fixture, exact: true, in: ctx)
      evidence["counterexample"] = .string(summary)
      worst = WorstCase(ratio: .infinity, case: "exact gap ≠ 0: " + summary)
    }
    let partial = result.partial || ctx.cancellation.isCancelled || result.healthFailure != nil
    let verdict: Verdict = counterexample != nil ? .refuted : (partial ? .inconclusive : .holds)
    let setting = schedule == "clean" ? "no bad rows" : "\(schedule) bad slots, ψ < 1/2"
    return ClaimRecord(
      id: ctx.id, source: "Lemma 5 (eqs. (10), (13)) restated for the robust memory (Proofs/robust-memory.md §4)",
      statement: "x_t − x̂_t = m̂_t for all t, exactly, with x̂_{t+1} = x̂_t − γĝ_t − ẑ_t, ĝ_t the "
        + "\(memory.rawValue) of G_t's rows, ẑ_t = g̃_t − P_B(γĝ_t + m̂_t) (memory \(memory.rawValue), \(setting))",
      verdict: verdict, method: "search-exact", cases: result.casesRun,
      domain: "T ≤ \(gens.maxSteps), b ≤ \(gens.maxRows), d ≤ \(gens.maxDimension), 1 ≤ k ≤ d, every reading, "
        + "integer rows in −3…3, rational bad rows and aggregator outputs p/q (|p| ≤ 9, q ≤ 3), γ = p/q ≠ 0",
      worst: worst, counterexample: counterexample, evidence: .object(evidence))
  }

  /// x_t − x̂_t − m̂_t for t = 0…T of a run of `c` in ℚ (injected outputs).
  /// - Throws: `FixtureInputError` for an inconsistent case; the run's errors.
  public static func gaps(_ c: Lemma5Case<Rational>, rule: MemoryVariant) throws -> [[Rational]] {
    let (records, final, finalMemory) = try run(c)
    let d = c.dimension, gamma = c.stepSize
    var x = c.initialIterate
    var virtual = c.initialIterate
    var result: [[Rational]] = []
    for record in records {
      guard let rows = record.rows, let augmented = record.augmentedRows, let aggregate = record.aggregate,
        let block = record.block
      else { throw Lemma5Error.missingRecord(iteration: record.iteration) }
      if let iterate = record.iterate { x = iterate }
      // m̂_t: what the algorithm added to row 0 (the same for every row of a shared memory).
      let memory = (0..<d).map { j in augmented[0, j] - gamma * rows[0, j] }
      result.append((0..<d).map { j in x[j] - virtual[j] - memory[j] })
      let robust = robustAggregate(rows, rule: rule, gamma: gamma, block: block)
      let inBlock = Set(block)
      for j in 0..<d {
        let z = aggregate[j] - (inBlock.contains(j) ? gamma * robust[j] + memory[j] : .zero)
        virtual[j] = virtual[j] - gamma * robust[j] - z
      }
    }
    result.append((0..<d).map { j in final[j] - virtual[j] - finalMemory[j] })
    return result
  }

  /// The first t with a non-zero gap, or nil.
  public static func firstGap(_ c: Lemma5Case<Rational>, rule: MemoryVariant) throws -> Int? {
    try gaps(c, rule: rule).firstIndex { $0.contains { $0 != .zero } }
  }

  /// ĝ_t: the coordinate median of the rows, the mean of the rows that
  /// `filteredMean` keeps among P_{B^c}(γ·rows), or (`norm-filtered`) the
  /// mean of the rows with ‖γG_t[i,:]‖² at most 4 times their lower median.
  static func robustAggregate(_ rows: Matrix<Rational>, rule: MemoryVariant, gamma: Rational, block: [Int])
    -> [Rational]
  {
    switch rule {
    case .filteredMean:
      var projected = rows
      let inBlock = Set(block)
      for i in 0..<rows.rows {
        for j in 0..<rows.columns { projected[i, j] = inBlock.contains(j) ? .zero : gamma * rows[i, j] }
      }
      let kept = filteredMean(projected).kept
      let count = Rational(kept.count)
      return (0..<rows.columns).map { j in kept.reduce(Rational.zero) { $0 + rows[$1, j] } / count }
    case .normFiltered:
      // K_t: ‖γG_t[i,:]‖² ≤ 4·(the ⌈b/2⌉-th smallest of them), recomputed here.
      let norms = (0..<rows.rows).map { i in
        (0..<rows.columns).reduce(Rational.zero) { acc, j in acc + gamma * rows[i, j] * gamma * rows[i, j] }
      }
      let median = norms.sorted()[(rows.rows - 1) / 2]
      let kept = (0..<rows.rows).filter { norms[$0] <= Rational(4) * median }
      let count = Rational(kept.count)
      return (0..<rows.columns).map { j in kept.reduce(Rational.zero) { $0 + rows[$1, j] } / count }
    default:
      return coordinateMedian(rows)
    }
  }

  /// Runs the case in ℚ with its injected outputs: records (level `.full`),
  /// the final iterate and the final memory m̂_T (for a memory that is not
  /// shared, the mean of the per-row memory, or zero).
  static func run(_ c: Lemma5Case<Rational>) throws -> ([StepRecord<Rational>], [Rational], [Rational]) {
    guard c.steps >= 1, c.rows >= 1, c.dimension >= 1, (1...c.dimension).contains(c.k),
      c.gradients.allSatisfy({ $0.count == c.rows && $0.allSatisfy { $0.count == c.dimension } }),
      c.badSlots.count == c.steps, c.badRows.count == c.steps
    else { throw FixtureInputError(field: "input", expected: "a consistent Lemma 5 case (found \(c.shape))") }
    let config = OptimizerConfiguration<Rational>(stepSize: c.stepSize, memory: c.memory,
                                                  block: .block(k: c.k, reading: c.reading), record: .full)
    let rule = InjectedOutputs(c.outputs ?? []).rule
    var optimizer = try BlockDescent(initialIterate: c.initialIterate, batchCount: c.rows, rule: rule,
                                     configuration: config)
    let (gradients, badSlots, badRows) = (c.gradients, c.badSlots, c.badRows)
    let loop = TrainingLoop<AnyAggregationRule<Rational>>(
      oracle: { _, t, _ in try Matrix(gradients[t]) },
      schedule: { t, _ in badSlots[t] },
      adversary: { view, _ in badRows[view.iteration] })
    var streams = TrainingStreams(seed: c.selectionSeed)
    let records = try loop.run(&optimizer, iterations: c.steps, streams: &streams)
    return (records, optimizer.iterate, optimizer.memoryMean())
  }

  /// Replays a `lemma5/robust/…` fixture: true when it still does what it
  /// records.
  public static func replay(_ fixture: Fixture) throws -> Bool {
    guard case .string(let name)? = fixture.input["rule"], let rule = MemoryVariant(rawValue: name) else {
      throw FixtureInputError(field: "input.rule", expected: "coordinate-median, filtered-mean or norm-filtered")
    }
    let holds = try firstGap(FixtureReplay.decode(Lemma5Case<Rational>.self, from: fixture.input), rule: rule) == nil
    return holds == (fixture.expect == .holds)
  }
}
