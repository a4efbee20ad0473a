import RealModule

/// The geometric median of Float or Double rows read in place: screening,
/// scaling, the coordinate-median start and the Weiszfeld–Vardi–Zhang loop
/// with its certificate (see `geometricMedian(_:weights:options:)`).
func _solveGeometricMedian<E: Scalar & _StreamedElement>(
  _ x: Matrix<E>, weights: [Double], options: GeometricMedianOptions
) throws -> GeometricMedianSolution<E> {
  let rule = "geometric-median"
  let d = x.columns
  if let run = _solveWithFusedScan(x, weights: weights, options: options) {
    return GeometricMedianSolution(point: run.z.map { E($0) }, certificate: run.certificate, excludedRows: [],
                                   matrixPasses: run.passes)
  }
  // The fused attempt read (up to) one pass before it gave up; the scan is
  // another.
  var passes = x.rows > 0 && d > 0 ? 2 : 1
  let scan = x.storage.withUnsafeBufferPointer { p -> (finite: [Bool], largest: [Double]) in
    guard let base = p.baseAddress else {
      return ([Bool](repeating: true, count: x.rows), [Double](repeating: 0, count: x.rows))
    }
    return _scanRows(base, rows: x.rows, columns: d)
  }
  let excluded = (0..<x.rows).filter { !scan.finite[$0] }
  guard 2 * excluded.count < x.rows else {
    throw AggregationError.tooManyNonFiniteRows(
      rule: rule, nonFinite: excluded.count, rows: x.rows, tolerated: (x.rows - 1) / 2)
  }
  var kept = x
  var keptWeights = weights
  var largest = 0.0
  var keptLargest = scan.largest
  if excluded.isEmpty {
    largest = scan.largest.max() ?? 0
  } else {
    var storage: [E] = []
    keptWeights = []
    keptLargest = []
    for i in 0..<x.rows where scan.finite[i] {
      storage.append(contentsOf: x.row(i))
      keptWeights.append(weights[i])
      keptLargest.append(scan.largest[i])
      largest = max(largest, scan.largest[i])
    }
    kept = Matrix(_unchecked: x.rows - excluded.count, d, storage)
  }
  let totalWeight = keptWeights.reduce(0, +)
  guard totalWeight > 0, totalWeight.isFinite else {
    throw AggregationError.invalidParameter(
      rule: rule, parameter: "weights", value: "total \(totalWeight) over the finite rows",
      expected: "a positive, finite total weight")
  }
  if d == 0 || largest == 0 {
    // Every finite row is 0 (or there are no coordinates): z = 0 is exact.
    let certificate = GeometricMedianCertificate(objective: 0, lowerBound: 0, epsilon: 0, iterations: 0, converged: true)
    return GeometricMedianSolution(point: [E](repeating: 0, count: d), certificate: certificate, excludedRows: excluded,
                                   matrixPasses: passes)
  }
  // Scale by a power of two (exact) only when squares could overflow or
  // underflow: the largest magnitude outside [2⁻⁴⁰⁰, 2⁴⁰⁰].
  let scale = largest > 0x1p400 || largest < 0x1p-400 ? Double(sign: .plus, exponent: -largest.exponent, significand: 1) : 1
  // With scale 1 the start (coordinate median), the weighted mean and the
  // first distances come from one fused pass inside the loop.
  let start: _WeiszfeldStart =
    scale == 1 ? .coordinateMedian : .point(coordinateMedian(kept).map { Double($0) * scale })
  if scale != 1 { passes += 1 }  // the coordinate median's pass
  let outcome = kept.storage.withUnsafeBufferPointer { p -> _WeiszfeldRun? in
    // d > 0 and kept.rows > 0, so the storage is not empty.
    guard let base = p.baseAddress else { return nil }
    let data = _WeiszfeldData(x: base, n: kept.rows, d: d, scale: scale)
    return _weiszfeld(data, weights: keptWeights, start: start, options: options,
                      coincidence: _coincidenceRadii(E.self, columns: d, largest: largest, rowLargest: keptLargest)
                        .map { $0 * scale })
  }
  guard let run = outcome else { preconditionFailure("geometricMedian: empty storage for a non-empty matrix") }
  let unscale = 1 / scale
  let certificate = GeometricMedianCertificate(
    objective: run.objective * unscale, lowerBound: run.lowerBound * unscale,
    epsilon: run.epsilon, iterations: run.iterations, converged: run.converged)
  return GeometricMedianSolution(
    point: run.z.map { E($0 * unscale) }, certificate: certificate, excludedRows: excluded,
    matrixPasses: passes + run.passes)
}

/// The common case in one pass less: every entry finite and the largest
/// magnitude inside [2⁻⁴⁰⁰, 2⁴⁰⁰] (so no scaling; always so for nonzero
/// finite Float rows). The row scan (finiteness, largest magnitude) runs
/// inside the fused start pass on the chunks it has in cache instead of as a
/// pass of its own; if the scan finds a non-finite entry or a magnitude that
/// needs scaling (the pass stops at the first such chunk) or all entries are
/// zero, the start is discarded and nil returned, and the caller takes the
/// general path. Otherwise the run is the one the general path would make:
/// same start pass, same loop.
/// - Complexity: that of the solve; one pass over x for the start.
func _solveWithFusedScan<E: Scalar & _StreamedElement>(
  _ x: Matrix<E>, weights: [Double], options: GeometricMedianOptions
) -> _WeiszfeldRun? {
  let n = x.rows, d = x.columns
  let totalWeight = weights.reduce(0, +)
  guard n > 0, d > 0, totalWeight > 0, totalWeight.isFinite else { return nil }
  return x.storage.withUnsafeBufferPointer { p -> _WeiszfeldRun? in
    guard let base = p.baseAddress else { return nil }
    let data = _WeiszfeldData(x: base, n: n, d: d, scale: 1)
    var scan = _RowScan<E>(rows: n)
    var z = [Double](repeating: 0, count: d), mean = [Double](repeating: 0, count: d)
    var rSquared = [Double](repeating: 0, count: n)
    let completed = z.withUnsafeMutableBufferPointer { zp in
      mean.withUnsafeMutableBufferPointer { mp in
        data.startPass(weights: weights, z: zp.baseAddress.unsafelyUnwrapped, mean: mp.baseAddress.unsafelyUnwrapped,
                       rSquared: &rSquared, scan: &scan)
      }
    }
    let largest = scan.largest.max() ?? 0
    guard completed, scan.finite.allSatisfy({ $0 }), largest >= 0x1p-400, largest <= 0x1p400 else { return nil }
    return _weiszfeld(
      data, weights: weights, start: .computed(z: consume z, mean: consume mean, rSquared: consume rSquared),
      options: options,
      coincidence: _coincidenceRadii(E.self, columns: d, largest: largest, rowLargest: scan.largest))
  }
}

/// δᵢ, the radius within which row i counts as sitting at the iterate (the
/// set E of the Vardi–Zhang step and of the certificate):
/// max(10⁻¹² · max |x|, √d · 2·ulp(1) · max_j |xᵢⱼ|). The second term is two
/// rounding steps of the element type in every coordinate of row i: an
/// iterate rounded to `Float` cannot come closer to a data point than that,
/// so without it a `Float` median that is a data point is approached but
/// never reached and the run ends uncertified. It scales with the row's own
/// magnitude, so a huge outlier row does not widen the others' radii. Any E
/// gives a valid certificate (the proof in
/// `geometricMedian(_:weights:options:)` holds for every subset).
/// - Complexity: O(n).
func _coincidenceRadii<E: BinaryFloatingPoint>(
  _: E.Type, columns d: Int, largest: Double, rowLargest: [Double]
) -> [Double] {
  let rounding = Double(d).squareRoot() * 2 * Double(E.ulpOfOne)
  return rowLargest.map { max(1e-12 * largest, rounding * $0) }
}

/// Where the loop starts (scaled units).
enum _WeiszfeldStart {
  /// The coordinate median, with the weighted mean and the first distances,
  /// from the fused start pass. Scale 1 only.
  case coordinateMedian
  /// A given point; the weighted mean and the distances get passes of their
  /// own.
  case point([Double])
  /// The start pass already run: the point, the weighted mean and the
  /// squared distances.
  case computed(z: [Double], mean: [Double], rSquared: [Double])
}

/// The outcome of the loop, in scaled units.
struct _WeiszfeldRun {
  var z: [Double]
  var objective: Double
  var lowerBound: Double
  var epsilon: Double
  var iterations: Int
  var converged: Bool
  /// Passes over the n × d data the loop made, its start included: one
  /// for the start (three for `.point`: mean and distances), one per
  /// Weiszfeld step (`weiszfeldStep`, the final certifying one included),
  /// one more per Vardi–Zhang step (the distances recomputed).
  var passes: Int

  /// The certificate in the units of the rows (scale 1).
  var certificate: GeometricMedianCertificate {
    GeometricMedianCertificate(
      objective: objective, lowerBound: lowerBound, epsilon: epsilon, iterations: iterations, converged: converged)
  }
}

/// (g − L)/L, 0 when g = 0, +∞ when L ≤ 0 < g.
@inline(__always)
func _relativeGap(_ objective: Double, _ lowerBound: Double) -> Double {
  if objective <= 0 { return 0 }
  if lowerBound <= 0 { return .infinity }
  return max(0, (objective - lowerBound) / lowerBound)
}

/// The Weiszfeld–Vardi–Zhang loop with the dual certificate (the
/// construction is proved in `geometricMedian(_:weights:options:)`).
@_specialize(where E == Float)
@_specialize(where E == Double)
func _weiszfeld<E: _StreamedElement>(
  _ data: _WeiszfeldData<E>, weights: [Double], start: consuming _WeiszfeldStart, options: GeometricMedianOptions,
  coincidence: [Double]
) -> _WeiszfeldRun {
  let n = data.n, d = data.d
  let totalWeight = weights.reduce(0, +)
  var z: [Double], mean: [Double], rSquared: [Double]
  // The start's arrays are taken over, not shared: the loop writes into z's
  // storage (after a swap), which would otherwise be copied first.
  var passes = 1
  switch consume start {
  case .coordinateMedian:
    z = [Double](repeating: 0, count: d)
    mean = [Double](repeating: 0, count: d)
    rSquared = [Double](repeating: 0, count: n)
    z.withUnsafeMutableBufferPointer { zp in
      mean.withUnsafeMutableBufferPointer { mp in
        data.startPass(weights: weights, z: zp.baseAddress.unsafelyUnwrapped, mean: mp.baseAddress.unsafelyUnwrapped,
                       rSquared: &rSquared)
      }
    }
  case .point(let point):
    passes = 2
    z = point
    mean = [Double](repeating: 0, count: d)
    rSquared = [Double](repeating: 0, count: n)
    mean.withUnsafeMutableBufferPointer { data.weightedMean(weights, into: $0.baseAddress.unsafelyUnwrapped) }
    z.withUnsafeBufferPointer { data.squaredDistances(to: $0.baseAddress.unsafelyUnwrapped, into: &rSquared) }
  case .computed(let point, let weightedMean, let distances):
    z = point
    mean = weightedMean
    rSquared = distances
  }
  var next = [Double](repeating: 0, count: d)
  var chunk = [Double](repeating: 0, count: _weiszfeldChunkColumns)
  var nextSquared = [Double](repeating: 0, count: n)
  var beta = [Double](repeating: 0, count: n)
  var bestLower = -Double.infinity
  var iterations = 0
  while true {
    var objective = 0.0, eta = 0.0, coincidentObjective = 0.0, betaSum = 0.0
    for i in 0..<n {
      let r = rSquared[i].squareRoot()
      objective += weights[i] * r
      if r <= coincidence[i] {
        eta += weights[i]
        coincidentObjective += weights[i] * r
        beta[i] = 0
      } else {
        beta[i] = weights[i] / r
        betaSum += beta[i]
      }
    }
    if betaSum == 0 {
      // Every row with positive weight is within δ of z: u = 0 gives L = 0.
      bestLower = max(bestLower, 0)
      let gap = _relativeGap(objective, bestLower)
      return _WeiszfeldRun(z: z, objective: objective, lowerBound: bestLower, epsilon: gap,
                           iterations: iterations, converged: gap <= options.epsilon, passes: passes)
    }
    passes += 1
    let fused = eta == 0
    let terms = z.withUnsafeBufferPointer { zp in
      mean.withUnsafeBufferPointer { mp in
        next.withUnsafeMutableBufferPointer { np in
          chunk.withUnsafeMutableBufferPointer { cp in
            nextSquared.withUnsafeMutableBufferPointer { rp in
              data.weiszfeldStep(
                z: zp.baseAddress.unsafelyUnwrapped, beta: beta, betaSum: betaSum,
                weightedMean: mp.baseAddress.unsafelyUnwrapped, next: np.baseAddress.unsafelyUnwrapped,
                chunk: cp.baseAddress.unsafelyUnwrapped, nextSquaredDistances: fused ? rp.baseAddress : nil)
            }
          }
        }
      }
    }
    let rNorm = terms.rNormSquared.squareRoot()
    let atFixedPoint = eta > 0 && rNorm <= eta
    let lower = atFixedPoint
      ? objective - (1 + rNorm / eta) * coincidentObjective
      : (objective - coincidentObjective + terms.rDotOffset) / (1 + rNorm / totalWeight)
    bestLower = max(bestLower, lower)
    let gap = _relativeGap(objective, bestLower)
    if gap <= options.epsilon || iterations >= options.maxIterations || atFixedPoint {
      return _WeiszfeldRun(z: z, objective: objective, lowerBound: bestLower, epsilon: gap,
                           iterations: iterations, converged: gap <= options.epsilon, passes: passes)
    }
    if !fused {
      passes += 1
      // Vardi–Zhang: z⁺ = (1 − λ) T̃(z) + λ z with λ = η / ‖R‖ < 1.
      let lambda = eta / rNorm
      for j in 0..<d { next[j] = Double(E((1 - lambda) * next[j] + lambda * z[j])) }
      next.withUnsafeBufferPointer { data.squaredDistances(to: $0.baseAddress.unsafelyUnwrapped, into: &nextSquared) }
    }
    var nextObjective = 0.0
    for i in 0..<n { nextObjective += weights[i] * nextSquared[i].squareRoot() }
    if !(nextObjective <= objective * (1 + 0x1p-40)) {
      // An increase beyond rounding (Weiszfeld and Vardi–Zhang never
      // increase g in exact arithmetic): z is the best iterate.
      return _WeiszfeldRun(z: z, objective: objective, lowerBound: bestLower, epsilon: gap,
                           iterations: iterations, converged: false, passes: passes)
    }
    swap(&z, &next)
    swap(&rSquared, &nextSquared)
    iterations += 1
  }
}
