/// The rows of a matrix that hold a NaN or ±∞ entry: what a faulty worker
/// sends (docs/bad-input.md).
/// - Complexity: O(b·d).
@_specialize(where T == Float)
@_specialize(where T == Double)
public func nonFiniteRows<T: Scalar>(_ g: Matrix<T>) -> [Int] {
  if T.isExact { return [] }
  if T.self == Float.self || T.self == Double.self {
    // One vectorised pass (see `_scanRows`).
    return g.storage.withUnsafeBufferPointer { p -> [Int] in
      guard let base = p.baseAddress else { return [] }
      let raw = UnsafeRawPointer(base)
      let finite = T.self == Float.self
        ? _scanRows(raw.assumingMemoryBound(to: Float.self), rows: g.rows, columns: g.columns).finite
        : _scanRows(raw.assumingMemoryBound(to: Double.self), rows: g.rows, columns: g.columns).finite
      return (0..<g.rows).filter { !finite[$0] }
    }
  }
  var bad: [Int] = []
  let d = g.columns
  g.storage.withUnsafeBufferPointer { p in
    for i in 0..<g.rows {
      var finite = true
      for j in (i * d)..<((i + 1) * d) where !p[j].isFinite {
        finite = false
        break
      }
      if !finite { bad.append(i) }
    }
  }
  return bad
}

/// The finite rows of `g` and the excluded ones, for rules that treat
/// non-finite rows as corrupt and tolerate fewer than half of them.
/// - Throws: `ShapeError.noRows` for b = 0;
///   `AggregationError.tooManyNonFiniteRows` when 2·(non-finite rows) ≥ b.
/// - Complexity: O(b·d); no copy when every row is finite.
func _screenRows<T: Scalar>(_ g: Matrix<T>, rule: String) throws -> (rows: Matrix<T>, excluded: [Int]) {
  guard g.rows > 0 else { throw ShapeError.noRows }
  let excluded = nonFiniteRows(g)
  if excluded.isEmpty { return (g, []) }
  guard 2 * excluded.count < g.rows else {
    throw AggregationError.tooManyNonFiniteRows(
      rule: rule, nonFinite: excluded.count, rows: g.rows, tolerated: (g.rows - 1) / 2)
  }
  var storage: [T] = []
  storage.reserveCapacity((g.rows - excluded.count) * g.columns)
  var next = 0
  for i in 0..<g.rows {
    if next < excluded.count && excluded[next] == i {
      next += 1
      continue
    }
    storage.append(contentsOf: g.row(i))
  }
  let kept = Matrix(_unchecked: g.rows - excluded.count, g.columns, storage)
  return (kept, excluded)
}
