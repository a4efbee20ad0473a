import BGMD
import ClaimCheck
import RealModule

/// One point set for `gm/robustness-bound` (Minsker 2015, Lemma 2.1, the
/// property behind eq. (22)): if at most αn of the n points lie outside the
/// closed ball B(x, r), α < 1/2, then ‖GM − x‖ ≤ C_α r with
/// C_α = (1 − α)/√(1 − 2α).
///
/// α is taken as (points outside B(x, r))/n, the smallest α the hypothesis
/// allows (C_α increases with α, so this is the strongest instance).
///
/// Minsker's α is a fraction of *all* n points, α < 1/2: it is Definition 1's
/// ψ, not the paper's α = |𝔹|/|𝔾| = ψ/(1 − ψ) < 1. The code calls it ψ
/// (`Result.psi`) and reports the paper's α beside it (`Result.alpha`); in
/// the paper's α the constant reads C = 1/√(1 − α²)
/// (`GMRobustnessCase.constant(paperAlpha:)`).
public struct GMRobustnessCase: Sendable, Hashable, Codable {
  /// x.
  public var center: [Double]
  /// r > 0.
  public var radius: Double
  /// All n points (good and bad; which is which follows from the ball).
  public var points: [[Double]]

  public init(center: [Double], radius: Double, points: [[Double]]) {
    self.center = center
    self.radius = radius
    self.points = points
  }

  /// What one evaluation found.
  public struct Result: Sendable {
    /// Points outside the closed ball, and ψ = outside / n (Minsker's α).
    public var outside: Int
    public var psi: Double
    /// The paper's α = outside / (n − outside) = ψ/(1 − ψ) (Definition 1).
    public var alpha: Double
    /// C_ψ r = (1 − ψ)/√(1 − 2ψ)·r.
    public var bound: Double
    /// ‖z − x‖ for the returned point z.
    public var distance: Double
    /// A bound on ‖z − z*‖ from the certificate (∞ when none follows).
    public var accuracy: Double
    /// The solver's certificate.
    public var certificate: GeometricMedianCertificate?
    /// Whether the hypothesis holds (2·outside < n) and the solver returned a point.
    public var applicable: Bool
    /// e = (d + 8)·2⁻⁵³: the relative rounding allowed on ‖z − x‖ and on
    /// C_α r (a scaled norm of d terms; C_α from four operations and a root).
    public var rounding: Double = 0

    /// ‖z − x‖ / (C_α r) in floating point.
    public var ratio: Double { distance / bound }
    /// (‖z − x‖(1 + e) + δ) / (C_α r (1 − e)): ‖z* − x‖/(C_α r) is at most this.
    public var ratioUpper: Double { (distance * (1 + rounding) + accuracy) / (bound * (1 - rounding)) }
    /// (‖z − x‖(1 − e) − δ) / (C_α r (1 + e)): ‖z* − x‖/(C_α r) is at least this.
    public var ratioLower: Double { (distance * (1 - rounding) - accuracy) / (bound * (1 + rounding)) }
    /// When the median is a data point certified optimal in ℚ: whether the
    /// bound holds, decided exactly (`GMRobustnessExact`); nil otherwise.
    public var exactDecision: Bool?
    /// The true median is certainly outside the bound.
    public var certifiedViolation: Bool { applicable && (exactDecision.map { !$0 } ?? (ratioLower > 1)) }
    /// The true median is certainly inside the bound.
    public var certifiedHold: Bool { applicable && (exactDecision ?? (ratioUpper <= 1)) }
  }

  /// Counts the points outside B(x, r) exactly, computes the median
  /// (certified ε requested 1e−12) and either decides the bound exactly (the
  /// data point nearest the returned point is certified to be the median) or
  /// bounds ‖z − z*‖ by δ (`accuracyBound`).
  /// - Parameter estimator: what is evaluated in place of the geometric
  ///   median (a negative control); for those, the returned point is the
  ///   estimator's own (no accuracy allowance, no exact decision).
  public func evaluate(estimator: GMRobustnessEstimator = .geometricMedian) -> Result {
    let n = points.count
    let outside = GMRobustnessExact.outsideCount(points: points, center: center, radius: radius) ?? n
    let psi = n > 0 ? Double(outside) / Double(n) : 1
    let bound = (1 - psi) / (1 - 2 * psi).squareRoot() * radius
    let alpha = n > outside ? Double(outside) / Double(n - outside) : .infinity
    var result = Result(outside: outside, psi: psi, alpha: alpha, bound: bound, distance: .nan, accuracy: .infinity,
                        certificate: nil, applicable: false)
    guard n > 0, 2 * outside < n, radius > 0 else { return result }
    if estimator != .geometricMedian {
      let z = estimator == .coordinateMean ? BrokenMedians.coordinateMean(points) : BrokenMedians.oneStepFromMean(points)
      result.distance = scaledNorm(zip(z, center).map { $0 - $1 })
      result.accuracy = 0
      result.rounding = Double(center.count + 8) * 0x1p-53
      result.applicable = result.distance.isFinite
      return result
    }
    guard let x = try? Matrix(points),
      let solution = try? geometricMedian(x, options: GeometricMedianOptions(epsilon: 1e-12, maxIterations: 20_000))
    else { return result }
    let z = solution.point
    result.certificate = solution.certificate
    result.distance = scaledNorm(zip(z, center).map { $0 - $1 })
    result.accuracy = GMRobustnessCase.accuracyBound(points: points, median: z, certificate: solution.certificate)
    result.rounding = Double(center.count + 8) * 0x1p-53
    result.applicable = result.distance.isFinite
    let nearest = points.indices.min { a, b in
      scaledNorm(zip(points[a], z).map { $0 - $1 }) < scaledNorm(zip(points[b], z).map { $0 - $1 })
    }
    if let k = nearest, GMRobustnessExact.isMedian(points: points, index: k) {
      result.exactDecision = GMRobustnessExact.satisfiesBound(points[k], center: center, radius: radius,
                                                              outside: outside, count: n)
      result.distance = scaledNorm(zip(points[k], center).map { $0 - $1 })
      result.accuracy = 0
    }
    return result
  }

  /// A bound on ‖z − z*‖ for the returned point z, from gap = objective −
  /// lowerBound ≥ g(z) − g(z*):
  /// 1. every y with g(y) ≤ g(z) has ‖y − z‖ ≤ P = 2g(z)/n, since
  ///    g(y) ≥ Σ(‖y − z‖ − ‖z − xᵢ‖) = n‖y − z‖ − g(z); so s = ‖z − z*‖ ≤ P;
  /// 2. on the segment y(t) = z* + t·h (h = (z − z*)/s), φ(t) = g(y(t)) has
  ///    φ'' = Σ δᵢ²/‖y(t) − xᵢ‖³ with δᵢ the distance from xᵢ to the line
  ///    (constant along it), and ‖y(t) − xᵢ‖ ≤ ‖z − xᵢ‖ + P;
  /// 3. with aᵢ = xᵢ − z, wᵢ = (‖aᵢ‖ + P)⁻³ and S = Σ wᵢ aᵢaᵢᵀ:
  ///    Σ wᵢδᵢ² = tr S − hᵀSh ≥ tr S − λ_max(S) = κ;
  /// 4. φ'(0) ≥ 0 (z* minimises g), so gap ≥ φ(s) − φ(0) ≥ κs²/2 and
  ///    s ≤ √(2·gap/κ).
  /// κ = 0 (collinear points; in floating point, κ within 16(d + 1)·2⁻⁵³·tr S
  /// of 0) gives ∞. The certificate is computed in
  /// floating point, so gap gets a rounding allowance 4(n·d + n + 2)·2⁻⁵³·g(z)
  /// (the a priori bound of the sums of n norms of d terms behind objective
  /// and lowerBound); κ and this bound are themselves floating-point values:
  /// proven up to their own rounding, which is not enclosed.
  public static func accuracyBound(points: [[Double]], median z: [Double],
                                   certificate: GeometricMedianCertificate) -> Double {
    let n = Double(points.count)
    let d = z.count
    let allowance = 4 * (n * Double(d) + n + 2) * 0x1p-53 * certificate.objective.magnitude
    let gap = Swift.max(0, certificate.objective - certificate.lowerBound) + allowance
    if gap == 0 { return 0 }
    let p = 2 * certificate.objective / n
    var s = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
    for x in points {
      let a = zip(x, z).map { $0 - $1 }
      let e = scaledNorm(a) + p
      let w = 1 / (e * e * e)
      for i in 0..<d { for j in 0..<d { s[i][j] += w * a[i] * a[j] } }
    }
    var trace = 0.0
    for i in 0..<d { trace += s[i][i] }
    let kappa = trace - largestEigenvalue(s)
    // tr S − λ_max(S) cancels for (nearly) collinear points: below the
    // rounding of the trace and of the Jacobi eigenvalue it is no bound.
    guard kappa > 16 * Double(d + 1) * 0x1p-53 * trace, kappa.isFinite else { return .infinity }
    return (2 * gap / kappa).squareRoot()
  }

  /// λ_max of a small symmetric matrix by cyclic Jacobi rotations.
  static func largestEigenvalue(_ matrix: [[Double]]) -> Double {
    var a = matrix
    let d = a.count
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<d { for j in 0..<d where i != j { off += a[i][j] * a[i][j] } }
      if off == 0 { break }
      for p in 0..<d {
        for q in (p + 1)..<d where a[p][q] != 0 {
          let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
          let t = (theta >= 0 ? 1.0 : -1.0) / (theta.magnitude + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot()
          let sn = t * c
          for k in 0..<d {
            let akp = a[k][p]
            let akq = a[k][q]
            a[k][p] = c * akp - sn * akq
            a[k][q] = sn * akp + c * akq
          }
          for k in 0..<d {
            let apk = a[p][k]
            let aqk = a[q][k]
            a[p][k] = c * apk - sn * aqk
            a[q][k] = sn * apk + c * aqk
          }
        }
      }
    }
    return (0..<d).map { a[$0][$0] }.max() ?? 0
  }

  /// C_ψ = (1 − ψ)/√(1 − 2ψ) written in the paper's α = ψ/(1 − ψ):
  /// 1 − ψ = 1/(1 + α) and 1 − 2ψ = (1 − α)/(1 + α), so C = 1/√(1 − α²).
  public static func constant(paperAlpha alpha: Double) -> Double { 1 / (1 - alpha * alpha).squareRoot() }

  /// The bound attained with ψ = 1/3 (Minsker's α; the paper's α = 1/2) (Minsker's proof is tight): x = 0,
  /// r = 1, R = C_{1/3} = 2/√3; two good points at each tangent point
  /// (r²/R, ±r√(1 − r²/R²)) = (√3/2, ±1/2) seen from z = (R, 0), two bad
  /// points at (1000, 0). At z the four good unit vectors have x-components
  /// 1/2 and the bad ones −1, so the subgradient sum is 0: z is the median
  /// and ‖z − x‖ = C_ψ r. (Rounding may put a tangent point just outside
  /// the ball, which raises ψ and C_ψ: the ratio is then just below 1.)
  public static var tangentExample: GMRobustnessCase {
    let h = 3.0.squareRoot() / 2
    return GMRobustnessCase(center: [0, 0], radius: 1,
                            points: [[h, 0.5], [h, 0.5], [h, -0.5], [h, -0.5], [1000, 0], [1000, 0]])
  }

  /// Point sets: d ∈ 2…3, n ∈ 3…15, x ∈ [−5, 5]^d, r ∈ [0.5, 5]; n − m
  /// good points inside B(x, r) (a direction and a radius fraction, or on
  /// the sphere); m < n/2 bad points anywhere within 10⁴ of x, either one
  /// cluster or each placed on its own.
  public static var generator: Gen<GMRobustnessCase> {
    Gen { source in
      let d = try source.drawInt(in: 2...3, shrinkTowards: 2)
      let n = try source.drawInt(in: 3...15, shrinkTowards: 3)
      let m = try source.drawInt(in: 0...((n - 1) / 2), shrinkTowards: 0)
      let center = try (0..<d).map { _ in try source.drawDouble(in: -5...5) }
      let radius = try source.drawDouble(in: 0.5...5)
      func direction() throws -> [Double] {
        let v = try (0..<d).map { _ in try source.drawDouble(in: -1...1) }
        let norm = scaledNorm(v)
        return norm > 0 ? v.map { $0 / norm } : [1] + [Double](repeating: 0, count: d - 1)
      }
      var points: [[Double]] = []
      for _ in 0..<(n - m) {
        let u = try direction()
        let onSphere = try source.drawBool(probability: 0.5)
        let fraction = onSphere ? 1 : try source.drawDouble(in: 0...1)
        points.append(zip(center, u).map { $0 + radius * fraction * $1 })
      }
      let clustered = try source.drawBool(probability: 0.5)
      var shared: [Double]?
      for _ in 0..<m {
        if clustered, let s = shared {
          points.append(s)
          continue
        }
        let u = try direction()
        let distance = try source.drawDouble(in: 0...10_000)
        let p = zip(center, u).map { $0 + distance * $1 }
        shared = p
        points.append(p)
      }
      return GMRobustnessCase(center: center, radius: radius, points: points)
    }
  }
}

/// What `GMRobustnessCase.evaluate` computes: the geometric median, or a
/// negative control's broken estimator (`BrokenMedians`).
public enum GMRobustnessEstimator: String, Sendable, Codable {
  case geometricMedian = "geometric-median"
  /// The coordinate-wise mean of the points.
  case coordinateMean = "coordinate-mean"
  /// One Weiszfeld step started from the mean.
  case weiszfeldOneStepFromMean = "weiszfeld-one-step-from-mean"
}
