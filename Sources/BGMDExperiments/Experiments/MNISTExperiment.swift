import BGMD
/// The paper's MNIST setting at CPU scale: an MLP trained with b workers'
/// mini-batches per iteration on a fixed train/test split, one `CellResult`
/// per (setting, method, seed).
///
/// Each cell builds its task from its seed (the iid or non-iid partition of
/// §7.1 and the He initialisation) and runs `TrainingRun.runToEnd`, so a
/// run that throws or diverges is recorded with the accuracy of the last
/// iterate it reached.
public struct MNISTExperiment: Sendable {
  /// The training samples.
  public var train: LabelledDataSet
  /// The test samples (accuracy is measured on these).
  public var test: LabelledDataSet
  /// Hidden layer widths ([128]: the MLP 784–128–10, d = 101,770).
  public var hidden: [Int]
  /// b, mini-batches per iteration (10 in the paper's MNIST runs).
  public var workers: Int
  /// Samples per mini-batch (64 in the paper's MNIST runs).
  public var batchSize: Int
  /// The non-iid shard partition of §7.1 instead of iid.
  public var nonIID: Bool
  /// T, iterations per run.
  public var iterations: Int
  /// γ (Algorithm 1 as printed: x ← x − g̃ with g̃ aggregated from γG + m̂).
  public var stepSize: Double
  /// Evaluate every this many iterations (and at the end); nil evaluates
  /// only at the start and the end.
  public var evaluateEvery: Int?
  /// Keep the evaluation points in each cell.
  public var recordCurve: Bool
  /// Keep ξ of every iteration in each cell.
  public var recordRetainedFractions: Bool
  /// Keep the wall-clock phases of every step in each cell (`StepTiming`).
  public var recordStepTimings: Bool

  public init(train: LabelledDataSet, test: LabelledDataSet, hidden: [Int] = [128], workers: Int = 10,
              batchSize: Int = 64, nonIID: Bool = false, iterations: Int, stepSize: Double = 0.1,
              evaluateEvery: Int? = nil, recordCurve: Bool = false, recordRetainedFractions: Bool = false,
              recordStepTimings: Bool = false) {
    self.train = train
    self.test = test
    self.hidden = hidden
    self.workers = workers
    self.batchSize = batchSize
    self.nonIID = nonIID
    self.iterations = iterations
    self.stepSize = stepSize
    self.evaluateEvery = evaluateEvery
    self.recordCurve = recordCurve
    self.recordRetainedFractions = recordRetainedFractions
    self.recordStepTimings = recordStepTimings
  }

  /// The layer widths of the MLP: inputs, `hidden`, classes.
  public var layerSizes: [Int] { [train.featureCount] + hidden + [train.classCount] }

  /// d, the MLP's parameter count (101,770 for 784–128–10).
  public var dimension: Int { MLP<Double>(layerSizes: layerSizes).parameterCount }

  /// The model's name in tables: `mlp784-128-10`.
  public var modelName: String { "mlp" + layerSizes.map(String.init).joined(separator: "-") }

  /// The MNIST CSV file shuffled with `splitSeed` and split into
  /// `trainCount` training samples and the rest (4,000/1,000 for the
  /// 5,000-digit file); `limit` keeps only the first samples of the
  /// shuffled order (for small runs).
  /// - Throws: the loader's `DataError`s.
  public static func split(path: String, trainFraction: Double = 0.8, splitSeed: UInt64 = 0,
                           limit: Int? = nil) throws -> (train: LabelledDataSet, test: LabelledDataSet) {
    var all = try MNISTCSV.load(path: path)
    if let limit, limit < all.count {
      let (head, _) = try all.shuffledSplit(trainCount: limit, seed: splitSeed)
      all = head
    }
    return try all.shuffledSplit(trainCount: Int((Double(all.count) * trainFraction).rounded()), seed: splitSeed)
  }

  /// Samples seen per iteration over the training set size.
  public var epochsPerIteration: Double { Double(workers * batchSize) / Double(train.count) }

  /// The iterations that make `epochs` passes over the training set
  /// (rounded up, at least 1).
  public func iterations(forEpochs epochs: Double) -> Int {
    Swift.max(1, Int((epochs / epochsPerIteration).rounded(.up)))
  }

  /// Everything but the cell that decides its result: a rerun with another
  /// fingerprint does not reuse checkpointed cells.
  public var fingerprint: String {
    "\(modelName)/n\(train.count)+\(test.count)/b\(workers)x\(batchSize)/\(nonIID ? "non-iid" : "iid")"
      + "/T\(iterations)/step\(stepSize)/eval\(evaluateEvery.map(String.init) ?? "end")"
      + (recordStepTimings ? "/timed" : "")
  }

  /// The training task of `seed`.
  /// - Throws: `DataError` when the partition cannot be made.
  public func task(seed: UInt64) throws -> TrainingTask {
    try TrainingTask.mlp(train: train, test: test, hidden: hidden, workers: workers, batchSize: batchSize,
                         nonIID: nonIID, seed: seed)
  }

  /// Runs one cell.
  /// - Throws: `CorruptionSpecError`, `DataError`, shape errors (errors
  ///   during the steps are recorded in the result, not thrown).
  public func run(_ cell: CellSpec, experiment: String) throws -> CellResult {
    let training = TrainingRun(
      task: try task(seed: cell.seed), method: cell.method, corruption: cell.setting.corruption,
      schedule: cell.setting.schedule, iterations: iterations, stepSize: stepSize,
      evaluateEvery: evaluateEvery ?? iterations, seed: cell.seed)
    let curve = try training.runToEnd()
    let last = curve.points.last
    let loss = last?.evaluation.loss ?? .nan
    let points = curve.points.map {
      CellPoint(iteration: $0.iteration, seconds: $0.seconds, loss: $0.evaluation.loss,
                accuracy: $0.evaluation.accuracy ?? .nan)
    }
    return CellResult(
      experiment: experiment, configuration: fingerprint, setting: cell.setting.name, method: cell.method.label,
      seed: cell.seed, accuracy: last?.evaluation.accuracy ?? .nan, loss: loss, seconds: last?.seconds ?? 0,
      iterations: last?.iteration ?? 0, diverged: curve.stoppedBy != nil || !loss.isFinite,
      stoppedBy: curve.stoppedBy, meanRetainedFraction: curve.meanRetainedFraction,
      curve: recordCurve ? points : nil,
      retainedFractions: recordRetainedFractions ? curve.retainedFractions : nil,
      stepTimings: recordStepTimings ? curve.stepTimings : nil)
  }
}
