import BGMD
import ClaimCheck
import Foundation
import Randomness

/// The aggregation whose work is counted: one of Table 1's methods as the
/// implementation runs it, or a deliberately wasteful variant (a negative
/// control). Work is counted in `WorkCount`'s units (entries touched per
/// pass, random words, comparisons), never in seconds.
public enum CostMethod: String, Sendable, Hashable, Codable, CaseIterable {
  /// SGD: the mean of the b rows (`BlockDescent` with `.all` and `Mean`).
  case sgd
  /// CMD: the coordinate median, counted by its quickselect reference
  /// (`countedCoordinateMedian`).
  case cmd
  /// GMD: the geometric median of the b rows in ℝ^d (`.all`, `GeometricMedian`).
  case gmd
  /// BGMD: Algorithm 1's aggregation with block size k, `successive`
  /// selection, averaged memory (`BlockDescent` on its fast path).
  case bgmd
  // Negative controls.
  /// BGMD whose Algorithm 2 draws its k coordinates one at a time by linear
  /// scans of all d weights (the remaining mass summed, then a cumulative
  /// scan): O(d·k) instead of O(d).
  case bgmdNaiveSampler = "bgmd-naive-sampler"
  /// BGMD whose GM on the block is a subgradient method run for ⌈1/ε²⌉
  /// iterations over all b rows: O(b·k/ε²) instead of the oracle's O(k/ε²).
  case bgmdSubgradientGM = "bgmd-subgradient-gm"
  /// GMD with the same subgradient GM on ℝ^d: O(b·d/ε²).
  case gmdSubgradientGM = "gmd-subgradient-gm"
  /// An aggregator that compares every pair of rows (a medoid, Krum's
  /// distance table): O(b²·d).
  case pairwise
  /// The coordinate median by insertion sort of each column: O(b²·d).
  case cmdInsertionSort = "cmd-insertion-sort"
  /// BGMD with k = d: the GM runs on every coordinate.
  case bgmdFullBlock = "bgmd-full-block"
  /// BGMD whose GM is asked for a 1000× stricter certified accuracy than
  /// the GMD it is compared with.
  case bgmdStricterGM = "bgmd-stricter-gm"
}

/// One instance of the counting: b rows in ℝ^d, block size k, certified ε.
public struct CostInstance: Sendable, Hashable, Codable, CustomStringConvertible {
  /// k (ignored by the `.all` methods).
  public var blockSize: Int
  /// b.
  public var rows: Int
  /// d.
  public var dimension: Int
  /// ε, the certified relative accuracy requested from the geometric median.
  public var epsilon: Double
  /// Aggregations run (the first with zero memory); the work is their mean.
  public var steps: Int
  /// Seed of the rows and of the selection.
  @DecimalSeed public var seed: UInt64

  public init(blockSize: Int, rows: Int, dimension: Int, epsilon: Double, steps: Int, seed: UInt64) {
    self.blockSize = blockSize
    self.rows = rows
    self.dimension = dimension
    self.epsilon = epsilon
    self.steps = steps
    self.seed = seed
  }

  public var description: String {
    "k = \(blockSize), b = \(rows), d = \(dimension), ε = \(String(format: "%.4g", epsilon))"
  }

  /// The honest rows at step t: row i = μ + ξᵢ, μ and ξᵢ standard normal
  /// (μ fixed per instance), so the geometric median is not a data point.
  func gradients(step t: Int) -> Matrix<Double> {
    var base = Xoshiro256(seed: seed, stream: 0)
    let mean = (0..<dimension).map { _ in base.standardNormal() }
    var rng = Xoshiro256(seed: seed, stream: UInt64(t + 1))
    var g = Matrix<Double>(rows: rows, columns: dimension, repeating: 0)
    for i in 0..<rows {
      for j in 0..<dimension { g.storage[i * dimension + j] = mean[j] + rng.standardNormal() }
    }
    return g
  }
}

/// The counted work of one method on one instance.
public struct CostMeasurement: Sendable, Hashable, Codable {
  /// The method.
  public var method: CostMethod
  /// The instance.
  public var instance: CostInstance
  /// Mean work per aggregation (`WorkCount.aggregation`, the update excluded).
  public var aggregation: Double
  /// Mean work per iteration (aggregation plus the update of x).
  public var iteration: Double
  /// The work summed over the steps, stage by stage.
  public var work: WorkCount
  /// Weiszfeld iterations per GM call (mean), 0 without a GM.
  public var medianIterations: Double
  /// Whether every GM call certified (g − L)/L ≤ ε (true without a GM).
  public var certified: Bool
  /// The largest certified ε seen (0 without a GM).
  public var worstCertifiedEpsilon: Double
}

/// Counting one method on one instance.
enum CostCounter {
  static func options(_ epsilon: Double) -> GeometricMedianOptions {
    GeometricMedianOptions(epsilon: epsilon, maxIterations: 100_000)
  }

  /// Runs `instance.steps` aggregations of `method` and counts their work.
  /// - Throws: the implementation's errors (shape, aggregation): an
  ///   implementation error, never a refutation.
  static func measure(_ method: CostMethod, _ instance: CostInstance) throws -> CostMeasurement {
    let b = instance.rows, d = instance.dimension, k = min(instance.blockSize, d)
    var total = WorkCount()
    var certified = true
    var worstEpsilon = 0.0
    var calls = 0
    func note(_ certificate: GeometricMedianCertificate?, _ epsilon: Double) {
      guard let c = certificate else { return }
      calls += 1
      worstEpsilon = max(worstEpsilon, c.epsilon)
      if !(c.converged && c.epsilon <= epsilon) { certified = false }
    }
    var rng = Xoshiro256(seed: instance.seed, stream: 99)
    let x0 = [Double](repeating: 0, count: d)
    switch method {
    case .sgd:
      var opt = try BlockDescent(initialIterate: x0, batchCount: b, rule: Mean<Double>(),
                                 configuration: OptimizerConfiguration(stepSize: 1, memory: .none))
      opt.workCount = WorkCount()
      for t in 0..<instance.steps { _ = try opt.step(rows: instance.gradients(step: t), goodRows: [], using: &rng) }
      total = opt.workCount ?? WorkCount()
    case .cmd, .cmdInsertionSort, .pairwise:
      for t in 0..<instance.steps {
        let g = instance.gradients(step: t)
        var w = method == .cmd ? countedCoordinateMedian(g).work
          : method == .pairwise ? pairwiseMedoidWork(g) : insertionSortMedianWork(g)
        w.augmentation = b * d  // γG (no memory)
        w.update = d
        total.add(w)
      }
    case .gmd, .gmdSubgradientGM:
      var opt = try BlockDescent(initialIterate: x0, batchCount: b, rule: GeometricMedian<Double>(options: options(instance.epsilon)),
                                 configuration: OptimizerConfiguration(stepSize: 1, memory: .none))
      opt.workCount = WorkCount()
      for t in 0..<instance.steps {
        let g = instance.gradients(step: t)
        let before = opt.workCount ?? WorkCount()
        let record = try opt.step(rows: g, goodRows: [], using: &rng)
        note(record.certificate, instance.epsilon)
        if method == .gmdSubgradientGM, var w = opt.workCount {
          // The rule's counted work replaced by the subgradient method's.
          let ruleWork = w.rule - before.rule
          w.rule += subgradientMedianWork(g, epsilon: instance.epsilon) - ruleWork
          opt.workCount = w
        }
      }
      total = opt.workCount ?? WorkCount()
    case .bgmd, .bgmdNaiveSampler, .bgmdSubgradientGM, .bgmdFullBlock, .bgmdStricterGM:
      let blockSize = method == .bgmdFullBlock ? d : k
      let epsilon = method == .bgmdStricterGM ? instance.epsilon * 1e-3 : instance.epsilon
      var opt = try BlockDescent(
        initialIterate: x0, batchCount: b, rule: GeometricMedian<Double>(options: options(epsilon)),
        configuration: OptimizerConfiguration(stepSize: 1, memory: .averaged, block: .block(k: blockSize, reading: .successive)))
      opt.workCount = WorkCount()
      for t in 0..<instance.steps {
        let g = instance.gradients(step: t)
        // The scores Algorithm 2 sees (γ = 1: G + m̂), for the naive sampler.
        var augmented = g
        if method == .bgmdNaiveSampler {
          for i in 0..<b { for j in 0..<d { augmented.storage[i * d + j] += opt.averagedMemory[j] } }
        }
        let before = opt.workCount ?? WorkCount()
        let record = try opt.step(rows: g, goodRows: [], using: &rng)
        note(record.certificate, epsilon)
        guard var w = opt.workCount else { continue }
        switch method {
        case .bgmdNaiveSampler:
          var naive = Xoshiro256(seed: instance.seed, stream: UInt64(1_000 + t))
          let reads = naiveSuccessiveSampleWork(squaredColumnNorms(augmented), k: blockSize, using: &naive)
          w.selection += reads - (w.selection - before.selection)
        case .bgmdSubgradientGM:
          let block = g.gatherColumns(record.block ?? [])
          w.rule += subgradientMedianWork(block, epsilon: epsilon) - (w.rule - before.rule)
        default:
          break
        }
        opt.workCount = w
      }
      total = opt.workCount ?? WorkCount()
    }
    let n = Double(max(1, instance.steps))
    return CostMeasurement(
      method: method, instance: instance, aggregation: Double(total.aggregation) / n, iteration: Double(total.total) / n,
      work: total, medianIterations: calls == 0 ? 0 : Double(total.ruleIterations) / Double(calls),
      certified: certified, worstCertifiedEpsilon: worstEpsilon)
  }
}

// MARK: - The wasteful variants, each counting what it does as it does it.

/// Successive sampling of k of the d weights by linear scans: per draw, the
/// remaining mass summed over all d columns, then a cumulative scan to the
/// drawn column. Returns the weights read (≈ 1.5·d·k).
func naiveSuccessiveSampleWork(_ weights: [Double], k: Int, using rng: inout Xoshiro256) -> Int {
  let d = weights.count
  var taken = [Bool](repeating: false, count: d)
  var reads = 0
  for _ in 0..<min(k, d) {
    var mass = 0.0
    for j in 0..<d where !taken[j] { mass += weights[j]; reads += 1 }
    let u = rng.uniformDouble() * mass
    var acc = 0.0
    var pick = -1
    for j in 0..<d where !taken[j] {
      reads += 1
      acc += weights[j]
      pick = j
      if acc > u && weights[j] > 0 { break }
    }
    if pick >= 0 { taken[pick] = true }
  }
  return reads
}

/// The geometric median by the subgradient method, z ← z − (η/√T)·u/‖u‖
/// with u = Σᵢ (z − xᵢ)/‖z − xᵢ‖, for T = ⌈1/ε²⌉ iterations from the mean
/// (the iteration count the subgradient method needs for accuracy ε).
/// Returns the entries read: b·k for the mean, 2·b·k per iteration
/// (distances, then the subgradient).
func subgradientMedianWork(_ x: Matrix<Double>, epsilon: Double) -> Int {
  let n = x.rows, d = x.columns
  guard n > 0, d > 0 else { return 0 }
  let iterations = Int((1 / (epsilon * epsilon)).rounded(.up))
  var z = [Double](repeating: 0, count: d)
  for i in 0..<n { for j in 0..<d { z[j] += x.storage[i * d + j] / Double(n) } }
  var reads = n * d
  var u = [Double](repeating: 0, count: d)
  var r = [Double](repeating: 0, count: n)
  let eta = 1.0 / Double(iterations).squareRoot()
  for _ in 0..<iterations {
    for i in 0..<n {
      var s = 0.0
      for j in 0..<d { let v = z[j] - x.storage[i * d + j]; s += v * v }
      r[i] = max(s.squareRoot(), 1e-300)
    }
    for j in 0..<d { u[j] = 0 }
    for i in 0..<n { for j in 0..<d { u[j] += (z[j] - x.storage[i * d + j]) / r[i] } }
    reads += 2 * n * d
    var norm = 0.0
    for j in 0..<d { norm += u[j] * u[j] }
    norm = norm.squareRoot()
    if norm > 0 { for j in 0..<d { z[j] -= eta * u[j] / norm } }
  }
  return reads
}

/// The medoid of the rows (the row with the least summed squared distance
/// to the others, Krum's distance table): every pair's distance computed.
/// Returns the work: 2·d entries read per pair, plus b² sums.
func pairwiseMedoidWork(_ x: Matrix<Double>) -> WorkCount {
  let n = x.rows, d = x.columns
  var sums = [Double](repeating: 0, count: n)
  var reads = 0
  for i in 0..<n {
    for l in (i + 1)..<max(i + 1, n) {
      var s = 0.0
      for j in 0..<d { let v = x.storage[i * d + j] - x.storage[l * d + j]; s += v * v }
      reads += 2 * d
      sums[i] += s
      sums[l] += s
    }
  }
  var w = WorkCount()
  w.rule = reads + n * n
  w.rulePasses = max(1, n - 1)
  w.aggregations = 1
  return w
}

/// The coordinate median by insertion-sorting each column (b²/4
/// comparisons per column on average). Returns the work: b·d entries
/// copied, the comparisons.
func insertionSortMedianWork(_ x: Matrix<Double>) -> WorkCount {
  let n = x.rows, d = x.columns
  var comparisons = 0
  var column = [Double](repeating: 0, count: n)
  for j in 0..<d {
    for i in 0..<n { column[i] = x.storage[i * d + j] }
    for i in 1..<max(1, n) {
      let v = column[i]
      var p = i - 1
      while p >= 0 {
        comparisons += 1
        if column[p] <= v { break }
        column[p + 1] = column[p]
        p -= 1
      }
      column[p + 1] = v
    }
  }
  var w = WorkCount()
  w.gather = n * d
  w.rule = comparisons
  w.selectionComparisons = comparisons
  w.aggregations = 1
  return w
}
