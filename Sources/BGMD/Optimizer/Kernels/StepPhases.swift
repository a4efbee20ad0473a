/// Seconds spent in each phase of one fast block step (`_fastBlockStep`),
/// for `bgmd bench`: where a step's time goes, measured inside the step
/// itself rather than by timing its parts on their own.
@_spi(Benchmarks)
public struct StepPhaseSeconds: Sendable, Equatable {
  /// The fused pass over G_t: scores (and column sums for `averaged`).
  public var moments = 0.0
  /// Algorithm 2 on the scores.
  public var selection = 0.0
  /// The b × k block of augmented entries gathered.
  public var gather = 0.0
  /// The rule on the block (the GM for BGMD).
  public var rule = 0.0
  /// The aggregate scattered into ℝ^d and the retained fraction.
  public var scatter = 0.0
  /// The memory update.
  public var memory = 0.0
  /// The iterate update x ← x − g̃.
  public var update = 0.0

  public init() {}

  /// The sum of the phases.
  public var total: Double { moments + selection + gather + rule + scatter + memory + update }
}

/// A monotonic stopwatch that is free when off: `lap` returns the seconds
/// since the previous lap (0 when off, without reading the clock).
struct _PhaseClock {
  let enabled: Bool
  private var last: ContinuousClock.Instant?

  init(enabled: Bool) {
    self.enabled = enabled
    last = enabled ? ContinuousClock.now : nil
  }

  mutating func lap() -> Double {
    guard enabled, let previous = last else { return 0 }
    let now = ContinuousClock.now
    last = now
    return StepTiming.seconds(now - previous)
  }
}
