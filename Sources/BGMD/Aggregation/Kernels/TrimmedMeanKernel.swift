import RealModule

/// Columns per chunk of `_trimmedColumnMeans`: the chunk's columns are
/// copied into contiguous runs of n values (256 · n entries), so each
/// column's values are sorted where they lie instead of read with stride d.
let _trimmedChunkColumns = 256

/// The coordinate-wise trimmed mean of the rows of `g` (all finite) with
/// `trimmed` values dropped per side: for each column, its n values sorted
/// ascending, the middle n − 2·trimmed added in that order from 0, divided
/// by their count, and recomputed scaled (`_scaledMean`) where that sum
/// overflowed. The same operations as `_trimmedColumnMeansReference` on the
/// same sorted values, so the same bits: sorting may order equal values
/// differently, but equal finite values differ at most in the sign of zero,
/// and a sum that starts at +0 is unchanged by adding +0 or −0 in any order.
/// Specialized for `Float` and `Double`, columns in chunks of
/// `_trimmedChunkColumns`.
/// - Precondition: every entry finite (non-finite rows screened out),
///   0 ≤ trimmed, 2·trimmed < b.
/// - Complexity: O(b·log b·d), one pass over G.
@_specialize(where E == Float)
@_specialize(where E == Double)
func _trimmedColumnMeans<E: Scalar & BinaryFloatingPoint>(_ g: Matrix<E>, trimmed: Int) -> [E] {
  let n = g.rows, d = g.columns
  let kept = n - 2 * trimmed
  let count = E(kept)
  var vector = [E](repeating: 0, count: d)
  var buffer = [E](repeating: 0, count: _trimmedChunkColumns * n)
  g.storage.withUnsafeBufferPointer { p in
    buffer.withUnsafeMutableBufferPointer { column in
      vector.withUnsafeMutableBufferPointer { out in
        var start = 0
        while start < d {
          let width = min(_trimmedChunkColumns, d - start)
          for i in 0..<n {
            let base = i &* d &+ start
            for t in 0..<width { column[t &* n &+ i] = p[base &+ t] }
          }
          for t in 0..<width {
            var values = UnsafeMutableBufferPointer(rebasing: column[(t &* n)..<((t &+ 1) &* n)])
            _insertionSort(&values)
            var sum: E = 0
            for i in trimmed..<(n - trimmed) { sum += values[i] }
            var mean = sum / count
            if !mean.isFinite {
              mean = _scaledMean(values[trimmed..<(n - trimmed)], count: kept) ?? mean
            }
            out[start &+ t] = mean
          }
          start &+= width
        }
      }
    }
  }
  return vector
}

/// Ascending insertion sort of a few values (b rows of one column).
@inline(__always)
func _insertionSort<E: BinaryFloatingPoint>(_ values: inout UnsafeMutableBufferPointer<E>) {
  guard values.count > 1 else { return }
  for i in 1..<values.count {
    let x = values[i]
    var k = i
    while k > 0 && x < values[k &- 1] {
      values[k] = values[k &- 1]
      k &-= 1
    }
    values[k] = x
  }
}

/// The reference of `_trimmedColumnMeans`: column by column, read with
/// stride d, `sort()`, the middle values added in order (the loop
/// `TrimmedMean` ran before the kernel).
/// - Complexity: O(b·log b·d).
func _trimmedColumnMeansReference<T: Scalar>(_ kept: Matrix<T>, trimmed: Int) -> [T] {
  let n = kept.rows, d = kept.columns
  let count = T(integer: n - 2 * trimmed)
  var vector = [T](repeating: .zero, count: d)
  var column = [T](repeating: .zero, count: n)
  for j in 0..<d {
    for i in 0..<n { column[i] = kept.storage[i * d + j] }
    column.sort()
    var sum = T.zero
    for i in trimmed..<(n - trimmed) { sum += column[i] }
    vector[j] = sum / count
    if !vector[j].isFinite {
      // The kept values are finite (non-finite rows were screened out):
      // only their sum overflowed.
      vector[j] = _scaledMean(column[trimmed..<(n - trimmed)], count: n - 2 * trimmed) ?? vector[j]
    }
  }
  return vector
}
