import BGMD
import ClaimCheck
import ExactArithmetic
import RealModule
import Randomness

/// One attacked training run (`breakdown/training/<method>`): everything
/// needed to re-run it, as stored in a fixture.
///
/// The problem is an exact PL quadratic from `PLQuadraticBuilder`
/// (d = `dimension`, κ ∈ 1…4, Rademacher oracle noise of scale 1/2) built
/// from `problemSeed` and converted to `Double`; x_0 = x* + v, v with integer
/// entries in −2…2 drawn after the problem from the same generator;
/// γ = 1/(4L) (Theorem 2's step). `iterations` steps of `BlockDescent` run
/// through `TrainingLoop` with `TrainingStreams(seed: trainingSeed)`; the
/// clean run uses the same streams and no bad slot. The deviation is
/// ‖x_T − x_T^clean‖.
public struct TrainingBreakdownCase: Sendable, Hashable, Codable {
  /// `sgd`, `cmd`, `gmd` or `bgmd/<memory>/<reading>`.
  public var method: String
  @DecimalSeed public var problemSeed: UInt64
  /// d.
  public var dimension: Int
  /// b.
  public var rows: Int
  /// k (block methods).
  public var blockSize: Int
  /// T.
  public var iterations: Int
  @DecimalSeed public var trainingSeed: UInt64
  /// `fixed` (slots 0..<m every iteration) or `dynamic` (a fresh m-subset each iteration).
  public var schedule: String
  /// m = |𝔹| per iteration.
  public var badCount: Int
  /// The attacks tried; the case breaks when one of them does.
  public var attacks: [BreakdownAttack]
  /// The magnitudes M.
  public var scales: [Double]
  /// The geometric median's requested certified relative accuracy.
  public var medianEpsilon: Double

  public init(method: String, problemSeed: UInt64, dimension: Int, rows: Int, blockSize: Int, iterations: Int,
              trainingSeed: UInt64, schedule: String, badCount: Int, attacks: [BreakdownAttack], scales: [Double],
              medianEpsilon: Double) {
    self.method = method
    self.problemSeed = problemSeed
    self.dimension = dimension
    self.rows = rows
    self.blockSize = blockSize
    self.iterations = iterations
    self.trainingSeed = trainingSeed
    self.schedule = schedule
    self.badCount = badCount
    self.attacks = attacks
    self.scales = scales
    self.medianEpsilon = medianEpsilon
  }

  /// The problem, x_0 and γ (exact γ = 1/(4L) as "p/q" alongside its double).
  public struct Setup: Sendable {
    public var problem: PLQuadratic<Double>
    public var initialIterate: [Double]
    public var stepSize: Double
    public var exactStepSize: Rational
  }

  /// Builds the problem of `problemSeed`.
  public func setup() -> Setup {
    var rng = Xoshiro256(seed: problemSeed)
    let builder = PLQuadraticBuilder(dimension: dimension, conditionNumber: 1...4,
                                     noise: .rademacher(scale: Rational(1, 2)))
    let exact = builder.build(using: &rng)
    let offset = (0..<dimension).map { _ in Rational(rng.uniformInt(in: -2...2)) }
    let x0 = zip(exact.minimizer, offset).map { Double($0 + $1) }
    let gamma = Rational(1) / (Rational(4) * exact.smoothness)
    return Setup(problem: exact.converted(to: Double.self), initialIterate: x0, stepSize: Double(gamma),
                 exactStepSize: gamma)
  }

  /// The optimizer configuration and rule of `method`.
  /// - Throws: `BreakdownError.unknownMethod`.
  public func optimizer(_ setup: Setup) throws -> BlockDescent<AnyAggregationRule<Double>> {
    let options = GeometricMedianOptions(epsilon: medianEpsilon, maxIterations: 5_000)
    let rule: AnyAggregationRule<Double>
    var configuration = OptimizerConfiguration<Double>(stepSize: setup.stepSize, memory: .none, record: .none)
    switch method {
    case "sgd": rule = AnyAggregationRule(Mean<Double>())
    case "cmd": rule = AnyAggregationRule(CoordinateMedian<Double>())
    case "gmd": rule = AnyAggregationRule(GeometricMedian<Double>(options: options))
    // A negative control: GMD whose median is one Weiszfeld step from the mean.
    case "gmd-one-step-from-mean": rule = BrokenMedians.rule("geometric-median", BrokenMedians.oneStepFromMean)
    default:
      // `bgmd/<memory>/<reading>`, or the negative control
      // `bgmd-mean/<memory>/<reading>`: Algorithm 1 with the mean on the block.
      let parts = method.split(separator: "/").map(String.init)
      guard parts.count == 3, parts[0] == "bgmd" || parts[0] == "bgmd-mean", let memory = MemoryVariant(rawValue: parts[1]),
        let reading = SelectionReading(rawValue: parts[2])
      else { throw BreakdownError.unknownMethod(method) }
      rule = parts[0] == "bgmd-mean" ? AnyAggregationRule(Mean<Double>())
        : AnyAggregationRule(GeometricMedian<Double>(options: options))
      configuration.memory = memory
      configuration.block = .block(k: blockSize, reading: reading)
    }
    return try BlockDescent(initialIterate: setup.initialIterate, batchCount: rows, rule: rule,
                            configuration: configuration)
  }

  /// x_T under `attack` at magnitude M, or of the clean run when `attack` is nil.
  public func finalIterate(_ setup: Setup, attack: BreakdownAttack?, magnitude: Double) throws -> [Double] {
    var optimizer = try self.optimizer(setup)
    let problem = setup.problem
    let b = rows
    let m = badCount
    let oracle: TrainingLoop<AnyAggregationRule<Double>>.Oracle = { x, _, rng in
      problem.stochasticGradients(x, rows: b, using: &rng)
    }
    let loop: TrainingLoop<AnyAggregationRule<Double>>
    if let attack {
      let corruption = schedule == "dynamic"
        ? CorruptionSchedule.dynamic(rows: b, badCount: m) : CorruptionSchedule.fixedFirst(rows: b, badCount: m)
      loop = TrainingLoop(
        oracle: oracle, schedule: { t, rng in corruption.badSlots(iteration: t, using: &rng) },
        adversary: { view, rng in try attack.rows(view, magnitude: magnitude, using: &rng) })
    } else {
      loop = TrainingLoop(oracle: oracle)
    }
    var streams = TrainingStreams(seed: trainingSeed)
    _ = try loop.run(&optimizer, iterations: iterations, streams: &streams)
    return optimizer.iterate
  }

  /// The deviation from `clean` under `attack` at magnitude M.
  public func outcome(_ setup: Setup, clean: [Double], attack: BreakdownAttack, magnitude: Double) -> BreakdownOutcome {
    do {
      let x = try finalIterate(setup, attack: attack, magnitude: magnitude)
      guard x.allSatisfy(\.isFinite) else { return .nonFinite }
      let deviation = scaledNorm(zip(x, clean).map { $0 - $1 })
      return deviation.isFinite ? .deviation(deviation) : .nonFinite
    } catch {
      return .error("\(error)")
    }
  }

  /// The curve of `attack` over the scales.
  public func curve(_ setup: Setup, clean: [Double], attack: BreakdownAttack) -> BreakdownCurve {
    guard attack.usesMagnitude else {
      let once = outcome(setup, clean: clean, attack: attack, magnitude: scales.first ?? 1)
      return BreakdownCurve(attack: attack, scales: scales, outcomes: scales.map { _ in once })
    }
    return BreakdownCurve(attack: attack, scales: scales,
                          outcomes: scales.map { outcome(setup, clean: clean, attack: attack, magnitude: $0) })
  }

  /// The curves of every attack in `attacks` (the clean run computed once).
  /// - Throws: when the clean run itself fails.
  public func curves() throws -> [BreakdownCurve] {
    let s = setup()
    let clean = try finalIterate(s, attack: nil, magnitude: 0)
    return attacks.map { curve(s, clean: clean, attack: $0) }
  }
}
