import BGMD
import Plotting
/// The relative residual of the paper's Figure 7: 1 − ξ_t over training,
/// ξ_t = ‖C_k(G_t)‖²_F/‖G_t‖²_F the fraction of the memory-augmented
/// rows' energy the block kept, for several k/d. Lemma 1 guarantees
/// E ξ ≥ k/d; the paper says ξ ≈ 1 in practice. This is the evidence the
/// `lemma1/xi-in-practice` observation cites.
public struct ResidualSummary: Sendable, Codable {
  /// One block fraction.
  public struct Row: Sendable, Codable {
    public var fraction: Double
    public var method: String
    public var seeds: Int
    /// ξ averaged over iterations and seeds.
    public var meanXi: Double
    /// The smallest ξ seen.
    public var smallestXi: Double
    /// ξ averaged over the last 10% of the iterations and the seeds.
    public var finalXi: Double
    /// k/d, Lemma 1's lower bound on E ξ.
    public var lemma1Bound: Double
    /// 1 − ξ_t per iteration, mean over seeds.
    public var relativeResidual: [Double]
  }

  public var metadata: [String: String]
  public var setting: String
  public var rows: [Row]

  /// The block fractions of the residual plot.
  public static let fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5]

  public init(cells: [CellResult], methods: [MethodSpec], setting: String, metadata: [String: String]) {
    rows = methods.compactMap { spec in
      let series = cells.filter { $0.method == spec.label && $0.setting == setting }.compactMap(\.retainedFractions)
      guard !series.isEmpty else { return nil }
      let n = series.map(\.count).min() ?? 0
      let perIteration = (0..<n).map { t in series.map { $0[t] }.reduce(0, +) / Double(series.count) }
      let finite = series.flatMap { $0 }.filter(\.isFinite)
      let tail = perIteration.suffix(Swift.max(1, n / 10))
      return Row(fraction: spec.fraction, method: spec.label, seeds: series.count,
                 meanXi: finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count),
                 smallestXi: finite.min() ?? .nan,
                 finalXi: tail.isEmpty ? .nan : tail.reduce(0, +) / Double(tail.count),
                 lemma1Bound: spec.fraction, relativeResidual: perIteration.map { 1 - $0 })
    }
    self.metadata = metadata
    self.setting = setting
  }

  /// 1 − ξ_t against t, logarithmic.
  public func plot() -> Plot {
    Plot(title: "Relative residual 1 − ξ of BGMD (\(setting))", xLabel: "iteration",
         yLabel: "1 − ‖C_k(G)‖²/‖G‖²", logY: true,
         series: rows.map { row in
           Plot.Series(name: "k/d=\(row.fraction)",
                       points: row.relativeResidual.enumerated().map { (Double($0.offset), $0.element) })
         })
  }

  /// Mean, smallest and final ξ per k/d beside Lemma 1's bound.
  public func markdown() -> String {
    var lines = ["| k/d | mean ξ | smallest ξ | ξ, last 10% | Lemma 1: E ξ ≥ k/d |", "|---:|---:|---:|---:|---:|"]
    for r in rows {
      lines.append(String(format: "| %g | %.4f | %.4f | %.4f | %g |", r.fraction, r.meanXi, r.smallestXi, r.finalXi, r.lemma1Bound))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
