import Foundation

/// The rule that decides whether a curve q(M) over geometric scales is bounded.
///
/// With points (M_i, q_i) sorted by scale, q_i ≥ 0 (absolute values are taken):
/// the curve is **unbounded** when some q_i is non-finite, or when both
/// 1. the least-squares slope of log10(max(q, floor)) on log10(M) over the
///    last third of the scales (at least two points) is ≥ `minimumSlope`, and
/// 2. the final value is ≥ `minimumRatio` × max(q at the smallest scale, floor);
/// otherwise it is **bounded**. Defaults: slope 0.5, ratio 1e3, floor 1e-300.
public struct GrowthRule: Sendable, Hashable, Codable {
  public var minimumSlope: Double
  public var minimumRatio: Double
  public var floor: Double

  public init(minimumSlope: Double = 0.5, minimumRatio: Double = 1e3, floor: Double = 1e-300) {
    self.minimumSlope = minimumSlope
    self.minimumRatio = minimumRatio
    self.floor = floor
  }

  /// The rule as one sentence, for reports.
  public var statement: String {
    "unbounded iff a value is non-finite, or the log-log slope over the last third of scales ≥ \(minimumSlope) "
      + "and the final value ≥ \(minimumRatio) × the first"
  }
}

/// One point of a growth curve.
public struct GrowthPoint: Sendable, Hashable, Codable {
  public var scale: Double
  public var value: Double
}

/// The result of a growth check; the curve is kept as evidence.
public struct GrowthResult: Sendable, Hashable {
  public var bounded: Bool
  public var curve: [GrowthPoint]
  /// The tail slope (NaN with fewer than two finite tail points).
  public var tailSlope: Double
  /// Final value over max(first value, floor).
  public var ratio: Double
  public var rule: GrowthRule

  /// Curve, slope, ratio and rule as evidence. Non-finite numbers encode as strings.
  public var json: JSONValue {
    .object([
      "bounded": .bool(bounded), "tailSlope": .number(tailSlope), "ratio": .number(ratio),
      "rule": .string(rule.statement),
      "curve": .array(curve.map { .array([.number($0.scale), .number($0.value)]) }),
    ])
  }
}

/// The scales 10^from, 10^(from+step), …, 10^to.
public func geometricScales(fromExponent: Int = 0, toExponent: Int = 12, step: Int = 1) -> [Double] {
  stride(from: fromExponent, through: toExponent, by: Swift.max(1, step)).map { pow(10, Double($0)) }
}

/// Evaluates `quantity` at each scale and applies `rule` (see `GrowthRule`).
///
/// A thrown error at a scale counts as a non-finite value (unbounded).
/// - Complexity: one evaluation per scale, serially in scale order.
public func checkGrowth(scales: [Double], rule: GrowthRule = GrowthRule(),
                        _ quantity: (Double) throws -> Double) -> GrowthResult {
  let curve = scales.sorted().map { m in GrowthPoint(scale: m, value: ((try? quantity(m)) ?? .nan).magnitude) }
  return decideGrowth(curve: curve, rule: rule)
}

/// Applies `rule` to a measured curve.
public func decideGrowth(curve: [GrowthPoint], rule: GrowthRule = GrowthRule()) -> GrowthResult {
  let points = curve.sorted { $0.scale < $1.scale }
  guard let first = points.first, let last = points.last else {
    return GrowthResult(bounded: true, curve: [], tailSlope: .nan, ratio: .nan, rule: rule)
  }
  let ratio = last.value / Swift.max(first.value, rule.floor)
  if points.contains(where: { !$0.value.isFinite }) {
    return GrowthResult(bounded: false, curve: points, tailSlope: .nan, ratio: ratio, rule: rule)
  }
  let tailCount = Swift.max(2, (points.count + 2) / 3)
  let tail = points.suffix(Swift.min(tailCount, points.count))
  let xs = tail.map { log10($0.scale) }
  let ys = tail.map { log10(Swift.max($0.value, rule.floor)) }
  let mx = xs.reduce(0, +) / Double(xs.count)
  let my = ys.reduce(0, +) / Double(ys.count)
  var sxy = 0.0
  var sxx = 0.0
  for (x, y) in zip(xs, ys) {
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) * (x - mx)
  }
  let slope = sxx > 0 ? sxy / sxx : .nan
  let unbounded = slope >= rule.minimumSlope && ratio >= rule.minimumRatio
  return GrowthResult(bounded: !unbounded, curve: points, tailSlope: slope, ratio: ratio, rule: rule)
}
