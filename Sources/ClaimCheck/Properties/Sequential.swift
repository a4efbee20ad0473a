import Foundation

/// The direction of an expectation claim: E[X] ≤ c or E[X] ≥ c.
public enum Comparison: String, Sendable, Codable {
  case atMost, atLeast
}

/// The decision of an expectation check.
public enum ExpectationDecision: String, Sendable, Codable {
  case holds, refuted, inconclusive
}

extension Verdict {
  /// The verdict an expectation check's decision gives (`inconclusive` when
  /// there was none).
  public init(_ decision: ExpectationDecision?) {
    switch decision {
    case .holds?: self = .holds
    case .refuted?: self = .refuted
    case .inconclusive?, nil: self = .inconclusive
    }
  }
}

/// Invalid plan parameters or samples.
public struct SequentialError: Error, Sendable, Equatable, CustomStringConvertible {
  public var reason: String
  public var description: String { "sequential test: \(reason)" }
  /// An error with its reason.
  public init(reason: String) { self.reason = reason }
}

/// A sequential test of E[X] ≤ c (or ≥ c), fixed before any sample is drawn.
///
/// X must lie in [`lower`, `upper`]. The test looks only at n = `firstLook`·2^k
/// samples, k = 0…K. With L = K+1 looks and width w = upper − lower, the
/// Hoeffding radius at level ε after n samples is r(ε, n) = w·√(ln(1/ε)/(2n)).
/// For E[X] ≤ c, at each look (mean = sample mean):
/// - refute when mean − c > r(α/L, n) (each look errs with probability ≤ α/L,
///   so a true claim is refuted with probability ≤ α overall — Bonferroni);
/// - accept early when mean + r(β/L, n) < c + δ;
/// - accept at the last look otherwise.
/// K is the least with n_K ≥ w²(√(ln(L/α)/2) + √(ln(L/β)/2))²/δ², so when
/// E[X] ≥ c + δ the test accepts with probability ≤ β (power ≥ 1 − β).
/// E[X] ≥ c is the mirror image.
public struct SequentialPlan: Sendable, Hashable, Codable {
  public var lower: Double
  public var upper: Double
  public var bound: Double
  public var comparison: Comparison
  /// False-alarm rate: probability of refuting a true claim.
  public var alpha: Double
  /// False-pass rate against the margin: 1 − power.
  public var beta: Double
  /// The margin δ > 0 beyond the bound at which power 1 − β is guaranteed.
  public var margin: Double
  /// The sample sizes at which the test looks; the last is the maximal sample size.
  public private(set) var looks: [Int]

  /// Plans the test. - Throws: `SequentialError` for an empty range, rates
  /// outside (0, 1), a non-positive margin, or a plan over `maxSamples`.
  public init(range: ClosedRange<Double>, bound: Double, comparison: Comparison = .atMost, alpha: Double,
              beta: Double, margin: Double, firstLook: Int = 100, maxSamples: Int = 100_000_000) throws {
    guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
      throw SequentialError(reason: "range must be finite and non-empty")
    }
    guard alpha > 0, alpha < 1, beta > 0, beta < 1 else { throw SequentialError(reason: "α and β must lie in (0, 1)") }
    guard margin > 0, margin.isFinite, bound.isFinite else { throw SequentialError(reason: "margin must be positive") }
    lower = range.lowerBound
    upper = range.upperBound
    self.bound = bound
    self.comparison = comparison
    self.alpha = alpha
    self.beta = beta
    self.margin = margin
    let w = upper - lower
    var k = 0
    while true {
      let looksCount = Double(k + 1)
      let a = (log(looksCount / alpha) / 2).squareRoot()
      let b = (log(looksCount / beta) / 2).squareRoot()
      let needed = w * w * (a + b) * (a + b) / (margin * margin)
      let n = Double(Swift.max(1, firstLook)) * pow(2, Double(k))
      if n >= needed { break }
      if n > Double(maxSamples) {
        throw SequentialError(reason: "plan needs more than \(maxSamples) samples")
      }
      k += 1
    }
    looks = (0...k).map { Swift.max(1, firstLook) << $0 }
  }

  /// The maximal sample size.
  public var maxSamples: Int { looks.last ?? 0 }

  /// The Hoeffding radius at level `level` after `n` samples.
  public func radius(level: Double, samples n: Int) -> Double {
    (upper - lower) * (log(1 / level) / (2 * Double(n))).squareRoot()
  }

  /// The plan as evidence.
  public var json: JSONValue {
    .object([
      "range": .array([.number(lower), .number(upper)]), "bound": .number(bound),
      "comparison": .string(comparison.rawValue), "alpha": .number(alpha), "beta": .number(beta),
      "margin": .number(margin), "looks": .array(looks.map { .number(Double($0)) }),
      "maxSamples": .number(Double(maxSamples)), "test": .string("hoeffding-bonferroni"),
    ])
  }
}

/// The result of an expectation check.
public struct ExpectationResult: Sendable {
  public var decision: ExpectationDecision
  /// Samples used (0 for exact enumeration).
  public var samples: Int
  /// The sample mean, or the exact expectation as a double.
  public var estimate: Double
  /// The one-sided confidence bound at the deciding look (upper for ≤, lower
  /// for ≥); equal to the estimate for exact enumeration.
  public var confidenceBound: Double
  public var plan: SequentialPlan?
  /// The exact expectation, when enumerated, as text (e.g. "7/2": the
  /// engine knows no number type; the claims that enumerate pass it in).
  public var exact: String?
  /// True when stopped by cancellation or budget before the plan was complete.
  public var partial: Bool

  /// A result from its parts.
  public init(decision: ExpectationDecision, samples: Int, estimate: Double, confidenceBound: Double,
              plan: SequentialPlan?, exact: String?, partial: Bool) {
    self.decision = decision
    self.samples = samples
    self.estimate = estimate
    self.confidenceBound = confidenceBound
    self.plan = plan
    self.exact = exact
    self.partial = partial
  }

  /// Decision, sample size, estimate, bound and plan as evidence.
  public var json: JSONValue {
    var o: [String: JSONValue] = [
      "decision": .string(decision.rawValue), "samples": .number(Double(samples)),
      "estimate": .number(estimate), "confidenceBound": .number(confidenceBound), "partial": .bool(partial),
    ]
    if let plan { o["plan"] = plan.json }
    if let exact { o["exact"] = .string(exact) }
    return .object(o)
  }
}

/// Runs the planned sequential test on samples of `gen` (sample i seeded by
/// `PRNG.caseSeed(runSeed: seed, caseIndex: i)`), in parallel, summed in index order.
///
/// Stops `inconclusive` (and `partial`) when cancelled or when `maxSamples`
/// is below the plan's last look.
/// - Throws: `SequentialError` when a sample is non-finite, outside the
///   plan's range, or cannot be generated.
public func checkExpectation(_ gen: Gen<Double>, plan: SequentialPlan, seed: UInt64, threads: Int = 1,
                             maxSamples: Int = .max, cancellation: CancellationFlag? = nil) throws -> ExpectationResult {
  let sign: Double = plan.comparison == .atMost ? 1 : -1
  let looks = Double(plan.looks.count)
  var sum = 0.0
  var n = 0
  var result = ExpectationResult(decision: .inconclusive, samples: 0, estimate: .nan, confidenceBound: .nan,
                                 plan: plan, exact: nil, partial: true)
  for look in plan.looks {
    if look > maxSamples || cancellation?.isCancelled == true { return result }
    let start = n
    let values = parallelMap(count: look - start, threads: threads) { k -> Double? in
      try? gen.example(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(start + k)))
    }
    for (k, v) in values.enumerated() {
      guard let x = v, x.isFinite, x >= plan.lower, x <= plan.upper else {
        throw SequentialError(reason: "sample \(start + k) is \(values[k].map { "\($0)" } ?? "ungenerable"), outside [\(plan.lower), \(plan.upper)]")
      }
      sum += x
    }
    n = look
    let mean = sum / Double(n)
    let rAlpha = plan.radius(level: plan.alpha / looks, samples: n)
    let rBeta = plan.radius(level: plan.beta / looks, samples: n)
    let excess = sign * (mean - plan.bound)
    result.samples = n
    result.estimate = mean
    result.confidenceBound = mean + sign * rAlpha
    if excess > rAlpha {
      result.decision = .refuted
      result.partial = false
      return result
    }
    if excess + rBeta < plan.margin || look == plan.maxSamples {
      result.decision = .holds
      result.partial = false
      return result
    }
  }
  return result
}
