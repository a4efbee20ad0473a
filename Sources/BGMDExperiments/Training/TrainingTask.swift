import BGMD
import ExactArithmetic
import Randomness

/// What a training curve records at one evaluation point.
public struct Evaluation: Sendable, Codable, Equatable {
  /// f(x) (for data problems: the training loss).
  public var loss: Double
  /// ‖x − x_p‖² to the solution set, where it is known exactly.
  public var squaredDistance: Double?
  /// Test accuracy (a fraction), for classification problems.
  public var accuracy: Double?

  public init(loss: Double, squaredDistance: Double? = nil, accuracy: Double? = nil) {
    self.loss = loss
    self.squaredDistance = squaredDistance
    self.accuracy = accuracy
  }
}

/// A problem ready for Algorithm 1 in `Double`: b workers, an honest oracle,
/// an oracle on corrupted data (for the feature and label corruption models),
/// and an evaluation.
public struct TrainingTask: Sendable {
  /// `quadratic`, `least-squares`, `logistic`, `mlp`.
  public var name: String
  /// d.
  public var dimension: Int
  /// b, the rows per iteration.
  public var workers: Int
  /// x_0.
  public var initialIterate: [Double]
  /// The step γ used when none is given (e.g. 1/(4L) for the quadratics, as
  /// in Theorem 2).
  public var defaultStepSize: Double
  /// Worker i's honest stochastic gradient at x.
  public var gradient: @Sendable ([Double], Int, inout Xoshiro256) -> [Double]
  /// Worker i's gradient on corrupted data, for data problems (nil otherwise).
  public var corruptedGradient: (@Sendable ([Double], Int, DataCorruption, inout Xoshiro256) -> [Double])?
  /// The evaluation at x.
  public var evaluate: @Sendable ([Double]) -> Evaluation

  /// The honest b × d matrix G at x (row i from worker i, drawn in order).
  public func honestRows(_ x: [Double], using rng: inout Xoshiro256) -> Matrix<Double> {
    var storage: [Double] = []
    storage.reserveCapacity(workers * dimension)
    for i in 0..<workers { storage.append(contentsOf: gradient(x, i, &rng)) }
    // Exactly workers × dimension entries by construction, so the shape check cannot fail.
    guard let g = try? Matrix(rows: workers, columns: dimension, storage: storage) else {
      preconditionFailure("a task's gradients have length \(dimension)")
    }
    return g
  }
}

extension TrainingTask {
  /// A task over a stochastic problem in `Double` whose workers' oracles need
  /// no corrupted data; x_0 = 0.
  static func stochastic<P: StochasticProblem>(
    _ name: String, _ problem: P, workers: Int, stepSize: Double,
    evaluate: @escaping @Sendable ([Double]) -> Evaluation
  ) -> TrainingTask where P.Element == Double {
    TrainingTask(
      name: name, dimension: problem.dimension, workers: workers,
      initialIterate: Array(repeating: 0, count: problem.dimension), defaultStepSize: stepSize,
      gradient: { x, i, rng in problem.stochasticGradient(x, worker: i, using: &rng) },
      corruptedGradient: nil, evaluate: evaluate)
  }

  /// Throws `DataError.parameter` unless d ≥ 1 and the mini-batch size is
  /// at least 1 (the problems' initialisers would stop on a precondition).
  static func _checkSizes(dimension: Int, batchSize: Int) throws {
    guard dimension >= 1 else { throw DataError.parameter(name: "dimension d", value: dimension, expected: "d ≥ 1") }
    guard batchSize >= 1 else {
      throw DataError.parameter(name: "mini-batch size", value: batchSize, expected: "at least 1 sample per worker")
    }
  }

  /// An exact PL quadratic (`PLQuadraticBuilder`, rank-deficient when
  /// `rank < dimension`) in `Double`, with Rademacher oracle noise of
  /// variance `noiseScale²·d`; γ = 1/(4L); x_0 = 0.
  public static func quadratic(dimension: Int = 20, rank: Int? = nil, workers: Int = 10,
                               noiseScale: Int = 1, seed: UInt64) -> TrainingTask {
    var rng = Xoshiro256(seed: seed, stream: 100)
    let builder = PLQuadraticBuilder(dimension: dimension, rank: rank,
                                     noise: .rademacher(scale: Rational(noiseScale)))
    let exact = builder.build(using: &rng)
    let problem = exact.converted(to: Double.self)
    return stochastic("quadratic", problem, workers: workers, stepSize: 1 / (4 * problem.smoothness)) { x in
      Evaluation(loss: problem.loss(x), squaredDistance: problem.squaredDistanceToSolutionSet(x))
    }
  }

  /// Least squares on a random Gaussian design (n samples, iid over the
  /// workers, mini-batches of `batchSize`); x_0 = 0.
  public static func leastSquares(samples: Int = 2_000, dimension: Int = 50, workers: Int = 10,
                                  batchSize: Int = 16, seed: UInt64) throws -> TrainingTask {
    try _checkSizes(dimension: dimension, batchSize: batchSize)
    var rng = Xoshiro256(seed: seed, stream: 100)
    let partition = try WorkerPartition.iid(sampleCount: samples, workers: workers, using: &rng)
    let (problem, _) = LeastSquares<Double>.random(
      samples: samples, dimension: dimension,
      policy: MiniBatchPolicy(partition: partition, batchSize: batchSize), using: &rng)
    return stochastic("least-squares", problem, workers: workers, stepSize: 0.05) { x in
      Evaluation(loss: problem.loss(x))
    }
  }

  /// Binary logistic regression on random data; x_0 = 0.
  public static func logistic(samples: Int = 2_000, dimension: Int = 50, workers: Int = 10,
                              batchSize: Int = 16, seed: UInt64) throws -> TrainingTask {
    try _checkSizes(dimension: dimension, batchSize: batchSize)
    var rng = Xoshiro256(seed: seed, stream: 100)
    let partition = try WorkerPartition.iid(sampleCount: samples, workers: workers, using: &rng)
    let problem = LogisticRegression<Double>.random(
      samples: samples, dimension: dimension,
      policy: MiniBatchPolicy(partition: partition, batchSize: batchSize), using: &rng)
    return stochastic("logistic", problem, workers: workers, stepSize: 0.5) { x in
      Evaluation(loss: problem.loss(x), accuracy: problem.accuracy(x))
    }
  }

  /// An MLP (`layers`, e.g. [784, 128, 10]) on `train`, evaluated on `test`:
  /// b workers, mini-batches of `batchSize`, iid or the non-iid shards of
  /// §7.1; He initialisation from the seed; loss on at most `lossSamples`
  /// training samples (all when nil).
  public static func mlp(train: LabelledDataSet, test: LabelledDataSet, hidden: [Int] = [128],
                         workers: Int = 10, batchSize: Int = 64, nonIID: Bool = false,
                         weightDecay: Double = 0, lossSamples: Int? = 1_000, seed: UInt64) throws -> TrainingTask {
    try _checkSizes(dimension: 1, batchSize: batchSize)
    var rng = Xoshiro256(seed: seed, stream: 100)
    let partition = nonIID
      ? try WorkerPartition.nonIID(labels: train.labels, workers: workers, using: &rng)
      : try WorkerPartition.iid(sampleCount: train.count, workers: workers, using: &rng)
    let network = MLP<Double>(layerSizes: [train.featureCount] + hidden + [train.classCount], weightDecay: weightDecay)
    let problem = MLPProblem(network: network, data: train,
                             policy: MiniBatchPolicy(partition: partition, batchSize: batchSize))
    let lossProblem = lossSamples.map { n in
      MLPProblem(network: network, data: train.subset(Array(0..<Swift.min(n, train.count))),
                 policy: problem.policy)
    } ?? problem
    let initial = network.initialParameters(.he, using: &rng)
    return TrainingTask(
      name: "mlp", dimension: network.parameterCount, workers: workers,
      initialIterate: initial, defaultStepSize: 0.05,
      gradient: { x, i, rng in problem.stochasticGradient(x, worker: i, using: &rng) },
      corruptedGradient: { x, i, corruption, rng in
        problem.stochasticGradient(x, worker: i, corruption: corruption, using: &rng)
      },
      evaluate: { x in Evaluation(loss: lossProblem.loss(x), accuracy: problem.accuracy(x, on: test)) })
  }
}
