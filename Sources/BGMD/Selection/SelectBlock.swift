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
///     rest). The keys are computed eight at a time
///     (`_exponentialKeyBits`) and the k smallest found from a sampled
///     bracket of the k-th key (`_indicesOfSmallestKeys`), not by k passes.
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
  // √s_j > 0 exactly when s_j > 0, so the count holds for both weightings.
  let positives = try _validatedPositiveCount(scores)
  if reading == .topK {
    // The k largest s_j, ties to the lower index: the k smallest −s_j.
    return _indicesOfSmallest(scores.map { -$0 }, k)
  }
  let weights = reading == .normProportional ? scores.map { $0.squareRoot() } : scores
  if positives <= k {
    return _allPositivesFilledUniformly(weights, k: k, positives: positives, using: &rng)
  }
  switch reading {
  case .successive, .normProportional:
    return _exponentialKeySelection(weights, k: k, using: &rng)
  case .withReplacement:
    return _drawWithReplacement(weights, k: k, using: &rng)
  case .topK, .uniform:
    preconditionFailure("handled above")
  }
}

/// The number of scores > 0, after checking that every score is finite and
/// ≥ 0 (−0 included).
/// - Throws: `SelectionError.invalidScore` for the first column that is not.
/// - Complexity: O(d), eight scores at a time.
func _validatedPositiveCount(_ scores: [Double]) throws -> Int {
  let (positives, valid) = scores.withUnsafeBufferPointer { _positiveCount($0, 0..<$0.count) }
  if !valid {
    for (j, s) in scores.enumerated() where !(s.isFinite && s >= 0) {
      throw SelectionError.invalidScore(column: j, value: s)
    }
  }
  return positives
}

/// The `successive` block for weights w with more than k positive entries:
/// the k smallest Efraimidis–Spirakis keys −log(u_j)/w_j, one raw word per
/// positive column in increasing j (`_exponentialKeyBits`), selected by
/// `_indicesOfSmallestKeys`.
/// - Complexity: O(d) expected; one d-word key array.
func _exponentialKeySelection<R: RandomNumberGenerator>(
  _ weights: [Double], k: Int, using rng: inout R
) -> [Int] {
  _exponentialKeys(weights, using: &rng).withUnsafeBufferPointer { _indicesOfSmallestKeys($0, k) }
}

/// The key bit patterns of `_exponentialKeyBits` as an array.
/// - Complexity: O(d).
func _exponentialKeys<R: RandomNumberGenerator>(_ weights: [Double], using rng: inout R) -> [UInt64] {
  [UInt64](unsafeUninitializedCapacity: weights.count) { keys, count in
    weights.withUnsafeBufferPointer { _exponentialKeyBits(weights: $0, into: keys, using: &rng) }
    count = weights.count
  }
}

/// The phases of the `successive` selection, one by one, for `bgmd bench`
/// to time: the score check, the keys, the k smallest keys. Called in this
/// order on the same scores they give the block of `selectBlock(scores:)`
/// when more than k scores are positive.
@_spi(Benchmarks)
public enum _SuccessiveSelectionPhases {
  /// The number of positive scores (`_validatedPositiveCount`).
  public static func positiveCount(_ scores: [Double]) throws -> Int { try _validatedPositiveCount(scores) }
  /// The keys of `_exponentialKeyBits` with weights s_j.
  public static func keys(_ scores: [Double], using rng: inout Xoshiro256) -> [UInt64] {
    _exponentialKeys(scores, using: &rng)
  }
  /// The indices of the k smallest keys (`_indicesOfSmallestKeys`).
  public static func smallest(_ keys: [UInt64], _ k: Int) -> [Int] {
    keys.withUnsafeBufferPointer { _indicesOfSmallestKeys($0, k) }
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
