import ExactArithmetic

/// Exact parts of `gm/robustness-bound`: every double is a rational, so the
/// hypothesis (how many points lie outside the closed ball) and, when the
/// median is a data point, the conclusion can be decided in ℚ.
enum GMRobustnessExact {
  /// The number of points p with ‖p − x‖² > r², exactly.
  static func outsideCount(points: [[Double]], center: [Double], radius: Double) -> Int? {
    guard let r = Rational(exactly: radius), let x = exactVector(center) else { return nil }
    let r2 = r * r
    var count = 0
    for p in points {
      guard let q = exactVector(p) else { return nil }
      if squaredDistance(q, x) > r2 { count += 1 }
    }
    return count
  }

  /// Whether data point k is the geometric median, certified: with η the
  /// number of points equal to x_k and R = Σ_{xᵢ ≠ x_k} (x_k − xᵢ)/‖x_k − xᵢ‖,
  /// x_k is the unique minimiser of g when ‖R‖ < η (0 lies in the interior
  /// of the subdifferential η·B + R). R is enclosed with certified square
  /// roots (`RationalInterval.norm`, 2⁻⁹⁶ absolute), ‖R‖² bounded above by
  /// Σ max(lo², hi²) over its components. False means "not certified".
  static func isMedian(points: [[Double]], index k: Int) -> Bool {
    guard let xk = exactVector(points[k]) else { return false }
    let d = xk.count
    var r = [RationalInterval](repeating: RationalInterval(exactly: .zero), count: d)
    var eta = 0
    for p in points {
      guard let q = exactVector(p) else { return false }
      let v = zip(xk, q).map { $0 - $1 }
      if v.allSatisfy(\.isZero) {
        eta += 1
        continue
      }
      let norm = RationalInterval.norm(v, precision: 96)
      guard norm.lo > .zero else { return false }
      for j in 0..<d { r[j] = r[j] + RationalInterval(exactly: v[j]) / norm }
    }
    var upper = Rational.zero
    for c in r {
      let a = c.lo * c.lo
      let b = c.hi * c.hi
      upper += a > b ? a : b
    }
    return upper < Rational(eta * eta)
  }

  /// Whether ‖z − x‖ ≤ C_ψ r with ψ = outside/n (Minsker's α), exactly:
  /// ‖z − x‖²·(1 − 2ψ) ≤ (1 − ψ)²·r² (both sides rational).
  /// - Precondition: 2·outside < n.
  static func satisfiesBound(_ z: [Double], center: [Double], radius: Double, outside: Int, count n: Int) -> Bool? {
    guard let zq = exactVector(z), let x = exactVector(center), let r = Rational(exactly: radius) else { return nil }
    let psi = Rational(outside, n)
    let one = Rational(1)
    return squaredDistance(zq, x) * (one - 2 * psi) <= (one - psi) * (one - psi) * r * r
  }

  static func exactVector(_ v: [Double]) -> [Rational]? {
    var out: [Rational] = []
    for x in v {
      guard let q = Rational(exactly: x) else { return nil }
      out.append(q)
    }
    return out
  }

  static func squaredDistance(_ a: [Rational], _ b: [Rational]) -> Rational {
    var s = Rational.zero
    for (x, y) in zip(a, b) { let e = x - y; s += e * e }
    return s
  }
}
