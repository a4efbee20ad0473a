import BGMD
import ClaimCheck
import Foundation

/// The big-O models of Table 1 and Proposition 1, with every hidden
/// constant set to 1 (a bounded ratio is all a big-O asks: the constant is
/// whatever the ratio stays under).
public enum CostModel: String, Sendable, Hashable, Codable {
  /// O(b·d): SGD and CMD (Table 1).
  case bd = "b·d"
  /// O(d/ε² + b·d): GMD (Table 1).
  case gmd = "d/ε² + b·d"
  /// O(k/ε² + b·d): BGMD (Table 1, Proposition 1).
  case bgmd = "k/ε² + b·d"

  /// The model's value on `instance`.
  public func value(_ i: CostInstance) -> Double {
    let b = Double(i.rows), d = Double(i.dimension), k = Double(min(i.blockSize, i.dimension))
    let e2 = i.epsilon * i.epsilon
    switch self {
    case .bd: return b * d
    case .gmd: return d / e2 + b * d
    case .bgmd: return k / e2 + b * d
    }
  }
}

/// A path through (k, b, d, ε) indexed by a scale M ≥ 1:
/// k = k₀·M^kPower, b = b₀·M^bPower, d = d₀·M^dPower, ε = ε₀·M^εPower
/// (rounded to integers, k ≤ d).
///
/// The paths are chosen so that every term of the model grows at the same
/// rate along the path (e.g. b ∝ M with ε ∝ M^{−1/2}: k/ε² and b·d both
/// ∝ M). On such a path the ratio cost/model of an implementation within
/// the bound stays level; on a path where one term overtakes the other the
/// ratio of a conforming implementation climbs from its value in one regime
/// to its (bounded) value in the other, which a finite curve cannot tell
/// from growth.
public struct CostPath: Sendable, Hashable, Codable {
  public var name: String
  public var k0: Int
  public var b0: Int
  public var d0: Int
  public var epsilon0: Double
  public var kPower: Double = 0
  public var bPower: Double = 0
  public var dPower: Double = 0
  public var epsilonPower: Double = 0

  /// The instance at scale M.
  public func instance(_ m: Double, steps: Int, seed: UInt64) -> CostInstance {
    func scaled(_ x0: Int, _ p: Double) -> Int { max(1, Int((Double(x0) * pow(m, p)).rounded())) }
    let d = scaled(d0, dPower)
    return CostInstance(blockSize: min(d, scaled(k0, kPower)), rows: scaled(b0, bPower), dimension: d,
                        epsilon: epsilon0 * pow(m, epsilonPower), steps: steps, seed: seed)
  }
}

/// One point of a cost curve.
public struct CostPoint: Sendable, Hashable, Codable {
  public var scale: Double
  public var instance: String
  /// Counted work per aggregation (or per iteration, as the claim reads).
  public var cost: Double
  /// The model's value.
  public var model: Double
  /// cost / model.
  public var ratio: Double
  /// The counted work by stage (summed over the steps).
  public var work: WorkCount
  /// Weiszfeld iterations per GM call.
  public var medianIterations: Double
  public var certified: Bool
}

/// A cost curve along one path, decided by the growth rule.
public struct CostCurve: Sendable, Hashable, Codable {
  public var path: CostPath
  public var method: CostMethod
  public var model: CostModel
  public var points: [CostPoint]
  public var bounded: Bool
  public var tailSlope: Double
  /// Final ratio over the first.
  public var growth: Double
  /// The largest cost/model on the path.
  public var largestRatio: Double
}

/// Measuring cost curves and deciding them.
public enum CostGrowth {
  /// The growth rule of the cost claims: ClaimCheck's `GrowthRule` with
  /// tail slope ≥ 1/2 and a final ratio ≥ 10 × the first. The default
  /// ratio 10³ asks three decades of growth of cost/model, which needs
  /// more than three decades of M; the curves here span 1.5 (quick) to 2.1
  /// (standard) decades, over which a violation by a factor M (slope 1)
  /// gives 32× to 128×, and a logarithmic factor (Weiszfeld's iteration
  /// count as ε shrinks) a slope far below 1/2.
  public static let rule = GrowthRule(minimumSlope: 0.5, minimumRatio: 10)

  /// The counted curve of `method` along `path` at `scales`.
  /// - Parameter perIteration: cost per iteration (the update of x
  ///   included, Table 1's "iteration complexity") instead of per aggregation.
  /// - Throws: the implementation's errors.
  public static func curve(_ method: CostMethod, model: CostModel, path: CostPath, scales: [Double], steps: Int,
                           seed: UInt64, perIteration: Bool) throws -> CostCurve {
    var points: [CostPoint] = []
    for m in scales.sorted() {
      let instance = path.instance(m, steps: steps, seed: seed)
      let r = try CostCounter.measure(method, instance)
      let cost = perIteration ? r.iteration : r.aggregation
      let value = model.value(instance)
      points.append(CostPoint(scale: m, instance: instance.description, cost: cost, model: value,
                              ratio: cost / value, work: r.work, medianIterations: r.medianIterations,
                              certified: r.certified))
    }
    let ratios = Dictionary(points.map { ($0.scale, $0.ratio) }, uniquingKeysWith: { a, _ in a })
    let g = checkGrowth(scales: points.map(\.scale), rule: rule) { ratios[$0] ?? .nan }
    return CostCurve(path: path, method: method, model: model, points: points, bounded: g.bounded,
                     tailSlope: g.tailSlope, growth: g.ratio, largestRatio: points.map(\.ratio).max() ?? .nan)
  }
}
