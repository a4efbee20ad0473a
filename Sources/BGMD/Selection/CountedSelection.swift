/// The block of `selectBlock(scores:k:reading:using:)`, found by a reference
/// run of the same algorithm that counts its operations: the same block, the
/// same random words drawn (so the generator ends in the same state), and
/// the work in `WorkCount`'s units (`selection`, of which
/// `selectionComparisons` and `randomWords`).
///
/// What is counted, per reading (d scores, k the block size):
/// - every reading but `uniform`: d scores validated;
/// - `norm-proportional`: d square roots (the weights);
/// - `successive`, `norm-proportional`: one random word per positive weight
///   (the exponential keys, d operations), then the comparisons of the exact
///   k-smallest selection (`_indicesOfSmallest`: one introselect and two
///   scans), run on keys that count their comparisons. From 2¹⁷ columns on,
///   `selectBlock` finds the same block from a sampled bracket instead
///   (`_indicesOfSmallestKeys`); the count is then that of the exact path;
/// - `top-k`: d negations and the same k-smallest selection on −s;
/// - `with-replacement`: d prefix sums, k words and the binary searches'
///   steps;
/// - `uniform`: the k (or more, on rejection) words of Floyd's algorithm
///   and k set insertions;
/// - fewer than k positive scores: one scan of d and the uniform fill.
///
/// - Throws: as `selectBlock(scores:k:reading:using:)`.
/// - Complexity: that of the selection, plus one counter update per
///   comparison (slower than `selectBlock`; for counting only).
public func countedSelectBlock<R: RandomNumberGenerator>(
  scores: [Double], k: Int, reading: SelectionReading, using rng: inout R
) throws -> (block: [Int], work: WorkCount) {
  let d = scores.count
  guard k >= 1, k <= d else { throw ShapeError.blockSize(k: k, d: d) }
  var counting = _CountingGenerator(base: rng)
  defer { rng = counting.base }
  var work = WorkCount()
  var operations = 0
  let tally = _Tally()
  func finish(_ block: [Int]) -> (block: [Int], work: WorkCount) {
    work.randomWords = counting.words
    work.selectionComparisons = tally.count
    work.selection = operations + counting.words + tally.count
    return (block, work)
  }
  if reading == .uniform {
    let block = counting.uniformSubset(of: d, size: k)
    operations += k  // set insertions
    return finish(block)
  }
  let positives = try _validatedPositiveCount(scores)
  operations += d
  if reading == .topK {
    operations += d  // −s_j
    let keys = scores.map { _CountedKey(key: -$0, tally: tally) }
    return finish(keys.withUnsafeBufferPointer { _indicesOfSmallest($0, k) })
  }
  let weights = reading == .normProportional ? scores.map { $0.squareRoot() } : scores
  if reading == .normProportional { operations += d }
  if positives <= k {
    operations += d
    return finish(_allPositivesFilledUniformly(weights, k: k, positives: positives, using: &counting))
  }
  switch reading {
  case .successive, .normProportional:
    let raw = _exponentialKeys(weights, using: &counting)
    operations += d  // one key per column
    let keys = raw.map { _CountedKey(key: $0, tally: tally) }
    return finish(keys.withUnsafeBufferPointer { _indicesOfSmallest($0, k) })
  case .withReplacement:
    let (block, steps) = _countedDrawWithReplacement(weights, k: k, using: &counting)
    operations += d + steps
    return finish(block)
  case .topK, .uniform:
    preconditionFailure("handled above")
  }
}

/// `_drawWithReplacement` with its binary-search steps and insertions
/// counted: the same draws, the same block.
func _countedDrawWithReplacement(
  _ weights: [Double], k: Int, using rng: inout some RandomNumberGenerator
) -> (block: [Int], steps: Int) {
  var prefix = [Double](repeating: 0, count: weights.count)
  var total = 0.0
  for (j, w) in weights.enumerated() {
    total += w
    prefix[j] = total
  }
  var steps = 0
  var chosen = Set<Int>(minimumCapacity: k)
  for _ in 0..<k {
    let u = rng.uniformDouble() * total
    var lo = 0, hi = weights.count - 1
    while lo < hi {
      steps += 1
      let mid = (lo + hi) / 2
      if prefix[mid] > u { hi = mid } else { lo = mid + 1 }
    }
    while weights[lo] == 0 && lo > 0 {
      steps += 1
      lo -= 1
    }
    chosen.insert(lo)
    steps += 1
  }
  return (chosen.sorted(), steps)
}

/// The coordinate median of the rows (`coordinateMedian`), computed by the
/// generic quickselect path on keys that count their comparisons: the same
/// medians, and the work in `WorkCount`'s units: `scoring` = b·d entries
/// screened for finiteness, `gather` = b·d entries copied column by
/// column, `rule` = the comparisons (`selectionComparisons` too). CMD's
/// aggregation cost (Table 1).
/// - Precondition: b ≥ 1, every entry finite.
/// - Complexity: O(b·d) expected.
public func countedCoordinateMedian(_ g: Matrix<Double>) -> (median: [Double], work: WorkCount) {
  precondition(g.rows > 0, "countedCoordinateMedian: no rows")
  let n = g.rows, d = g.columns
  let tally = _Tally()
  var result = [Double](repeating: 0, count: d)
  var column = [_CountedKey<Double>](repeating: _CountedKey(key: 0, tally: tally), count: n)
  for j in 0..<d {
    for i in 0..<n { column[i] = _CountedKey(key: g.storage[i * d + j], tally: tally) }
    column.withUnsafeMutableBufferPointer { values in
      let upper = _selectInPlace(values, n / 2)
      if n % 2 == 1 {
        result[j] = upper.key
      } else {
        var lower = values[0]
        for s in 1..<(n / 2) where values[s] > lower { lower = values[s] }
        result[j] = (lower.key + upper.key) / 2
      }
    }
  }
  var work = WorkCount()
  work.scoring = n * d
  work.gather = n * d
  work.rule = tally.count
  work.selectionComparisons = tally.count
  work.rulePasses = 1
  work.aggregations = 1
  return (result, work)
}
