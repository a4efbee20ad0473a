import Randomness

/// Independent random streams of one training run, all split from one seed,
/// so that a clean run and a corrupted run with the same seed draw the same
/// honest noise, the same schedule and the same selections as far as their
/// paths agree.
public struct TrainingStreams: Sendable {
  /// The stochastic-gradient oracle's draws (mini-batches, noise).
  public var oracle: Xoshiro256
  /// The corruption schedule's draws (which slots are bad).
  public var schedule: Xoshiro256
  /// The adversary's draws.
  public var adversary: Xoshiro256
  /// Algorithm 2's draws (block selection) and randomised rules.
  public var selection: Xoshiro256

  /// The four streams of `seed`.
  public init(seed: UInt64) {
    oracle = Xoshiro256(seed: seed, stream: 1)
    schedule = Xoshiro256(seed: seed, stream: 2)
    adversary = Xoshiro256(seed: seed, stream: 3)
    selection = Xoshiro256(seed: seed, stream: 4)
  }
}

/// A training loop around Algorithm 1: at each iteration the oracle gives b
/// honest rows at x_t, the schedule names the bad slots, the adversary
/// replaces their rows, and the optimizer steps.
public struct TrainingLoop<Rule: AggregationRule>: Sendable {
  public typealias Element = Rule.Element
  /// Honest rows (b × d) at the iterate for iteration t.
  public typealias Oracle = @Sendable ([Element], Int, inout Xoshiro256) throws -> Matrix<Element>
  /// The bad slots at iteration t (any subset of 0..<b).
  public typealias Schedule = @Sendable (Int, inout Xoshiro256) -> [Int]
  /// One replacement row per bad slot, in the order of `view.badSlots`.
  public typealias AdversaryFunction = @Sendable (AdversaryView<Element>, inout Xoshiro256) throws -> [[Element]]

  /// The stochastic gradient oracle.
  public var oracle: Oracle
  /// The corruption schedule (no slots: a clean run).
  public var schedule: Schedule
  /// The adversary (ignored when the schedule names no slots).
  public var adversary: AdversaryFunction

  public init(oracle: @escaping Oracle,
              schedule: @escaping Schedule = { _, _ in [] },
              adversary: @escaping AdversaryFunction = { view, _ in view.badSlots.map { Array(view.goodRows.row($0)) } }) {
    self.oracle = oracle
    self.schedule = schedule
    self.adversary = adversary
  }

  /// A loop whose bad slots come from `schedule` and whose bad rows come
  /// from `attack`.
  public init<Attack: Adversary>(oracle: @escaping Oracle, schedule: CorruptionSchedule, attack: Attack)
  where Attack.Element == Element {
    self.oracle = oracle
    self.schedule = { t, rng in schedule.badSlots(iteration: t, using: &rng) }
    self.adversary = { view, rng in attack.corrupt(view, using: &rng) }
  }

  /// What the adversary of Definition 1 sees before step t of `optimizer`:
  /// the honest rows, its slots, and the optimizer's whole state (iterate,
  /// memory, selection reading, k), not its future random draws.
  public static func view(of optimizer: BlockDescent<Rule>, honestRows: Matrix<Element>, badSlots: [Int],
                          iteration: Int) -> AdversaryView<Element> {
    let configuration = optimizer.configuration
    let memory = configuration.memory
    return AdversaryView(
      goodRows: honestRows, badSlots: badSlots, iterate: optimizer.iterate,
      memoryRows: memory == .perRow ? optimizer.rowMemory : nil,
      averagedMemory: memory.isShared ? optimizer.averagedMemory : nil,
      memoryVariant: memory == .none ? nil : memory, reading: configuration.block.reading,
      k: try? configuration.block.blockSize(dimension: optimizer.dimension), iteration: iteration)
  }

  /// Runs `iterations` steps of `optimizer` and returns the records.
  ///
  /// - Parameters:
  ///   - first: the index t of the first step (to continue a run in chunks
  ///     with the same schedule and records as one call).
  ///   - observe: called after each step with its record and the optimizer
  ///     (for progress and curves); return false to stop early.
  /// - Throws: `ShapeError` when the oracle or the adversary returns a wrong
  ///   shape or a slot outside 0..<b; whatever the rule throws.
  public func run(
    _ optimizer: inout BlockDescent<Rule>, iterations: Int, streams: inout TrainingStreams,
    startingAt first: Int = 0,
    observe: (StepRecord<Element>, BlockDescent<Rule>) -> Bool = { _, _ in true }
  ) throws -> [StepRecord<Element>] {
    try runTimed(&optimizer, iterations: iterations, streams: &streams, startingAt: first) { record, optimizer, _ in
      observe(record, optimizer)
    }
  }

  /// `run`, with the wall-clock time of each step's phases handed to
  /// `observe` (the paper's T_b and T_a of §5, see `StepTiming`). The
  /// timers read a monotonic clock around the oracle, the corruption and
  /// the optimizer's step; nothing else differs from `run`.
  public func runTimed(
    _ optimizer: inout BlockDescent<Rule>, iterations: Int, streams: inout TrainingStreams,
    startingAt first: Int = 0,
    observe: (StepRecord<Element>, BlockDescent<Rule>, StepTiming) -> Bool
  ) throws -> [StepRecord<Element>] {
    var records: [StepRecord<Element>] = []
    records.reserveCapacity(iterations)
    let b = optimizer.batchCount
    let d = optimizer.dimension
    let clock = ContinuousClock()
    for t in first..<(first + iterations) {
      let start = clock.now
      let honest = try oracle(optimizer.iterate, t, &streams.oracle)
      let gradientsDone = clock.now
      guard honest.rows == b, honest.columns == d else {
        throw ShapeError.dimensionMismatch(what: "the oracle's rows (b·d)", expected: b * d, found: honest.rows * honest.columns)
      }
      let bad = Array(Set(schedule(t, &streams.schedule))).sorted()
      guard bad.allSatisfy({ $0 >= 0 && $0 < b }) else {
        throw ShapeError.dimensionMismatch(what: "a bad slot index", expected: b, found: bad.last ?? -1)
      }
      var rows = honest
      if !bad.isEmpty {
        let view = Self.view(of: optimizer, honestRows: honest, badSlots: bad, iteration: t)
        let replacements = try adversary(view, &streams.adversary)
        guard replacements.count == bad.count else {
          throw ShapeError.dimensionMismatch(what: "the adversary's rows", expected: bad.count, found: replacements.count)
        }
        for (slot, row) in zip(bad, replacements) {
          guard row.count == d else {
            throw ShapeError.dimensionMismatch(what: "an adversary row", expected: d, found: row.count)
          }
          rows.setRow(slot, row)
        }
      }
      let badSet = Set(bad)
      let good = (0..<b).filter { !badSet.contains($0) }
      let aggregationStart = clock.now
      let record = try optimizer.step(rows: rows, goodRows: good, using: &streams.selection)
      let end = clock.now
      records.append(record)
      let timing = StepTiming(gradient: gradientsDone - start, corruption: aggregationStart - gradientsDone,
                              aggregation: end - aggregationStart, step: end - start)
      if !observe(record, optimizer, timing) { break }
    }
    return records
  }
}

/// The wall-clock seconds of one iteration of `TrainingLoop`, phase by
/// phase, read from one monotonic clock at four instants: the start, the
/// end of the oracle, the start and the end of the optimizer's step. The
/// three phases are disjoint parts of `step`, so their sum never exceeds it.
public struct StepTiming: Sendable, Codable, Equatable {
  /// The oracle: the b honest rows (for a network, the b mini-batch
  /// back-propagations), the paper's T_b (§5).
  public var gradientSeconds: Double
  /// The schedule and the adversary's replacement rows (the simulation of
  /// the corruption, which a real deployment does not pay).
  public var corruptionSeconds: Double
  /// `BlockDescent.step`: memory, block selection, the rule on the block
  /// (or on all d coordinates), residual and the O(d) update, the paper's
  /// T_a (§5: for BGMD it includes "the coordinate sampling procedure").
  public var aggregationSeconds: Double
  /// The whole iteration, from the oracle's call to the step's return.
  public var stepSeconds: Double

  public init(gradientSeconds: Double, corruptionSeconds: Double, aggregationSeconds: Double, stepSeconds: Double) {
    self.gradientSeconds = gradientSeconds
    self.corruptionSeconds = corruptionSeconds
    self.aggregationSeconds = aggregationSeconds
    self.stepSeconds = stepSeconds
  }

  init(gradient: Duration, corruption: Duration, aggregation: Duration, step: Duration) {
    self.init(gradientSeconds: Self.seconds(gradient), corruptionSeconds: Self.seconds(corruption),
              aggregationSeconds: Self.seconds(aggregation), stepSeconds: Self.seconds(step))
  }

  /// A duration in seconds.
  public static func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
  }
}
