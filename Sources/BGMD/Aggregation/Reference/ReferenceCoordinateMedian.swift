import RealModule

/// The coordinate-wise median by its definition: the documented reference
/// that `coordinateMedian` (the median networks `_medianNetwork` and
/// `_middleOfThirtyTwo` for `Float` and `Double`, quickselect otherwise) is
/// tested against (`AggregationRuleTests`). Written for reading, not speed.
///
/// For each column j: sort G[:,j]; for an odd count b the middle value, for
/// an even count the mean of the two middle values, (lower + upper)/2 — or,
/// where that sum overflows although the mean is finite, lower/2 + upper/2
/// in `Double` (exact halving, one rounding), as the kernel does.
///
/// Entries must be comparable (no NaN). The result equals the kernel's in
/// value; a −0 and a +0 in the middle may trade places.
///
/// - Precondition: `g.rows > 0`.
/// - Complexity: O(d·b log b).
public func referenceCoordinateMedian<T: Scalar>(_ g: Matrix<T>) -> [T] {
  precondition(g.rows > 0, "referenceCoordinateMedian: no rows")
  let b = g.rows
  let two = T(integer: 2)
  var median: [T] = []
  for j in 0..<g.columns {
    let column: [T] = (0..<b).map { g[$0, j] }.sorted()
    if b % 2 == 1 {
      median.append(column[b / 2])
      continue
    }
    let lower = column[b / 2 - 1], upper = column[b / 2]
    let mean: T = (lower + upper) / two
    if mean.isFinite || !lower.isFinite || !upper.isFinite {
      median.append(mean)
    } else {
      median.append(T(approximating: lower.doubleValue / 2 + upper.doubleValue / 2))
    }
  }
  return median
}
