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
    return GeometricMedianSolution(point: run.z, certificate: run.certificate, excludedRows: [],
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
  // (The power is capped at 2¹⁰²³: subnormal rows land in [2⁻⁵¹, 2), well
  // inside the range where squares are exact enough.)
  let scale = largest > 0x1p400 || largest < 0x1p-400 ? _powerOfTwoScale(largest: largest) : 1
  let coincidence = _coincidenceRadii(E.self, columns: d, largest: largest, rowLargest: keptLargest)
  if scale == 1 {
    // The start (coordinate median), the weighted mean and the first
    // distances come from one fused pass inside the loop.
    let outcome = kept.storage.withUnsafeBufferPointer { p -> _WeiszfeldRun<E>? in
      // d > 0 and kept.rows > 0, so the storage is not empty.
      guard let base = p.baseAddress else { return nil }
      let data = _WeiszfeldData(x: base, n: kept.rows, d: d, scale: 1)
      return _weiszfeld(data, weights: keptWeights, start: .coordinateMedian, options: options,
                        coincidence: coincidence, rowMagnitudes: keptLargest)
    }
    guard let run = outcome else { preconditionFailure("geometricMedian: empty storage for a non-empty matrix") }
    // The iterates are elements already: the point is the one certified.
    return GeometricMedianSolution(point: run.z, certificate: run.certificate, excludedRows: excluded,
                                   matrixPasses: passes + run.passes)
  }
  // The rows times the scale, as a copy in Double: every sum of the run
  // (weighted mean, Σ βᵢxᵢ, distances) is then taken on entries in
  // [2⁻⁵¹, 2) in magnitude, where it neither overflows (entries near
  // 1e308 would) nor loses bits to the subnormal range (entries near
  // 1e-320 would). Only Double rows get here: a nonzero finite Float is
  // inside [2⁻¹⁴⁹, 2¹²⁸].
  let scaled = Matrix<Double>(_unchecked: kept.rows, d, kept.storage.map { Double($0) * scale })
  passes += 1  // the scaled copy's pass
  let outcome = scaled.storage.withUnsafeBufferPointer { p -> _WeiszfeldRun<Double>? in
    guard let base = p.baseAddress else { return nil }
    let data = _WeiszfeldData(x: base, n: kept.rows, d: d, scale: 1)
    return _weiszfeld(data, weights: keptWeights, start: .coordinateMedian, options: options,
                      coincidence: coincidence.map { $0 * scale }, rowMagnitudes: keptLargest.map { $0 * scale })
  }
  guard let run = outcome else { preconditionFailure("geometricMedian: empty storage for a non-empty matrix") }
  let point: [E] = _unscaledPoint(run.z, scale: scale)
  let exact = zip(point, run.z).allSatisfy { Double($0) * scale == $1 }
  return GeometricMedianSolution(
    point: point, certificate: _unscaledCertificate(
      run, scale: scale, pointRounded: !exact, totalWeight: totalWeight, d: d, requested: options.epsilon),
    excludedRows: excluded, matrixPasses: passes + run.passes)
}

/// The scaled run's point in the rows' units, in the element type:
/// z / scale (exact unless it lands among the subnormals). A run at scale 1
/// returns its iterate as the point itself.
/// - Complexity: O(d).
func _unscaledPoint<E: BinaryFloatingPoint>(_ z: [Double], scale: Double) -> [E] {
  let unscale = 1 / scale
  return z.map { E($0 * unscale) }
}

/// The scaled run's certificate for the point in the rows' units (a run at
/// scale 1 certifies its point as it is: `_WeiszfeldRun.certificate`). Dividing by a
/// power of two is exact, except that the point can round among the
/// subnormals (rows near 1e-320; `pointRounded`): ‖p − z/s‖ ≤ √d·2⁻¹⁰⁷⁵,
/// which adds at most W·√d·2⁻¹⁰⁷⁵·s to the objective in scaled units. Objective and lower
/// bound are reported in the rows' units when both are normal numbers
/// there (exponent 0); otherwise (they would overflow or be subnormal) in
/// the scaled units, with `exponent` = −log₂ s: their values are
/// objective·2^exponent and lowerBound·2^exponent. ε is relative and the
/// same in both.
/// - Complexity: O(1).
func _unscaledCertificate(
  _ run: _WeiszfeldRun<Double>, scale: Double, pointRounded: Bool, totalWeight: Double, d: Int, requested: Double
)
  -> GeometricMedianCertificate
{
  var objective = run.objective
  if pointRounded {
    objective = (objective + totalWeight * Double(d).squareRoot() * 0x1p-1074 * scale * 2).nextUp
  }
  let epsilon = _relativeGap(objective, run.lowerBound)
  let unscale = 1 / scale
  let o = objective * unscale, l = run.lowerBound * unscale
  let normal = { (v: Double) in v == 0 || (v.isFinite && abs(v) >= Double.leastNormalMagnitude) }
  if normal(o) && normal(l) {
    return GeometricMedianCertificate(
      objective: o, lowerBound: l, epsilon: epsilon, iterations: run.iterations,
      converged: epsilon <= requested)
  }
  return GeometricMedianCertificate(
    objective: objective, lowerBound: run.lowerBound, epsilon: epsilon, iterations: run.iterations,
    converged: epsilon <= requested, exponent: -Int(scale.exponent))
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
) -> _WeiszfeldRun<E>? {
  let n = x.rows, d = x.columns
  let totalWeight = weights.reduce(0, +)
  guard n > 0, d > 0, totalWeight > 0, totalWeight.isFinite else { return nil }
  return x.storage.withUnsafeBufferPointer { p -> _WeiszfeldRun<E>? in
    guard let base = p.baseAddress else { return nil }
    let data = _WeiszfeldData(x: base, n: n, d: d, scale: 1)
    var scan = _RowScan<E>(rows: n)
    var z = [E](repeating: 0, count: d), mean = [Double](repeating: 0, count: d)
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
      coincidence: _coincidenceRadii(E.self, columns: d, largest: largest, rowLargest: scan.largest),
      rowMagnitudes: scan.largest)
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

/// Where the loop starts (scaled units). The iterates are elements of the
/// rows' type E (each is rounded to E), so they are kept as E: half the
/// memory of doubles for Float rows, read back exactly.
enum _WeiszfeldStart<E: _StreamedElement> {
  /// The coordinate median, with the weighted mean and the first distances,
  /// from the fused start pass. Scale 1 only.
  case coordinateMedian
  /// The start pass already run: the point, the weighted mean and the
  /// squared distances.
  case computed(z: [E], mean: [Double], rSquared: [Double])
}

/// The outcome of the loop, in scaled units.
struct _WeiszfeldRun<E: _StreamedElement> {
  var z: [E]
  var objective: Double
  var lowerBound: Double
  var epsilon: Double
  var iterations: Int
  var converged: Bool
  /// Passes over the n × d data the loop made, its start included: one
  /// for the start, one per
  /// Weiszfeld step (`weiszfeldStep`, the final certifying one included),
  /// one more per Vardi–Zhang step (the distances recomputed).
  var passes: Int

  /// The certificate in the units of the rows (scale 1).
  var certificate: GeometricMedianCertificate {
    GeometricMedianCertificate(
      objective: objective, lowerBound: lowerBound, epsilon: epsilon, iterations: iterations, converged: converged)
  }
}

/// (g − L)/L rounded up (two roundings, each covered by the factor and
/// the step to the next Double), 0 when g = 0, +∞ when L ≤ 0 < g.
@inline(__always)
func _relativeGap(_ objective: Double, _ lowerBound: Double) -> Double {
  if objective <= 0 { return 0 }
  if lowerBound <= 0 { return .infinity }
  let gap = (objective - lowerBound) / lowerBound
  return gap <= 0 ? 0 : (gap * (1 + 0x1p-50)).nextUp
}

/// The Weiszfeld–Vardi–Zhang loop with the dual certificate (the
/// construction is proved in `geometricMedian(_:weights:options:)`).
@_specialize(where E == Float)
@_specialize(where E == Double)
func _weiszfeld<E: _StreamedElement>(
  _ data: _WeiszfeldData<E>, weights: [Double], start: consuming _WeiszfeldStart<E>, options: GeometricMedianOptions,
  coincidence: [Double], rowMagnitudes: [Double]
) -> _WeiszfeldRun<E> {
  let n = data.n, d = data.d
  let totalWeight = weights.reduce(0, +)
  // ‖xᵢ‖ ≤ √d·max_j|xᵢⱼ| (rounded up), for the rounding bounds of the
  // certificate; and their weighted mean.
  let rowNorms = rowMagnitudes.map { $0 * Double(d).squareRoot() * (1 + _gamma(3)) }
  var weightedRowNorms = 0.0
  for i in 0..<n { weightedRowNorms += weights[i] * rowNorms[i] }
  let meanRowNorm = weightedRowNorms / totalWeight * (1 + _gamma(n + 2))
  // A proven upper bound on g(z) from the computed ĝ (`_objectiveUpperBound`);
  // ĝ = 0 is exact only when z is every row with positive weight, checked
  // entry by entry (squares of tiny differences can underflow to 0).
  func objectiveBound(_ objective: Double, _ z: [E]) -> Double {
    if objective == 0 {
      var equal = true
      for i in 0..<n where weights[i] > 0 && equal {
        let row = data.row(i)
        for t in 0..<d where Double(row[t]) * data.scale != Double(z[t]) {
          equal = false
          break
        }
      }
      if equal { return 0 }
    }
    return _objectiveUpperBound(objective, n: n, d: d, totalWeight: totalWeight)
  }
  var z: [E], mean: [Double], rSquared: [Double]
  // The start's arrays are taken over, not shared: the loop writes into z's
  // storage (after a swap), which would otherwise be copied first.
  var passes = 1
  switch consume start {
  case .coordinateMedian:
    z = [E](repeating: 0, count: d)
    mean = [Double](repeating: 0, count: d)
    rSquared = [Double](repeating: 0, count: n)
    _ = z.withUnsafeMutableBufferPointer { zp in
      mean.withUnsafeMutableBufferPointer { mp in
        data.startPass(weights: weights, z: zp.baseAddress.unsafelyUnwrapped, mean: mp.baseAddress.unsafelyUnwrapped,
                       rSquared: &rSquared)
      }
    }
  case .computed(let point, let weightedMean, let distances):
    z = point
    mean = weightedMean
    rSquared = distances
  }
  var next = [E](repeating: 0, count: d)
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
      let upper = objectiveBound(objective, z)
      let gap = _relativeGap(upper, bestLower)
      return _WeiszfeldRun(z: z, objective: upper, lowerBound: bestLower, epsilon: gap,
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
    // The lower bound of the dual construction, made rigorous against the
    // rounding of every term (`_rigorousLowerBound`), and a proven upper
    // bound on g(z): the certificate holds in exact arithmetic.
    var betaRowNorms = 0.0
    for i in 0..<n where beta[i] > 0 { betaRowNorms += beta[i] * rowNorms[i] }
    var zSquared = 0.0, offsetSquared = 0.0
    for j in 0..<d {
      let zj = Double(z[j])
      zSquared += zj * zj
      let o = zj - mean[j]
      offsetSquared += o * o
    }
    let lower = _rigorousLowerBound(
      _IterateTerms(
        n: n, d: d, objective: objective, coincidentObjective: coincidentObjective, rNorm: rNorm,
        rDotOffset: terms.rDotOffset, betaSum: betaSum, eta: eta, totalWeight: totalWeight,
        zNorm: zSquared.squareRoot() * (1 + _gamma(d + 2)), offsetNorm: offsetSquared.squareRoot(),
        betaRowNorms: betaRowNorms * (1 + _gamma(n + 2)), meanRowNorm: meanRowNorm),
      atFixedPoint: atFixedPoint)
    bestLower = max(bestLower, lower)
    let upper = objectiveBound(objective, z)
    let gap = _relativeGap(upper, bestLower)
    if gap <= options.epsilon || iterations >= options.maxIterations || atFixedPoint {
      return _WeiszfeldRun(z: z, objective: upper, lowerBound: bestLower, epsilon: gap,
                           iterations: iterations, converged: gap <= options.epsilon, passes: passes)
    }
    if !fused {
      passes += 1
      // Vardi–Zhang: z⁺ = (1 − λ) T̃(z) + λ z with λ = η / ‖R‖ < 1.
      let lambda = eta / rNorm
      for j in 0..<d { next[j] = E((1 - lambda) * Double(next[j]) + lambda * Double(z[j])) }
      next.withUnsafeBufferPointer { data.squaredDistances(to: $0.baseAddress.unsafelyUnwrapped, into: &nextSquared) }
    }
    var nextObjective = 0.0
    for i in 0..<n { nextObjective += weights[i] * nextSquared[i].squareRoot() }
    if !(nextObjective <= objective * (1 + 0x1p-40)) {
      // An increase beyond rounding (Weiszfeld and Vardi–Zhang never
      // increase g in exact arithmetic): z is the best iterate.
      return _WeiszfeldRun(z: z, objective: upper, lowerBound: bestLower, epsilon: gap,
                           iterations: iterations, converged: false, passes: passes)
    }
    swap(&z, &next)
    swap(&rSquared, &nextSquared)
    iterations += 1
  }
}
