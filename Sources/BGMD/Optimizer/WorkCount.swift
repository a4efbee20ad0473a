/// The work of aggregations, counted deterministically (no clocks): entries
/// of b × d matrices read or written per pass, the selection's operations,
/// and the passes and iterations of the rule. The counting model of
/// Proposition 1, Lemma 2 and Table 1 (Proofs/proposition-1.md).
///
/// Counting is optional and costs O(1) per pass: `BlockDescent.workCount`
/// set to a value makes each step add its stages here; the kernels count
/// nothing (the geometric-median solver counts its passes in its outer
/// loop, one integer per pass; the selection's operations are counted by a
/// reference run of the same algorithm, `countedSelectBlock`, which returns
/// the same block and draws the same random words).
///
/// Unit: one entry of a matrix or vector touched (read or written) in one
/// pass, one random word drawn, one key comparison. Each stage is counted
/// where the path taken does it, so the fast path (one fused pass for the
/// scores) and the generic path (several copies) give different constants
/// for the same O(b·d).
public struct WorkCount: Sendable, Hashable, Codable {
  /// Step 1, memory augmentation γG + m̂: entries written (b·d), plus the
  /// b·d entries of the per-row memory read.
  public var augmentation: Int = 0
  /// Algorithm 2's scores s_j = ‖G[:,j]‖² and the finiteness screen: entries
  /// read (and copied, on the generic path).
  public var scoring: Int = 0
  /// Algorithm 2's sampling: scores validated and weights formed (d each),
  /// random words drawn, key comparisons made (`selectionComparisons` and
  /// `randomWords` are the parts).
  public var selection: Int = 0
  /// Key (or score) comparisons made by the selection, a part of `selection`.
  public var selectionComparisons: Int = 0
  /// Random words drawn by the selection, a part of `selection`.
  public var randomWords: Int = 0
  /// Entries copied into the b × k block, and the aggregate scattered back
  /// into ℝ^d.
  public var gather: Int = 0
  /// Entries the aggregation rule read: passes × b × k (geometric median,
  /// mean, coordinate median report it; see `ruleReported`).
  public var rule: Int = 0
  /// Passes the rule made over its b × k input.
  public var rulePasses: Int = 0
  /// Weiszfeld iterations of the geometric median (certificate).
  public var ruleIterations: Int = 0
  /// Step 4, the residual M_t and the memory update: entries written.
  public var memory: Int = 0
  /// Step 5, the iterate x_{t+1} = x_t − g̃_t: entries updated (d).
  public var update: Int = 0
  /// Diagnostics that Algorithm 1 does not do (the measured ξ of Lemma 1 on
  /// the generic path: 2·b·d reads): counted, but not in `total`.
  public var diagnostics: Int = 0
  /// Aggregations counted.
  public var aggregations: Int = 0
  /// False when a rule did not report its work (then `rule` misses it).
  public var ruleReported: Bool = true

  public init() {}

  /// The work of the aggregation: every stage but the update and the
  /// diagnostics (Proposition 1's "each gradient aggregation").
  public var aggregation: Int { augmentation + scoring + selection + gather + rule + memory }

  /// The work of the iteration: the aggregation plus the update.
  public var total: Int { aggregation + update }

  /// Adds `other` stage by stage.
  public mutating func add(_ other: WorkCount) {
    augmentation += other.augmentation
    scoring += other.scoring
    selection += other.selection
    selectionComparisons += other.selectionComparisons
    randomWords += other.randomWords
    gather += other.gather
    rule += other.rule
    rulePasses += other.rulePasses
    ruleIterations += other.ruleIterations
    memory += other.memory
    update += other.update
    diagnostics += other.diagnostics
    aggregations += other.aggregations
    ruleReported = ruleReported && other.ruleReported
  }
}

/// A shared tally, for the counted reference runs (comparisons, words).
final class _Tally: @unchecked Sendable {
  var count = 0
}

/// A key whose comparisons are counted in `tally`: the generic selection
/// routines run on these give the same order (so the same block) as on the
/// bare keys, and the tally is the number of comparisons they made.
struct _CountedKey<Key: Comparable>: Comparable {
  var key: Key
  let tally: _Tally

  static func < (a: Self, b: Self) -> Bool {
    a.tally.count += 1
    return a.key < b.key
  }

  static func == (a: Self, b: Self) -> Bool {
    a.tally.count += 1
    return a.key == b.key
  }
}

/// A generator that counts the 64-bit words it hands out.
struct _CountingGenerator<Base: RandomNumberGenerator>: RandomNumberGenerator {
  var base: Base
  var words = 0

  mutating func next() -> UInt64 {
    words += 1
    return base.next()
  }
}
