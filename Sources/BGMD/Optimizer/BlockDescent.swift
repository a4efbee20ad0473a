import RealModule

/// What one iteration of Algorithm 1 did, as far as `RecordLevel` asks.
public struct StepRecord<Element: Scalar>: Sendable {
  /// t, counting from 0.
  public var iteration: Int
  /// The slots that held honest rows this iteration (𝔾_t), increasing.
  public var goodRows: [Int]
  /// x_t, the iterate the rows were computed at (`summary` and up).
  public var iterate: [Element]?
  /// The selected coordinates (nil for `.all`).
  public var block: [Int]?
  /// The rule's certificate, for geometric-median rules.
  public var certificate: GeometricMedianCertificate?
  /// Rows the rule excluded as non-finite.
  public var excludedRows: [Int]
  /// ‖C_k(G)‖²_F / ‖G‖²_F for the augmented G (1 for `.all`; 1 when G = 0):
  /// the fraction of the augmented rows' energy the block kept, the measured
  /// ξ of Lemma 1.
  public var retainedFraction: Double
  /// G_t as received (after corruption, before scaling and memory) (`full`).
  public var rows: Matrix<Element>?
  /// γG_t + memory, the matrix Algorithm 2 selects from (`full`).
  public var augmentedRows: Matrix<Element>?
  /// M_t = augmented − C_k(augmented), the residual kept for later (`full`).
  public var residual: Matrix<Element>?
  /// g̃_t in ℝ^d (`full`).
  public var aggregate: [Element]?
}

/// Algorithm 1 of the paper (BGMD) with its memory variants, any block
/// selection and any aggregation rule. SGD, CMD and GMD are configurations:
/// `.all` coordinates with the mean, coordinate median or geometric median.
///
/// One iteration, with G ∈ ℝ^{b×d} the rows received at x_t:
/// 1. augment: G ← γG + m̂_t (`averaged`: m̂_t added to every row;
///    `per-row`: row i gets its own residual M_{t−1}[i,:]; `none`: nothing);
/// 2. select a block B of k columns of the augmented G (Algorithm 2);
/// 3. aggregate the b × k block with the rule: g̃_t ∈ ℝ^d, zero off B;
/// 4. keep the residual M_t = G − C_k(G) (the columns off B) and update
///    the memory: m̂_{t+1} = (1/b) Σᵢ M_t[i,:] (`averaged`), the coordinate
///    median of the rows of M_t (`coordinate-median`), the mean of the rows
///    of M_t near that median (`filtered-mean`, `filteredMean(_:)`), or M_t
///    itself (`per-row`);
/// 5. x_{t+1} = x_t − g̃_t (or the authors' momentum/Adam on g̃/γ).
///
/// Generic over `Scalar`: with a rule that needs no square root (or an
/// injected exact rule) the whole run is exact in `Rational`.
///
/// Non-finite rows (NaN, ±∞ after augmentation) are treated as corrupt by
/// the block step: they are left out of Algorithm 2's scores and their
/// residual is zero (so the memory stays finite); the rule still receives
/// them and excludes them (robust rules) or propagates them (the mean).
/// Algorithm 1 as printed does not say what to do with them.
///
/// `Float` and `Double` block steps below record level `.full` take a fused
/// path (`_fastBlockStep`, BlockDescent+Fast.swift) that builds neither the
/// augmented matrix nor the residual and gives the same block, aggregate,
/// memory and iterate bit for bit; `retainedFraction` agrees up to rounding.
///
/// - Complexity: per iteration O(b·d) plus the selection and the rule's cost
///   on b × k; on the fast path one read of G_t (two of G_t and M for
///   `per-row`) and no b × d allocation.
public struct BlockDescent<Rule: AggregationRule>: Sendable {
  public typealias Element = Rule.Element

  /// The configuration (γ, memory, block, update, record level).
  public let configuration: OptimizerConfiguration<Element>
  /// The aggregation rule applied to the selected block.
  public let rule: Rule
  /// b, the number of rows per iteration.
  public let batchCount: Int
  /// x_t.
  public private(set) var iterate: [Element]
  /// t, the number of iterations done.
  public private(set) var iteration: Int = 0
  /// m̂_t for the shared variants (`averaged`, `coordinate-median`,
  /// `filtered-mean`; length d; zero at start), empty otherwise.
  public internal(set) var averagedMemory: [Element]
  /// M_{t−1} for `per-row` (b × d; zero at start), nil otherwise.
  public internal(set) var rowMemory: Matrix<Element>?
  /// The momentum buffer or Adam's first moment (length d), when used.
  public private(set) var firstMoment: [Element]
  /// Adam's second moment (length d), when used.
  public private(set) var secondMoment: [Element]
  /// Whether `step` may take the `Float`/`Double` fast path
  /// (`_fastBlockStep`); off, every step runs the generic path (the tests
  /// compare the two).
  var _usesFastPath = true
  /// The work counted so far, when counting (`WorkCount`); nil (the
  /// default): nothing is counted. Set it to `WorkCount()` and each step
  /// adds its stages: the path taken (fast or generic) and the block, the
  /// aggregate and the memory are the same as without counting; only the
  /// selection runs its counting reference (`countedSelectBlock`, the same
  /// block from the same random words). A step that throws adds nothing.
  public var workCount: WorkCount?
  /// When non-nil, each fast block step overwrites it with the seconds of
  /// its phases (`bgmd bench`); nil (the default): no clock is read.
  @_spi(Benchmarks) public var _phaseSeconds: StepPhaseSeconds?

  /// An optimizer at x_0 = `initialIterate` with zero memory.
  /// - Throws: `ShapeError` when b < 1, d < 1 or the block size does not fit d.
  public init(initialIterate: [Element], batchCount: Int, rule: Rule,
              configuration: OptimizerConfiguration<Element>) throws {
    let d = initialIterate.count
    guard batchCount >= 1 else { throw ShapeError.noRows }
    guard d >= 1 else { throw ShapeError.dimensionMismatch(what: "the initial iterate", expected: 1, found: 0) }
    _ = try configuration.block.blockSize(dimension: d)
    self.configuration = configuration
    self.rule = rule
    self.batchCount = batchCount
    self.iterate = initialIterate
    self.averagedMemory = configuration.memory.isShared ? Array(repeating: .zero, count: d) : []
    self.rowMemory = configuration.memory == .perRow
      ? Matrix(rows: batchCount, columns: d, repeating: .zero) : nil
    switch configuration.update {
    case .plain:
      firstMoment = []
      secondMoment = []
    case .momentum:
      firstMoment = Array(repeating: .zero, count: d)
      secondMoment = []
    case .adam:
      firstMoment = Array(repeating: .zero, count: d)
      secondMoment = Array(repeating: .zero, count: d)
    }
  }

  /// d, the dimension.
  public var dimension: Int { iterate.count }

  /// m_t as the claims read it: the averaged memory, or the mean of the
  /// per-row memory over the given rows (all rows when `rows` is nil), or
  /// zero without memory.
  public func memoryMean(over rows: [Int]? = nil) -> [Element] {
    switch configuration.memory {
    case .averaged, .coordinateMedian, .filteredMean, .normFiltered:
      return averagedMemory
    case .none:
      return Array(repeating: .zero, count: dimension)
    case .perRow:
      guard let memory = rowMemory else { return Array(repeating: .zero, count: dimension) }
      return columnMeans(memory, rows: rows ?? Array(0..<batchCount))
    }
  }

  /// Runs one iteration on the rows received at the current iterate.
  ///
  /// - Parameters:
  ///   - rows: G_t (b × d), corrupt rows already in place.
  ///   - goodRows: the honest slots 𝔾_t (for the record; the algorithm does
  ///     not know them).
  ///   - rng: the source of the selection's randomness.
  /// - Throws: `ShapeError` for a wrong shape; whatever the rule throws.
  public mutating func step(rows: Matrix<Element>, goodRows: [Int],
                            using rng: inout some RandomNumberGenerator) throws -> StepRecord<Element> {
    let d = dimension
    guard rows.rows == batchCount else {
      throw ShapeError.dimensionMismatch(what: "the number of rows", expected: batchCount, found: rows.rows)
    }
    guard rows.columns == d else {
      throw ShapeError.dimensionMismatch(what: "each row", expected: d, found: rows.columns)
    }
    let level = configuration.record
    let x: [Element]? = level >= .summary ? iterate : nil

    let outcome: _StepOutcome<Element>
    if let k = try configuration.block.blockSize(dimension: d), let reading = configuration.block.reading {
      if let fast = try _fastBlockStep(rows: rows, k: k, reading: reading, using: &rng) {
        outcome = fast
      } else {
        var generic = try _blockStep(augmented: augment(rows), k: k, reading: reading, using: &rng)
        generic.work.augmentation = _augmentationWork
        outcome = generic
      }
    } else {
      let augmented = augment(rows)
      let result = try rule.aggregate(augmented, using: &rng)
      guard result.vector.count == d else {
        throw ShapeError.dimensionMismatch(what: "the rule's aggregate", expected: d, found: result.vector.count)
      }
      // 4. No residual: the memory is zero.
      switch configuration.memory {
      case .averaged, .coordinateMedian, .filteredMean, .normFiltered: averagedMemory = Array(repeating: .zero, count: d)
      case .perRow: rowMemory = Matrix(rows: batchCount, columns: d, repeating: .zero)
      case .none: break
      }
      var all = _StepOutcome(aggregate: result.vector, block: nil, result: result, retained: 1,
                             augmented: augmented, residual: nil)
      if workCount != nil {
        all.work.augmentation = _augmentationWork
        all.work.add(_ruleWork(result))
        all.work.memory = configuration.memory == .none ? 0 : (configuration.memory == .averaged ? d : batchCount * d)
      }
      outcome = all
    }

    // 5. Update.
    var clock = _PhaseClock(enabled: _phaseSeconds != nil)
    applyUpdate(outcome.aggregate)
    if _phaseSeconds != nil { _phaseSeconds?.update = clock.lap() }
    iteration += 1
    if var work = workCount {
      var step = outcome.work
      step.update = d
      step.aggregations = 1
      work.add(step)
      workCount = work
    }

    var record = StepRecord<Element>(
      iteration: iteration - 1, goodRows: goodRows, iterate: nil, block: outcome.block,
      certificate: outcome.result.certificate, excludedRows: outcome.result.excludedRows,
      retainedFraction: outcome.retained)
    if level >= .summary { record.iterate = x }
    if level >= .full {
      record.rows = rows
      record.augmentedRows = outcome.augmented
      record.residual = outcome.residual ?? Matrix(rows: batchCount, columns: d, repeating: .zero)
      record.aggregate = outcome.aggregate
    }
    return record
  }

  /// Step 1, memory augmentation: γG + m̂ (every row), γG + M (row by row)
  /// or γG.
  /// - Complexity: O(b·d); one copy of G.
  func augment(_ rows: Matrix<Element>) -> Matrix<Element> {
    if _usesFastPath, let fast = _fastAugment(rows) { return fast }
    var augmented = rows
    let gamma = configuration.stepSize
    for index in augmented.storage.indices { augmented.storage[index] *= gamma }
    switch configuration.memory {
    case .averaged, .coordinateMedian, .filteredMean, .normFiltered:
      let d = dimension
      for i in 0..<batchCount {
        let base = i * d
        for j in 0..<d { augmented.storage[base + j] += averagedMemory[j] }
      }
    case .perRow:
      if let memory = rowMemory {
        for index in augmented.storage.indices { augmented.storage[index] += memory.storage[index] }
      }
    case .none:
      break
    }
    return augmented
  }

  /// Steps 2–4 on the augmented rows, generically (the reference the fast
  /// path is tested against): selection, aggregation of the block, residual
  /// and memory update.
  /// - Throws: as `step`; the optimizer is unchanged when it throws.
  /// - Complexity: O(b·d) with several copies of the b × d matrix, plus the
  ///   selection and the rule.
  mutating func _blockStep(
    augmented: Matrix<Element>, k: Int, reading: SelectionReading, using rng: inout some RandomNumberGenerator
  ) throws -> _StepOutcome<Element> {
    let d = dimension
    // Rows with a non-finite entry are what a faulty worker sends: they
    // take no part in the selection's scores and leave no residual (the
    // rule sees them and excludes or propagates them as it documents).
    let nonFinite = (0..<batchCount).filter { i in !augmented.row(i).allSatisfy { $0.isFinite } }
    var scored = augmented
    for i in nonFinite { scored.setRow(i, repeatElement(Element.zero, count: d)) }
    let counting = workCount != nil
    var work = WorkCount()
    let chosen: [Int]
    if counting {
      // The scores selectBlock(scored, …) computes, then its counted twin.
      let scores = reading == .uniform ? [Double](repeating: 0, count: d) : squaredColumnNorms(scored)
      let counted = try countedSelectBlock(scores: scores, k: k, reading: reading, using: &rng)
      chosen = counted.block
      work.add(counted.work)
      // The finiteness screen and the copy `scored`; the scores' pass.
      work.scoring = 2 * batchCount * d + (reading == .uniform ? 0 : batchCount * d)
    } else {
      chosen = try selectBlock(scored, k: k, reading: reading, using: &rng)
    }
    let result = try rule.aggregate(augmented.gatherColumns(chosen), using: &rng)
    guard result.vector.count == chosen.count else {
      throw ShapeError.dimensionMismatch(what: "the rule's aggregate", expected: chosen.count, found: result.vector.count)
    }
    var aggregate = Array(repeating: Element.zero, count: d)
    for (t, j) in chosen.enumerated() { aggregate[j] = result.vector[t] }
    // 4. Residual: the columns off the block.
    var residual = scored
    let zeros = Matrix<Element>(rows: batchCount, columns: chosen.count, repeating: .zero)
    residual.scatterColumns(chosen, from: zeros)
    let retained = retainedFraction(total: augmented, residual: residual)
    switch configuration.memory {
    case .averaged: averagedMemory = columnMeans(residual, rows: Array(0..<batchCount))
    case .coordinateMedian, .filteredMean: averagedMemory = sharedMemoryUpdate(configuration.memory, residual: residual)
    case .normFiltered: averagedMemory = normFilteredMean(residual, augmented: scored, memory: averagedMemory).mean
    case .perRow: rowMemory = residual
    case .none: break
    }
    if counting {
      let b = batchCount
      work.gather = b * chosen.count + d  // the block's copy; the aggregate scattered into ℝ^d
      work.add(_ruleWork(result))
      // The residual: a copy of G and the block zeroed; the averaged memory
      // reads it once more.
      work.memory = b * d + b * chosen.count + (configuration.memory == .averaged ? b * d : 0)
      work.diagnostics = 2 * b * d  // retainedFraction (the measured ξ)
    }
    var outcome = _StepOutcome(aggregate: aggregate, block: chosen, result: result, retained: retained,
                               augmented: augmented, residual: residual)
    outcome.work = work
    return outcome
  }

  /// The entries step 1 touches: b·d written (γG, plus the memory), and b·d
  /// read from the per-row memory.
  var _augmentationWork: Int {
    batchCount * dimension * (configuration.memory == .perRow ? 2 : 1)
  }

  /// The rule's work as it reports it (`AggregationResult.entriesRead`, the
  /// certificate's iterations); `ruleReported` false when it reports none.
  func _ruleWork(_ result: AggregationResult<Element>) -> WorkCount {
    var w = WorkCount()
    if let entries = result.entriesRead {
      w.rule = entries
      let size = max(1, batchCount * (result.vector.count))
      w.rulePasses = entries / size
    } else {
      w.ruleReported = false
    }
    w.ruleIterations = result.certificate?.iterations ?? 0
    return w
  }

  private mutating func applyUpdate(_ aggregate: [Element]) {
    switch configuration.update {
    case .plain:
      _subtractInPlace(&iterate, aggregate)
    case let .momentum(beta, nesterov):
      // g = g̃/γ; v ← βv + g; step = γ(g + βv) (Nesterov) or γv.
      let gamma = configuration.stepSize
      let b = Element(approximating: beta)
      for j in iterate.indices {
        let g = aggregate[j] / gamma
        firstMoment[j] = b * firstMoment[j] + g
        let direction = nesterov ? g + b * firstMoment[j] : firstMoment[j]
        iterate[j] -= gamma * direction
      }
    case let .adam(beta1, beta2, epsilon):
      let gamma = configuration.stepSize.doubleValue
      let t = Double(iteration + 1)
      let correction1 = 1 - pow(beta1, t)
      let correction2 = 1 - pow(beta2, t)
      let b1 = Element(approximating: beta1)
      let b2 = Element(approximating: beta2)
      let one = Element(approximating: 1)
      for j in iterate.indices {
        let g = aggregate[j] / configuration.stepSize
        firstMoment[j] = b1 * firstMoment[j] + (one - b1) * g
        secondMoment[j] = b2 * secondMoment[j] + (one - b2) * g * g
        let mHat = firstMoment[j].doubleValue / correction1
        let vHat = secondMoment[j].doubleValue / correction2
        iterate[j] -= Element(approximating: gamma * mHat / (vHat.squareRoot() + epsilon))
      }
    }
  }
}

/// The mean of the given rows of `matrix`, column by column.
func columnMeans<T: Scalar>(_ matrix: Matrix<T>, rows: [Int]) -> [T] {
  var sums = Array(repeating: T.zero, count: matrix.columns)
  guard !rows.isEmpty else { return sums }
  for i in rows {
    let base = i * matrix.columns
    for j in 0..<matrix.columns { sums[j] += matrix.storage[base + j] }
  }
  let count = T(approximating: Double(rows.count))
  return sums.map { $0 / count }
}

/// ‖total − residual‖²_F / ‖total‖²_F in `Double` (1 when total = 0).
func retainedFraction<T: Scalar>(total: Matrix<T>, residual: Matrix<T>) -> Double {
  var all = 0.0
  var off = 0.0
  for index in total.storage.indices {
    let a = total.storage[index].doubleValue
    let r = residual.storage[index].doubleValue
    all += a * a
    off += r * r
  }
  guard all > 0, all.isFinite else { return all == 0 ? 1 : .nan }
  return (all - off) / all
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
