import BGMD

/// The grid of `bgmd experiment speedup`: its methods and the timing-only
/// models beside the accuracy runs (the command's defaults come from here).
public enum SpeedupGrid {
  /// BGMD's memories beside averaged by default: per-row (the authors'
  /// code) and the robust ones.
  public static let defaultMemories: [MemoryVariant] = [.perRow, .filteredMean, .normFiltered]

  /// The hidden widths of the timing-only MLPs by default: 784–1280–10,
  /// d = 795·1280 + 10 = 1,017,610 ≥ 10⁶ parameters.
  public static let defaultTimingHidden: [Int] = [1280]

  /// Steps of each timing-only run by default (a timing, not a training:
  /// the median over these steps is reported).
  public static let defaultTimingSteps = 10

  /// SGD, CMD, GMD, BGMD (averaged memory) and BGMD with each other memory.
  public static func methods(memories: [MemoryVariant]) -> [MethodSpec] {
    [Method.sgd, .cmd, .gmd, .bgmd].map { MethodSpec(method: $0) }
      + memories.filter { $0 != .averaged }.map { MethodSpec(method: .bgmd, memory: $0) }
  }

  /// The timing-only setups: `setup` (its data, b, batch size, γ) with one
  /// hidden layer of each width, `steps` iterations evaluated only at the
  /// start and the end, no curve, step timings recorded.
  public static func timingSetups(_ setup: MNISTExperiment, hidden: [Int], steps: Int) -> [MNISTExperiment] {
    hidden.map { width in
      var wide = setup
      wide.hidden = [width]
      wide.iterations = Swift.max(1, steps)
      wide.evaluateEvery = Swift.max(1, steps)
      wide.recordCurve = false
      wide.recordRetainedFractions = false
      wide.recordStepTimings = true
      return wide
    }
  }
}
