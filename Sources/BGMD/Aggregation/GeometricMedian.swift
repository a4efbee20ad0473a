import RealModule

/// Options of the geometric-median solver.
public struct GeometricMedianOptions: Sendable, Equatable, Codable {
  /// The requested *certified* relative accuracy ε: the solver stops when
  /// (g(z) − lowerBound) / lowerBound ≤ ε.
  public var epsilon: Double
  /// The most Weiszfeld updates to run.
  public var maxIterations: Int

  public init(epsilon: Double = 1e-6, maxIterations: Int = 1000) {
    self.epsilon = epsilon
    self.maxIterations = maxIterations
  }
}

/// A geometric median with its proof of accuracy.
public struct GeometricMedianSolution<Element: Scalar>: Sendable {
  /// The returned point z (length d).
  public var point: [Element]
  /// objective g(z), a proven lower bound on min g, the proven ε.
  public var certificate: GeometricMedianCertificate
  /// Rows left out as non-finite, in increasing order.
  public var excludedRows: [Int]
  /// Passes the solver made over the b × d input: the row scan and start
  /// pass(es), one per Weiszfeld step (the final, certifying step
  /// included), one more per Vardi–Zhang step. The solver's work is
  /// `matrixPasses` · b · d entries read (`WorkCount`); counted outside the
  /// kernels, one integer per pass.
  public var matrixPasses: Int = 0
}

/// The geometric median of the rows, argmin_z g(z) = Σᵢ wᵢ‖z − xᵢ‖
/// (the Fermat–Weber point; GMD's aggregate and BGMD's on the block).
///
/// **Algorithm.** Weiszfeld's iteration with the Vardi–Zhang modification
/// (Vardi & Zhang, PNAS 2000), started from the coordinate median. With
/// E = {i : ‖z − xᵢ‖ ≤ δᵢ} the rows at z (δᵢ = the larger of
/// 10⁻¹² · max |x| and √d · 2·ulp(1) · max_j |xᵢⱼ|, two rounding steps of an
/// iterate in the element type, which is as close as it can come),
/// η = Σ_E wᵢ, βᵢ = wᵢ/‖z − xᵢ‖ for i ∉ E, T̃(z) = Σ βᵢxᵢ / Σ βᵢ and
/// R = Σ_{i∉E} βᵢ(xᵢ − z): z⁺ = (1 − η/‖R‖)⁺ T̃(z) + min(1, η/‖R‖) z. Plain
/// Weiszfeld (η = 0) is z⁺ = T̃(z); at a data point it would stall or divide
/// by zero, Vardi–Zhang moves off it unless it is optimal (‖R‖ ≤ η).
///
/// **Certificate.** Weak duality: for any uᵢ with ‖uᵢ‖ ≤ wᵢ and Σ uᵢ = 0,
/// g(y) ≥ Σ⟨uᵢ, y − xᵢ⟩ = Σ⟨uᵢ, z − xᵢ⟩ for every y (Cauchy–Schwarz, then
/// Σuᵢ = 0 moves y to z), so L = Σ⟨uᵢ, z − xᵢ⟩ ≤ min g. At each iterate:
/// take uᵢ = βᵢ(z − xᵢ) for i ∉ E (‖uᵢ‖ = wᵢ, Σ = −R) and uᵢ = 0 on E; add
/// (wᵢ/W)R to every uᵢ (W = Σ wᵢ), making the sum 0 and ‖uᵢ‖ ≤ wᵢ(1 + ‖R‖/W);
/// divide by c = 1 + ‖R‖/W. Then
/// L = (g(z) − Σ_E wᵢ‖z − xᵢ‖ + ⟨R, z − x̄⟩) / c with x̄ = Σ wᵢxᵢ / W.
/// If η > 0 and ‖R‖ ≤ η, take instead uᵢ = (wᵢ/η)R on E (sum R, norms ≤ wᵢ):
/// L ≥ g(z) − (1 + ‖R‖/η) Σ_E wᵢ‖z − xᵢ‖. As z → argmin, R → 0 and L → g.
/// R and ⟨R, z − x̄⟩ come out of the pass that computes T̃, so the certificate
/// costs no extra pass over the matrix. The best L seen is kept (every L is a
/// lower bound). Both sides are computed in floating point and made proofs
/// by bounding their rounding (`CertificateRounding.swift`): the reported
/// objective is ĝ(1 + 2γ(d + 6) + 2γ(n + 2)) plus an underflow term, an
/// upper bound on g(z); the lower bound is the computed L minus a proven
/// bound on its rounding error (about (n + d)·2⁻⁵³·g, plus terms in ‖R‖),
/// rounded down; ε is rounded up. So ε = 0 is claimed only when g(z) = 0
/// exactly (z is every row), and ε below about (n + d)·1e-15 is not
/// reachable. L is first order in ‖R‖ while g(z) − min g is second order,
/// so the certified ε lags the true one: ε ≳ 1e-12 is reachable in
/// `Double` for small n and d, not much below.
///
/// **Stopping.** When (g(z) − L)/L ≤ ε (converged); after `maxIterations`
/// updates; when an update increases g beyond rounding (g·2⁻⁴⁰; it cannot
/// in exact arithmetic) or z is a Vardi–Zhang fixed point: then the current, best, iterate is
/// returned with its certificate and `converged` says whether ε was reached.
/// Never a made-up value.
///
/// **Precision.** Sums are accumulated in `Double`; the iterates are
/// rounded to the element type (`Float` input: `Float` iterates), so the
/// returned point is exactly the point the certificate is about.
///
/// **Scaling.** When the largest magnitude lies outside [2⁻⁴⁰⁰, 2⁴⁰⁰], the
/// run is made on a copy of the rows multiplied by the power of two that
/// brings it into [1, 2) (exact; capped at 2¹⁰²³ for subnormal rows), so
/// entries near 1e308 do not overflow and entries near 1e-320 keep their
/// bits; the point is scaled back, and the certificate's bounds too when
/// they are normal numbers in the rows' units (else `exponent` says their
/// unit).
///
/// **Bad input.** Rows with a NaN or ±∞ entry are excluded and listed; the
/// call throws when they are half of the rows or more.
///
/// **Breakdown:** 1/2 (Lopuhaä & Rousseeuw 1991): fewer than half of the rows
/// cannot move the geometric median arbitrarily far.
///
/// - Parameters:
///   - x: b × d rows; `Float` and `Double` are read in place, other types
///     converted to `Double`.
///   - weights: wᵢ ≥ 0, finite, positive total over the finite rows; nil for 1.
/// - Throws: `ShapeError.noRows`; `ShapeError.dimensionMismatch` for a weight
///   count ≠ b; `AggregationError.invalidParameter` for bad weights or
///   options; `AggregationError.tooManyNonFiniteRows`.
/// - Complexity: O(b·d) per iteration: one pass over the matrix (computing
///   T̃, the certificate terms and the next distances chunk by chunk, so
///   each chunk is read once from memory); two when an iterate sits on a data
///   point. Plus the start: O(b·d) for the scan, the coordinate median, the
///   weighted mean and the first distances, in one pass when every entry is
///   finite and needs no scaling (otherwise a scan pass first). Memory O(d).
public func geometricMedian<T: Scalar & Real & BinaryFloatingPoint>(
  _ x: Matrix<T>, weights: [Double]? = nil, options: GeometricMedianOptions = GeometricMedianOptions()
) throws -> GeometricMedianSolution<T> {
  let rule = "geometric-median"
  guard x.rows > 0 else { throw ShapeError.noRows }
  guard options.epsilon >= 0, options.maxIterations >= 0 else {
    throw AggregationError.invalidParameter(
      rule: rule, parameter: "options", value: "ε = \(options.epsilon), maxIterations = \(options.maxIterations)",
      expected: "ε ≥ 0 and maxIterations ≥ 0")
  }
  let w = weights ?? [Double](repeating: 1, count: x.rows)
  guard w.count == x.rows else {
    throw ShapeError.dimensionMismatch(what: "weights", expected: x.rows, found: w.count)
  }
  for (i, wi) in w.enumerated() where !(wi.isFinite && wi >= 0) {
    throw AggregationError.invalidParameter(
      rule: rule, parameter: "weights[\(i)]", value: "\(wi)", expected: "a finite weight ≥ 0")
  }
  if let floats = x as? Matrix<Float> {
    let solution = try _solveGeometricMedian(floats, weights: w, options: options)
    return GeometricMedianSolution(
      point: _converted(solution.point), certificate: solution.certificate, excludedRows: solution.excludedRows,
      matrixPasses: solution.matrixPasses)
  }
  let doubles = (x as? Matrix<Double>) ?? Matrix(_unchecked: x.rows, x.columns, x.storage.map { Double($0) })
  let solution = try _solveGeometricMedian(doubles, weights: w, options: options)
  return GeometricMedianSolution(
    point: _converted(solution.point), certificate: solution.certificate, excludedRows: solution.excludedRows,
    matrixPasses: solution.matrixPasses)
}

/// The geometric median as an aggregation rule (GMD's aggregator); see
/// `geometricMedian(_:weights:options:)` for the algorithm, the certificate,
/// breakdown (1/2) and complexity. The result carries the certificate and the
/// excluded non-finite rows.
public struct GeometricMedian<Element: Scalar & Real & BinaryFloatingPoint>: AggregationRule {
  public var options: GeometricMedianOptions
  /// Row weights wᵢ (nil: all 1).
  public var weights: [Double]?
  public var name: String { "geometric-median" }

  public init(options: GeometricMedianOptions = GeometricMedianOptions(), weights: [Double]? = nil) {
    self.options = options
    self.weights = weights
  }

  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    let solution = try geometricMedian(rows, weights: weights, options: options)
    var result = AggregationResult(
      vector: solution.point, certificate: solution.certificate, excludedRows: solution.excludedRows)
    result.entriesRead = solution.matrixPasses * rows.rows * rows.columns
    return result
  }
}

/// `values` in the element type T: the array itself when T is already its
/// element type (no per-element work in unspecialised generic code),
/// otherwise converted entry by entry.
/// - Complexity: O(1) when the types agree, O(count) otherwise.
func _converted<S: BinaryFloatingPoint, T: BinaryFloatingPoint>(_ values: [S]) -> [T] {
  if T.self == S.self { return unsafeBitCast(values, to: [T].self) }
  return values.map { T($0) }
}
