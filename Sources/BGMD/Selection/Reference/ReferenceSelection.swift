import Randomness

/// The block of the `successive` and `norm-proportional` readings, computed
/// as the definition reads: the documented reference that the vectorised
/// keys and the bracketed selection of `selectBlock(scores:k:reading:using:)`
/// are tested against, block for block and word for word
/// (`ExponentialKeysTests`).
///
/// Successive sampling — k distinct columns drawn one at a time, column j
/// with probability w_j / (sum of w over the columns not yet drawn) — has
/// the same distribution as taking the k smallest keys e_j / w_j with e_j
/// independent standard exponentials (Efraimidis & Spirakis 2006): the
/// smallest key is column j with probability w_j / Σw, and by the memoryless
/// property the rest are again such a race among the remaining columns.
/// Here: one `standardExponential()` per positive column in column order,
/// a full sort by (key, index), the first k indices in increasing order.
/// With w_j = s_j = ‖G[:,j]‖² (`successive`) or √s_j (`norm-proportional`).
/// When at most k columns have a positive weight, all of them are taken and
/// the rest filled uniformly from the zero columns.
///
/// - Parameters:
///   - scores: s_j ≥ 0, finite.
///   - k: 1 ≤ k ≤ d.
///   - reading: `.successive` or `.normProportional`.
/// - Complexity: O(d log d).
public func referenceSuccessiveBlock(
  scores: [Double], k: Int, reading: SelectionReading, using rng: inout Xoshiro256
) -> [Int] {
  let weights = reading == .normProportional ? scores.map { $0.squareRoot() } : scores
  let positives = weights.filter { $0 > 0 }.count
  if positives <= k { return _allPositivesFilledUniformly(weights, k: k, positives: positives, using: &rng) }
  var keys = [Double](repeating: .infinity, count: weights.count)
  for j in weights.indices where weights[j] > 0 { keys[j] = rng.standardExponential() / weights[j] }
  let order = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
  return Array(order.prefix(k)).sorted()
}
