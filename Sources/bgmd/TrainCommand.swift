import ArgumentParser
import BGMD
import BGMDExperiments
import ClaimCheck
import Foundation

extension Method: ExpressibleByArgument {}
extension MemoryVariant: ExpressibleByArgument {}
extension SelectionReading: ExpressibleByArgument {}
extension CorruptionSchedule.Kind: ExpressibleByArgument {}

/// The problems `bgmd train` offers.
enum ProblemName: String, CaseIterable, ExpressibleByArgument {
  case quadratic
  case leastSquares = "least-squares"
  case logistic
  case mlp
}

/// How g̃ moves the iterate.
enum UpdateName: String, CaseIterable, ExpressibleByArgument {
  case plain, momentum, nesterov, adam

  var rule: UpdateRule {
    switch self {
    case .plain: return .plain
    case .momentum: return .momentum(beta: 0.9, nesterov: false)
    case .nesterov: return .momentum(beta: 0.9, nesterov: true)
    case .adam: return .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    }
  }
}

/// `bgmd train`: one training run of SGD, CMD, GMD or BGMD, with a curve.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train one problem with one method (optionally under corruption) and write its curve.",
    discussion: """
      Problems: quadratic (an exact PL quadratic, γ = 1/(4L) by default; the \
      curve has the squared distance to the solution set), least-squares, \
      logistic, and mlp (784–128–10 on the MNIST file, 4,000/1,000 split; \
      the curve has test accuracy). Corruption KIND:PSI with KIND one of \
      \(CorruptionSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")); \
      feature-additive, impulse and backdoor corrupt data and need mlp. \
      The curve is CSV or JSON by the extension of --out; seconds count \
      training steps only, not evaluations.
      """
  )

  @Option(help: "quadratic, least-squares, logistic or mlp.") var problem: ProblemName = .quadratic
  @Option(help: "sgd, cmd, gmd or bgmd.") var method: Method = .bgmd
  @Option(help: "BGMD's memory: averaged (Algorithm 1 as printed), per-row, none, or the robust coordinate-median, filtered-mean or norm-filtered (Proofs/robust-memory.md).") var memory: MemoryVariant = .averaged
  @Option(help: "BGMD's reading of Algorithm 2.") var selection: SelectionReading = .successive
  @Option(parsing: .unconditional, help: "BGMD's block fraction k/d.") var fraction: Double = 0.1
  @Option(help: "Corruption as KIND:PSI, e.g. bit-flip:0.2.") var corruption: String?
  @Option(help: "fixed (the same slots every iteration) or dynamic (fresh slots each iteration).")
  var schedule: CorruptionSchedule.Kind = .dynamic
  @Option(parsing: .unconditional, help: "Iterations T.") var iterations: Int = 100
  @Option(help: "The run's seed.") var seed: UInt64 = 1
  @Option(help: "Where to write the curve (.csv or .json); printed as CSV when absent.") var out: String?
  @Option(parsing: .unconditional, help: "The step γ (default: the problem's).") var step: Double?
  @Option(parsing: .unconditional, help: "b, the rows (workers) per iteration.") var workers: Int = 10
  @Option(parsing: .unconditional, help: "d for quadratic, least-squares and logistic.") var dimension: Int?
  @Option(parsing: .unconditional, help: "Mini-batch size per worker (data problems).") var batchSize: Int?
  @Option(parsing: .unconditional, help: "Geometric median: the certified relative accuracy ε.") var epsilon: Double = 1e-6
  @Option(help: "plain (x ← x − g̃), momentum, nesterov or adam (the authors' code).") var update: UpdateName = .plain
  @Option(help: "mlp: the MNIST CSV file.") var data: String = "fixtures/data/mnist_5k.csv"
  @Flag(help: "mlp: the non-iid shard partition of §7.1 instead of iid.") var nonIid = false
  @Option(parsing: .unconditional, help: "Evaluate every N iterations.") var evaluateEvery: Int?

  func validate() throws {
    try OptionRange.atLeast("iterations", iterations, 1)
    try OptionRange.atLeast("workers", workers, 1)
    try OptionRange.within("fraction", fraction, lower: 0, lowerIncluded: false, upper: 1, upperIncluded: true,
                           "the block size as a fraction of d")
    try OptionRange.within("epsilon", epsilon, lower: 0, lowerIncluded: false, "the certified relative accuracy")
    try OptionRange.within("step", step, lower: 0, lowerIncluded: false, "the step γ")
    try OptionRange.atLeast("dimension", dimension, 1, "d, the number of coordinates")
    try OptionRange.atLeast("batch-size", batchSize, 1, "samples per worker and mini-batch")
    try OptionRange.atLeast("evaluate-every", evaluateEvery, 1)
    if let out, !(out.hasSuffix(".csv") || out.hasSuffix(".json")) {
      throw ValidationError("--out must end in .csv or .json")
    }
  }

  func makeTask() throws -> TrainingTask {
    switch problem {
    case .quadratic:
      return TrainingTask.quadratic(dimension: dimension ?? 20, workers: workers, seed: seed)
    case .leastSquares:
      return try TrainingTask.leastSquares(dimension: dimension ?? 50, workers: workers,
                                           batchSize: batchSize ?? 16, seed: seed)
    case .logistic:
      return try TrainingTask.logistic(dimension: dimension ?? 50, workers: workers,
                                       batchSize: batchSize ?? 16, seed: seed)
    case .mlp:
      let all = try MNISTCSV.load(path: data)
      let (train, test) = try all.shuffledSplit(trainCount: all.count * 4 / 5, seed: 0)
      return try TrainingTask.mlp(train: train, test: test, workers: workers, batchSize: batchSize ?? 64,
                                  nonIID: nonIid, seed: seed)
    }
  }

  func run() throws {
    let spec = try corruption.map { try CorruptionSpec(parsing: $0) }
    let task = try makeTask()
    let methodSpec = MethodSpec(method: method, memory: memory, reading: selection, fraction: fraction, epsilon: epsilon)
    let every = evaluateEvery ?? Swift.max(1, iterations / 20)
    let training = TrainingRun(task: task, method: methodSpec, corruption: spec, schedule: schedule,
                               iterations: iterations, stepSize: step, update: update.rule,
                               evaluateEvery: every, seed: seed)
    let terminal = isatty(2) != 0
    let curve = try training.run { point in
      guard terminal else { return }
      var line = "\r[\(point.iteration)/\(iterations)] loss \(format(point.evaluation.loss))"
      if let d = point.evaluation.squaredDistance { line += "  dist² \(format(d))" }
      if let a = point.evaluation.accuracy { line += "  acc \(format(a))" }
      line += "  \(format(point.seconds)) s"
      Output.progress(line)
    }
    if terminal { Output.progress("\n") }
    let text: String
    if let out, out.hasSuffix(".json") {
      text = try json(curve, task: task, method: methodSpec, corruption: spec)
    } else {
      text = csv(curve)
    }
    if let out {
      do {
        try text.write(toFile: out, atomically: true, encoding: .utf8)
      } catch {
        throw ValidationError("cannot write \(out): \(error.localizedDescription)")
      }
    } else {
      try Output.write(text)
    }
  }

  func format(_ x: Double) -> String { String(format: "%.6g", x) }

  func csv(_ curve: TrainingCurve) -> String {
    var lines = ["iteration,seconds,loss,squared_distance,accuracy"]
    for p in curve.points {
      let e = p.evaluation
      lines.append([String(p.iteration), "\(p.seconds)", "\(e.loss)",
                    e.squaredDistance.map { "\($0)" } ?? "", e.accuracy.map { "\($0)" } ?? ""].joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The curve as one JSON object (keys sorted, through `ClaimCheckJSON`);
  /// absent values (squared distance, accuracy) are null.
  func json(_ curve: TrainingCurve, task: TrainingTask, method: MethodSpec, corruption: CorruptionSpec?) throws
    -> String
  {
    let points: [JSONValue] = curve.points.map { p in
      .object([
        "iteration": .number(Double(p.iteration)), "seconds": .number(p.seconds),
        "loss": .number(p.evaluation.loss),
        "squaredDistance": p.evaluation.squaredDistance.map(JSONValue.number) ?? .null,
        "accuracy": p.evaluation.accuracy.map(JSONValue.number) ?? .null,
      ])
    }
    let value: JSONValue = .object([
      "problem": .string(task.name), "dimension": .number(Double(task.dimension)),
      "workers": .number(Double(task.workers)), "method": .string(method.label),
      "corruption": corruption.map { .string($0.description) } ?? .null,
      "schedule": .string(schedule.rawValue), "iterations": .number(Double(iterations)),
      "seed": .number(Double(seed)), "meanRetainedFraction": .number(curve.meanRetainedFraction),
      "curve": .array(points),
    ])
    return try jsonLine(value) + "\n"
  }
}
