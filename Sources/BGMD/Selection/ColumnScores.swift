/// Why a block could not be selected (beyond `ShapeError.blockSize`).
public enum SelectionError: Error, Equatable, CustomStringConvertible, Sendable {
  /// A column score is NaN, infinite or negative: the matrix holds non-finite
  /// entries. Exclude corrupt rows before selecting (the block GM rule does).
  case invalidScore(column: Int, value: Double)
  /// `norm-proportional` in exact arithmetic needs ‖G[:,j]‖ rational, i.e.
  /// s_j = ‖G[:,j]‖² the square of a rational; this column's is not.
  case irrationalNormWeight(column: Int, squaredNorm: String)
  /// The exact enumeration would list too many blocks.
  case enumerationTooLarge(d: Int, k: Int, limit: Int)

  public var description: String {
    switch self {
    case let .invalidScore(column, value):
      return "column \(column) has score \(value); expected a finite, non-negative ‖G[:,j]‖² (exclude non-finite rows first)"
    case let .irrationalNormWeight(column, squaredNorm):
      return "norm-proportional: column \(column) has ‖G[:,j]‖² = \(squaredNorm), not the square of a rational; the exact distribution needs rational weights ‖G[:,j]‖"
    case let .enumerationTooLarge(d, k, limit):
      return "exact block distribution for d = \(d), k = \(k) would enumerate more than \(limit) outcomes"
    }
  }
}

/// The scores s_j = ‖G[:,j]‖² of Algorithm 2, one per column, as `Double`.
///
/// Computed in one pass over the row-major storage (rows outer, columns
/// inner), accumulating in `Double`. When a score overflows to +∞ while every
/// entry is finite (entries near 1e155 and above), the pass is repeated on the
/// matrix scaled by its largest magnitude: the scores are then
/// s_j / max|G|², which selects exactly as s_j does (every reading depends on
/// the ratios s_j / Σ s only, or on their order), and columns whose scaled
/// score underflows to 0 are treated as zero columns.
///
/// - Returns: d scores; NaN or +∞ where a column holds non-finite entries.
/// - Complexity: O(b·d) time, one pass (two on overflow); O(d) memory.
public func squaredColumnNorms<T: Scalar>(_ g: Matrix<T>) -> [Double] {
  var scores = _squaredColumnNorms(g, scale: 1)
  if !T.isExact, let top = scores.max(), top < 0x1p-600, top >= 0 {
    // Entries below about 2⁻³⁰⁰: squares underflow (subnormal entries give
    // 0), so the scores are taken on the matrix times a power of two that
    // brings its largest magnitude into [1, 2): same ratios, same selection.
    var largest = 0.0
    for x in g.storage { largest = max(largest, abs(x.doubleValue)) }
    if largest > 0 { return _squaredColumnNorms(g, scale: _powerOfTwoScale(largest: largest)) }
    return scores
  }
  if scores.contains(where: { $0 == .infinity }) {
    var largest = 0.0
    for x in g.storage {
      let m = abs(x.doubleValue)
      if m.isFinite && m > largest { largest = m }
    }
    if largest > 0 {
      let rescaled = _squaredColumnNorms(g, scale: 1 / largest)
      // Keep ∞ where a column really holds an infinite entry.
      for j in scores.indices where rescaled[j].isFinite { scores[j] = rescaled[j] }
    }
  }
  return scores
}

/// The column norms ‖G[:,j]‖ (the weights of `norm-proportional`), with the
/// same scaling rule as `squaredColumnNorms`.
/// - Complexity: O(b·d).
public func columnNorms<T: Scalar>(_ g: Matrix<T>) -> [Double] {
  squaredColumnNorms(g).map { $0.squareRoot() }
}

func _squaredColumnNorms<T: Scalar>(_ g: Matrix<T>, scale: Double) -> [Double] {
  let b = g.rows, d = g.columns
  var scores = [Double](repeating: 0, count: d)
  if T.self == Float.self || T.self == Double.self {
    scores.withUnsafeMutableBufferPointer { s in
      g.storage.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress, let sBase = s.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        if T.self == Float.self {
          _accumulateSquares(raw.assumingMemoryBound(to: Float.self), b, d, scale, sBase)
        } else {
          _accumulateSquares(raw.assumingMemoryBound(to: Double.self), b, d, scale, sBase)
        }
      }
    }
    return scores
  }
  for i in 0..<b {
    let base = i * d
    for j in 0..<d {
      let x = g.storage[base + j].doubleValue * scale
      scores[j] += x * x
    }
  }
  return scores
}

/// s[j] += Σᵢ (scale·x[i,j])², column chunks of 1024 so that the
/// accumulators stay in cache while the rows stream through.
@inline(__always)
func _accumulateSquares<E: BinaryFloatingPoint>(
  _ x: UnsafePointer<E>, _ b: Int, _ d: Int, _ scale: Double, _ s: UnsafeMutablePointer<Double>
) {
  var start = 0
  while start < d {
    let width = min(1024, d - start)
    let acc = s + start
    for i in 0..<b {
      let row = x + i * d + start
      if scale == 1 {
        for t in 0..<width {
          let v = Double(row[t])
          acc[t] += v * v
        }
      } else {
        for t in 0..<width {
          let v = Double(row[t]) * scale
          acc[t] += v * v
        }
      }
    }
    start += width
  }
}
