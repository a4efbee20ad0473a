import RealModule

/// The mean of the rows: (1/b) Σᵢ G[i,:] — mini-batch SGD's aggregate.
///
/// Generic over `Scalar`, so it runs exactly in ℚ.
///
/// Non-finite rows are *included*, on purpose (it is the point of the
/// comparison): the output is then non-finite, and the rows are listed in
/// `nonFiniteRowsIncluded`; `excludedRows` is always empty.
///
/// Breakdown: 0 — one row moved to infinity moves the mean to infinity.
/// - Complexity: O(b·d) time, O(d) memory.
public struct Mean<Element: Scalar>: AggregationRule {
  public var name: String { "mean" }

  public init() {}

  /// - Throws: `ShapeError.noRows` for b = 0.
  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    guard rows.rows > 0 else { throw ShapeError.noRows }
    var result = AggregationResult(vector: _mean(rows), nonFiniteRowsIncluded: nonFiniteRows(rows))
    // Two passes: the finiteness scan and the sum (exact types skip the scan).
    result.entriesRead = (Element.isExact ? 1 : 2) * rows.rows * rows.columns
    return result
  }
}

/// The mean of the rows, accumulated row by row.
@_specialize(where T == Float)
@_specialize(where T == Double)
func _mean<T: Scalar>(_ g: Matrix<T>) -> [T] {
  let d = g.columns
  var sum = [T](repeating: .zero, count: d)
  sum.withUnsafeMutableBufferPointer { s in
    g.storage.withUnsafeBufferPointer { p in
      for i in 0..<g.rows {
        let base = i * d
        for j in 0..<d { s[j] += p[base + j] }
      }
    }
  }
  let count = T(integer: g.rows)
  return sum.map { $0 / count }
}
