import RealModule
import ExactArithmetic
import Randomness

/// Random exact PL quadratics (`PLQuadratic<Rational>`) from an injected
/// generator: small integer Householder vectors and small-denominator
/// eigenvalues and minimizer, so the exact quantities stay small.
///
/// The eigenvalues are μ = 1/q₀ (q₀ uniform in 1…`maxDenominator`),
/// L = κ·μ with κ uniform in `conditionNumber`, `rank − 2` interior values
/// μ + (L − μ)·p/q (q uniform in 1…`maxDenominator`, p in 0…q), and
/// d − rank zeros, in a uniformly shuffled order. With `rank == 1` the only
/// positive eigenvalue is μ (κ = 1).
public struct PLQuadraticBuilder: Sendable {
  /// d ≥ 1.
  public var dimension: Int
  /// The number of positive eigenvalues, 1…d; rank < d gives PL without
  /// strong convexity.
  public var rank: Int
  /// κ = L/μ, integers ≥ 1.
  public var conditionNumber: ClosedRange<Int>
  /// m, the number of Householder reflections (default d).
  public var reflections: Int
  /// Entries of each v are integers in −bound…bound (v ≠ 0).
  public var vectorEntryBound: Int
  /// The largest denominator of μ, the interior eigenvalues and x*.
  public var maxDenominator: Int
  /// Entries of x* are p/q with |p/q| ≤ this bound.
  public var minimizerBound: Int
  /// f*.
  public var optimalValue: Rational
  /// The oracle's noise.
  public var noise: GradientNoise<Rational>

  /// - Precondition: d ≥ 1, 1 ≤ rank ≤ d, conditionNumber.lowerBound ≥ 1,
  ///   reflections ≥ 0, vectorEntryBound ≥ 1, maxDenominator ≥ 1,
  ///   minimizerBound ≥ 0.
  public init(dimension: Int, rank: Int? = nil, conditionNumber: ClosedRange<Int> = 1...10,
              reflections: Int? = nil, vectorEntryBound: Int = 3, maxDenominator: Int = 4,
              minimizerBound: Int = 2, optimalValue: Rational = 0,
              noise: GradientNoise<Rational> = .none) {
    let r = rank ?? dimension
    precondition(dimension >= 1, "PLQuadraticBuilder: dimension \(dimension) < 1")
    precondition(r >= 1 && r <= dimension, "PLQuadraticBuilder: rank \(r) outside 1…\(dimension)")
    precondition(conditionNumber.lowerBound >= 1, "PLQuadraticBuilder: condition number below 1")
    precondition(vectorEntryBound >= 1 && maxDenominator >= 1 && minimizerBound >= 0,
                 "PLQuadraticBuilder: bounds must be positive")
    self.dimension = dimension
    self.rank = r
    self.conditionNumber = conditionNumber
    self.reflections = reflections ?? dimension
    precondition(self.reflections >= 0, "PLQuadraticBuilder: negative reflection count")
    self.vectorEntryBound = vectorEntryBound
    self.maxDenominator = maxDenominator
    self.minimizerBound = minimizerBound
    self.optimalValue = optimalValue
    self.noise = noise
  }

  /// One random instance.
  /// - Complexity: O(m·d² + d³) rational operations.
  public func build(using rng: inout some RandomNumberGenerator) -> PLQuadratic<Rational> {
    let d = dimension
    let mu = Rational(1, rng.uniformInt(in: 1...maxDenominator))
    var positive: [Rational] = [mu]
    if rank >= 2 {
      let kappa = Rational(rng.uniformInt(in: conditionNumber))
      let l = kappa * mu
      positive.append(l)
      for _ in 0..<(rank - 2) {
        let q = rng.uniformInt(in: 1...maxDenominator)
        let p = rng.uniformInt(in: 0...q)
        positive.append(mu + (l - mu) * Rational(p, q))
      }
    }
    var eigenvalues = positive + Array(repeating: Rational(0), count: d - rank)
    rng.shuffle(&eigenvalues)

    var vectors: [[Rational]] = []
    for _ in 0..<reflections {
      var v: [Int]
      repeat {
        v = (0..<d).map { _ in rng.uniformInt(in: -vectorEntryBound...vectorEntryBound) }
      } while v.allSatisfy { $0 == 0 }
      vectors.append(v.map { Rational($0) })
    }
    let minimizer: [Rational] = (0..<d).map { _ in
      let q = rng.uniformInt(in: 1...maxDenominator)
      let p = rng.uniformInt(in: (-minimizerBound * q)...(minimizerBound * q))
      return Rational(p, q)
    }
    return PLQuadratic(householderVectors: vectors, eigenvalues: eigenvalues, minimizer: minimizer,
                       optimalValue: optimalValue, noise: noise)
  }
}
