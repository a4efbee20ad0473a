import ExactArithmetic

/// The exact distribution of Algorithm 2's block under `reading`, in ℚ:
/// every possible block with its probability (the probabilities sum to 1
/// exactly). For small d only; it is the oracle the sampler is tested against
/// and what exact expectations (Lemma 1) are computed from.
///
/// Scores are s_j = ‖G[:,j]‖², exact rationals. Per reading:
/// - `successive`: the sum, over the k! orderings of each block, of the
///   products of s_j / (sum of s over columns not yet drawn).
/// - `norm-proportional`: the same with weights ‖G[:,j]‖. These are square
///   roots; they are supported exactly when every s_j is the square of a
///   rational (checked with `RationalInterval.sqrt`), and
///   `SelectionError.irrationalNormWeight` is thrown otherwise.
/// - `with-replacement`: the sum over the m^k sequences of k draws of the
///   product of s_j / S, grouped by the set of distinct draws.
/// - `top-k`: the deterministic block, probability 1.
/// - `uniform`: every k-subset with probability 1 / C(d, k).
/// When only m < k columns have s_j > 0 (any probabilistic reading): all m
/// are taken and the other k − m are a uniform subset of the d − m zero
/// columns, each with probability 1 / C(d − m, k − m) (as `selectBlock`).
///
/// - Returns: (block, probability) pairs, blocks sorted increasingly, pairs
///   ordered lexicographically by block; only blocks with probability > 0.
/// - Throws: `ShapeError.blockSize`; `SelectionError.irrationalNormWeight`;
///   `SelectionError.enumerationTooLarge` past `limit` enumerated outcomes.
/// - Complexity: `successive`: O(m!/(m−k)! · k); `with-replacement`:
///   O(m^k · k); `uniform`: O(C(d,k) · k); rational arithmetic throughout.
public func blockDistribution(
  _ g: Matrix<Rational>, k: Int, reading: SelectionReading, limit: Int = 2_000_000
) throws -> [(block: [Int], probability: Rational)] {
  let d = g.columns
  guard k >= 1, k <= d else { throw ShapeError.blockSize(k: k, d: d) }
  var scores = [Rational](repeating: .zero, count: d)
  for i in 0..<g.rows {
    for j in 0..<d {
      let x = g[i, j]
      scores[j] += x * x
    }
  }
  if reading == .topK {
    let ordered = scores.indices.sorted { a, b in scores[a] > scores[b] || (scores[a] == scores[b] && a < b) }
    return [(Array(ordered.prefix(k)).sorted(), Rational(1))]
  }
  if reading == .uniform {
    return try _allSubsets(of: Array(0..<d), size: k, limit: limit).map { ($0, Rational(1, _binomial(d, k))) }
  }
  var weights = scores
  if reading == .normProportional {
    for j in 0..<d {
      let root = RationalInterval.sqrt(scores[j], precision: 0)
      guard root.isExact else {
        throw SelectionError.irrationalNormWeight(column: j, squaredNorm: scores[j].description)
      }
      weights[j] = root.lo
    }
  }
  let positive = (0..<d).filter { !weights[$0].isZero }
  if positive.count <= k {
    let zeros = (0..<d).filter { weights[$0].isZero }
    let fills = try _allSubsets(of: zeros, size: k - positive.count, limit: limit)
    let p = Rational(1, _binomial(zeros.count, k - positive.count))
    return fills.map { ((positive + $0).sorted(), p) }.sorted { $0.block.lexicographicallyPrecedes($1.block) }
  }
  var total = Rational.zero
  for j in positive { total += weights[j] }
  var byBlock: [[Int]: Rational] = [:]
  var visited = 0
  var sequence: [Int] = []
  switch reading {
  case .successive, .normProportional:
    var taken = [Bool](repeating: false, count: d)
    func extend(_ probability: Rational, _ remaining: Rational) throws {
      if sequence.count == k {
        byBlock[sequence.sorted(), default: .zero] += probability
        return
      }
      for j in positive where !taken[j] {
        visited += 1
        if visited > limit { throw SelectionError.enumerationTooLarge(d: d, k: k, limit: limit) }
        taken[j] = true
        sequence.append(j)
        try extend(probability * weights[j] / remaining, remaining - weights[j])
        sequence.removeLast()
        taken[j] = false
      }
    }
    try extend(Rational(1), total)
  case .withReplacement:
    func extend(_ probability: Rational) throws {
      if sequence.count == k {
        byBlock[Array(Set(sequence)).sorted(), default: .zero] += probability
        return
      }
      for j in positive {
        visited += 1
        if visited > limit { throw SelectionError.enumerationTooLarge(d: d, k: k, limit: limit) }
        sequence.append(j)
        try extend(probability * weights[j] / total)
        sequence.removeLast()
      }
    }
    try extend(Rational(1))
  case .topK, .uniform:
    preconditionFailure("handled above")
  }
  return byBlock.map { (block: $0.key, probability: $0.value) }
    .sorted { $0.block.lexicographicallyPrecedes($1.block) }
}

/// The exact probability that each coordinate 0..<d is in the block:
/// π_j = Σ over blocks containing j of their probability.
/// - Complexity: O(number of blocks · k).
public func inclusionProbabilities(
  _ distribution: [(block: [Int], probability: Rational)], d: Int
) -> [Rational] {
  var inclusion = [Rational](repeating: .zero, count: d)
  for (block, probability) in distribution {
    for j in block { inclusion[j] += probability }
  }
  return inclusion
}

/// C(n, k) in Int.
/// - Precondition: the value fits in Int.
func _binomial(_ n: Int, _ k: Int) -> Int {
  if k < 0 || k > n { return 0 }
  var result = 1
  for i in 0..<min(k, n - k) {
    result = result * (n - i) / (i + 1)
  }
  return result
}

/// Every `size`-subset of `elements` (kept in the order of `elements`), in
/// lexicographic order of positions.
func _allSubsets(of elements: [Int], size: Int, limit: Int) throws -> [[Int]] {
  let count = _binomial(elements.count, size)
  if count > limit { throw SelectionError.enumerationTooLarge(d: elements.count, k: size, limit: limit) }
  var result: [[Int]] = []
  result.reserveCapacity(count)
  var current: [Int] = []
  func extend(_ start: Int) {
    if current.count == size {
      result.append(current)
      return
    }
    if elements.count - start < size - current.count { return }
    for t in start..<elements.count {
      current.append(elements[t])
      extend(t + 1)
      current.removeLast()
    }
  }
  extend(0)
  return result
}
