import RealModule

/// The coordinate-wise median: for each j, the median of G[:,j] — the
/// aggregate of coordinate-wise median descent (CMD).
///
/// Convention for an even count n: the mean of the two middle values
/// (torch.median takes the lower one instead; ANCHORS.md).
///
/// Non-finite rows (any NaN or ±∞ entry) are excluded and listed in
/// `excludedRows`; the call throws when they are half of the rows or more.
///
/// Breakdown: 1/2 per coordinate — fewer than half of the rows cannot move
/// any coordinate outside the range of the good values.
/// - Complexity: O(b·d) expected; for `Float` and `Double` O(d·b log² b / w)
///   branch-free vector operations (Batcher's network, w columns at once),
///   otherwise a quickselect per column; O(d + 256·b) memory.
public struct CoordinateMedian<Element: Scalar>: AggregationRule {
  public var name: String { "coordinate-median" }

  public init() {}

  /// - Throws: `ShapeError.noRows`; `AggregationError.tooManyNonFiniteRows`.
  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    let (kept, excluded) = try _screenRows(rows, rule: name)
    return AggregationResult(vector: coordinateMedian(kept), excludedRows: excluded)
  }
}

/// The coordinate-wise median of the rows (even count: the mean of the two
/// middle values). Every entry must be comparable (no NaN).
/// - Precondition: `g.rows > 0`.
/// - Complexity: O(b·d) expected.
@_specialize(where T == Float)
@_specialize(where T == Double)
public func coordinateMedian<T: Scalar>(_ g: Matrix<T>) -> [T] {
  precondition(g.rows > 0, "coordinateMedian: no rows")
  let n = g.rows, d = g.columns
  var result = [T](repeating: .zero, count: d)
  // Float and Double: a branch-free median network over SIMD column groups;
  // the columns left over (fewer than a group) go through quickselect.
  var first = 0
  if T.self == Float.self || T.self == Double.self {
    first = g.storage.withUnsafeBufferPointer { p -> Int in
      result.withUnsafeMutableBufferPointer { r -> Int in
        guard let base = p.baseAddress, let out = r.baseAddress else { return 0 }
        let source = UnsafeRawPointer(base), target = UnsafeMutableRawPointer(out)
        if T.self == Float.self {
          return _networkColumnMedians(
            source.assumingMemoryBound(to: Float.self), rows: n, columns: d, rowStride: d,
            into: target.assumingMemoryBound(to: Float.self), SIMD8<Float>.self)
        }
        return _networkColumnMedians(
          source.assumingMemoryBound(to: Double.self), rows: n, columns: d, rowStride: d,
          into: target.assumingMemoryBound(to: Double.self), SIMD4<Double>.self)
      }
    }
  }
  let chunk = 256
  var buffer = [T](repeating: .zero, count: chunk * n)
  let two = T(integer: 2)
  g.storage.withUnsafeBufferPointer { p in
    buffer.withUnsafeMutableBufferPointer { column in
      var start = first
      while start < d {
        let width = min(chunk, d - start)
        for i in 0..<n {
          let base = i * d + start
          for t in 0..<width { column[t * n + i] = p[base + t] }
        }
        for t in 0..<width {
          let values = UnsafeMutableBufferPointer(rebasing: column[(t * n)..<((t + 1) * n)])
          let upper = _selectInPlace(values, n / 2)
          if n % 2 == 1 {
            result[start + t] = upper
          } else {
            var lower = values[0]
            for s in 1..<(n / 2) where values[s] > lower { lower = values[s] }
            result[start + t] = (lower + upper) / two
          }
        }
        start += width
      }
    }
  }
  if !T.isExact && n % 2 == 0 {
    // Even n near the top of the range: the two middle values' sum can
    // overflow although their mean is finite. Such a column is taken again
    // as lower/2 + upper/2 in Double (exact halving, one rounding).
    for j in 0..<d where !result[j].isFinite {
      var column = (0..<n).map { g.storage[$0 * d + j] }
      guard column.allSatisfy({ $0.isFinite }) else { continue }
      column.sort()
      let lower = column[n / 2 - 1].doubleValue, upper = column[n / 2].doubleValue
      result[j] = T(approximating: lower / 2 + upper / 2)
    }
  }
  return result
}

