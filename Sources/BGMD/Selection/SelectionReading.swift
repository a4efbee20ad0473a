/// The readings of Algorithm 2's "sample k dimensions with probabilities
/// proportional to s_j = ‖G[:,j]‖²" (docs/selection.md).
public enum SelectionReading: String, CaseIterable, Codable, Sendable {
  /// k distinct coordinates drawn one at a time, each with probability
  /// s_j / (sum of s over coordinates not yet drawn). The default: what
  /// "sample k of d with probabilities p, without replacement" does in NumPy
  /// and PyTorch.
  case successive
  /// k independent draws with probability s_j / S; the block is the set of
  /// distinct draws (it can hold fewer than k).
  case withReplacement = "with-replacement"
  /// As `successive`, with weights ‖G[:,j]‖ instead of its square.
  case normProportional = "norm-proportional"
  /// The k largest s_j, ties to the lower index (the authors' experiments).
  case topK = "top-k"
  /// A uniformly random k-subset (the proof's reference operator C^r).
  case uniform
}

/// The memory variants of Algorithm 1 (docs/memory.md).
public enum MemoryVariant: String, CaseIterable, Codable, Sendable {
  /// Algorithm 1 as printed: m̂ = (1/b) Σᵢ M[i,:], added to every row.
  case averaged
  /// Each row keeps its own residual and gets it back next step.
  case perRow = "per-row"
  /// No memory (the ablation of Figure 6).
  case none
  /// A robust Algorithm 1 (docs/memory.md, Proofs/robust-memory.md):
  /// m̂_{t+1}[j] = the median over all b rows of M_t[:,j] (even b: the mean
  /// of the two middle values), added to every row. Translation-equivariant,
  /// so m̂ is a running sum of coordinate medians of γG off the blocks, and
  /// fewer than half of the rows cannot move it outside the good rows' range.
  case coordinateMedian = "coordinate-median"
  /// A robust Algorithm 1: m̂_{t+1} = the mean of the residual rows M_t[i,:]
  /// whose squared distance to their coordinate median is at most 4 times
  /// the lower median of those squared distances (rows within twice the
  /// median distance), added to every row. As robust as `coordinate-median`
  /// (every kept row lies within a radius set by the good rows) and, when
  /// the filter keeps exactly the good rows, the paper's m_t of (10).
  case filteredMean = "filtered-mean"
  /// A robust Algorithm 1, the cheap one: m̂_{t+1} = the mean of the
  /// residual rows M_t[i,:] whose augmented row, less the memory
  /// (γG_t[i,:]), has squared norm at most 4 times the lower median of those
  /// squared norms; added to every row. The centre is the memory itself, so
  /// no coordinate median is needed: two passes over G_t.
  case normFiltered = "norm-filtered"

  /// Whether one vector m̂ (length d) is added to every row: `averaged` and
  /// the robust variants.
  public var isShared: Bool {
    switch self {
    case .averaged, .coordinateMedian, .filteredMean, .normFiltered: return true
    case .perRow, .none: return false
    }
  }

  /// Whether the memory update is a robust aggregate of the residual rows.
  public var isRobust: Bool { self == .coordinateMedian || self == .filteredMean || self == .normFiltered }
}
