/// Which coordinates the aggregation sees each iteration.
public enum BlockChoice: Sendable, Equatable {
  /// Every coordinate (SGD, CMD, GMD: no selection, no residual).
  case all
  /// A block of k coordinates chosen by Algorithm 2 under `reading`.
  case block(k: Int, reading: SelectionReading)
  /// A block of ⌈fraction · d⌉ coordinates (at least 1) under `reading`.
  case fraction(Double, reading: SelectionReading)

  /// The block size for dimension d, or nil for `.all`.
  /// - Throws: `ShapeError.blockSize` when k is outside 1…d or the fraction
  ///   is outside (0, 1].
  public func blockSize(dimension d: Int) throws -> Int? {
    switch self {
    case .all:
      return nil
    case let .block(k, _):
      guard k >= 1, k <= d else { throw ShapeError.blockSize(k: k, d: d) }
      return k
    case let .fraction(f, _):
      guard f > 0, f <= 1, f.isFinite else { throw ShapeError.blockSize(k: Int(f * Double(d)), d: d) }
      return Swift.max(1, Swift.min(d, Int((f * Double(d)).rounded(.up))))
    }
  }

  /// The selection reading, or nil for `.all`.
  public var reading: SelectionReading? {
    switch self {
    case .all: return nil
    case let .block(_, reading), let .fraction(_, reading): return reading
    }
  }
}

/// How the aggregate g̃ moves the iterate.
public enum UpdateRule: Sendable, Equatable {
  /// The paper's Algorithm 1: x ← x − g̃ (the step γ is already in g̃,
  /// because the rows were scaled by γ before aggregation).
  case plain
  /// The authors' code: g̃/γ is handed as a gradient to SGD with (optionally
  /// Nesterov) momentum β and learning rate γ.
  case momentum(beta: Double, nesterov: Bool)
  /// The authors' code for MNIST: g̃/γ is handed to Adam with learning rate γ.
  /// The square root is taken in `Double` (for `Rational` runs too).
  case adam(beta1: Double, beta2: Double, epsilon: Double)
}

/// What each iteration keeps for the claims (the whole state can be large:
/// b × d per iteration).
public enum RecordLevel: Int, Sendable, Comparable {
  /// Nothing per iteration.
  case none
  /// Iterate, block, certificate, retained fraction.
  case summary
  /// Everything: rows, augmented rows, memory, residual, aggregate.
  case full

  public static func < (a: RecordLevel, b: RecordLevel) -> Bool { a.rawValue < b.rawValue }
}

/// The knobs of Algorithm 1 with the paper's defaults.
public struct OptimizerConfiguration<Element: Scalar>: Sendable {
  /// The step γ: rows are scaled by γ before the memory is added (eq. in
  /// Algorithm 1, G ← γG + m̂).
  public var stepSize: Element
  /// The memory variant (Algorithm 1 as printed: `averaged`).
  public var memory: MemoryVariant
  /// Block selection; `.all` gives SGD/CMD/GMD with the matching rule.
  public var block: BlockChoice
  /// How g̃ moves x (paper: `.plain`).
  public var update: UpdateRule
  /// What to record per iteration.
  public var record: RecordLevel

  public init(stepSize: Element, memory: MemoryVariant = .averaged, block: BlockChoice = .all,
              update: UpdateRule = .plain, record: RecordLevel = .summary) {
    self.stepSize = stepSize
    self.memory = memory
    self.block = block
    self.update = update
    self.record = record
  }
}
