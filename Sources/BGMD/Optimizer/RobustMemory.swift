/// The robust memory updates of `BlockDescent` (`MemoryVariant.coordinateMedian`
/// and `.filteredMean`), generically: the plain reference the fast path
/// (`Kernels/BlockDescent+RobustMemory.swift`) is tested against bit for bit.
/// Proofs/robust-memory.md gives the argument and the cost.

/// The factor c² of the filter: a residual row is kept when its squared
/// distance to the coordinate median is at most c² times the lower median
/// of the squared distances (c = 2: within twice the median distance).
let _filterSquaredRadiusFactor = 4

/// m̂_{t+1} for the shared variants: the mean over all b rows (`averaged`),
/// the coordinate median (`coordinate-median`) or the filtered mean
/// (`filtered-mean`) of the residual rows M_t.
/// - Precondition: `memory.isShared`; `residual.rows > 0`; every entry finite.
/// - Complexity: O(b·d) (the coordinate median's expected cost).
func sharedMemoryUpdate<T: Scalar>(_ memory: MemoryVariant, residual: Matrix<T>) -> [T] {
  switch memory {
  case .coordinateMedian:
    return coordinateMedian(residual)
  case .filteredMean:
    return filteredMean(residual).mean
  case .averaged, .perRow, .none, .normFiltered:
    return columnMeans(residual, rows: Array(0..<residual.rows))
  }
}

/// The rows of `residual` whose squared distance to the coordinate median
/// c = coordinateMedian(residual) is at most 4·D, D the lower median
/// (order statistic ⌈b/2⌉) of the b squared distances, and their mean.
///
/// Robustness: with m < b/2 arbitrary rows, D is at most the largest squared
/// distance of a good row, and c lies in the good rows' range coordinate by
/// coordinate, so every kept row, hence the mean, lies within a distance
/// 2·√D of c, whatever the bad rows are. At least ⌈b/2⌉ rows are kept.
/// Translation-equivariant: adding v to every row adds v to c and to the
/// mean and leaves the distances unchanged.
///
/// Squared distances are accumulated in the element type in a fixed order
/// (`_rowSquaredDistances`), so the fast path reproduces them bit for bit.
/// - Precondition: `residual.rows > 0`; no NaN.
/// - Complexity: O(b·d) plus the coordinate median.
public func filteredMean<T: Scalar>(_ residual: Matrix<T>) -> (mean: [T], kept: [Int]) {
  let center = coordinateMedian(residual)
  let distances = _rowSquaredDistances(residual, center: center)
  let kept = _keptRows(squaredDistances: distances)
  return (columnMeans(residual, rows: kept), kept)
}

/// Σ_j (x[i,j] − c[j])² for every row i, in the order the fast path uses:
/// eight partial sums p_l over the columns j ≡ l (mod 8), each in increasing
/// j, then ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)).
/// - Complexity: O(b·d).
func _rowSquaredDistances<T: Scalar>(_ x: Matrix<T>, center: [T]) -> [T] {
  let d = x.columns
  return (0..<x.rows).map { i in
    var partial = [T](repeating: .zero, count: 8)
    let base = i * d
    for j in 0..<d {
      let e = x.storage[base + j] - center[j]
      partial[j % 8] += e * e
    }
    return _reduceEight(partial)
  }
}

/// ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)).
@inline(__always)
func _reduceEight<T: Scalar>(_ p: [T]) -> T {
  ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))
}

/// The rows i with D_i ≤ 4·D_(⌈b/2⌉) (the lower median of the D_i),
/// increasing. A NaN distance is never kept.
/// - Complexity: O(b log b).
func _keptRows<T: Scalar>(squaredDistances: [T]) -> [Int] {
  let b = squaredDistances.count
  guard b > 0 else { return [] }
  let sorted = squaredDistances.filter { $0 == $0 }.sorted()
  guard !sorted.isEmpty else { return [] }
  let median = sorted[min((b - 1) / 2, sorted.count - 1)]
  let threshold = T(integer: _filterSquaredRadiusFactor) * median
  return (0..<b).filter { squaredDistances[$0] <= threshold }
}

/// `norm-filtered`: the rows i whose augmented row less the memory,
/// y_i = augmented[i,:] − m̂_t (γG_t[i,:], up to rounding), has squared norm
/// at most 4·D, D the lower median (order statistic ⌈b/2⌉) of the b squared
/// norms, and the mean of their residual rows.
///
/// Robustness: with m < b/2 arbitrary rows, D is at most the largest squared
/// norm of a good row, so every kept row has ‖y_i‖ ≤ 2·max_𝔾‖γG_t[i,:]‖ and
/// m̂_{t+1} = P m̂_t + mean_K P y_i moves by at most that, whatever the bad
/// rows are. The centre is the memory itself (known to the algorithm), so
/// the filter is translation-equivariant by construction and needs no
/// coordinate median. Squared norms are accumulated in `_rowSquaredDistances`'
/// order, so the fast path reproduces them bit for bit.
/// - Parameters:
///   - residual: M_t (zero on the block, zero rows for non-finite rows).
///   - augmented: γG_t + m̂_t with non-finite rows zeroed (the scored rows).
///   - memory: m̂_t.
/// - Complexity: O(b·d).
public func normFilteredMean<T: Scalar>(_ residual: Matrix<T>, augmented: Matrix<T>, memory: [T])
  -> (mean: [T], kept: [Int])
{
  let norms = _rowSquaredDistances(augmented, center: memory)
  let kept = _keptRows(squaredDistances: norms)
  return (columnMeans(residual, rows: kept), kept)
}
