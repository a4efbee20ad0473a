import BGMD
import RealModule

/// Lemma 5's sequences, computed from a recorded run of Algorithm 1.
///
/// With the paper's definitions (10) and (13):
/// - g_t: the mean over the good set 𝔾_t of the honest rows G_t[i,:];
/// - Δ_t^i = C_k(G̃_t)[i,:] for the augmented G̃_t = γG_t + memory, and Δ_t
///   their mean over 𝔾_t;
/// - z_t = g̃_t − Δ_t, with g̃_t the aggregate;
/// - x̃_0 = x_0, x̃_{t+1} = x̃_t − γ g_t − z_t (the virtual sequence);
/// - m_0 = 0, m_{t+1} = the mean over 𝔾_t of M_t[i,:], the residual rows.
///
/// Lemma 5 claims x_t − x̃_t = m_t for all t.
public struct Lemma5Sequences<Element: Scalar>: Sendable {
  /// x_0 … x_T.
  public var iterates: [[Element]]
  /// x̃_0 … x̃_T.
  public var virtualIterates: [[Element]]
  /// m_0 … m_T.
  public var memories: [[Element]]

  /// The gap x_t − x̃_t − m_t at every t (exactly zero where the lemma holds).
  public var gaps: [[Element]] {
    var result: [[Element]] = []
    for t in iterates.indices {
      var gap = iterates[t]
      for j in gap.indices {
        gap[j] -= virtualIterates[t][j]
        gap[j] -= memories[t][j]
      }
      result.append(gap)
    }
    return result
  }

  /// The first t at which the gap is not exactly zero, or nil.
  public var firstNonZeroGap: Int? {
    gaps.firstIndex { gap in gap.contains { $0 != .zero } }
  }

  /// Builds the sequences from `records` (record level `.full`) of a run
  /// that started at `initialIterate` with step γ = `stepSize` and ended at
  /// `finalIterate`.
  /// - Throws: `Lemma5Error.missingRecord` when a record lacks the full
  ///   state, `.noGoodRows` when some iteration had no honest row.
  public init(records: [StepRecord<Element>], stepSize: Element, initialIterate: [Element],
              finalIterate: [Element]) throws {
    let d = initialIterate.count
    var x = [initialIterate]
    var virtual = [initialIterate]
    var memory = [[Element](repeating: .zero, count: d)]
    for record in records {
      guard let rows = record.rows, let augmented = record.augmentedRows, let residual = record.residual,
        let aggregate = record.aggregate
      else { throw Lemma5Error.missingRecord(iteration: record.iteration) }
      let good = record.goodRows
      guard !good.isEmpty else { throw Lemma5Error.noGoodRows(iteration: record.iteration) }
      let count = Element(integer: good.count)
      var g = [Element](repeating: .zero, count: d)
      var delta = [Element](repeating: .zero, count: d)
      var m = [Element](repeating: .zero, count: d)
      for i in good {
        for j in 0..<d {
          g[j] += rows[i, j]
          delta[j] += augmented[i, j] - residual[i, j]
          m[j] += residual[i, j]
        }
      }
      let previous = virtual[virtual.count - 1]
      var next = previous
      for j in 0..<d {
        g[j] /= count
        delta[j] /= count
        m[j] /= count
        let z = aggregate[j] - delta[j]
        next[j] = previous[j] - stepSize * g[j] - z
      }
      if let iterate = record.iterate, record.iteration > 0 { x.append(iterate) }
      virtual.append(next)
      memory.append(m)
    }
    if !records.isEmpty { x.append(finalIterate) }
    self.iterates = x
    self.virtualIterates = virtual
    self.memories = memory
    guard iterates.count == virtualIterates.count else {
      throw Lemma5Error.missingRecord(iteration: -1)
    }
  }
}

/// Why Lemma 5's sequences could not be built.
public enum Lemma5Error: Error, Equatable, CustomStringConvertible, Sendable {
  case missingRecord(iteration: Int)
  case noGoodRows(iteration: Int)

  public var description: String {
    switch self {
    case let .missingRecord(t):
      return "iteration \(t) was not recorded at level .full (rows, augmented rows, residual, aggregate, iterate)"
    case let .noGoodRows(t):
      return "iteration \(t) had no honest row; Lemma 5's means over 𝔾 are undefined"
    }
  }
}
