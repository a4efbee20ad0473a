/// What one iteration's block or full step produced, before the update.
struct _StepOutcome<Element: Scalar> {
  /// g̃_t in ℝ^d.
  var aggregate: [Element]
  /// The selected coordinates (nil for `.all`).
  var block: [Int]?
  /// The rule's result (certificate, excluded rows).
  var result: AggregationResult<Element>
  /// ‖C_k(G)‖²_F / ‖G‖²_F for the augmented G.
  var retained: Double
  /// γG_t + memory, when it was built.
  var augmented: Matrix<Element>?
  /// The residual M_t, when it was built.
  var residual: Matrix<Element>?
  /// The step's work, when counting (`BlockDescent.workCount`).
  var work = WorkCount()
}

extension BlockDescent {
  /// The block step of Algorithm 1 for `Float` and `Double` elements, without
  /// materialising the augmented matrix or the residual:
  /// 1. one read-only pass over G_t (and the memory) computes, for the
  ///    augmented rows a = γG[i,j] + m̂[j] (`averaged`), γG[i,j] + M[i,j]
  ///    (`per-row`) or γG[i,j] (`none`), the scores s_j = Σᵢ a² in `Double`
  ///    and, for `averaged`, the column sums Σᵢ a in the element type;
  /// 2. Algorithm 2 on the scores;
  /// 3. the b × k block of augmented values is gathered and aggregated;
  /// 4. the memory is updated: `averaged`: m̂_{t+1}[j] = (Σᵢ a[i,j]) / b off
  ///    the block, 0 on it; `coordinate-median`, `filtered-mean`: the
  ///    residual is rebuilt in column chunks and reduced
  ///    (`_robustSharedMemory`, Kernels/BlockDescent+RobustMemory.swift);
  ///    `per-row`: M is overwritten in place by the
  ///    augmented rows, with 0 on the block (after the rule has returned, so
  ///    a throwing rule leaves the optimizer unchanged, as the generic path).
  ///
  /// Every entry is computed by the same operations in the same order as the
  /// generic path (`fl(fl(γ·g) + m)`, scores and column sums accumulated row
  /// by row), so block, aggregate, memory and iterate are bit-for-bit those
  /// of the generic path. The one exception is `retainedFraction`: it is
  /// Σ_{j∈B} s_j / Σ_j s_j from the column scores (O(k) once the total is
  /// known) rather than 1 − ‖M‖²/‖G‖² entry by entry, so it differs from the
  /// generic value by rounding only (relative error of order b·d·2⁻⁵³).
  ///
  /// - Returns: nil when the fast path does not apply (another element type,
  ///   record level `.full`, or the fast path switched off), and nil when a
  ///   score is not finite (a non-finite row, or squares overflowing
  ///   `Double`): nothing has been changed or drawn, and the caller runs the
  ///   generic path, which holds the rules for those cases.
  /// - Complexity: one pass over G_t (two over G_t and M for `per-row`),
  ///   O(d) for the memory, the selection's cost and the rule's on b × k.
  mutating func _fastBlockStep(
    rows: Matrix<Element>, k: Int, reading: SelectionReading, using rng: inout some RandomNumberGenerator
  ) throws -> _StepOutcome<Element>? {
    guard _usesFastPath, configuration.record < .full else { return nil }
    if Element.self == Float.self { return try _fastBlockStep(Float.self, rows: rows, k: k, reading: reading, using: &rng) }
    if Element.self == Double.self {
      return try _fastBlockStep(Double.self, rows: rows, k: k, reading: reading, using: &rng)
    }
    return nil
  }

  /// `augment(_:)` for `Float` and `Double`: the same entries
  /// fl(fl(γ·g) + memory), computed in code compiled for the element type;
  /// nil for other types.
  /// - Complexity: O(b·d), one pass writing one new b × d matrix.
  func _fastAugment(_ rows: Matrix<Element>) -> Matrix<Element>? {
    if Element.self == Float.self { return _fastAugment(Float.self, rows) }
    if Element.self == Double.self { return _fastAugment(Double.self, rows) }
    return nil
  }

  /// What step 1 adds to γG_t, in element type E: m̂_t (every variant
  /// with one shared vector), M_{t−1} (`per-row`; nil when it is missing)
  /// or nothing.
  /// - Precondition: `E.self == Element.self`; the casts only rename the type.
  private func _augmentationSource<E: _FusedStepElement>(_: E.Type) -> _AugmentationSource<E>? {
    switch configuration.memory {
    case .averaged, .coordinateMedian, .filteredMean, .normFiltered:
      return .averaged(unsafeBitCast(averagedMemory, to: [E].self))
    case .perRow:
      guard let memory = rowMemory else { return nil }
      return .perRow(unsafeBitCast(memory.storage, to: [E].self))
    case .none:
      return Optional.some(.none)
    }
  }

  private func _fastAugment<E: _FusedStepElement>(_: E.Type, _ rows: Matrix<Element>) -> Matrix<Element>? {
    guard let source = _augmentationSource(E.self) else { return nil }
    let augmented = E._augmentedRows(
      unsafeBitCast(rows.storage, to: [E].self), rows: batchCount, columns: dimension,
      gamma: unsafeBitCast(configuration.stepSize, to: E.self), source: source)
    return Matrix(_unchecked: batchCount, dimension, unsafeBitCast(augmented, to: [Element].self))
  }

  /// The fast block step in element type E.
  /// - Precondition: `E.self == Element.self` (checked by the caller); the
  ///   casts below only rename the type.
  private mutating func _fastBlockStep<E: _FusedStepElement>(
    _: E.Type, rows: Matrix<Element>, k: Int, reading: SelectionReading,
    using rng: inout some RandomNumberGenerator
  ) throws -> _StepOutcome<Element>? {
    let b = batchCount, d = dimension
    let gamma = unsafeBitCast(configuration.stepSize, to: E.self)
    let g = unsafeBitCast(rows.storage, to: [E].self)
    guard var source = _augmentationSource(E.self) else { return nil }

    var clock = _PhaseClock(enabled: _phaseSeconds != nil)
    var phases = StepPhaseSeconds()
    // 1. Scores (and column sums) of the augmented rows, read-only.
    let moments = E._augmentedColumnMoments(
      g, rows: b, columns: d, gamma: gamma, source: source, rowDeviations: configuration.memory == .normFiltered)
    guard moments.total.isFinite else { return nil }
    phases.moments = clock.lap()

    // 2–3. Selection, gather, aggregation.
    var work = WorkCount()
    let chosen: [Int]
    if workCount != nil {
      let counted = try countedSelectBlock(scores: moments.scores, k: k, reading: reading, using: &rng)
      chosen = counted.block
      work.add(counted.work)
    } else {
      chosen = try selectBlock(scores: moments.scores, k: k, reading: reading, using: &rng)
    }
    phases.selection = clock.lap()
    let gathered = E._gatherAugmentedBlock(g, rows: b, columns: d, gamma: gamma, source: source, block: chosen)
    phases.gather = clock.lap()
    let result = try rule.aggregate(
      Matrix(_unchecked: b, chosen.count, unsafeBitCast(gathered, to: [Element].self)), using: &rng)
    phases.rule = clock.lap()
    guard result.vector.count == chosen.count else {
      throw ShapeError.dimensionMismatch(what: "the rule's aggregate", expected: chosen.count, found: result.vector.count)
    }
    let aggregate = E._scatter(unsafeBitCast(result.vector, to: [E].self), into: d, at: chosen)
    let retained = _retainedFraction(scores: moments.scores, block: chosen, total: moments.total)
    phases.scatter = clock.lap()

    // 4. Memory update.
    switch configuration.memory {
    case .averaged:
      averagedMemory = unsafeBitCast(
        E._averagedResidual(sums: moments.sums, rows: b, block: chosen), to: [Element].self)
    case .normFiltered:
      averagedMemory = unsafeBitCast(
        E._normFilteredMemory(g, rows: b, columns: d, gamma: gamma, memory: unsafeBitCast(averagedMemory, to: [E].self),
                              block: chosen, deviations: moments.deviations),
        to: [Element].self)
    case .coordinateMedian, .filteredMean:
      averagedMemory = unsafeBitCast(
        E._robustSharedMemory(g, rows: b, columns: d, gamma: gamma, memory: unsafeBitCast(averagedMemory, to: [E].self),
                            block: chosen, filtered: configuration.memory == .filteredMean),
        to: [Element].self)
    case .perRow:
      // Hold M_{t−1} by one reference only, so it is written in place.
      source = .none
      if var memory = rowMemory {
        rowMemory = nil
        var storage = unsafeBitCast(memory.storage, to: [E].self)
        memory.storage = []
        E._writeResidualInPlace(g, rows: b, columns: d, gamma: gamma, memory: &storage, block: chosen)
        memory.storage = unsafeBitCast(storage, to: [Element].self)
        rowMemory = memory
      }
    case .none:
      break
    }
    phases.memory = clock.lap()
    if _phaseSeconds != nil { _phaseSeconds = phases }
    var outcome = _StepOutcome(
      aggregate: unsafeBitCast(aggregate, to: [Element].self), block: chosen, result: result,
      retained: retained, augmented: nil, residual: nil)
    if workCount != nil {
      // One fused read of G (and of M for per-row): the augmented entries
      // and the scores in one pass; counted once, as augmentation.
      work.augmentation = b * d * (configuration.memory == .perRow ? 2 : 1)
      work.gather = b * chosen.count + d  // the block gathered; the aggregate scattered
      work.add(_ruleWork(result))
      switch configuration.memory {
      case .averaged: work.memory = d  // m̂ from the column sums
      case .perRow: work.memory = b * d  // M rewritten in place
      case .none: work.memory = 0
      case .coordinateMedian, .filteredMean, .normFiltered:
        work.memory = 2 * b * d  // the robust memories read the rows twice (RobustMemory.swift)
      }
      outcome.work = work
    }
    return outcome
  }
}
