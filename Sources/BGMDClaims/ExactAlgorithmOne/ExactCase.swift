import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation

/// One small instance of Algorithm 1 on an exact PL quadratic, every input
/// explicit so that a fixture replays it (Lemmas 3, 4 and 6; see
/// Proofs/lemma-3.md). The oracle has finite support (no noise, Rademacher
/// or a random signed basis vector), the selection's block distribution is
/// exact in ℚ (`blockDistribution`), so every expectation over the run's
/// randomness up to T is a finite sum (`ExactTree`).
///
/// The bad rows are the last `badCount` slots (a fixed schedule); the
/// adversary's rows are drawn per iteration (an oblivious Definition-1
/// adversary). The aggregator is `median` (the coordinate median of the
/// block; for a 1-coordinate block it is the geometric median exactly) or
/// `injected` (arbitrary rational outputs per iteration: an arbitrary rule).
public struct ExactCase: Sendable, Codable, Hashable {
  /// `averaged` (Algorithm 1 as printed) or `per-row` (the authors' code).
  public var memory: MemoryVariant
  public var reading: SelectionReading
  public var k: Int
  /// γ > 0.
  public var stepSize: Rational
  /// The quadratic f(x) = ½(x − x*)ᵀA(x − x*), A = QᵀDQ.
  public var eigenvalues: [Rational]
  public var householderVectors: [[Rational]]
  public var minimizer: [Rational]
  /// `none`, `rademacher` or `signed-basis`, with scale s.
  public var noise: String
  public var noiseScale: Rational
  public var initialIterate: [Rational]
  /// b.
  public var rows: Int
  /// |𝔹|: the last `badCount` slots are bad at every iteration.
  public var badCount: Int
  /// T × |𝔹| × d.
  public var badRows: [[[Rational]]]
  /// `median`, `injected` (g̃ = the drawn outputs) or `offset` (g̃ = Δ_t + the
  /// drawn outputs on the block: z_t is exactly the drawn vector, so any z)
  /// or `weiszfeld` (the library's geometric median in `Double`, its output
  /// converted exactly to ℚ).
  public var aggregator: String
  /// T × k: the injected rule's outputs (first |block| entries used).
  public var outputs: [[Rational]]
  /// T, the horizon.
  public var steps: Int
  /// ρ of Lemma 6, 0 < ρ < 1/2.
  public var rho: Rational
  /// Seed of the path on which `BlockDescent` is compared with the tree.
  public var pathSeed: UInt64

  /// d.
  public var dimension: Int { initialIterate.count }
  /// |𝔾|.
  public var goodCount: Int { rows - badCount }
  /// α = |𝔹|/|𝔾| (Definition 1).
  public var alpha: Rational { Rational(badCount, Swift.max(1, goodCount)) }

  /// "T = 2, b = 3 (|𝔹| = 1), d = 2, k = 1, successive, averaged, signed-basis(1), median".
  public var shape: String {
    "T = \(steps), b = \(rows) (|𝔹| = \(badCount)), d = \(dimension), k = \(k), \(reading.rawValue), "
      + "memory \(memory.rawValue), noise \(noise)(\(noiseScale)), γ = \(stepSize), \(aggregator)"
  }

  /// The quadratic (its L is the largest eigenvalue).
  public var problem: PLQuadratic<Rational> {
    PLQuadratic(householderVectors: householderVectors, eigenvalues: eigenvalues, minimizer: minimizer,
                noise: gradientNoise)
  }

  /// The oracle's noise.
  public var gradientNoise: GradientNoise<Rational> {
    switch noise {
    case "rademacher": return .rademacher(scale: noiseScale)
    case "signed-basis": return .signedBasis(scale: noiseScale)
    default: return .none
    }
  }

  /// Checks the shapes of a (possibly hand-edited) case.
  /// - Throws: `FixtureInputError` naming the field.
  public func validate() throws {
    let d = dimension
    guard d >= 1, (1...d).contains(k) else { throw FixtureInputError(field: "input.k", expected: "1 ≤ k ≤ d") }
    guard steps >= 1, rows >= 1, badCount >= 0, 2 * badCount < rows else {
      throw FixtureInputError(field: "input.badCount", expected: "T ≥ 1, b ≥ 1 and |𝔹| < b/2 (ψ < 1/2)")
    }
    guard eigenvalues.count == d, minimizer.count == d, eigenvalues.allSatisfy({ $0.signum >= 0 }),
      eigenvalues.contains(where: { $0.signum > 0 }),
      householderVectors.allSatisfy({ $0.count == d && $0.contains { !$0.isZero } })
    else { throw FixtureInputError(field: "input.eigenvalues", expected: "d non-negative eigenvalues, one positive; Householder vectors of d entries, non-zero") }
    guard stepSize.signum > 0 else { throw FixtureInputError(field: "input.stepSize", expected: "γ > 0") }
    guard badRows.count == steps, badRows.allSatisfy({ $0.count == badCount && $0.allSatisfy { $0.count == d } }) else {
      throw FixtureInputError(field: "input.badRows", expected: "T × |𝔹| × d values")
    }
    guard outputs.count == steps, outputs.allSatisfy({ $0.count == k }) else {
      throw FixtureInputError(field: "input.outputs", expected: "T × k values")
    }
    guard ["none", "rademacher", "signed-basis"].contains(noise), ["median", "injected", "offset", "weiszfeld"].contains(aggregator) else {
      throw FixtureInputError(field: "input.noise", expected: "noise none/rademacher/signed-basis, aggregator median/injected/offset")
    }
    guard rho.signum > 0, rho < Rational(1, 2) else { throw FixtureInputError(field: "input.rho", expected: "0 < ρ < 1/2") }
  }
}

/// What a family asks of the generator.
public struct ExactCaseGenerator: Sendable {
  /// Memory variant of the claim.
  public var memory: MemoryVariant
  /// Whether the adversary is present (|𝔹| ≥ 1).
  public var corrupted: Bool
  /// Aggregators drawn from (`median`, `injected`).
  public var aggregators: [String]
  /// Largest block size (nil: up to d).
  public var maxBlock: Int?
  public var maxDimension: Int
  public var maxRows: Int
  public var maxSteps: Int
  /// Largest number of leaves of the tree (the generator lowers T to fit).
  public var maxLeaves: Int

  /// The budget of exact cases for a profile's case budget: half of it
  /// (at least 40), since each case enumerates a whole tree.
  public static func cases(_ budget: Budget) -> Int { Swift.max(40, budget.cases / 2) }

  /// Branching of one level: noise outcomes to the |𝔾| times the blocks.
  static func branching(noise: String, d: Int, k: Int, good: Int, reading: SelectionReading) -> Int {
    let outcomes = noise == "rademacher" ? 1 << d : noise == "signed-basis" ? 2 * d : 1
    var blocks = 1
    if reading != .topK {
      var c = 1
      for i in 0..<k { c = c * (d - i) / (i + 1) }
      blocks = c
    }
    var total = blocks
    for _ in 0..<good { total = Swift.min(total * outcomes, 1 << 40) }
    return total
  }

  /// The cases, shrinking toward T = 1, small b, d = 2, k = 1, successive,
  /// no noise, small integers.
  public var gen: Gen<ExactCase> {
    let g = self
    return Gen { s in
      let d = try s.drawInt(in: 2...Swift.max(2, g.maxDimension), shrinkTowards: 2)
      let k = try s.drawInt(in: 1...Swift.min(d, g.maxBlock ?? d), shrinkTowards: 1)
      let readings: [SelectionReading] = [.successive, .topK, .uniform]
      let reading = readings[try s.drawInt(in: 0...(readings.count - 1))]
      let minRows = g.corrupted ? 3 : 1
      let b = try s.drawInt(in: minRows...Swift.max(minRows, g.maxRows), shrinkTowards: minRows)
      let m = g.corrupted ? try s.drawInt(in: 1...Swift.max(1, (b - 1) / 2), shrinkTowards: 1) : 0
      let noise = ["none", "signed-basis", "rademacher"][try s.drawInt(in: 0...2)]
      let (sp, sq) = try s.drawRational(maxNumerator: 3, maxDenominator: 2)
      let scale = sp == 0 ? Rational(1) : Rational(Swift.abs(sp), sq)
      let aggregator = g.aggregators[try s.drawInt(in: 0...(g.aggregators.count - 1))]
      var eigen: [Rational] = try (0..<d).map { _ in
        let (p, q) = try s.drawRational(maxNumerator: 4, maxDenominator: 2)
        return Rational(Swift.abs(p), q)
      }
      if !eigen.contains(where: { $0.signum > 0 }) { eigen[0] = Rational(1) }
      let reflections = try s.drawInt(in: 0...1)
      let vectors: [[Rational]] = try (0..<reflections).map { _ in
        var v = try (0..<d).map { _ in Rational(try s.drawInt(in: -2...2)) }
        if v.allSatisfy(\.isZero) { v[0] = Rational(1) }
        return v
      }
      let xstar = try (0..<d).map { _ in Rational(try s.drawInt(in: -2...2)) }
      let x0 = try (0..<d).map { _ in Rational(try s.drawInt(in: -3...3)) }
      let (gp, gq) = try s.drawRational(maxNumerator: 4, maxDenominator: 4)
      let gamma = gp == 0 ? Rational(1) : Rational(Swift.abs(gp), gq)
      let rhos = [Rational(1, 4), Rational(1, 10), Rational(2, 5), Rational(1, 100), Rational(49, 100)]
      let rho = rhos[try s.drawInt(in: 0...(rhos.count - 1))]
      // T: as drawn, lowered until the tree fits.
      var t = try s.drawInt(in: 1...Swift.max(1, g.maxSteps), shrinkTowards: 1)
      let branch = ExactCaseGenerator.branching(noise: noise, d: d, k: k, good: b - m, reading: reading)
      while t > 1 {
        var leaves = 1
        for _ in 0..<t { leaves = Swift.min(leaves * branch, 1 << 40) }
        if leaves <= g.maxLeaves { break }
        t -= 1
      }
      if branch > g.maxLeaves { throw GenerationStop.rejected }
      // The adversary's magnitude: 1, 10 or 100 times rows p/q (|p| ≤ 9, q ≤ 3).
      let magnitude = Rational([1, 10, 100][try s.drawInt(in: 0...2)])
      let badRows = try (0..<t).map { _ in
        try (0..<m).map { _ in
          try (0..<d).map { _ in
            let (p, q) = try s.drawRational(maxNumerator: 9, maxDenominator: 3)
            return magnitude * Rational(p, q)
          }
        }
      }
      // The injected outputs' magnitude: 1, 10 or 1000 times p/q (|p| ≤ 9, q ≤ 3).
      let outputMagnitude = Rational([1, 10, 1000][try s.drawInt(in: 0...2)])
      let outputs = try (0..<t).map { _ in
        try (0..<k).map { _ in
          let (p, q) = try s.drawRational(maxNumerator: 9, maxDenominator: 3)
          return outputMagnitude * Rational(p, q)
        }
      }
      let seed = UInt64(try s.drawInt(in: 0...1_000_000))
      return ExactCase(memory: g.memory, reading: reading, k: k, stepSize: gamma, eigenvalues: eigen,
                       householderVectors: vectors, minimizer: xstar, noise: noise, noiseScale: scale,
                       initialIterate: x0, rows: b, badCount: m, badRows: badRows, aggregator: aggregator,
                       outputs: outputs, steps: t, rho: rho, pathSeed: seed)
    }
  }
}
