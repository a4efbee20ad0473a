import BGMD
import Foundation
import Randomness

/// One point of a training curve.
public struct CurvePoint: Sendable, Codable, Equatable {
  /// Iterations done.
  public var iteration: Int
  /// Seconds spent in the training steps so far (oracle, corruption,
  /// aggregation, update), evaluations excluded: the wall clock the paper's
  /// speed-up plots compare.
  public var seconds: Double
  /// The evaluation at this point.
  public var evaluation: Evaluation
}

/// The result of one training run.
public struct TrainingCurve: Sendable, Codable {
  /// The evaluation points, iteration 0 first.
  public var points: [CurvePoint]
  /// x_T.
  public var finalIterate: [Double]
  /// The smallest ‖C_k(G)‖²/‖G‖² seen (1 for methods without a block).
  public var smallestRetainedFraction: Double
  /// The mean of ‖C_k(G)‖²/‖G‖² over the iterations.
  public var meanRetainedFraction: Double
  /// ‖C_k(G_t)‖²/‖G_t‖² at each iteration t (the measured ξ of Lemma 1; 1
  /// for methods without a block; NaN where G_t was not finite).
  public var retainedFractions: [Double] = []
  /// Why the run stopped before its last iteration (the rule's error, e.g.
  /// too many non-finite rows), or nil when it ran to the end. Set only by
  /// `TrainingRun.runToEnd`; the last point then evaluates the last iterate.
  public var stoppedBy: String? = nil
  /// The wall-clock phases of every step done (`StepTiming`: the paper's
  /// T_b as `gradientSeconds`, T_a as `aggregationSeconds`, §5).
  public var stepTimings: [StepTiming] = []
}

/// A training run: a task, a method, an optional corruption with its
/// schedule, a number of iterations, a seed.
public struct TrainingRun: Sendable {
  public var task: TrainingTask
  public var method: MethodSpec
  public var corruption: CorruptionSpec?
  /// `fixed` (the first ⌊ψb⌋ slots every iteration) or `dynamic` (a fresh
  /// random ψ fraction each iteration, §7.2).
  public var schedule: CorruptionSchedule.Kind
  public var iterations: Int
  /// γ; the task's default when nil.
  public var stepSize: Double?
  public var update: UpdateRule
  /// Evaluate every this many iterations (and at the end).
  public var evaluateEvery: Int
  public var seed: UInt64

  public init(task: TrainingTask, method: MethodSpec, corruption: CorruptionSpec? = nil,
              schedule: CorruptionSchedule.Kind = .dynamic, iterations: Int, stepSize: Double? = nil,
              update: UpdateRule = .plain, evaluateEvery: Int = 10, seed: UInt64) {
    self.task = task
    self.method = method
    self.corruption = corruption
    self.schedule = schedule
    self.iterations = iterations
    self.stepSize = stepSize
    self.update = update
    self.evaluateEvery = evaluateEvery
    self.seed = seed
  }

  /// The training loop for this run's corruption.
  /// - Throws: `CorruptionSpecError` for a data corruption on a problem
  ///   without data.
  public func loop() throws -> TrainingLoop<AnyAggregationRule<Double>> {
    let task = self.task
    let oracle: TrainingLoop<AnyAggregationRule<Double>>.Oracle = { x, _, rng in task.honestRows(x, using: &rng) }
    guard let corruption, corruption.fraction > 0 else { return TrainingLoop(oracle: oracle) }
    let b = task.workers
    let m = CorruptionSchedule.badCount(fraction: corruption.fraction, rows: b)
    let slots: CorruptionSchedule = schedule == .dynamic
      ? .dynamic(rows: b, badCount: m) : .fixedFirst(rows: b, badCount: m)
    func with<A: Adversary>(_ attack: A) -> TrainingLoop<AnyAggregationRule<Double>> where A.Element == Double {
      TrainingLoop(oracle: oracle, schedule: slots, attack: attack)
    }
    switch corruption.kind {
    case .bitFlip: return with(ScaledBitFlipAttack<Double>(scale: -100))
    case .additive: return with(AdditiveGaussianAttack<Double>(standardDeviation: 10))
    case .alie: return with(ALIE<Double>())
    case .ipm: return with(InnerProductManipulation<Double>())
    case .signFlip: return with(SignFlip<Double>())
    case .mimic: return with(Mimic<Double>())
    case .constant: return with(ConstantVector<Double>(value: 100))
    case .nan: return with(NonFiniteRows<Double>(value: .nan))
    case .inf: return with(NonFiniteRows<Double>(value: .plusInfinity))
    case .featureAdditive, .impulse, .backdoor:
      guard let corrupted = task.corruptedGradient else {
        throw CorruptionSpecError(text: corruption.description,
                                  reason: "\(corruption.kind.rawValue) corrupts data; the \(task.name) problem has none (use mlp)")
      }
      let data: DataCorruption
      switch corruption.kind {
      case .featureAdditive: data = DataCorruption(features: .additiveGaussian(standardDeviation: 10))
      case .impulse: data = DataCorruption(features: .impulse(amount: 0.9))
      default: data = DataCorruption(labels: .backdoor(target: 8))
      }
      return TrainingLoop(
        oracle: oracle,
        schedule: { t, rng in slots.badSlots(iteration: t, using: &rng) },
        adversary: { view, rng in view.badSlots.map { corrupted(view.iterate, $0, data, &rng) } })
    }
  }

  /// Runs the training and returns its curve.
  /// - Parameter progress: called after each evaluation with the point.
  /// - Throws: shape errors, the rule's errors (e.g. too many non-finite
  ///   rows), `CorruptionSpecError`.
  public func run(progress: (CurvePoint) -> Void = { _ in }) throws -> TrainingCurve {
    let (curve, failure) = try runRecordingFailure(progress: progress)
    if let failure { throw failure }
    return curve
  }

  /// Runs the training and returns its curve even when a step throws
  /// (e.g. a robust rule that sees too many non-finite rows): the curve then
  /// ends with an evaluation of the last iterate reached and `stoppedBy`
  /// names the error. Experiments use this so a diverged run is recorded,
  /// not dropped.
  /// - Throws: `CorruptionSpecError` and the optimizer's shape errors, which
  ///   occur before the first step.
  public func runToEnd(progress: (CurvePoint) -> Void = { _ in }) throws -> TrainingCurve {
    try runRecordingFailure(progress: progress).curve
  }

  private func runRecordingFailure(progress: (CurvePoint) -> Void) throws -> (curve: TrainingCurve, failure: Error?) {
    let gamma = stepSize ?? task.defaultStepSize
    var optimizer = try BlockDescent(
      initialIterate: task.initialIterate, batchCount: task.workers, rule: method.rule(),
      configuration: method.configuration(stepSize: gamma, update: update, record: .none))
    var streams = TrainingStreams(seed: seed)
    let loop = try loop()
    var points = [CurvePoint(iteration: 0, seconds: 0, evaluation: task.evaluate(optimizer.iterate))]
    progress(points[0])
    var elapsed = 0.0
    let clock = ContinuousClock()
    var retained: [Double] = []
    retained.reserveCapacity(iterations)
    var timings: [StepTiming] = []
    timings.reserveCapacity(iterations)
    var done = 0
    var failure: Error? = nil
    let every = Swift.max(1, evaluateEvery)
    while done < iterations {
      let chunk = Swift.min(every - done % every, iterations - done)
      let start = clock.now
      var reached = done
      do {
        _ = try loop.runTimed(&optimizer, iterations: chunk, streams: &streams, startingAt: done) { record, _, timing in
          retained.append(record.retainedFraction)
          timings.append(timing)
          reached += 1
          return true
        }
      } catch {
        failure = error
      }
      elapsed += StepTiming.seconds(clock.now - start)
      done = reached
      let point = CurvePoint(iteration: done, seconds: elapsed, evaluation: task.evaluate(optimizer.iterate))
      points.append(point)
      progress(point)
      if failure != nil { break }
    }
    let finite = retained.filter(\.isFinite)
    var curve = TrainingCurve(
      points: points, finalIterate: optimizer.iterate, smallestRetainedFraction: finite.min().map { Swift.min(1, $0) } ?? 1,
      meanRetainedFraction: iterations > 0 ? finite.reduce(0, +) / Double(iterations) : 1)
    curve.retainedFractions = retained
    curve.stepTimings = timings
    curve.stoppedBy = failure.map { String(describing: $0) }
    return (curve, failure)
  }
}
