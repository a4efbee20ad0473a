import Randomness

/// Algorithm 2: the block of k coordinates selected from G under `reading`.
///
/// Scores are s_j = ‖G[:,j]‖² (see `squaredColumnNorms`); `norm-proportional`
/// uses ‖G[:,j]‖ = √s_j. Each reading is defined in `SelectionReading`.
/// When fewer than k columns have s_j > 0, the probabilistic readings take
/// all of them and fill the rest uniformly from the zero columns.
///
/// - Parameters:
///   - g: the b × d matrix of (memory-augmented) gradients.
///   - k: the block size, 1 ≤ k ≤ d.
/// - Returns: the block, sorted increasingly; k indices, except
///   `with-replacement`, whose block is the set of distinct draws (1…k).
/// - Throws: `ShapeError.blockSize` for k < 1 or k > d;
///   `SelectionError.invalidScore` when a column holds non-finite entries.
/// - Complexity: O(b·d) for the scores plus the selection's cost (see
///   `selectBlock(scores:k:reading:using:)`).
@_specialize(where T == Float, R == Xoshiro256)
@_specialize(where T == Double, R == Xoshiro256)
public func selectBlock<T: Scalar, R: RandomNumberGenerator>(
  _ g: Matrix<T>, k: Int, reading: SelectionReading, using rng: inout R
) throws -> [Int] {
  guard k >= 1, k <= g.columns else { throw ShapeError.blockSize(k: k, d: g.columns) }
  if reading == .uniform { return rng.uniformSubset(of: g.columns, size: k) }
  return try selectBlock(scores: squaredColumnNorms(g), k: k, reading: reading, using: &rng)
}

/// Algorithm 2 from precomputed scores s_j = ‖G[:,j]‖² (always the squared
/// norms, whatever the reading: `norm-proportional` takes √s_j itself), so a
/// caller can reuse one pass of column norms.
///
/// - Complexity (d columns, m of them with s_j > 0):
///   - `successive`, `norm-proportional`: O(d) expected. Efraimidis–Spirakis
///     exponential keys: key_j = E_j / w_j with E_j standard exponential; the
///     k smallest keys are distributed exactly as k successive draws without
///     replacement with probabilities w_j / (remaining mass) (the minimum of
///     independent exponentials with rates w_j is attained at j with
///     probability w_j / Σw, and memorylessness repeats the argument on the
///     rest). The k smallest are found by introselect, not by k passes.
///   - `with-replacement`: O(d + k log d) (prefix sums, binary search).
///   - `top-k`: O(d) expected (introselect on −s).
///   - `uniform`: O(k) (Floyd's algorithm).
/// - Throws: as `selectBlock(_:k:reading:using:)`.
@_specialize(where R == Xoshiro256)
public func selectBlock<R: RandomNumberGenerator>(
  scores: [Double], k: Int, reading: SelectionReading, using rng: inout R
) throws -> [Int] {
  let d = scores.count
  guard k >= 1, k <= d else { throw ShapeError.blockSize(k: k, d: d) }
  if reading == .uniform { return rng.uniformSubset(of: d, size: k) }
  for (j, s) in scores.enumerated() where !(s.isFinite && s >= 0) {
    throw SelectionError.invalidScore(column: j, value: s)
  }
  if reading == .topK {
    // The k largest s_j, ties to the lower index: the k smallest −s_j.
    return _indicesOfSmallest(scores.map { -$0 }, k)
  }
  let weights = reading == .normProportional ? scores.map { $0.squareRoot() } : scores
  var positives = 0
  for w in weights where w > 0 { positives += 1 }
  if positives <= k {
    return _allPositivesFilledUniformly(weights, k: k, positives: positives, using: &rng)
  }
  switch reading {
  case .successive, .normProportional:
    var keys = [Double](repeating: .infinity, count: d)
    keys.withUnsafeMutableBufferPointer { key in
      for j in 0..<d where weights[j] > 0 {
        key[j] = rng.standardExponential() / weights[j]
      }
    }
    return _indicesOfSmallest(keys, k)
  case .withReplacement:
    return _drawWithReplacement(weights, k: k, using: &rng)
  case .topK, .uniform:
    preconditionFailure("handled above")
  }
}

/// Every column with positive weight, plus a uniform (k − m)-subset of the
/// zero columns, sorted.
func _allPositivesFilledUniformly(
  _ weights: [Double], k: Int, positives: Int, using rng: inout some RandomNumberGenerator
) -> [Int] {
  var block: [Int] = []
  var zeros: [Int] = []
  block.reserveCapacity(k)
  for (j, w) in weights.enumerated() {
    if w > 0 { block.append(j) } else { zeros.append(j) }
  }
  for t in rng.uniformSubset(of: zeros.count, size: k - positives) { block.append(zeros[t]) }
  block.sort()
  return block
}

/// k independent draws with probabilities w_j / Σw; the set of distinct
/// draws, sorted.
func _drawWithReplacement(
  _ weights: [Double], k: Int, using rng: inout some RandomNumberGenerator
) -> [Int] {
  var prefix = [Double](repeating: 0, count: weights.count)
  var total = 0.0
  for (j, w) in weights.enumerated() {
    total += w
    prefix[j] = total
  }
  var chosen = Set<Int>(minimumCapacity: k)
  for _ in 0..<k {
    let u = rng.uniformDouble() * total
    // The first j with prefix[j] > u; zero-weight columns are never hit.
    var lo = 0, hi = weights.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if prefix[mid] > u { hi = mid } else { lo = mid + 1 }
    }
    while weights[lo] == 0 && lo > 0 { lo -= 1 }  // guards rounding at the top end
    chosen.insert(lo)
  }
  return chosen.sorted()
}
