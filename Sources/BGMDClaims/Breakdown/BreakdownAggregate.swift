import BGMD
import ClaimCheck
import RealModule
import Randomness

/// One aggregation of b rows under attack (`breakdown/aggregate/<rule>`):
/// everything needed to re-run it, as stored in a fixture.
///
/// Slots 0..<m are bad (replaced by the adversary), slots m..<b good; the
/// deviation is ‖rule(G) − mean of the good rows‖ at each magnitude M.
public struct AggregateBreakdownCase: Sendable, Hashable, Codable {
  /// `mean`, `coordinate-median`, `trimmed-mean`, `krum`,
  /// `geometric-median` or `block-gm/<reading>`; the negative controls'
  /// broken rules `gm-one-step-from-mean`, `gm-distances-capped` and
  /// `block-gm-one-step-from-mean/<reading>` (`BrokenMedians`).
  public var rule: String
  /// The b honest rows (the bad slots' honest rows included: attacks such
  /// as sign flip use them). Doubles round-trip exactly through JSON.
  public var rows: [[Double]]
  /// m, the number of bad slots (the first m).
  public var badCount: Int
  /// The attacks tried; the case breaks when one of them does.
  public var attacks: [BreakdownAttack]
  /// The magnitudes M.
  public var scales: [Double]
  /// Seed of the rule's own draws (block-GM's selection), fresh per evaluation.
  @DecimalSeed public var ruleSeed: UInt64
  /// k of block-GM.
  public var blockSize: Int
  /// β of the trimmed mean (per side).
  public var trimming: Double
  /// f of Krum.
  public var krumByzantine: Int
  /// The certified relative accuracy ε requested from the geometric median.
  public var medianEpsilon: Double

  public init(rule: String, rows: [[Double]], badCount: Int, attacks: [BreakdownAttack], scales: [Double],
              ruleSeed: UInt64, blockSize: Int, trimming: Double, krumByzantine: Int, medianEpsilon: Double) {
    self.rule = rule
    self.rows = rows
    self.badCount = badCount
    self.attacks = attacks
    self.scales = scales
    self.ruleSeed = ruleSeed
    self.blockSize = blockSize
    self.trimming = trimming
    self.krumByzantine = krumByzantine
    self.medianEpsilon = medianEpsilon
  }

  /// The rule named by `rule`.
  /// - Throws: `BreakdownError.unknownRule`; the rule's parameter errors.
  public func makeRule() throws -> AnyAggregationRule<Double> {
    let options = GeometricMedianOptions(epsilon: medianEpsilon, maxIterations: 5_000)
    switch rule {
    case "mean": return AnyAggregationRule(Mean<Double>())
    case "coordinate-median": return AnyAggregationRule(CoordinateMedian<Double>())
    case "trimmed-mean": return AnyAggregationRule(try TrimmedMean<Double>(beta: trimming))
    case "krum": return AnyAggregationRule(try Krum<Double>(byzantine: krumByzantine))
    case "geometric-median": return AnyAggregationRule(GeometricMedian<Double>(options: options))
    case "gm-one-step-from-mean": return BrokenMedians.rule(rule, BrokenMedians.oneStepFromMean)
    case "gm-distances-capped": return BrokenMedians.rule(rule, { BrokenMedians.distancesCapped($0) })
    default:
      let brokenPrefix = "block-gm-one-step-from-mean/"
      if rule.hasPrefix(brokenPrefix), let reading = SelectionReading(rawValue: String(rule.dropFirst(brokenPrefix.count))) {
        return BrokenMedians.blockRule(reading: reading, k: blockSize, BrokenMedians.oneStepFromMean)
      }
      let prefix = "block-gm/"
      guard rule.hasPrefix(prefix), let reading = SelectionReading(rawValue: String(rule.dropFirst(prefix.count)))
      else { throw BreakdownError.unknownRule(rule) }
      return AnyAggregationRule(BlockGeometricMedian<Double>(blockSize: .count(blockSize), reading: reading, options: options))
    }
  }

  /// The mean of the good rows m..<b.
  public var goodMean: [Double] {
    let d = rows.first?.count ?? 0
    var mean = [Double](repeating: 0, count: d)
    for row in rows[badCount...] { for j in 0..<d { mean[j] += row[j] } }
    return mean.map { $0 / Double(rows.count - badCount) }
  }

  /// The deviation under `attack` at magnitude M.
  public func outcome(_ attack: BreakdownAttack, magnitude: Double) -> BreakdownOutcome {
    do {
      let rule = try makeRule()
      let honest = try Matrix(rows)
      let view = AdversaryView(goodRows: honest, badSlots: Array(0..<badCount), iterate: goodMean,
                               reading: rule.name == "block-gm" ? reading : nil,
                               k: rule.name == "block-gm" ? blockSize : nil)
      var attackRNG = Xoshiro256(seed: ruleSeed, stream: 7)
      var g = honest
      for (slot, row) in zip(view.badSlots, try attack.rows(view, magnitude: magnitude, using: &attackRNG)) {
        g.setRow(slot, row)
      }
      var ruleRNG = Xoshiro256(seed: ruleSeed)
      let output = try rule.aggregate(g, using: &ruleRNG).vector
      guard output.allSatisfy(\.isFinite) else { return .nonFinite }
      let reference = goodMean
      let deviation = scaledNorm(zip(output, reference).map { $0 - $1 })
      return deviation.isFinite ? .deviation(deviation) : .nonFinite
    } catch {
      return .error("\(error)")
    }
  }

  /// The reading of a block rule (`block-gm/<reading>` or a broken block rule).
  private var reading: SelectionReading? {
    guard rule.hasPrefix("block-gm"), let last = rule.split(separator: "/").last else { return nil }
    return SelectionReading(rawValue: String(last))
  }

  /// The curve of `attack` over the scales.
  public func curve(_ attack: BreakdownAttack) -> BreakdownCurve {
    guard attack.usesMagnitude else {
      let once = outcome(attack, magnitude: scales.first ?? 1)
      return BreakdownCurve(attack: attack, scales: scales, outcomes: scales.map { _ in once })
    }
    return BreakdownCurve(attack: attack, scales: scales, outcomes: scales.map { outcome(attack, magnitude: $0) })
  }

  /// The curves of every attack in `attacks`.
  public func curves() -> [BreakdownCurve] { attacks.map(curve) }

  /// Whether some attack in `attacks` breaks the rule on this case.
  public var breaks: Bool { curves().contains(where: \.breaks) }
}
