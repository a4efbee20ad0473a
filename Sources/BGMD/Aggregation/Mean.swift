import RealModule

/// The mean of the rows: (1/b) Σᵢ G[i,:] — mini-batch SGD's aggregate.
///
/// Generic over `Scalar`, so it runs exactly in ℚ.
///
/// Non-finite rows are *included*, on purpose (it is the point of the
/// comparison): the output is then non-finite, and the rows are listed in
/// `nonFiniteRowsIncluded`; `excludedRows` is always empty.
///
/// Finite rows whose sum overflows (entries near the top of the range) are
/// averaged scaled by a power of two (`_scaledMean`), so the mean of finite
/// rows is finite.
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
    let (vector, nonFinite, passes) = _meanRule(rows)
    var result = AggregationResult(vector: vector, nonFiniteRowsIncluded: nonFinite)
    // One pass (the sums), two when some sum is not finite (then the scan).
    result.entriesRead = passes * rows.rows * rows.columns
    return result
  }
}

/// The mean rule's work, in code specialized for `Float` and `Double`: the
/// column sums, then the non-finite rows. A NaN or ±∞ entry makes its
/// column's sum NaN or ±∞ for good (no addition brings it back to a finite
/// value), so sums that are all finite prove every row finite and the
/// finiteness scan is skipped.
/// - Returns: the mean, the non-finite rows, and the passes over G (1 or 2).
@_specialize(where T == Float)
@_specialize(where T == Double)
func _meanRule<T: Scalar>(_ rows: Matrix<T>) -> (vector: [T], nonFinite: [Int], passes: Int) {
  let sums = _meanColumnSums(rows)
  let allFinite = T.isExact || sums.allSatisfy { $0.isFinite }
  return (_mean(rows, sums: sums), allFinite ? [] : nonFiniteRows(rows), allFinite ? 1 : 2)
}

/// The mean of the rows, accumulated row by row.
@_specialize(where T == Float)
@_specialize(where T == Double)
func _mean<T: Scalar>(_ g: Matrix<T>) -> [T] {
  _mean(g, sums: _meanColumnSums(g))
}

/// The column sums of `_mean`, each accumulated over the rows in order:
/// `_columnSums` (one vectorised pass) for `Float` and `Double`, the plain
/// loop `_columnSumsReference` otherwise; both give the same bits.
/// - Complexity: O(b·d).
@_specialize(where T == Float)
@_specialize(where T == Double)
func _meanColumnSums<T: Scalar>(_ g: Matrix<T>) -> [T] {
  if T.self == Float.self {
    return unsafeBitCast(_columnSums(unsafeBitCast(g, to: Matrix<Float>.self)), to: [T].self)
  }
  if T.self == Double.self {
    return unsafeBitCast(_columnSums(unsafeBitCast(g, to: Matrix<Double>.self)), to: [T].self)
  }
  return _columnSumsReference(g)
}

/// The mean of the rows from their column sums (`_meanColumnSums(g)`).
@_specialize(where T == Float)
@_specialize(where T == Double)
func _mean<T: Scalar>(_ g: Matrix<T>, sums sum: [T]) -> [T] {
  let d = g.columns
  let count = T(integer: g.rows)
  var mean = sum.map { $0 / count }
  if !T.isExact {
    // A column whose finite entries' sum overflowed (entries near the top
    // of the range): recomputed scaled, so the mean of finite values is
    // finite. A column holding ±∞ or NaN keeps its non-finite mean.
    for j in 0..<d where !mean[j].isFinite {
      mean[j] = _scaledMean((0..<g.rows).lazy.map { g.storage[$0 * d + j] }, count: g.rows) ?? mean[j]
    }
  }
  return mean
}

/// The mean of `count` finite floating-point values computed without
/// overflow: in `Double`, on the values multiplied by 2⁻ᵏ with 2ᵏ ≥ 2·count
/// (exact: a power of two, and the values are far above the subnormal
/// range when the plain sum overflows), then scaled back. nil when a value
/// is not finite (the plain mean's NaN or ±∞ is then the answer).
/// - Complexity: O(count).
func _scaledMean<T: Scalar>(_ values: some Sequence<T>, count: Int) -> T? {
  guard count > 0 else { return nil }
  let k = Int.bitWidth - (2 * count - 1).leadingZeroBitCount
  let down = Double(sign: .plus, exponent: -k, significand: 1)
  var sum = 0.0
  for x in values {
    guard x.isFinite else { return nil }
    sum += x.doubleValue * down
  }
  return T(approximating: sum / Double(count) * Double(sign: .plus, exponent: k, significand: 1))
}
