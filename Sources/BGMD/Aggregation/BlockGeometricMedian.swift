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
}
