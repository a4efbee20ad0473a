import RealModule

/// The geometric median by the plain Weiszfeld–Vardi–Zhang iteration, with
/// its duality certificate: the documented reference that the fused kernels
/// behind `geometricMedian(_:weights:options:)` are tested against
/// (`ReferenceGeometricMedianTests`). Written for reading, not speed: one
/// loop per formula, rows as arrays, every sum in row order in `Double`.
///
/// With g(z) = Σᵢ wᵢ‖z − xᵢ‖ (the paper's (4), with weights):
///
/// 1. Start at the coordinate median z₀ (the mean of the two middle values
///    for an even count).
/// 2. At z: rᵢ = ‖z − xᵢ‖; E = {i : rᵢ ≤ δᵢ} the rows at z, with
///    δᵢ = max(10⁻¹²·max|x|, √d·2·ulp(1)·maxⱼ|xᵢⱼ|), as in the kernels;
///    η = Σ_E wᵢ; βᵢ = wᵢ/rᵢ (i ∉ E); T̃ = Σβᵢxᵢ/Σβᵢ; R = Σ_{i∉E} βᵢ(xᵢ − z).
/// 3. Certificate (weak duality): uᵢ = βᵢ(z − xᵢ) (i ∉ E), 0 on E, plus
///    (wᵢ/W)R, divided by c = 1 + ‖R‖/W, are feasible (‖uᵢ‖ ≤ wᵢ, Σuᵢ = 0),
///    so L = (g(z) − Σ_E wᵢrᵢ + ⟨R, z − x̄⟩)/c ≤ min g (x̄ = Σwᵢxᵢ/W). When
///    η > 0 and ‖R‖ ≤ η, also L = g(z) − (1 + ‖R‖/η)·Σ_E wᵢrᵢ. The best L
///    seen is kept.
/// 4. Stop when (g(z) − L)/L ≤ ε (or g(z) = 0); else
///    z⁺ = (1 − η/‖R‖)⁺·T̃ + min(1, η/‖R‖)·z (plain Weiszfeld z⁺ = T̃ when
///    E is empty; z is optimal when ‖R‖ ≤ η) and go to 2.
///
/// The returned point is the best iterate seen (smallest g); the certificate
/// is about that point and the best L. Rows must be finite (the public
/// solver screens non-finite rows first) and of equal length d ≥ 1; weights
/// finite, ≥ 0, with a positive sum.
///
/// - Complexity: O(b·d) per iteration, in several passes.
public func referenceGeometricMedian<T: Real & BinaryFloatingPoint>(
  _ rows: [[T]], weights: [Double]? = nil, epsilon: Double = 1e-6, maxIterations: Int = 1000
) -> (point: [T], certificate: GeometricMedianCertificate) {
  let b = rows.count
  let d = rows.first?.count ?? 0
  let w = weights ?? [Double](repeating: 1, count: b)
  let x = rows.map { $0.map { Double($0) } }
  let totalWeight = w.reduce(0, +)

  // 1. The coordinate median.
  var z = [T](repeating: 0, count: d)
  for j in 0..<d {
    let column = rows.map { $0[j] }.sorted()
    z[j] = column.count % 2 == 1 ? column[column.count / 2]
      : (column[column.count / 2 - 1] + column[column.count / 2]) / 2
  }

  let largest = x.reduce(0.0) { m, row in row.reduce(m) { Swift.max($0, Swift.abs($1)) } }
  let radius: [Double] = x.map { row in
    let rowLargest = row.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
    return Swift.max(1e-12 * largest, Double(d).squareRoot() * 2 * Double(T.ulpOfOne) * rowLargest)
  }
  func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  func objective(_ z: [T]) -> Double {
    var g = 0.0
    for i in 0..<b { g += w[i] * norm((0..<d).map { Double(z[$0]) - x[i][$0] }) }
    return g
  }

  var best = (point: z, objective: objective(z))
  var lowerBound = 0.0
  var iterations = 0
  var converged = false
  while true {
    // 2. Distances, the rows at z, the Weiszfeld map and the residual R.
    let zd = z.map { Double($0) }
    let r = (0..<b).map { i in norm((0..<d).map { zd[$0] - x[i][$0] }) }
    let g = (0..<b).reduce(0.0) { $0 + w[$1] * r[$1] }
    if g < best.objective { best = (z, g) }
    let atZ = (0..<b).filter { r[$0] <= radius[$0] }
    let eta = atZ.reduce(0.0) { $0 + w[$1] }
    let atZCost = atZ.reduce(0.0) { $0 + w[$1] * r[$1] }
    var betaSum = 0.0
    var weighted = [Double](repeating: 0, count: d)
    var residual = [Double](repeating: 0, count: d)
    for i in 0..<b where r[i] > radius[i] {
      let beta = w[i] / r[i]
      betaSum += beta
      for j in 0..<d {
        weighted[j] += beta * x[i][j]
        residual[j] += beta * (x[i][j] - zd[j])
      }
    }
    let residualNorm = norm(residual)

    // 3. The certificate at z.
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<b { for j in 0..<d { mean[j] += w[i] * x[i][j] } }
    mean = mean.map { $0 / totalWeight }
    let inner = (0..<d).reduce(0.0) { $0 + residual[$1] * (zd[$1] - mean[$1]) }
    lowerBound = Swift.max(lowerBound, (g - atZCost + inner) / (1 + residualNorm / totalWeight))
    if eta > 0 && residualNorm <= eta {
      lowerBound = Swift.max(lowerBound, g - (1 + residualNorm / eta) * atZCost)
    }

    // 4. Stop, or step.
    if best.objective == 0 || (lowerBound > 0 && (best.objective - lowerBound) / lowerBound <= epsilon) {
      converged = true
      break
    }
    if iterations >= maxIterations || betaSum == 0 || residualNorm <= eta { break }
    let tilde = weighted.map { $0 / betaSum }
    let pull = Swift.min(1, eta / residualNorm)
    let next = (0..<d).map { j in T((1 - pull) * tilde[j] + pull * zd[j]) }
    iterations += 1
    if next == z { break }
    z = next
  }
  let epsilonProven = best.objective == 0 ? 0 : (lowerBound > 0 ? (best.objective - lowerBound) / lowerBound : .infinity)
  return (best.point, GeometricMedianCertificate(objective: best.objective, lowerBound: best.objective == 0 ? 0 : lowerBound,
                                                 epsilon: epsilonProven, iterations: iterations, converged: converged))
}
