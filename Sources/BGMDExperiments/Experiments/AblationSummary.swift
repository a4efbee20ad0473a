import BGMD
import Plotting
/// The ablation of the paper's Figure 6: BGMD with block fraction k/d in
/// {0.01, 0.05, 0.1, 0.2, 1} with and without memory; final test accuracy
/// and the accuracy curves.
public struct AblationSummary: Sendable, Codable {
  /// One (k/d, memory) pair.
  public struct Row: Sendable, Codable {
    public var fraction: Double
    public var memory: String
    public var method: String
    public var seeds: Int
    public var accuracyMean: Double
    public var accuracyStd: Double
    public var diverged: Int
    public var curve: MeanCurve
  }

  public var metadata: [String: String]
  public var setting: String
  public var rows: [Row]

  /// The block fractions of Figure 6.
  public static let fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 1]

  /// The methods of the ablation: BGMD (successive) per fraction, with
  /// each memory in `memories` (default: averaged, as printed) and without
  /// memory.
  public static func methods(fractions: [Double] = fractions,
                             memories: [MemoryVariant] = [.averaged]) -> [MethodSpec] {
    (memories.filter { $0 != .none } + [.none]).flatMap { memory in
      fractions.map { MethodSpec(method: .bgmd, memory: memory, fraction: $0) }
    }
  }

  public init(cells: [CellResult], methods: [MethodSpec], setting: String, metadata: [String: String]) {
    rows = methods.compactMap { spec in
      let group = cells.filter { $0.method == spec.label && $0.setting == setting }
      guard !group.isEmpty else { return nil }
      let (mean, std) = meanAndStandardDeviation(group.map(\.accuracy))
      return Row(fraction: spec.fraction, memory: spec.memory.rawValue, method: spec.label, seeds: group.count,
                 accuracyMean: mean, accuracyStd: std, diverged: group.filter(\.diverged).count,
                 curve: MeanCurve(group))
    }
    self.metadata = metadata
    self.setting = setting
  }

  /// Test accuracy against iterations; dashed lines without memory.
  public func plot() -> Plot {
    Plot(title: "BGMD: block size k/d with and without memory (\(setting))", xLabel: "iteration",
         yLabel: "test accuracy",
         series: rows.map { row in
           Plot.Series(name: "k/d=\(row.fraction) \(row.memory == "none" ? "no memory" : "memory \(row.memory)")",
                       points: zip(row.curve.iterations, row.curve.accuracy).map { (Double($0), $1) },
                       style: row.memory == "none" ? "dashed" : nil)
         })
  }

  /// Final accuracy: rows k/d, columns with and without memory.
  public func markdown() -> String {
    let memories = rows.map(\.memory).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
      .sorted { ($0 == "none" ? 1 : 0, 0) < ($1 == "none" ? 1 : 0, 0) }
    var lines = ["| k/d | " + memories.map { $0 == "none" ? "without memory" : "with memory (\($0))" }.joined(separator: " | ") + " |",
                 "|---:|" + memories.map { _ in "---:|" }.joined()]
    let fractions = rows.map(\.fraction).reduce(into: [Double]()) { if !$0.contains($1) { $0.append($1) } }
    for f in fractions {
      func cell(_ memory: String) -> String {
        guard let r = rows.first(where: { $0.fraction == f && $0.memory == memory }) else { return "–" }
        return String(format: "%.1f ± %.1f", 100 * r.accuracyMean, 100 * r.accuracyStd) + (r.diverged > 0 ? " †\(r.diverged)" : "")
      }
      lines.append("| \(f) | " + memories.map(cell).joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
