import BGMD
import Foundation

/// One row of `table3.json`: a (setting, method) pair summarised over seeds.
public struct Table3Row: Sendable, Codable, Equatable {
  public var setting: String
  public var method: String
  /// Mean test accuracy over the seeds (a fraction; diverged runs count
  /// with the accuracy of the last iterate they reached).
  public var accuracyMean: Double
  /// Sample standard deviation over the seeds (0 for one seed).
  public var accuracyStd: Double
  /// Seeds summarised.
  public var seeds: Int
  /// Mean seconds of training steps per run.
  public var seconds: Double
  /// Runs among the seeds whose loss was not finite or that stopped on an
  /// error.
  public var diverged: Int
  /// Mean measured ξ over the runs (1 for methods without a block).
  public var meanRetainedFraction: Double
  /// The paper's Table 3 value, where known (nil: not available here).
  public var paperAccuracy: Double?
}

/// The mean and sample standard deviation of `values` (0 for fewer than 2).
public func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
  guard !values.isEmpty else { return (.nan, .nan) }
  let mean = values.reduce(0, +) / Double(values.count)
  guard values.count > 1 else { return (mean, 0) }
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (mean, (squares / Double(values.count - 1)).squareRoot())
}

/// The paper's Table 3 summary: settings × methods, mean ± std over seeds.
public struct Table3Summary: Sendable, Codable {
  /// What produced the table (the command, the configuration, the machine).
  public var metadata: [String: String]
  public var rows: [Table3Row]

  /// Summarises finished cells, keeping the order of `settings` and
  /// `methods` (pairs without a finished cell are left out).
  /// - Parameter paper: the paper's numbers by setting and method, where
  ///   known.
  public init(cells: [CellResult], settings: [String], methods: [String], metadata: [String: String] = [:],
              paper: [String: [String: Double]] = [:]) {
    var rows: [Table3Row] = []
    for setting in settings {
      for method in methods {
        let group = cells.filter { $0.setting == setting && $0.method == method }
        guard !group.isEmpty else { continue }
        let (mean, std) = meanAndStandardDeviation(group.map(\.accuracy))
        rows.append(Table3Row(
          setting: setting, method: method, accuracyMean: mean, accuracyStd: std, seeds: group.count,
          seconds: group.map(\.seconds).reduce(0, +) / Double(group.count),
          diverged: group.filter(\.diverged).count,
          meanRetainedFraction: group.map(\.meanRetainedFraction).reduce(0, +) / Double(group.count),
          paperAccuracy: paper[setting]?[method]))
      }
    }
    self.metadata = metadata
    self.rows = rows
  }

  /// The JSON text (pretty, sorted keys; non-finite numbers as strings).
  /// - Throws: the encoder's errors.
  public func json() throws -> String {
    String(decoding: try CheckpointFile.encoder(pretty: true).encode(self), as: UTF8.self) + "\n"
  }

  /// The table in the paper's layout: one row per setting, one column per
  /// method, cells `mean ± std` in percent, `†n` when n seeds diverged, and
  /// the paper's value in brackets where known.
  public func markdown() -> String {
    var settings: [String] = []
    var methods: [String] = []
    for row in rows {
      if !settings.contains(row.setting) { settings.append(row.setting) }
      if !methods.contains(row.method) { methods.append(row.method) }
    }
    var lines = ["| setting | " + methods.joined(separator: " | ") + " |",
                 "|---|" + methods.map { _ in "---:" }.joined(separator: "|") + "|"]
    for setting in settings {
      var cells = [setting]
      for method in methods {
        guard let row = rows.first(where: { $0.setting == setting && $0.method == method }) else {
          cells.append("–")
          continue
        }
        var text = String(format: "%.1f ± %.1f", 100 * row.accuracyMean, 100 * row.accuracyStd)
        if row.diverged > 0 { text += " †\(row.diverged)" }
        if let paper = row.paperAccuracy { text += String(format: " [%.1f]", 100 * paper) }
        cells.append(text)
      }
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
