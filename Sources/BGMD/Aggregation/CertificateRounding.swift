/// The rounding analysis that makes the geometric median's certificate a
/// proof in floating point (see `geometricMedian(_:weights:options:)`).
///
/// Notation: u = 2⁻⁵³ (unit roundoff of `Double`), γ(k) = 1.01·k·u, which
/// bounds kᵤ/(1 − kᵤ), the relative error of k rounded operations on
/// non-negative terms, for k·u < 0.01 (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, §3.1). The quantities below are in the scaled
/// units of the run, where every entry is at most 2⁴⁰⁰ in magnitude, so
/// nothing overflows; underflow of a squared difference loses at most
/// 2⁻¹⁰⁷⁴ per term, which the absolute terms below cover.
@inline(__always)
func _gamma(_ k: Int) -> Double { 1.01 * Double(k) * 0x1p-53 }

/// An upper bound on g(z) = Σ wᵢ‖z − xᵢ‖ from ĝ = Σ wᵢ r̂ᵢ, the sum of the
/// computed distances r̂ᵢ = fl(√(Σ_t fl(z_t − x_it)²)):
/// |r̂ᵢ − rᵢ| ≤ γ(d + 4)·rᵢ + √d·2⁻⁵³⁶ (d rounded squares and sums, one
/// square root, underflowed squares), and the weighted sum adds γ(n + 1).
/// The bound is rounded up. ĝ = 0 is handled by the caller (it is exact
/// only when z equals every row).
/// - Complexity: O(1).
func _objectiveUpperBound(_ objective: Double, n: Int, d: Int, totalWeight: Double) -> Double {
  let relative = 2 * (_gamma(d + 6) + _gamma(n + 2))
  let absolute = totalWeight * Double(d).squareRoot() * 0x1p-535
  return (objective * (1 + relative) + absolute).nextUp
}

/// The quantities of one iterate that the lower bound's rounding analysis
/// needs, all computed in floating point.
struct _IterateTerms {
  /// n and d.
  var n: Int, d: Int
  /// ĝ = Σ wᵢ r̂ᵢ and ĝ_E = Σ_E wᵢ r̂ᵢ (the rows within the coincidence radius).
  var objective: Double, coincidentObjective: Double
  /// ‖R̂‖ and ⟨R̂, z − x̄̂⟩ (R = Σ_{i∉E} βᵢ(xᵢ − z), x̄ = Σ wᵢxᵢ / W).
  var rNorm: Double, rDotOffset: Double
  /// Σ βᵢ, η̂ = Σ_E wᵢ, Ŵ = Σ wᵢ.
  var betaSum: Double, eta: Double, totalWeight: Double
  /// ‖z‖ and ‖z − x̄̂‖.
  var zNorm: Double, offsetNorm: Double
  /// Upper bounds on Σ_{i∉E} βᵢ‖xᵢ‖ and on Σ wᵢ‖xᵢ‖ / W (from each row's
  /// largest magnitude: ‖xᵢ‖ ≤ √d·max_j|xᵢⱼ|).
  var betaRowNorms: Double, meanRowNorm: Double
}

/// A lower bound on min g that holds in exact arithmetic, from an iterate's
/// floating-point certificate terms.
///
/// The dual construction of `geometricMedian(_:weights:options:)` is made
/// with the computed weights βᵢ (any positive numbers will do): vᵢ =
/// βᵢ(z − xᵢ) has ‖vᵢ‖ = wᵢ·rᵢ/r̂ᵢ·(1 + δ) ≤ wᵢ(1 + τ), τ = γ(d + 6) + 2⁻⁸⁰,
/// so the exact construction divides by c = 1 + τ + ‖S‖/W (S = Σ vᵢ = −R,
/// exactly) instead of 1 + ‖R‖/W; at a Vardi–Zhang fixed point by
/// max(1 + τ, ‖S‖/η). The exact bound is then
///   L = (Σ_{i∉E} βᵢrᵢ² + ⟨R, z − x̄⟩)/c,
/// and each computed term is within a proven distance of its exact value:
/// - Σ βᵢrᵢ² vs ĝ − ĝ_E: within (3τ + 4γ(n + 2))·ĝ;
/// - R̂ vs R: R̂ = Σ̂β·(fl(acc·fl(1/Σ̂β)) − z) with acc = fl(Σ βᵢxᵢ) is
///   acc − Σ̂β·z up to 3u·(Σβᵢ|xᵢ| + Σβ·|z|) per coordinate, and acc and
///   Σ̂β are within γ(n) of Σ βᵢxᵢ (relative to Σ βᵢ|xᵢ|) and Σ βᵢ, so
///   ‖R̂ − R‖ ≤ ε_R = γ(n + 4)·(Σ βᵢ‖xᵢ‖ + Σβ·‖z‖);
/// - x̄̂ vs x̄: ‖x̄̂ − x̄‖ ≤ γ(n + 3)·Σ wᵢ‖xᵢ‖ / W;
/// - the dot product: γ(d + 3)·‖R̂‖·‖z − x̄‖.
/// The bound is the computed numerator minus these, over an upper bound on
/// c, rounded down. Negative results are valid but useless bounds.
/// - Complexity: O(1).
func _rigorousLowerBound(_ t: _IterateTerms, atFixedPoint: Bool) -> Double {
  let u = 0x1p-53
  let tau = _gamma(t.d + 6) + 0x1p-80
  let rError = _gamma(t.n + 4) * (t.betaRowNorms + t.betaSum * t.zNorm) * (1 + _gamma(3))
  let meanError = _gamma(t.n + 3) * t.meanRowNorm * (1 + _gamma(2))
  let offset = t.offsetNorm * (1 + _gamma(t.d + 2)) + meanError
  let sNorm = (t.rNorm + rError) * (1 + _gamma(2))
  let aError = (3 * tau + 4 * _gamma(t.n + 2)) * t.objective
  let a = t.objective - t.coincidentObjective
  let numerator: Double
  let c: Double
  if atFixedPoint {
    let eta = t.eta * (1 - _gamma(t.n + 1))
    guard eta > 0 else { return -.infinity }
    // Σ_E wᵢrᵢ ≤ ĝ_E(1 + τ + γ(n + 4)) + η·√d·2⁻⁵³⁵ (underflowed squares).
    let coincident = t.coincidentObjective * (1 + tau + _gamma(t.n + 4)) + t.eta * Double(t.d).squareRoot() * 0x1p-535
    let pull = sNorm / eta * coincident
    numerator = a - aError - pull - 4 * u * (abs(a) + pull)
    c = max(1 + tau, sNorm / eta) * (1 + _gamma(3))
  } else {
    let bError = rError * offset + t.rNorm * meanError + _gamma(t.d + 3) * t.rNorm * offset
    let n0 = a + t.rDotOffset
    numerator = n0 - aError - bError - 4 * u * (abs(a) + abs(t.rDotOffset))
    let w = t.totalWeight * (1 - _gamma(t.n + 1))
    c = (1 + tau + sNorm / w) * (1 + _gamma(4))
  }
  guard numerator.isFinite, c.isFinite else { return -.infinity }
  if numerator <= 0 { return numerator }
  return (numerator / c * (1 - _gamma(2))).nextDown
}
