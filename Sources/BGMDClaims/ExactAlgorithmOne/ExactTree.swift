import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// A deliberately broken variant of Algorithm 1 or of its oracle, for the
/// negative controls of Lemmas 3, 4 and 6 (the claim itself runs `.paper`).
public struct TreeVariant: Sendable, Hashable {
  /// The memory is fed back this many times (1: Algorithm 1).
  public var memoryFactor: Int = 1
  /// The memory keeps the selected columns too (M_t = G̃_t: never cleared).
  public var neverCleared = false
  /// The selection used instead of the case's reading (e.g. `uniform`: a
  /// selection that ignores the scores).
  public var selection: SelectionReading?
  /// The honest rows are sign·∇f(x_t) + n (−1: an oracle biased against the gradient).
  public var oracleSign: Int = 1
  /// The aggregator returns 10·(1 + max |entry|) on every block coordinate
  /// instead of the case's rule (an aggregator far from the geometric median).
  public var farAggregator = false

  /// Algorithm 1 as printed.
  public static let paper = TreeVariant()
}

/// The quantities of one Lemma 6 node: at a state of the run at time t,
/// the expectation E_t over the oracle's draws and the selection at t.
public struct Lemma6Node: Sendable {
  public var step: Int
  /// f(x̃_t), ‖∇f(x_t)‖², ‖x̃_t − x_t‖².
  public var virtualLoss: Rational
  public var gradientNormSquared: Rational
  public var gapSquared: Rational
  /// E_t f(x̃_{t+1}), E_t‖g_t‖², E_t‖z_t‖².
  public var nextVirtualLoss: Rational
  public var honestMeanSquared: Rational
  public var perturbationSquared: Rational
  /// ‖E_t g_t − ∇f(x_t)‖² (0 for an unbiased oracle).
  public var bias: Rational
}

/// Every expectation of Lemmas 3, 4 and 6 on one `ExactCase`, exactly: the
/// run's randomness up to T (the oracle's draws for each honest row and
/// Algorithm 2's block at each step) has finite support, so the tree of
/// all outcomes is enumerated and each expectation is a finite sum in ℚ.
///
/// At a node (x_t, x̃_t, memory) and an outcome of the honest rows, with
/// G_t the rows (honest, then the adversary's), G̃_t = γG_t + memory
/// (`averaged`: m̂_t on every row; `per-row`: M_{t−1}[i,:] on row i), and a
/// block ω of the exact distribution of Algorithm 2 on G̃_t:
/// Δ_t^i = C_ω(G̃_t)[i,:], M_t = G̃_t − C_ω(G̃_t), g̃_t = the rule on the
/// block (zero off ω), Δ_t = mean over 𝔾 of Δ_t^i, z_t = g̃_t − Δ_t (10),
/// g_t = mean over 𝔾 of the honest rows, x_{t+1} = x_t − g̃_t,
/// x̃_{t+1} = x̃_t − γg_t − z_t (13), m̂_{t+1} = (1/b)Σ_i M_t[i,:].
public struct ExactTree: Sendable {
  /// E‖m̂_{t+1}‖² (`averaged`) or max over i ∈ 𝔾 of E‖M_t[i,:]‖² (`per-row`), t = 0…T−1.
  public var memory: [Rational] = []
  /// `per-row`: the mean over i ∈ 𝔾 of E‖M_t[i,:]‖² (else = `memory`).
  public var memoryRowMean: [Rational] = []
  /// E‖z_t‖², t = 0…T−1.
  public var perturbation: [Rational] = []
  /// The largest ξ for which Lemma 1's E‖C(G̃) − G̃‖²_F ≤ (1 − ξ)‖G̃‖²_F holds at
  /// every augmented matrix the run can meet (G̃ ≠ 0): the minimum of the
  /// exact retained fraction. nil when every G̃ was 0.
  public var xi: Rational?
  /// The same minimum for the top-k selection on the same matrices (what a
  /// selection that uses the scores would deliver).
  public var xiTopK: Rational?
  /// max over nodes and i ∈ 𝔾 of E‖g_i‖² (second-moment reading) and of
  /// E‖g_i − ∇f_i‖² (variance reading), computed from the outcomes.
  public var secondMoment = Rational(0)
  public var variance = Rational(0)
  /// The same two maxima from the closed forms of the problem
  /// (`PLQuadratic.secondMoment(at:)`, `GradientNoise.variance`), an
  /// independent measurement of Assumption 1 on the instance.
  public var secondMomentFormula = Rational(0)
  public var varianceFormula = Rational(0)
  /// The mean of the outcomes' noise (must be 0: unbiased oracle).
  public var largestNoiseMean = Rational(0)
  /// max over nodes, outcomes and blocks of g(g̃) − g(GM), g(y) = Σ_i ‖y − Δ_t^i‖
  /// over all b rows of the block, when every block has one coordinate
  /// (then GM is the median, exactly); nil otherwise.
  public var epsilon: Rational? = Rational(0)
  /// Lemma 6's quantities at every node with t < T.
  public var lemma6: [Lemma6Node] = []
  /// max ‖∇f(u) − ∇f(v)‖² / ‖u − v‖² over the visited pairs (x_t, x̃_t), (x_t, x*), (x̃_t, x*).
  public var smoothnessSquared = Rational(0)
  /// Leaves enumerated.
  public var leaves = 0
  /// Probability mass of each level (must be 1).
  public var levelMass: [Rational] = []

  struct Node {
    var probability: Rational
    var x: [Rational]
    var virtual: [Rational]
    var averaged: [Rational]
    var perRow: [[Rational]]
  }

  /// Enumerates `c` under `variant`.
  /// - Throws: `FixtureInputError` for a malformed case; selection errors.
  public init(_ c: ExactCase, variant: TreeVariant = .paper) throws {
    try c.validate()
    let problem = c.problem
    let d = c.dimension, b = c.rows, good = c.goodCount
    let gamma = c.stepSize
    let zero = [Rational](repeating: Rational(0), count: d)
    let outcomes = c.gradientNoise.outcomes(dimension: d) ?? [(Rational(1), zero)]
    var noiseMean = zero
    for o in outcomes { noiseMean = Q.add(noiseMean, Q.scale(o.vector, o.probability)) }
    largestNoiseMean = noiseMean.map { $0.signum < 0 ? -$0 : $0 }.max() ?? Rational(0)
    let noiseSecond = outcomes.reduce(Rational(0)) { $0 + $1.probability * Q.sq($1.vector) }
    let reading = variant.selection ?? c.reading
    var level = [Node(probability: Rational(1), x: c.initialIterate, virtual: c.initialIterate, averaged: zero,
                      perRow: Array(repeating: zero, count: b))]
    var xiMin: Rational?
    var topMin: Rational?
    var lipschitz = Rational(0)
    func observePair(_ u: [Rational], _ v: [Rational]) {
      let du = Q.sub(u, v)
      let n = Q.sq(du)
      guard !n.isZero else { return }
      let r = Q.sq(Q.sub(problem.gradient(u), problem.gradient(v))) / n
      if lipschitz < r { lipschitz = r }
    }
    for t in 0..<c.steps {
      var next: [Node] = []
      var eMemory = Rational(0)
      var eRows = [Rational](repeating: Rational(0), count: good)
      var eZ = Rational(0)
      var mass = Rational(0)
      for node in level {
        let gradient = problem.gradient(node.x)
        observePair(node.x, node.virtual)
        observePair(node.x, c.minimizer)
        observePair(node.virtual, c.minimizer)
        let signed = variant.oracleSign == 1 ? gradient : gradient.map { -$0 }
        let gSecond = Q.sq(signed) + Rational(2) * Q.dot(signed, noiseMean) + noiseSecond
        if secondMoment < gSecond { secondMoment = gSecond }
        let gVariance = Q.sq(Q.sub(signed, gradient)) + Rational(2) * Q.dot(Q.sub(signed, gradient), noiseMean) + noiseSecond
        if variance < gVariance { variance = gVariance }
        let formula = problem.secondMoment(at: node.x)
        if secondMomentFormula < formula { secondMomentFormula = formula }
        if varianceFormula < problem.noiseVariance { varianceFormula = problem.noiseVariance }
        var l6 = Lemma6Node(step: t, virtualLoss: problem.loss(node.virtual), gradientNormSquared: Q.sq(gradient),
                            gapSquared: Q.sq(Q.sub(node.virtual, node.x)), nextVirtualLoss: Rational(0),
                            honestMeanSquared: Rational(0), perturbationSquared: Rational(0), bias: Rational(0))
        var meanExpectation = zero
        // Every joint outcome of the |𝔾| honest rows.
        var index = [Int](repeating: 0, count: good)
        while true {
          var p = node.probability
          var rowsNow: [[Rational]] = []
          var honestMean = zero
          for i in 0..<good {
            let o = outcomes[index[i]]
            p = p * o.probability
            let row = Q.add(signed, o.vector)
            rowsNow.append(row)
            honestMean = Q.add(honestMean, row)
          }
          honestMean = Q.scale(honestMean, Rational(1, good))
          rowsNow += c.badRows[t]
          // Augmentation.
          var augmented = rowsNow.map { Q.scale($0, gamma) }
          let factor = Rational(variant.memoryFactor)
          for i in 0..<b {
            switch c.memory {
            case .averaged: augmented[i] = Q.add(augmented[i], Q.scale(node.averaged, factor))
            case .perRow: augmented[i] = Q.add(augmented[i], Q.scale(node.perRow[i], factor))
            case .none: break
            case .coordinateMedian, .filteredMean, .normFiltered:
              throw ExactTreeError.unsupportedMemory(c.memory)
            }
          }
          let matrix = try Matrix(augmented)
          let total = augmented.reduce(Rational(0)) { $0 + Q.sq($1) }
          let distribution = try blockDistribution(matrix, k: c.k, reading: reading)
          if !total.isZero {
            var kept = Rational(0)
            for (block, q) in distribution { kept += q * Q.keptEnergy(augmented, block) }
            let fraction = kept / total
            if xiMin.map({ fraction < $0 }) ?? true { xiMin = fraction }
            let top = try blockDistribution(matrix, k: c.k, reading: .topK)
            let topFraction = Q.keptEnergy(augmented, top.first?.block ?? []) / total
            if topMin.map({ topFraction < $0 }) ?? true { topMin = topFraction }
          }
          for (block, q) in distribution {
            let pq = p * q
            let child = try ExactTree.branch(c, variant: variant, augmented: augmented, block: block, step: t)
            let z = Q.sub(child.aggregate, child.deltaMean)
            let zz = Q.sq(z)
            eZ += pq * zz
            let x = Q.sub(node.x, child.aggregate)
            let virtual = Q.sub(Q.sub(node.virtual, Q.scale(honestMean, gamma)), z)
            let rowMemory = child.residual
            let averaged = Q.scale(rowMemory.reduce(zero, Q.add), Rational(1, b))
            switch c.memory {
            case .averaged, .none, .coordinateMedian, .filteredMean, .normFiltered: eMemory += pq * Q.sq(averaged)
            case .perRow: for i in 0..<good { eRows[i] += pq * Q.sq(rowMemory[i]) }
            }
            let local = pq / node.probability
            l6.nextVirtualLoss += local * problem.loss(virtual)
            l6.honestMeanSquared += local * Q.sq(honestMean)
            meanExpectation = Q.add(meanExpectation, Q.scale(honestMean, local))
            l6.perturbationSquared += local * zz
            if epsilon != nil {
              if block.count == 1 {
                let values = augmented.map { $0[block[0]] }
                let med = coordinateMedian(try Matrix(values.map { [$0] }))[0]
                let out = child.aggregate[block[0]]
                let excess = Q.absSum(values, out) - Q.absSum(values, med)
                if let e = epsilon, e < excess { epsilon = excess }
              } else {
                epsilon = nil
              }
            }
            mass += pq
            leaves += t == c.steps - 1 ? 1 : 0
            if t + 1 < c.steps {
              next.append(Node(probability: pq, x: x, virtual: virtual, averaged: averaged, perRow: rowMemory))
            } else {
              observePair(x, virtual)
            }
          }
          // Next joint outcome.
          var i = 0
          while i < good {
            index[i] += 1
            if index[i] < outcomes.count { break }
            index[i] = 0
            i += 1
          }
          if i == good { break }
        }
        l6.bias = Q.sq(Q.sub(meanExpectation, gradient))
        lemma6.append(l6)
      }
      levelMass.append(mass)
      perturbation.append(eZ)
      switch c.memory {
      case .averaged, .none, .coordinateMedian, .filteredMean, .normFiltered:
        memory.append(eMemory)
        memoryRowMean.append(eMemory)
      case .perRow:
        memory.append(eRows.max() ?? Rational(0))
        memoryRowMean.append(eRows.reduce(Rational(0), +) / Rational(Swift.max(1, good)))
      }
      level = next
    }
    xi = xiMin
    xiTopK = topMin
    smoothnessSquared = lipschitz
  }

  /// One branch: the augmented rows, the block; the aggregate (in ℝ^d),
  /// the residual rows M_t and Δ_t (mean over 𝔾 of the block rows).
  static func branch(_ c: ExactCase, variant: TreeVariant, augmented: [[Rational]], block: [Int], step t: Int) throws
    -> (aggregate: [Rational], residual: [[Rational]], deltaMean: [Rational])
  {
    let d = c.dimension
    let inBlock = Set(block)
    var residual = augmented
    var deltaMean = [Rational](repeating: Rational(0), count: d)
    for i in 0..<c.rows {
      for j in 0..<d where inBlock.contains(j) {
        if !variant.neverCleared { residual[i][j] = Rational(0) }
        if i < c.goodCount { deltaMean[j] += augmented[i][j] }
      }
    }
    deltaMean = deltaMean.map { $0 / Rational(c.goodCount) }
    let blockRows = try Matrix(augmented.map { row in block.map { row[$0] } })
    var out: [Rational]
    if variant.farAggregator {
      var largest = Rational(0)
      for v in blockRows.storage where largest < Q.abs(v) { largest = Q.abs(v) }
      out = block.map { _ in Rational(10) * (Rational(1) + largest) }
    } else if c.aggregator == "median" {
      out = coordinateMedian(blockRows)
    } else if c.aggregator == "weiszfeld" {
      out = try ExactTree.weiszfeld(blockRows)
    } else if c.aggregator == "offset" {
      out = block.indices.map { n in deltaMean[block[n]] + (n < c.outputs[t].count ? c.outputs[t][n] : Rational(0)) }
    } else {
      out = block.indices.map { $0 < c.outputs[t].count ? c.outputs[t][$0] : Rational(0) }
    }
    var aggregate = [Rational](repeating: Rational(0), count: d)
    for (n, j) in block.enumerated() { aggregate[j] = out[n] }
    return (aggregate, residual, deltaMean)
  }

  /// The library's geometric median (`GeometricMedian<Double>`, Weiszfeld
  /// with its certificate) of the rows converted to `Double`, its output
  /// converted back exactly: a rational point, so everything downstream
  /// stays exact (Lemma 6 holds for any aggregate, so the real GM's output
  /// can be judged exactly).
  /// - Throws: `FixtureInputError` when the output is not finite; the rule's errors.
  static func weiszfeld(_ rows: Matrix<Rational>) throws -> [Rational] {
    let doubles = try Matrix(rows: rows.rows, columns: rows.columns, storage: rows.storage.map { Double($0) })
    var rng = Xoshiro256(seed: 0)
    let result = try GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: 1e-10, maxIterations: 2000))
      .aggregate(doubles, using: &rng)
    return try result.vector.map { v in
      guard let r = Rational(exactly: v) else {
        throw FixtureInputError(field: "aggregate", expected: "a finite geometric median (our implementation returned \(v))")
      }
      return r
    }
  }

  /// Runs `BlockDescent` in ℚ (the library's Algorithm 1) along one random
  /// path of the case and compares every step with the tree's branch for
  /// the same rows and block: aggregate, residual, next iterate and memory.
  /// - Returns: nil when they agree, else where they differ.
  public static func pathDisagreement(_ c: ExactCase) throws -> String? {
    try c.validate()
    let problem = c.problem
    let config = OptimizerConfiguration<Rational>(stepSize: c.stepSize, memory: c.memory,
                                                  block: .block(k: c.k, reading: c.reading), record: .full)
    let rule: AnyAggregationRule<Rational>
    switch c.aggregator {
    case "median": rule = AnyAggregationRule(CoordinateMedian<Rational>())
    case "offset": rule = OffsetOutputs(c.outputs, good: c.goodCount).rule
    case "weiszfeld": rule = AnyAggregationRule(name: "weiszfeld") { rows, _ in
        AggregationResult(vector: try ExactTree.weiszfeld(rows))
      }
    default: rule = InjectedOutputs(c.outputs).rule
    }
    var optimizer = try BlockDescent(initialIterate: c.initialIterate, batchCount: c.rows, rule: rule,
                                     configuration: config)
    let (good, b, badRows, noise) = (c.goodCount, c.rows, c.badRows, c.gradientNoise)
    let loop = TrainingLoop<AnyAggregationRule<Rational>>(
      oracle: { x, _, rng in
        let g = problem.gradient(x)
        return try Matrix((0..<b).map { _ in Q.add(g, noise.sample(dimension: x.count, using: &rng)) })
      },
      schedule: { _, _ in Array(good..<b) },
      adversary: { view, _ in badRows[view.iteration] })
    var streams = TrainingStreams(seed: c.pathSeed)
    let records = try loop.run(&optimizer, iterations: c.steps, streams: &streams)
    let d = c.dimension
    let zero = [Rational](repeating: Rational(0), count: d)
    var x = c.initialIterate
    var averaged = zero
    var perRow = Array(repeating: zero, count: b)
    for r in records {
      guard let rows = r.rows, let block = r.block, let aggregate = r.aggregate, let residual = r.residual else {
        return "step \(r.iteration): BlockDescent did not record the full state"
      }
      var augmented = rows.rowArrays.map { Q.scale($0, c.stepSize) }
      for i in 0..<b { augmented[i] = Q.add(augmented[i], c.memory == .averaged ? averaged : perRow[i]) }
      let child = try branch(c, variant: .paper, augmented: augmented, block: block, step: r.iteration)
      if r.iterate != x { return "step \(r.iteration): iterate \(r.iterate ?? []) ≠ tree \(x)" }
      if aggregate != child.aggregate { return "step \(r.iteration): aggregate \(aggregate) ≠ tree \(child.aggregate)" }
      if residual.rowArrays != child.residual { return "step \(r.iteration): residual differs from the tree's" }
      x = Q.sub(x, child.aggregate)
      perRow = child.residual
      averaged = Q.scale(child.residual.reduce(zero, Q.add), Rational(1, b))
    }
    if optimizer.iterate != x { return "final iterate \(optimizer.iterate) ≠ tree \(x)" }
    if c.memory == .averaged, optimizer.averagedMemory != averaged { return "final memory m̂_T differs from the tree's" }
    if c.memory == .perRow, optimizer.rowMemory?.rowArrays != perRow { return "final memory M_{T−1} differs from the tree's" }
    return nil
  }
}

/// Small exact vector helpers.
enum Q {
  static func keptEnergy(_ rows: [[Rational]], _ block: [Int]) -> Rational {
  var s = Rational(0)
  for row in rows { for j in block { s += row[j] * row[j] } }
  return s
}
  static func abs(_ r: Rational) -> Rational { r.signum < 0 ? -r : r }
  static func absSum(_ values: [Rational], _ y: Rational) -> Rational { values.reduce(Rational(0)) { $0 + Q.abs($1 - y) } }
  static func add(_ a: [Rational], _ b: [Rational]) -> [Rational] { zip(a, b).map { $0 + $1 } }
  static func sub(_ a: [Rational], _ b: [Rational]) -> [Rational] { zip(a, b).map { $0 - $1 } }
  static func scale(_ a: [Rational], _ s: Rational) -> [Rational] { a.map { $0 * s } }
  static func dot(_ a: [Rational], _ b: [Rational]) -> Rational { zip(a, b).reduce(Rational(0)) { $0 + $1.0 * $1.1 } }
  static func sq(_ a: [Rational]) -> Rational { dot(a, a) }
}

/// The `offset` rule of the exact checks: the mean of the first `good` rows
/// of the block plus the case's drawn vector for this call (so z_t is the
/// drawn vector: an arbitrary perturbation).
final class OffsetOutputs: @unchecked Sendable {
  private let lock = NSLock()
  private var call = 0
  private let outputs: [[Rational]]
  private let good: Int

  init(_ outputs: [[Rational]], good: Int) {
    self.outputs = outputs
    self.good = good
  }

  var rule: AnyAggregationRule<Rational> {
    AnyAggregationRule(name: "offset") { [self] rows, _ in
      lock.lock()
      let t = call
      call += 1
      lock.unlock()
      let drawn = t < outputs.count ? outputs[t] : []
      let vector = (0..<rows.columns).map { j in
        var mean = Rational(0)
        for i in 0..<good { mean += rows[i, j] }
        return mean / Rational(Swift.max(1, good)) + (j < drawn.count ? drawn[j] : Rational(0))
      }
      return AggregationResult(vector: vector)
    }
  }
}

/// A case the exact tree cannot run.
enum ExactTreeError: Error, CustomStringConvertible {
  /// Lemmas 3, 4 and 6 are checked for the memories of (8) and the authors' code
  /// (`averaged`, `per-row`, and `none`); the robust memories have no tree here.
  case unsupportedMemory(MemoryVariant)

  var description: String {
    switch self {
    case .unsupportedMemory(let m): return "the exact tree runs averaged, per-row or none memory, not \(m.rawValue)"
    }
  }
}
