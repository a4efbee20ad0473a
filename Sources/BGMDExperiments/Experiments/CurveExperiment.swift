import BGMD
import Foundation

/// A grid of runs that keep their curves (evaluation points and, when asked,
/// ξ per iteration): the speed-up, ablation and residual experiments.
/// Checkpointed cell by cell to `<name>.checkpoint.jsonl` in the output
/// directory, like `Table3Experiment`.
public struct CurveExperiment: Sendable {
  /// `speedup`, `ablation` or `residual`: names the checkpoint and results.
  public var name: String
  /// The training setup (with `recordCurve`, and `recordRetainedFractions`
  /// for the residual).
  public var experiment: MNISTExperiment
  public var settings: [ExperimentSetting]
  public var methods: [MethodSpec]
  /// Seeds 1…seeds.
  public var seeds: Int
  public var outputDirectory: String
  public var jobs: Int
  public var cellLimit: Int?

  public init(name: String, experiment: MNISTExperiment, settings: [ExperimentSetting], methods: [MethodSpec],
              seeds: Int, outputDirectory: String, jobs: Int = 1, cellLimit: Int? = nil) {
    self.name = name
    self.experiment = experiment
    self.settings = settings
    self.methods = methods
    self.seeds = seeds
    self.outputDirectory = outputDirectory
    self.jobs = jobs
    self.cellLimit = cellLimit
  }

  /// The grid seed by seed, then setting, then method.
  public var cells: [CellSpec] {
    (1...UInt64(Swift.max(1, seeds))).flatMap { seed in
      settings.flatMap { setting in methods.map { CellSpec(setting: setting, method: $0, seed: seed) } }
    }
  }

  /// The checkpoint file, `<name>.checkpoint.jsonl` in the output directory.
  public var checkpoint: CheckpointFile { CheckpointFile(path: path("\(name).checkpoint.jsonl")) }

  /// Runs the missing cells.
  /// - Throws: file errors, the cells' setup errors.
  public func run(progress: @Sendable (RunnerProgress) -> Void = { _ in }) throws -> RunnerOutcome {
    try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    let runner = CellRunner(experiment: name, configuration: experiment.fingerprint, checkpoint: checkpoint,
                            jobs: jobs, cellLimit: cellLimit)
    let experiment = self.experiment
    let name = self.name
    return try runner.run(cells, body: { try experiment.run($0, experiment: name) }, progress: progress)
  }

  /// A path in the output directory.
  public func path(_ file: String) -> String { (outputDirectory as NSString).appendingPathComponent(file) }

  /// Writes text to a file in the output directory.
  /// - Throws: the file system's errors.
  public func write(_ text: String, to file: String) throws {
    try text.write(toFile: path(file), atomically: true, encoding: .utf8)
  }
}

/// A curve averaged over seeds, point by point (up to the shortest curve).
public struct MeanCurve: Sendable, Codable, Equatable {
  public var iterations: [Int]
  public var seconds: [Double]
  public var accuracy: [Double]
  public var loss: [Double]

  /// The point-by-point mean of the cells' curves (empty without curves).
  public init(_ cells: [CellResult]) {
    let curves = cells.compactMap(\.curve)
    let n = curves.map(\.count).min() ?? 0
    func mean(_ value: (CellPoint) -> Double) -> [Double] {
      (0..<n).map { i in curves.map { value($0[i]) }.reduce(0, +) / Double(curves.count) }
    }
    iterations = (0..<n).map { i in curves[0][i].iteration }
    seconds = mean(\.seconds)
    accuracy = mean(\.accuracy)
    loss = mean(\.loss)
  }
}
