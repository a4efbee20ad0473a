import Foundation
import Randomness

/// "A little is enough" (Baruch, Baruch, Goldberg, NeurIPS 2019): every bad
/// row is μ_j − z·M·σ_j per coordinate j, μ and σ the mean and population
/// standard deviation (divide by |𝔾|) of coordinate j over the good rows.
///
/// Sign convention: we subtract, μ − zσ with z ≥ 0 by default (libraries
/// differ, ANCHORS.md); pass a negative z for μ + |z|σ.
///
/// The default z is the paper's z_max for n workers of which f are
/// Byzantine: s = ⌊n/2 + 1⌋ − f, z_max = Φ⁻¹((n − s)/n) (`standardZ`).
/// Computed in `Double`, converted to `Element`.
public struct ALIE<Element: Scalar>: Adversary {
  /// z, or nil for z_max of the view's n = b and f = |𝔹|.
  public var z: Double?
  /// M.
  public var magnitude: Double

  public init(z: Double? = nil, magnitude: Double = 1) {
    self.z = z
    self.magnitude = magnitude
  }

  public var name: String { "alie" }

  /// z_max = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − f. When (n − s)/n falls outside
  /// (0, 1) (f = 0 or f ≥ ⌊n/2 + 1⌋ … ), it is clamped to [1/(2n), 1 − 1/(2n)].
  /// - Precondition: n ≥ 1, 0 ≤ f ≤ n.
  public static func standardZ(workers n: Int, byzantine f: Int) -> Double {
    precondition(n >= 1 && f >= 0 && f <= n, "ALIE.standardZ: n = \(n), f = \(f)")
    let s = n / 2 + 1 - f
    let p = Double(n - s) / Double(n)
    let eps = 1 / Double(2 * n)
    return inverseStandardNormalCDF(Swift.min(Swift.max(p, eps), 1 - eps))
  }

  public func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]] {
    let good = view.goodSlots
    let d = view.dimension
    let zValue = (z ?? Self.standardZ(workers: view.goodRows.rows, byzantine: view.badSlots.count)) * magnitude
    var row: [Element] = []
    row.reserveCapacity(d)
    for j in 0..<d {
      var mean = 0.0
      for i in good { mean += view.goodRows[i, j].doubleValue }
      mean /= Double(good.count)
      var variance = 0.0
      for i in good { let e = view.goodRows[i, j].doubleValue - mean; variance += e * e }
      variance /= Double(good.count)
      row.append(Element(approximating: mean - zValue * variance.squareRoot()))
    }
    return Array(repeating: row, count: view.badSlots.count)
  }
}

/// Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation (relative error
/// < 1.2e−9) refined by one Halley step with `erfc`, to near double
/// precision. Returns −∞ / +∞ at p = 0 / 1 and NaN outside [0, 1].
public func inverseStandardNormalCDF(_ p: Double) -> Double {
  if p.isNaN || p < 0 || p > 1 { return .nan }
  if p == 0 { return -.infinity }
  if p == 1 { return .infinity }
  let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
           1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
  let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
           6.680131188771972e+01, -1.328068155288572e+01]
  let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
           -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
  let dd = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
  let low = 0.02425
  var x: Double
  if p < low {
    let q = (-2 * Foundation.log(p)).squareRoot()
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
      / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1)
  } else if p <= 1 - low {
    let q = p - 0.5, r = q * q
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
      / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  } else {
    let q = (-2 * Foundation.log(1 - p)).squareRoot()
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
      / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1)
  }
  // One Halley step on Φ(x) − p, Φ(x) = erfc(−x/√2)/2.
  let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
  let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(x * x / 2)
  x -= u / (1 + x * u / 2)
  return x
}
