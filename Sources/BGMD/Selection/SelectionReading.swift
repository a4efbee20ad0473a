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
}
