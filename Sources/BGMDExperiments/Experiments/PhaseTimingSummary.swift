import BGMD
import Foundation

/// The paper's per-iteration cost split (§5) measured on one model: per
/// method, the aggregation time T_a, the gradient (back-propagation) time
/// T_b, the corruption's simulation and the whole step, each the median and
/// the mean over the steps of every seed pooled; and GMD's time over each
/// BGMD variant's, on T_a (where the paper states its speed-up) and on the
/// whole step (what a user waits for).
///
/// The numbers come from the `StepTiming` records the cells carry
/// (`CellResult.stepTimings`); cells without them are left out.
public struct PhaseTimingSummary: Sendable, Codable, Equatable {
  /// One method's times, in seconds per step.
  public struct Row: Sendable, Codable, Equatable {
    public var method: String
    public var seeds: Int
    /// Steps pooled over the seeds.
    public var steps: Int
    /// T_a: `BlockDescent.step` (memory, selection, the rule, residual, update).
    public var aggregationMedian: Double
    public var aggregationMean: Double
    /// T_b: the oracle's b mini-batch gradients.
    public var gradientMedian: Double
    public var gradientMean: Double
    /// The corruption's schedule and adversary (simulation only).
    public var corruptionMedian: Double
    /// The whole iteration (T_b + corruption + T_a, each timed inside it).
    public var stepMedian: Double
    public var stepMean: Double
  }

  /// GMD's time over one BGMD variant's, from the medians.
  public struct Ratio: Sendable, Codable, Equatable {
    /// The BGMD variant (`bgmd`, `bgmd/norm-filtered`, …).
    public var method: String
    /// GMD's median T_a over this variant's: the paper's claim is ≥ 3.
    public var aggregation: Double
    /// GMD's median step time over this variant's: the end-to-end effect.
    public var step: Double
  }

  /// The model (`mlp784-1280-10`).
  public var model: String
  /// d, its parameter count.
  public var dimension: Int
  /// Steps per run, as configured.
  public var iterations: Int
  /// Cells run side by side while these were timed (1: one at a time).
  public var jobs: Int
  /// How the rows summarise the steps.
  public var statistic: String
  public var rows: [Row]
  public var ratios: [Ratio]

  /// - Parameters:
  ///   - cells: the cells of one model (those without step timings are
  ///     skipped).
  ///   - methods: the methods in table order; GMD is `gmd`, the BGMD
  ///     variants are the labels starting with `bgmd`.
  public init(cells: [CellResult], methods: [String], model: String, dimension: Int, iterations: Int, jobs: Int) {
    self.model = model
    self.dimension = dimension
    self.iterations = iterations
    self.jobs = jobs
    statistic = "median (and mean) over the steps of every seed pooled"
    rows = methods.compactMap { method in
      let group = cells.filter { $0.method == method && $0.stepTimings != nil }
      let steps = group.flatMap { $0.stepTimings ?? [] }
      guard !steps.isEmpty else { return nil }
      return Row(method: method, seeds: group.count, steps: steps.count,
                 aggregationMedian: Self.median(steps.map(\.aggregationSeconds)),
                 aggregationMean: Self.mean(steps.map(\.aggregationSeconds)),
                 gradientMedian: Self.median(steps.map(\.gradientSeconds)),
                 gradientMean: Self.mean(steps.map(\.gradientSeconds)),
                 corruptionMedian: Self.median(steps.map(\.corruptionSeconds)),
                 stepMedian: Self.median(steps.map(\.stepSeconds)),
                 stepMean: Self.mean(steps.map(\.stepSeconds)))
    }
    let rows = self.rows
    if let gmd = rows.first(where: { $0.method == "gmd" }) {
      ratios = rows.filter { $0.method.hasPrefix("bgmd") }.map { row in
        Ratio(method: row.method, aggregation: gmd.aggregationMedian / row.aggregationMedian,
              step: gmd.stepMedian / row.stepMedian)
      }
    } else {
      ratios = []
    }
  }

  /// The median of a non-empty list (the mean of the middle two when even).
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    guard n > 0 else { return .nan }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }

  static func mean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
  }

  /// Milliseconds with three significant digits (whole milliseconds from 100 on).
  static func ms(_ seconds: Double) -> String {
    let v = 1000 * seconds
    return v >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v)
  }

  /// The Markdown table of the rows and the ratios.
  public func markdown() -> String {
    var lines = ["**\(model), d = \(Self.grouped(dimension))** (\(iterations) steps per run; cells run side by side: \(jobs); \(statistic); milliseconds per step):", "",
                 "| method | seeds × steps | T_a median | T_b median | corruption median | step median | T_a mean | T_b mean | step mean | T_a / step |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows {
      let share = String(format: "%.2f", r.aggregationMedian / r.stepMedian)
      lines.append("| \(r.method) | \(r.seeds) × \(r.steps / Swift.max(1, r.seeds)) | \(Self.ms(r.aggregationMedian)) | \(Self.ms(r.gradientMedian)) | \(Self.ms(r.corruptionMedian)) | \(Self.ms(r.stepMedian)) | \(Self.ms(r.aggregationMean)) | \(Self.ms(r.gradientMean)) | \(Self.ms(r.stepMean)) | \(share) |")
    }
    if !ratios.isEmpty {
      lines += ["", "| GMD / … (medians) | on T_a (the paper's claim: ≥ 3) | on the whole step |", "|---|---:|---:|"]
      for r in ratios {
        lines.append("| \(r.method) | \(String(format: "%.2f", r.aggregation)) | \(String(format: "%.2f", r.step)) |")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// 1017610 → "1,017,610".
  static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }

  /// The paper's statements on T_a, T_b and the speed-up, quoted with where
  /// they stand (section, figure; line of the paper's Markdown
  /// transcription in brackets).
  public static let paperStatements = [
    "§5 Computational Complexity Analysis [198]: \"At iteration t, let T_a^(t) denote the time to aggregate the gradients. Also let, T_b^(t) denote the time taken to compute the batch gradients (i.e., time to perform back propagation). […] Now, note that T_b^(t) is approximately the same for all the algorithms mentioned above and for methods like GM-SGD T_b^(t) ≪ T_a^(t). So we focus on T_a^(t) to study the relative computational cost of SGD, GM-SGD, and BGMD.\" and \"T_a^(t) for BGMD is O(k/ε² + bd), where the first term […] is due to computation of GM of ℝ^k-dimensional points. The second term is due to the coordinate sampling procedure.\"",
    "Figure 1, caption [265]: \"BGMD is able to maintain high accuracy in even presence of strong corruption and is at least GMD while attaining at least 3x speedup over GMD.\"",
    "Figure 2, caption [326]: \"Similar to Figure 1, BGMD achieves up to ∼3×x speedup over GMD while being robust.\"",
    "§7.3 Discussion on the Relative Speedup [363]: \"Figure 1, 2 and 3 suggest that under a variety of corruption settings BGMD is able to achieve significant speedup over GMD often by more than 3x while maintaining similar (sometime even better) test performance as GMD.\"",
  ]
}
