import BGMD
import Foundation

/// The reproduction of the paper's Table 3: every setting × method × seed
/// of an `MNISTExperiment`, checkpointed cell by cell, summarised as
/// `table3.json`, `table3.md` and `table3.csv` in the output directory.
public struct Table3Experiment: Sendable {
  /// The training setup shared by every cell.
  public var experiment: MNISTExperiment
  /// The rows (default: the paper's §7.2 settings and the fixed-schedule
  /// extras).
  public var settings: [ExperimentSetting]
  /// The columns.
  public var methods: [MethodSpec]
  /// Seeds 1…seeds.
  public var seeds: Int
  /// Where the files go.
  public var outputDirectory: String
  /// Cells run side by side.
  public var jobs: Int
  /// Stop after this many new cells (tests of resumption).
  public var cellLimit: Int?

  public init(experiment: MNISTExperiment, settings: [ExperimentSetting] = ExperimentSetting.table3,
              methods: [MethodSpec] = MethodSpec.table3, seeds: Int = 3, outputDirectory: String,
              jobs: Int = 1, cellLimit: Int? = nil) {
    self.experiment = experiment
    self.settings = settings
    self.methods = methods
    self.seeds = seeds
    self.outputDirectory = outputDirectory
    self.jobs = jobs
    self.cellLimit = cellLimit
  }

  /// The grid, run and checkpointed cell by cell like every curve
  /// experiment (`table3.checkpoint.jsonl`), seed by seed (every setting and
  /// method of seed 1 first), so an interrupted grid has whole tables for the
  /// first seeds.
  public var grid: CurveExperiment {
    CurveExperiment(name: "table3", experiment: experiment, settings: settings, methods: methods, seeds: seeds,
                    outputDirectory: outputDirectory, jobs: jobs, cellLimit: cellLimit)
  }

  /// The cells in run order.
  public var cells: [CellSpec] { grid.cells }

  /// The checkpoint file in the output directory.
  public var checkpoint: CheckpointFile { grid.checkpoint }

  /// Runs the missing cells and, when the grid is complete, writes the
  /// summary files (a partial grid writes them too, marked `complete:
  /// false` in the metadata).
  /// - Parameters:
  ///   - metadata: written into `table3.json` (command, machine, …).
  ///   - progress: called after each finished cell.
  /// - Throws: file errors, the cells' setup errors.
  public func run(metadata: [String: String] = [:],
                  progress: @Sendable (RunnerProgress) -> Void = { _ in }) throws -> (summary: Table3Summary, outcome: RunnerOutcome) {
    let grid = self.grid
    let start = Date()
    let outcome = try grid.run(progress: progress)
    var meta = metadata
    meta["configuration"] = experiment.fingerprint
    meta["iterations"] = String(experiment.iterations)
    meta["epochs"] = String(format: "%.2f", Double(experiment.iterations) * experiment.epochsPerIteration)
    meta["complete"] = String(outcome.complete)
    meta["cellsReused"] = String(outcome.reused)
    meta["cellsRun"] = String(outcome.ran)
    meta["wallSecondsThisInvocation"] = String(format: "%.1f", Date().timeIntervalSince(start))
    meta["paperNumbers"] = "paper-table3.json: the paper's Table 3 as printed"
    let summary = Table3Summary(cells: outcome.results, settings: settings.map(\.name), methods: methods.map(\.label),
                                metadata: meta)
    try grid.write(summary.json(), to: "table3.json")
    try grid.write(summary.markdown(), to: "table3.md")
    try grid.write(Self.csv(outcome.results), to: "table3.csv")
    return (summary, outcome)
  }

  /// One line per finished cell.
  public static func csv(_ cells: [CellResult]) -> String {
    var lines = ["setting,method,seed,accuracy,loss,seconds,iterations,diverged,mean_xi"]
    for c in cells {
      lines.append("\(c.setting),\(c.method),\(c.seed),\(c.accuracy),\(c.loss),\(c.seconds),\(c.iterations),\(c.diverged),\(c.meanRetainedFraction)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
