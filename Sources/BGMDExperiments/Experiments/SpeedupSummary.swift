import BGMD
import Plotting
/// The speed-up experiment (the paper's accuracy-against-wall-clock plots
/// and its "more than 3x speedup" of BGMD over GMD): per method, the mean
/// curve, the time to reach a target test accuracy, and the seconds per
/// epoch; BGMD's seconds per epoch against GMD's measured in the same run.
public struct SpeedupSummary: Sendable, Codable {
  /// One method's line.
  public struct Row: Sendable, Codable {
    public var method: String
    public var seeds: Int
    /// Final test accuracy, mean over seeds.
    public var finalAccuracy: Double
    /// Seconds of training steps per epoch, mean over seeds.
    public var secondsPerEpoch: Double
    /// Seconds until the evaluated test accuracy first reached the target,
    /// mean over the seeds that reached it (nil when none did).
    public var secondsToTarget: Double?
    /// Seeds that reached the target.
    public var seedsReachingTarget: Int
    public var curve: MeanCurve
  }

  public var metadata: [String: String]
  public var setting: String
  public var targetAccuracy: Double
  public var rows: [Row]
  /// GMD's seconds per epoch over BGMD's (nil when either is missing).
  public var gmdOverBgmdSecondsPerEpoch: Double?
  /// The paper's T_a and T_b (§5) per method, one table per model (d),
  /// from the cells' step timers; nil in files written before they existed.
  public var timing: [PhaseTimingSummary]?

  /// - Parameter epochsPerIteration: samples per iteration over the
  ///   training set size.
  ///   - timing: the T_a/T_b tables (per model), nil to leave them out.
  public init(cells: [CellResult], methods: [String], setting: String, target: Double, epochsPerIteration: Double,
              metadata: [String: String], timing: [PhaseTimingSummary]? = nil) {
    self.timing = timing
    rows = methods.compactMap { method in
      let group = cells.filter { $0.method == method && $0.setting == setting }
      guard !group.isEmpty else { return nil }
      let perEpoch = group.map { $0.seconds / (Double(Swift.max(1, $0.iterations)) * epochsPerIteration) }
      let times = group.compactMap { cell in cell.curve?.first { $0.accuracy >= target }?.seconds }
      return Row(method: method, seeds: group.count,
                 finalAccuracy: group.map(\.accuracy).reduce(0, +) / Double(group.count),
                 secondsPerEpoch: perEpoch.reduce(0, +) / Double(group.count),
                 secondsToTarget: times.isEmpty ? nil : times.reduce(0, +) / Double(times.count),
                 seedsReachingTarget: times.count, curve: MeanCurve(group))
    }
    let gmd = rows.first { $0.method == "gmd" }?.secondsPerEpoch
    let bgmd = rows.first { $0.method == "bgmd" }?.secondsPerEpoch
    gmdOverBgmdSecondsPerEpoch = gmd.flatMap { g in bgmd.map { g / $0 } }
    self.metadata = metadata
    self.setting = setting
    targetAccuracy = target
  }

  /// The plot: mean test accuracy against seconds of training steps.
  public func plot() -> Plot {
    Plot(title: "Test accuracy against wall clock, \(setting)", xLabel: "seconds of training steps",
         yLabel: "test accuracy",
         series: rows.map { row in
           Plot.Series(name: row.method, points: zip(row.curve.seconds, row.curve.accuracy).map { ($0, $1) })
         })
  }

  /// A Markdown table of the rows and the ratio.
  public func markdown() -> String {
    var lines = ["| method | final accuracy | s / epoch | s to \(Self.percent(targetAccuracy)) accuracy (seeds reaching) |",
                 "|---|---:|---:|---:|"]
    for row in rows {
      let time = row.secondsToTarget.map { Self.format($0) } ?? "not reached"
      lines.append("| \(row.method) | \(Self.percent(row.finalAccuracy)) | \(Self.format(row.secondsPerEpoch)) | \(time) (\(row.seedsReachingTarget)/\(row.seeds)) |")
    }
    if let ratio = gmdOverBgmdSecondsPerEpoch {
      lines.append("")
      lines.append("GMD's seconds per epoch / BGMD's, same run: \(Self.format(ratio))")
    }
    if let timing, !timing.isEmpty {
      lines += ["", "### Aggregation time T_a and gradient time T_b per step (§5)", "",
                "T_a is `BlockDescent.step` (memory, block selection, the rule, residual, the O(d) update); T_b is the oracle's b mini-batch gradients (back-propagation); \"corruption\" is the simulated adversary, which a deployment does not pay; the step is the whole iteration, each phase timed inside it by one monotonic clock. Medians are robust to the other jobs sharing the machine; the means are shown beside them.", ""]
      for table in timing { lines += [table.markdown()] }
      lines += ["The paper's statements:", ""] + PhaseTimingSummary.paperStatements.map { "- \($0)" }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func percent(_ v: Double) -> String { String(format: "%.1f%%", 100 * v) }
  static func format(_ v: Double) -> String { String(format: "%.3g", v) }
}
