import RealModule

/// The block size of a block rule: k coordinates, or a fraction of d.
public enum BlockSize: Sendable, Equatable {
  /// k coordinates, 1 ≤ k ≤ d.
  case count(Int)
  /// ⌈f·d⌉ coordinates (at least 1), 0 < f ≤ 1.
  case fraction(Double)

  /// k for a given d.
  /// - Throws: `ShapeError.blockSize` when k falls outside 1…d;
  ///   `AggregationError.invalidParameter` for f outside (0, 1].
  public func resolve(d: Int) throws -> Int {
    switch self {
    case let .count(k):
      guard k >= 1, k <= d else { throw ShapeError.blockSize(k: k, d: d) }
      return k
    case let .fraction(f):
      guard f > 0, f <= 1 else {
        throw AggregationError.invalidParameter(
          rule: "block-gm", parameter: "fraction", value: "\(f)", expected: "0 < f ≤ 1")
      }
      let k = max(1, Int((f * Double(d)).rounded(.up)))
      return min(k, d)
    }
  }
}

/// BGMD's aggregation (Algorithm 1, one step without memory; Algorithm 2
/// for the block): select a block of k coordinates from the rows under a
/// reading, compute the geometric median of the b × k gathered block, and
/// scatter it into ℝ^d with zeros elsewhere. `block` is filled in the result.
///
/// Memory (Algorithm 1's residuals M_t) is the optimizer's state, not this
/// rule's: a caller running BGMD adds the memory before calling and keeps
/// G − C_k(G) after. For a single call, "without memory" changes nothing.
///
/// Non-finite rows are excluded before the selection (their scores would be
/// non-finite) and listed; the call throws when they are half of the rows or
/// more.
///
/// Breakdown: 1/2 on the block (the geometric median's); coordinates off the
/// block are 0 whatever the rows. The selection itself can be steered by an
/// adversary who inflates column norms (the score-based readings).
/// - Complexity: O(b·d) for screening and scores, the selection's cost
///   (O(d) expected for `successive`), O(b·k) per Weiszfeld iteration.
public struct BlockGeometricMedian<Element: Scalar & Real & BinaryFloatingPoint>: AggregationRule {
  public var blockSize: BlockSize
  public var reading: SelectionReading
  public var options: GeometricMedianOptions
  public var name: String { "block-gm" }

  public init(blockSize: BlockSize, reading: SelectionReading = .successive,
              options: GeometricMedianOptions = GeometricMedianOptions()) {
    self.blockSize = blockSize
    self.reading = reading
    self.options = options
  }

  /// - Throws: `ShapeError` (b = 0, k outside 1…d);
  ///   `AggregationError.tooManyNonFiniteRows`; as `geometricMedian`.
  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    let k = try blockSize.resolve(d: rows.columns)
    if reading != .uniform, let fast = try _fastAggregate(rows, k: k, using: &rng) { return fast }
    let (kept, excluded) = try _screenRows(rows, rule: name)
    let block = try selectBlock(kept, k: k, reading: reading, using: &rng)
    return try aggregate(kept, block: block, excludedRows: excluded)
  }

  /// The geometric median on a given block, scattered into ℝ^d.
  /// - Throws: `ShapeError.blockSize` for an empty block or one with an index
  ///   outside 0..<d; as `geometricMedian`.
  public func aggregate(_ rows: Matrix<Element>, block: [Int], excludedRows: [Int] = []) throws
    -> AggregationResult<Element>
  {
    guard !block.isEmpty, block.allSatisfy({ $0 >= 0 && $0 < rows.columns }) else {
      throw ShapeError.blockSize(k: block.count, d: rows.columns)
    }
    let solution = try geometricMedian(rows.gatherColumns(block), options: options)
    var vector = [Element](repeating: 0, count: rows.columns)
    for (t, j) in block.enumerated() { vector[j] = solution.point[t] }
    let excluded = excludedRows.isEmpty ? solution.excludedRows : excludedRows
    return AggregationResult(
      vector: vector, certificate: solution.certificate, excludedRows: excluded, block: block)
  }

  /// The same aggregation through the block kernels of `BlockDescent`'s
  /// fast step, for `Float` and `Double` rows: one fused pass for the scores
  /// (`_augmentedColumnMoments` with γ = 1 and no memory: s_j = Σᵢ G[i,j]²
  /// in `Double`, rows in order, the sums of `squaredColumnNorms`), the
  /// selection from them, the gather of the b × k block
  /// (`_gatherAugmentedBlock`, 1·x = x) and the GM on it. Finite scores
  /// prove every row finite (a NaN or ±∞ entry gives a NaN or +∞ score), so
  /// no screening pass is needed. nil — the caller takes the reference
  /// path — for other element types, non-finite entries, or scores so
  /// small (< 2⁻⁶⁰⁰) that `squaredColumnNorms` would rescale them.
  /// Same bits as the reference path (tested).
  /// - Complexity: O(b·d) for the scores, the selection's cost, O(b·k) for
  ///   the gather and per Weiszfeld iteration.
  func _fastAggregate(_ rows: Matrix<Element>, k: Int, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>?
  {
    if Element.self == Float.self { return try _fastAggregate(Float.self, rows, k: k, using: &rng) }
    if Element.self == Double.self { return try _fastAggregate(Double.self, rows, k: k, using: &rng) }
    return nil
  }

  /// `_fastAggregate` in element type E.
  /// - Precondition: `E.self == Element.self` (checked by the caller); the
  ///   casts only rename the type.
  private func _fastAggregate<E: _FusedStepElement>(
    _: E.Type, _ rows: Matrix<Element>, k: Int, using rng: inout some RandomNumberGenerator
  ) throws -> AggregationResult<Element>? {
    let b = rows.rows, d = rows.columns
    guard b > 0 else { return nil }
    let g = unsafeBitCast(rows.storage, to: [E].self)
    let moments = E._augmentedColumnMoments(g, rows: b, columns: d, gamma: 1, source: .none, rowDeviations: false)
    guard moments.total.isFinite, let top = moments.scores.max(), top >= 0x1p-600 else { return nil }
    let block = try selectBlock(scores: moments.scores, k: k, reading: reading, using: &rng)
    let gathered = E._gatherAugmentedBlock(g, rows: b, columns: d, gamma: 1, source: .none, block: block)
    let solution = try geometricMedian(
      Matrix(_unchecked: b, block.count, unsafeBitCast(gathered, to: [Element].self)), options: options)
    let vector = E._scatter(unsafeBitCast(solution.point, to: [E].self), into: d, at: block)
    return AggregationResult(
      vector: unsafeBitCast(vector, to: [Element].self), certificate: solution.certificate,
      excludedRows: solution.excludedRows, block: block)
  }
}
