import BGMD

/// The methods the paper compares (§7): SGD (mean), CMD (coordinate
/// median), GMD (geometric median of all d coordinates) and BGMD (geometric
/// median of a block, with memory).
public enum Method: String, CaseIterable, Codable, Sendable {
  case sgd, cmd, gmd, bgmd
}

/// A method with its knobs: the configuration of Algorithm 1 that runs it.
public struct MethodSpec: Sendable, Equatable, Codable {
  /// The method.
  public var method: Method
  /// BGMD's memory variant (ignored by the others, which keep no residual).
  public var memory: MemoryVariant
  /// BGMD's selection reading.
  public var reading: SelectionReading
  /// BGMD's block fraction k/d.
  public var fraction: Double
  /// The geometric median's certified relative accuracy ε.
  public var epsilon: Double
  /// The geometric median's iteration cap.
  public var maxIterations: Int

  /// The paper's defaults: averaged memory (Algorithm 1 as printed),
  /// `successive` selection, k = 0.1·d, ε = 1e-6.
  public init(method: Method, memory: MemoryVariant = .averaged, reading: SelectionReading = .successive,
              fraction: Double = 0.1, epsilon: Double = 1e-6, maxIterations: Int = 1_000) {
    self.method = method
    self.memory = memory
    self.reading = reading
    self.fraction = fraction
    self.epsilon = epsilon
    self.maxIterations = maxIterations
  }

  /// A short label for tables: `bgmd`, `bgmd/per-row/top-k`, ….
  public var label: String {
    guard method == .bgmd else { return method.rawValue }
    var parts = ["bgmd"]
    if memory != .averaged { parts.append(memory.rawValue) }
    if reading != .successive { parts.append(reading.rawValue) }
    if fraction != 0.1 { parts.append("k\(fraction)") }
    return parts.joined(separator: "/")
  }

  /// The aggregation rule applied to what the method aggregates.
  public func rule() -> AnyAggregationRule<Double> {
    switch method {
    case .sgd: return AnyAggregationRule(Mean<Double>())
    case .cmd: return AnyAggregationRule(CoordinateMedian<Double>())
    case .gmd, .bgmd:
      return AnyAggregationRule(GeometricMedian<Double>(
        options: GeometricMedianOptions(epsilon: epsilon, maxIterations: maxIterations)))
    }
  }

  /// Algorithm 1's configuration for this method with step γ.
  public func configuration(stepSize: Double, update: UpdateRule = .plain,
                            record: RecordLevel = .summary) -> OptimizerConfiguration<Double> {
    switch method {
    case .sgd, .cmd, .gmd:
      return OptimizerConfiguration(stepSize: stepSize, memory: .none, block: .all, update: update, record: record)
    case .bgmd:
      return OptimizerConfiguration(stepSize: stepSize, memory: memory, block: .fraction(fraction, reading: reading),
                                    update: update, record: record)
    }
  }
}
