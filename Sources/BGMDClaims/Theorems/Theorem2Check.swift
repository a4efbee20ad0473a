import ClaimCheck
import Foundation

/// Measurements by instance, so the search, the curves and the shrinker never
/// re-run an instance (a measurement is a pure function of its instance).
final class Theorem2Cache: @unchecked Sendable {
  private var store: [Theorem2Instance: Theorem2Measurement] = [:]
  private let lock = NSLock()

  func measure(_ instance: Theorem2Instance, threads: Int) -> Theorem2Measurement {
    lock.lock()
    if let m = store[instance] {
      lock.unlock()
      return m
    }
    lock.unlock()
    let m = Theorem2Measurement(instance, threads: threads)
    lock.lock()
    store[instance] = m
    lock.unlock()
    return m
  }
}

/// Which curve a growth decision was made on.
public enum Theorem2Curve: String, Sendable, Codable {
  /// The ratio LHS/RHS against the horizon T, one instance.
  case horizon
  /// The implied constant (largest ratio over T) against the scale 10^e:
  /// attack magnitude (adversary) or oracle-noise scale (other settings).
  case scale
}

extension Theorem2Instance {
  /// The instance at scale 10^e: attack magnitude for the adversary, else
  /// the oracle noise scale multiplied by 10^e (Rademacher noise when the
  /// instance had none).
  public func scaled(exponent e: Int) -> Theorem2Instance {
    var copy = self
    if corruption == .adversary {
      copy.magnitudeExponent = e
    } else {
      if copy.noise == "none" { copy.noise = "rademacher" }
      var factor = 1
      for _ in 0..<max(0, e) { factor *= 10 }
      copy.noiseNumerator = noiseNumerator * factor
    }
    return copy
  }
}

/// The refutation test, planned before it runs.
///
/// A growth decision on point estimates is confirmed on fresh runs (seeds
/// independent of the ones that found it). With Z = ‖x̂_T − x_p‖²/RHS(T)
/// for one run (RHS with the most generous constants of the exploring runs
/// and of that run) and a threshold θ, the bounded transform
/// Y = min(Z/(2θ), 1) ∈ [0, 1] has E[Y] ≤ E[Z]/(2θ). ClaimCheck's
/// sequential Hoeffding test of E[Y] ≤ 1/2 (range [0, 1], false-alarm rate α,
/// power 1 − β against E[Y] ≥ 1/2 + δ) refuting it shows, at level α,
/// E[Z] > θ: the implied constant at T exceeds θ. θ is the growth rule's
/// factor (10³) times the reference: the exact ratio at T = 1 (x̂_1 = x_0,
/// no randomness) for the horizon curve, the largest single-run implied
/// constant at the smallest scale for the scale curve.
public struct Theorem2Confirmation: Sendable {
  public var instance: Theorem2Instance
  public var reading: Assumption1Reading
  /// The horizon index whose ratio is tested (the last).
  public var horizonIndex: Int
  public var threshold: Double
  public var plan: SequentialPlan
  public var seed: UInt64

  /// Runs the test on fresh runs of `instance`, reusing `exploration` for the
  /// bracket's constants.
  public func run(exploration: Theorem2Measurement, threads: Int, cancellation: CancellationFlag? = nil) throws
    -> ExpectationResult
  {
    let instance = self.instance
    let reading = self.reading
    let index = horizonIndex
    let theta = threshold
    let problem = exploration.problem
    let gen = Gen<Double> { source in
      let runSeed = try source.drawInt(in: 0...(1 << 52))
      let run = runTheorem2(instance, problem: problem, seed: UInt64(runSeed))
      let z = exploration.runRatio(run, reading, at: index)
      return z.isFinite ? min(z / (2 * theta), 1) : 1
    }
    return try checkExpectation(gen, plan: plan, seed: seed, threads: threads, maxSamples: plan.maxSamples,
                                cancellation: cancellation)
  }
}

/// The implied-constant reference of a curve (see `Theorem2Confirmation`).
func theorem2Reference(_ m: Theorem2Measurement, _ reading: Assumption1Reading, curve: Theorem2Curve) -> Double {
  switch curve {
  case .horizon:
    return m.ratios(reading).first ?? 0
  case .scale:
    var best = 0.0
    for run in m.runs {
      for i in m.instance.horizons.indices { best = max(best, m.runRatio(run, reading, at: i)) }
    }
    return best
  }
}

/// The growth decision on the horizon curve of one instance.
func theorem2HorizonGrowth(_ m: Theorem2Measurement, _ reading: Assumption1Reading, rule: GrowthRule) -> GrowthResult {
  let values = Dictionary(zip(m.instance.horizons.map(Double.init), m.ratios(reading)), uniquingKeysWith: max)
  return checkGrowth(scales: Array(values.keys), rule: rule) { values[$0] ?? .nan }
}

/// The scale curve of one instance: its implied constant at each 10^e.
func theorem2ScaleCurve(_ instance: Theorem2Instance, _ reading: Assumption1Reading, plan: Theorem2Plan,
                        cache: Theorem2Cache, threads: Int) -> (GrowthResult, [Theorem2Measurement]) {
  let measurements = plan.scaleExponents.map { cache.measure(instance.scaled(exponent: $0), threads: threads) }
  let values = Dictionary(zip(plan.scaleExponents.map { pow(10, Double($0)) }, measurements.map { $0.supRatio(reading) }),
                          uniquingKeysWith: max)
  return (checkGrowth(scales: Array(values.keys), rule: plan.growth) { values[$0] ?? .nan }, measurements)
}

/// A planned confirmation for `curve` on `instance` (the last horizon; for
/// the scale curve, at the largest scale).
func theorem2Confirmation(_ instance: Theorem2Instance, _ reading: Assumption1Reading, curve: Theorem2Curve,
                          plan: Theorem2Plan, cache: Theorem2Cache, seed: UInt64, threads: Int) throws
  -> (Theorem2Confirmation, Theorem2Measurement)
{
  let base = curve == .scale ? instance.scaled(exponent: plan.scaleExponents.first ?? 0) : instance
  let reference = theorem2Reference(cache.measure(base, threads: threads), reading, curve: curve)
  let tested = curve == .scale ? instance.scaled(exponent: plan.scaleExponents.last ?? 0) : instance
  let sequential = try SequentialPlan(range: 0...1, bound: 0.5, comparison: .atMost, alpha: plan.alpha,
                                      beta: plan.beta, margin: plan.margin, firstLook: plan.firstLook,
                                      maxSamples: plan.maxConfirmationRuns)
  let confirmation = Theorem2Confirmation(
    instance: tested, reading: reading, horizonIndex: tested.horizons.count - 1,
    threshold: plan.growth.minimumRatio * max(reference, 1e-300), plan: sequential, seed: seed)
  return (confirmation, cache.measure(tested, threads: threads))
}
