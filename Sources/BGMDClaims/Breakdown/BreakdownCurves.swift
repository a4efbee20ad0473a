import ClaimCheck

/// What one evaluation at one magnitude M gave.
public enum BreakdownOutcome: Sendable, Hashable {
  /// A finite deviation.
  case deviation(Double)
  /// The output (or final iterate) held a NaN or ±∞.
  case nonFinite
  /// The rule or the optimizer threw; the text of the error.
  case error(String)

  /// The value fed to the growth rule: the deviation, or NaN (unbounded).
  public var value: Double {
    if case let .deviation(v) = self { return v }
    return .nan
  }
}

/// One attack's deviation curve over the magnitudes, decided by
/// ClaimCheck's growth rule (`checkGrowth` on the measured values, default
/// `GrowthRule`).
///
/// A non-finite output or a thrown error at any magnitude makes the curve
/// unbounded (the rule's value is NaN there). That is honest only where the
/// rule is supposed to produce a finite output, which the claims arrange:
/// every claimed domain (m bad rows with 2m < b, m ≤ f for Krum) lies inside
/// the documented tolerance of each robust rule, so a throw there is a
/// failure of the rule, not a refusal; the mean propagates non-finite rows by
/// design, which is its breakdown. Outside the claimed domains (m ≥ b/2,
/// reported for context) a throw is the rule's documented refusal and the
/// evidence says so (`errors`).
public struct BreakdownCurve: Sendable {
  /// The attack.
  public var attack: BreakdownAttack
  /// One outcome per scale, in scale order.
  public var outcomes: [BreakdownOutcome]
  /// The scales.
  public var scales: [Double]
  /// The growth decision.
  public var growth: GrowthResult

  /// The curve of `outcomes` at `scales`.
  public init(attack: BreakdownAttack, scales: [Double], outcomes: [BreakdownOutcome]) {
    self.attack = attack
    self.scales = scales
    self.outcomes = outcomes
    let values = outcomes.map(\.value)
    self.growth = checkGrowth(scales: scales) { m in
      guard let i = scales.firstIndex(of: m), i < values.count else { return .nan }
      return values[i]
    }
  }

  /// Whether the curve is unbounded (the rule or method breaks under this attack).
  public var breaks: Bool { !growth.bounded }

  /// The deviation at the largest magnitude (NaN when not finite).
  public var finalDeviation: Double { outcomes.last?.value ?? .nan }

  /// The first error text, if any evaluation threw.
  public var firstError: String? {
    for o in outcomes { if case let .error(text) = o { return text } }
    return nil
  }

  /// Evidence without the points: attack, bounded, slope, ratio, final deviation, first error.
  public var summaryJSON: JSONValue {
    var o: [String: JSONValue] = [
      "attack": .string(attack.description), "bounded": .bool(growth.bounded),
      "tailSlope": .number(growth.tailSlope), "ratio": .number(growth.ratio), "finalDeviation": .number(finalDeviation),
    ]
    if let e = firstError { o["error"] = .string(e) }
    return .object(o)
  }

  /// Evidence for a set of curves: a summary of each, and the full curves of
  /// the first breaking attack and of the bounded attack with the largest
  /// final deviation (the report stays small).
  static func evidence(_ curves: [BreakdownCurve]) -> [String: JSONValue] {
    var o: [String: JSONValue] = ["attacks": .array(curves.map(\.summaryJSON))]
    if let breaker = curves.first(where: \.breaks) { o["breakingCurve"] = breaker.json }
    if let worst = curves.filter({ !$0.breaks }).max(by: { $0.finalDeviation < $1.finalDeviation }) {
      o["worstBoundedCurve"] = worst.json
    }
    return o
  }

  /// Evidence: attack, bounded, slope, ratio, the curve, and the first error.
  public var json: JSONValue {
    var o: [String: JSONValue] = [
      "attack": .string(attack.description), "bounded": .bool(growth.bounded),
      "tailSlope": .number(growth.tailSlope), "ratio": .number(growth.ratio),
      "curve": .array(zip(scales, outcomes).map { .array([.number($0), .number($1.value)]) }),
    ]
    if let e = firstError { o["error"] = .string(e) }
    if outcomes.contains(.nonFinite) { o["nonFinite"] = .bool(true) }
    return .object(o)
  }
}

/// Plot helpers in the report convention ({"title", "xLabel", "yLabel",
/// "logX", "logY", "series": [{"name", "points"}]}); non-finite points are
/// left out and the series name says so.
enum BreakdownPlot {
  /// One series from a curve's outcomes.
  static func series(_ name: String, scales: [Double], values: [Double]) -> JSONValue {
    var points: [JSONValue] = []
    var dropped = false
    for (x, y) in zip(scales, values) {
      if y.isFinite && y > 0 { points.append(.array([.number(x), .number(y)])) } else { dropped = true }
    }
    let label = dropped ? name + " (non-finite or zero points omitted)" : name
    return .object(["name": .string(label), "points": .array(points)])
  }

  /// A log-log deviation-vs-magnitude plot.
  static func plot(title: String, yLabel: String = "deviation", series: [JSONValue]) -> JSONValue {
    .object([
      "title": .string(title), "xLabel": .string("adversary magnitude M"), "yLabel": .string(yLabel),
      "logX": .bool(true), "logY": .bool(true), "series": .array(series),
    ])
  }

  /// The pointwise worst (largest, NaN when any is non-finite) over curves.
  static func worst(_ curves: [BreakdownCurve]) -> [Double] {
    guard let first = curves.first else { return [] }
    return first.scales.indices.map { i in
      var worst = 0.0
      for c in curves {
        let v = c.outcomes[i].value
        if !v.isFinite { return .nan }
        worst = Swift.max(worst, v)
      }
      return worst
    }
  }
}

/// The magnitudes M of a profile: 10^0, 10^4, 10^8, 10^12 at `quick`,
/// 10^0, 10^1, …, 10^12 otherwise.
func breakdownScales(_ profile: Profile) -> [Double] {
  profile == .quick ? geometricScales(step: 4) : geometricScales(step: 1)
}

/// A 64-bit seed stored as a decimal string: `JSONValue` numbers are doubles
/// and would round seeds above 2^53, so a fixture would not replay.
@propertyWrapper
public struct DecimalSeed: Sendable, Hashable, Codable {
  public var wrappedValue: UInt64
  public init(wrappedValue: UInt64) { self.wrappedValue = wrappedValue }
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = UInt64(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UInt64: \(text)"))
    }
    wrappedValue = value
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(String(wrappedValue))
  }
}
