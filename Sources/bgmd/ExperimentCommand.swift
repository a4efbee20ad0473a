import ArgumentParser
import BGMD
import BGMDExperiments
import Plotting
import Foundation

/// `bgmd experiment`: the reproduction of the paper's experiments on MNIST
/// at CPU scale (the logic is in the library's `Experiments/`).
struct Experiment: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Reproduce the paper's MNIST experiments at CPU scale (Table 3, speed-up, ablation, residual).",
    subcommands: [Table3.self, Speedup.self, Ablation.self, Residual.self, ExperimentReport.self]
  )
}

/// Options shared by the experiment subcommands.
struct ExperimentOptions: ParsableArguments {
  @Option(help: "Seeds 1…N per cell.") var seeds: Int = 3
  @Option(help: "Passes over the training set (overrides the default iteration count).") var epochs: Double?
  @Option(help: "Iterations T per run (overrides --epochs).") var iterations: Int?
  @Option(help: "Output directory.") var out: String = "Proofs/experiments"
  @Option(help: "The MNIST CSV file.") var data: String = "fixtures/data/mnist_5k.csv"
  @Option(help: "Cells run side by side.") var jobs: Int = 2
  @Option(help: "The step γ.") var step: Double = 0.1
  @Flag(help: "The non-iid shard partition of §7.1 instead of iid.") var nonIid = false
  @Option(help: "Use only this many samples of the file (small runs).") var samples: Int?
  @Option(help: "Stop after this many new cells (a rerun resumes).") var cellLimit: Int?

  func validate() throws {
    guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    if let epochs, !(epochs > 0) { throw ValidationError("--epochs must be positive") }
    guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") }
  }

  /// The experiment setup with T from --iterations, --epochs or the default.
  func experiment(defaultIterations: Int, evaluateEvery: Int? = nil, curves: Bool = false,
                  retained: Bool = false) throws -> MNISTExperiment {
    let (train, test) = try MNISTExperiment.split(path: data, limit: samples)
    var setup = MNISTExperiment(train: train, test: test, nonIID: nonIid, iterations: defaultIterations,
                                stepSize: step, recordCurve: curves, recordRetainedFractions: retained)
    if let iterations { setup.iterations = iterations } else if let epochs { setup.iterations = setup.iterations(forEpochs: epochs) }
    if let evaluateEvery { setup.evaluateEvery = Swift.max(1, Swift.min(evaluateEvery, setup.iterations)) }
    return setup
  }

  /// Runs a grid of curve cells and writes `<stem>.json`, `<stem>.md` and
  /// `<stem>.svg` from its summary (and prints the Markdown).
  func runCurves<Summary: CurveSummary>(
    stem: String, setup: MNISTExperiment, settings: [ExperimentSetting], methods: [MethodSpec],
    metadata extra: [String: String] = [:], summarize: ([CellResult], [String: String]) throws -> Summary
  ) throws {
    let grid = CurveExperiment(name: stem, experiment: setup, settings: settings, methods: methods,
                               seeds: seeds, outputDirectory: out, jobs: jobs, cellLimit: cellLimit)
    let outcome = try grid.run(progress: progress())
    var meta = metadata()
    meta["configuration"] = setup.fingerprint
    meta["complete"] = String(outcome.complete)
    meta.merge(extra) { _, new in new }
    let summary = try summarize(outcome.results, meta)
    try grid.write(encodeResult(summary), to: "\(stem).json")
    try grid.write(summary.markdown(), to: "\(stem).md")
    try grid.write(SVGPlot.document(summary.plot()), to: "\(stem).svg")
    try Output.write(summary.markdown())
  }

  /// What goes into every result file: the command line and the machine.
  func metadata() -> [String: String] {
    var info = MachineDescription.current()
    info["command"] = (["bgmd"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    info["date"] = ISO8601DateFormatter().string(from: Date())
    return info
  }

  /// A progress callback that writes to stderr only when it is a terminal.
  func progress() -> @Sendable (RunnerProgress) -> Void {
    guard isatty(2) != 0 else { return { _ in } }
    return { p in
      let c = p.last
      let line = String(format: "\r[%d/%d] %@ %@ seed %llu: acc %.3f%@   ", p.finished, p.total, c.setting, c.method,
                        c.seed, c.accuracy, c.diverged ? " (diverged)" : "")
      Output.progress(line)
      if p.finished == p.total { Output.progress("\n") }
    }
  }
}

/// `bgmd experiment table3`.
struct Table3: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Table 3: test accuracy (mean ± std over seeds) per setting and method.",
    discussion: """
      Rows: clean; bit-flip, additive, feature-additive, impulse, backdoor at \
      20% and 40% (dynamic schedule, §7.2); bit-flip and additive at 20% and \
      40% under the fixed schedule. Columns: sgd, cmd, gmd, bgmd (k = 0.1·d, \
      successive, averaged memory), bgmd/top-k, bgmd/per-row, \
      bgmd/filtered-mean, bgmd/norm-filtered (robust memories; \
      --methods bgmd/coordinate-median adds a third). MLP 784–128–10 \
      on the 4,000/1,000 split, b = 10 mini-batches of 64; default 100 \
      iterations (16 epochs). Each finished cell is appended to \
      table3.checkpoint.jsonl; a rerun skips finished cells. Writes \
      table3.json, table3.md, table3.csv.
      """
  )

  @OptionGroup var options: ExperimentOptions
  @Option(help: ArgumentHelp(
    "Run only these columns (comma-separated labels, e.g. bgmd/filtered-mean); the summary shows every column with cells in the checkpoint.",
    valueName: "labels"))
  var methods: String?

  func validate() throws {
    if let methods, MethodSpec.table3Columns(Self.labels(methods)) == nil {
      throw ValidationError("--methods must be labels among \((MethodSpec.table3 + MethodSpec.table3Optional).map(\.label).joined(separator: ", "))")
    }
  }

  static func labels(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  func run() throws {
    let setup = try options.experiment(defaultIterations: 100)
    var table = Table3Experiment(experiment: setup, seeds: options.seeds, outputDirectory: options.out,
                                 jobs: options.jobs, cellLimit: options.cellLimit)
    if let methods, let chosen = MethodSpec.table3Columns(Self.labels(methods)) {
      // Run only the chosen columns, then summarise every column: the
      // others' cells come from the checkpoint (a limit of 0 new cells).
      var only = table
      only.methods = chosen
      _ = try only.run(metadata: options.metadata(), progress: options.progress())
      table.cellLimit = 0
    }
    let (summary, outcome) = try table.run(metadata: options.metadata(), progress: options.progress())
    try Output.write(summary.markdown())
    try Output.line("cells: \(outcome.reused) reused, \(outcome.ran) run\(outcome.complete ? "" : " (incomplete: rerun to resume)")")
  }
}

/// `bgmd experiment speedup`.
struct Speedup: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Test accuracy against wall clock, and the per-step aggregation time T_a and gradient time T_b (§5), for SGD, CMD, GMD and BGMD under bit flip 40%.",
    discussion: """
      Writes speedup.json, speedup.md, speedup.svg: per method the accuracy \
      curve, seconds per epoch, and the per-step times T_a (the optimizer's \
      step: memory, selection, the rule, residual, update) and T_b (the b \
      mini-batch gradients), median and mean over steps, with GMD's T_a and \
      step time over each BGMD variant's. The accuracy runs time the MLP \
      784–128–10 (d = 101,770); --timing-hidden adds timing-only runs of \
      wider MLPs (default 1280: 784–1280–10, d = 1,017,610), --timing-steps \
      steps each, one seed, one cell at a time, checkpointed to \
      <stem>.timing.checkpoint.jsonl.
      """
  )

  @OptionGroup var options: ExperimentOptions
  @Option(help: "The target test accuracy (a fraction).") var target: Double = 0.8
  @Option(help: "Evaluate every N iterations.") var evaluateEvery: Int = 10
  @Option(help: "The Table 3 setting (files are named speedup-<setting> unless it is bit-flip-40).")
  var setting: String = "bit-flip-40"
  @Option(help: "BGMD memories beside averaged (comma-separated: per-row, coordinate-median, filtered-mean, norm-filtered, none).")
  var memories: String = SpeedupGrid.defaultMemories.map(\.rawValue).joined(separator: ",")
  @Option(help: ArgumentHelp("Hidden widths of the timing-only MLPs (comma-separated; empty for none).", valueName: "widths"))
  var timingHidden: String = SpeedupGrid.defaultTimingHidden.map(String.init).joined(separator: ",")
  @Option(help: "Steps of each timing-only run.") var timingSteps: Int = SpeedupGrid.defaultTimingSteps

  func validate() throws {
    guard parsedMemories() != nil else { throw ValidationError("--memories: unknown memory variant in \(memories)") }
    guard parsedTimingHidden() != nil else { throw ValidationError("--timing-hidden must be positive integers, comma-separated") }
    guard timingSteps >= 1 else { throw ValidationError("--timing-steps must be at least 1") }
    guard ExperimentSetting.named(setting) != nil else {
      throw ValidationError("--setting must be one of \(ExperimentSetting.table3.map(\.name).joined(separator: ", "))")
    }
  }

  func run() throws {
    var setup = try options.experiment(defaultIterations: 100, evaluateEvery: evaluateEvery, curves: true)
    setup.recordStepTimings = true
    let setting = ExperimentSetting.named(self.setting) ?? ExperimentSetting.corrupted(.bitFlip, percent: 40)
    let stem = setting.name == "bit-flip-40" ? "speedup" : "speedup-\(setting.name)"
    let methods = SpeedupGrid.methods(memories: parsedMemories() ?? [])
    let labels = methods.map(\.label)
    let timing = SpeedupGrid.timingSetups(setup, hidden: parsedTimingHidden() ?? [], steps: timingSteps)
    var tables: [PhaseTimingSummary] = []
    for wide in timing {
      let grid = CurveExperiment(name: "\(stem).timing", experiment: wide, settings: [setting], methods: methods,
                                 seeds: 1, outputDirectory: options.out, jobs: 1, cellLimit: options.cellLimit)
      let outcome = try grid.run(progress: options.progress())
      tables.append(PhaseTimingSummary(cells: outcome.results.filter { $0.setting == setting.name }, methods: labels,
                                       model: wide.modelName, dimension: wide.dimension,
                                       iterations: wide.iterations, jobs: 1))
    }
    try options.runCurves(stem: stem, setup: setup, settings: [setting], methods: methods,
                          metadata: ["jobs": String(options.jobs)]) { cells, meta in
      let own = PhaseTimingSummary(cells: cells.filter { $0.setting == setting.name }, methods: labels,
                                   model: setup.modelName, dimension: setup.dimension,
                                   iterations: setup.iterations, jobs: options.jobs)
      return SpeedupSummary(cells: cells, methods: labels, setting: setting.name,
                            target: target, epochsPerIteration: setup.epochsPerIteration, metadata: meta,
                            timing: [own] + tables)
    }
  }
}

/// `bgmd experiment ablation`.
struct Ablation: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "BGMD with k ∈ {0.01, 0.05, 0.1, 0.2, 1}·d, with and without memory (Figure 6), clean.",
    discussion: "Writes ablation.json, ablation.md, ablation.svg."
  )

  @OptionGroup var options: ExperimentOptions
  @Option(help: "Evaluate every N iterations.") var evaluateEvery: Int = 10
  @Option(help: "The memories of the \"with memory\" columns (comma-separated, e.g. averaged,filtered-mean).")
  var memories: String = "averaged"

  func validate() throws {
    guard parseMemories(memories) != nil else { throw ValidationError("--memories: unknown memory variant in \(memories)") }
  }

  func run() throws {
    let setup = try options.experiment(defaultIterations: 100, evaluateEvery: evaluateEvery, curves: true)
    let methods = AblationSummary.methods(memories: parseMemories(memories) ?? [.averaged])
    try options.runCurves(stem: "ablation", setup: setup, settings: [.clean], methods: methods) { cells, meta in
      AblationSummary(cells: cells, methods: methods, setting: "clean", metadata: meta)
    }
  }
}

/// `bgmd experiment residual`.
struct Residual: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The relative residual 1 − ξ over training for several k/d (Figure 7), clean.",
    discussion: "Writes residual.json (mean ξ per k/d, cited by lemma1/xi-in-practice), residual.md, residual.svg."
  )

  @OptionGroup var options: ExperimentOptions

  func run() throws {
    let setup = try options.experiment(defaultIterations: 100, retained: true)
    let methods = ResidualSummary.fractions.map { MethodSpec(method: .bgmd, fraction: $0) }
    try options.runCurves(stem: "residual", setup: setup, settings: [.clean], methods: methods) { cells, meta in
      ResidualSummary(cells: cells, methods: methods, setting: "clean", metadata: meta)
    }
  }
}

/// `bgmd experiment report`.
struct ExperimentReport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write RESULTS.md from the result files in the output directory.",
    discussion: "Every number comes from table3.json, speedup.json, ablation.json, residual.json; --notes adds prose verbatim."
  )

  @Option(help: "The directory with the result files.") var out: String = "Proofs/experiments"
  @Option(help: "A Markdown file of prose to include after the tables.") var notes: String?

  func run() throws {
    let text = try notes.map { try String(contentsOfFile: $0, encoding: .utf8) }
    let report = try ResultsReport(directory: out).markdown(notes: text)
    try report.write(toFile: (out as NSString).appendingPathComponent("RESULTS.md"), atomically: true, encoding: .utf8)
    try Output.line("wrote \((out as NSString).appendingPathComponent("RESULTS.md"))")
  }
}

/// Memory variants from a comma-separated list of their ids, nil when one
/// is unknown.
func parseMemories(_ text: String) -> [MemoryVariant]? {
  let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  let parsed = ids.compactMap(MemoryVariant.init(rawValue:))
  return parsed.count == ids.count ? parsed : nil
}

extension Speedup {
  func parsedMemories() -> [MemoryVariant]? { parseMemories(memories) }

  /// The widths of --timing-hidden, nil when one is not a positive integer.
  func parsedTimingHidden() -> [Int]? {
    let parts = timingHidden.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let widths = parts.compactMap { Int($0) }.filter { $0 >= 1 }
    return widths.count == parts.count ? widths : nil
  }
}

/// Pretty JSON with sorted keys (non-finite numbers as strings).
func encodeResult<T: Encodable>(_ value: T) throws -> String {
  String(decoding: try CheckpointFile.encoder(pretty: true).encode(value), as: UTF8.self) + "\n"
}
