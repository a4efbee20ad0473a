import BGMD
import ClaimCheck
import ExactArithmetic
import Randomness

/// The corruption of one Theorem 2 setting (Proofs/theorem-2.md).
public enum Theorem2Setting: String, Sendable, CaseIterable, Codable {
  /// No corruption (𝔹 = ∅, α = 0).
  case clean
  /// The paper's scaled bit flip −100·g on a dynamic ψ = 0.2 / 0.4 of the rows (§7.2).
  case bitFlip20 = "bit-flip-20", bitFlip40 = "bit-flip-40"
  /// The paper's additive N(0, 100) on a dynamic ψ = 0.2 / 0.4 of the rows (§7.2).
  case additive20 = "additive-20", additive40 = "additive-40"
  /// The Definition-1 adversary: the strongest built-in attack found by a
  /// targeted search over attack and magnitude, dynamic ψ = 0.2 / 0.4.
  case adversary20 = "adversary-20", adversary40 = "adversary-40"

  /// ψ in percent (0, 20 or 40).
  public var badPercent: Int {
    switch self {
    case .clean: return 0
    case .bitFlip20, .additive20, .adversary20: return 20
    case .bitFlip40, .additive40, .adversary40: return 40
    }
  }

  /// The corruption kind an instance of this setting carries.
  public var corruption: Theorem2Corruption {
    switch self {
    case .clean: return .none
    case .bitFlip20, .bitFlip40: return .bitFlip
    case .additive20, .additive40: return .additive
    case .adversary20, .adversary40: return .adversary
    }
  }
}

/// What the bad rows send.
public enum Theorem2Corruption: String, Sendable, Codable {
  case none
  /// −100·g of the slot's own honest gradient.
  case bitFlip = "bit-flip"
  /// g + N(0, 100·I).
  case additive
  /// One of `Theorem2Instance.attackNames` at magnitude 10^e.
  case adversary
}

/// A deliberately broken variant of the algorithm a negative control runs
/// (`nil` in an instance: Algorithm 1 as the theorem states it).
public enum Theorem2Variant: String, Sendable, Codable, CaseIterable {
  /// γ = 3/L, past the theorem's 1/(2L) or 1/(4L).
  case stepPastTheorem = "step-past-theorem"
  /// The optimizer ignores its gradients: x_t = x_0 for every t.
  case ignoresGradients = "ignores-gradients"
  /// The honest rows are negated before aggregation: the iterate ascends.
  case ascends
  /// The geometric median is replaced by the coordinate-wise mean (not robust).
  case meanNotGM = "mean-not-gm"
}

/// The reading of Assumption 1 that defines σ² (docs: Proofs/theorem-2.md).
public enum Assumption1Reading: String, Sendable, CaseIterable, Codable {
  /// σ² = E‖g_i − ∇f_i‖², the oracle's exactly known noise variance.
  case variance
  /// σ² = the largest E‖g_i‖² = ‖∇f(x_t)‖² + σ²_noise along the run.
  case secondMoment = "second-moment"
}

/// One Theorem 2 instance: every parameter needed to rebuild the problem and
/// re-run the R runs deterministically (fixtures store it as is).
///
/// Problems: `quadratic` is a `PLQuadratic` drawn by `PLQuadraticBuilder`
/// from `problemSeed` (exact in ℚ, run in `Double`); `sine-squared` is
/// Σ x_j² + 3 sin² x_j (`SineSquaredPL`, μ = 1/32, L = 8).
public struct Theorem2Instance: Sendable, Codable, Hashable, CustomStringConvertible {
  /// Which theorem is checked: 2 (γ = 1/(4L), E‖x̂_T − x_p‖²) or 1
  /// (γ = 1/(2L), E‖∇f(x_τ)‖², τ uniform in {0, …, T − 1}).
  public var theorem: BoundTheorem
  /// `quadratic` or `sine-squared`.
  public var problem: String
  /// Seeds the builder (quadratic) and the start x_0.
  public var problemSeed: Int
  /// d.
  public var dimension: Int
  /// rank(A) (quadratic; d − rank zero eigenvalues: PL without strong convexity).
  public var rank: Int
  /// κ = L/μ (quadratic, rank ≥ 2).
  public var conditionNumber: Int
  /// k, the block size (k = d: every coordinate, GMD).
  public var blockSize: Int
  /// b, the rows per iteration.
  public var rows: Int
  /// `none`, `rademacher` or `signed-basis`.
  public var noise: String
  /// The noise scale s = noiseNumerator/noiseDenominator (σ² = d·s² or s²).
  public var noiseNumerator: Int
  public var noiseDenominator: Int
  /// x_0 = x* + u with integer entries of u in −startScale…startScale (≠ 0).
  public var startScale: Int
  /// The corruption and ψ in percent.
  public var corruption: Theorem2Corruption
  public var badPercent: Int
  /// For `adversary`: an index into `attackNames` and the exponent e of M = 10^e.
  public var attack: Int
  public var magnitudeExponent: Int
  /// R, the independent runs averaged for the expectation.
  public var runs: Int
  /// Run r draws from `TrainingStreams(seed: caseSeed(runSeed, r))`.
  public var runSeed: Int
  /// The horizons T at which E‖x̂_T − x_p‖² is measured (increasing, T ≥ 1).
  public var horizons: [Int]
  /// The broken variant a negative control runs; `nil` (absent in JSON) for
  /// the algorithm as stated.
  public var variant: Theorem2Variant? = nil
  /// The memory of the run (`MemoryVariant`); `nil` (absent in JSON) for
  /// Algorithm 1 as printed, `averaged`. The robust memories are run by the
  /// claims `theorem2/convergence-vs-gmd/<memory>/<setting>`.
  public var memory: MemoryVariant? = nil

  /// The built-in attacks the adversary setting searches over.
  public static let attackNames = ["alie", "ipm", "sign-flip-own", "sign-flip-mean", "scaled-bit-flip",
                                   "additive-gaussian", "mimic", "constant"]

  /// |𝔹| = ⌊ψb⌋.
  public var badCount: Int { CorruptionSchedule.badCount(fraction: Double(badPercent) / 100, rows: rows) }
  /// |𝔾| = b − |𝔹|.
  public var goodCount: Int { rows - badCount }
  /// α = |𝔹|/|𝔾|.
  public var alpha: Double { Double(badCount) / Double(goodCount) }
  /// The attack's name in reports.
  public var attackName: String {
    switch corruption {
    case .none: return "none"
    case .bitFlip: return "scaled-bit-flip(-100)"
    case .additive: return "additive-gaussian(sd 10)"
    case .adversary:
      let name = Self.attackNames[max(0, min(attack, Self.attackNames.count - 1))]
      return "\(name)(M=1e\(magnitudeExponent))"
    }
  }

  /// One line with every parameter.
  public var description: String {
    "theorem \(theorem): \(problem) seed=\(problemSeed) d=\(dimension) rank=\(rank) κ=\(conditionNumber) k=\(blockSize) b=\(rows) "
      + "noise=\(noise)(\(noiseNumerator)/\(noiseDenominator)) start=±\(startScale) ψ=\(badPercent)% "
      + "attack=\(attackName) R=\(runs) runSeed=\(runSeed) T=\(horizons.map(String.init).joined(separator: ","))"
      + (variant.map { " variant=\($0.rawValue)" } ?? "") + (memory.map { " memory=\($0.rawValue)" } ?? "")
  }

  /// The exact quadratic of this instance (nil for `sine-squared`).
  public func quadratic() -> PLQuadratic<Rational>? {
    guard problem == "quadratic" else { return nil }
    let s = Rational(noiseNumerator, max(1, noiseDenominator))
    let n: GradientNoise<Rational>
    switch noise {
    case "rademacher": n = .rademacher(scale: s)
    case "signed-basis": n = .signedBasis(scale: s)
    default: n = .none
    }
    let r = max(1, min(rank, dimension))
    let kappa = r >= 2 ? max(1, conditionNumber) : 1
    var rng = Xoshiro256(seed: UInt64(problemSeed), stream: 1)
    return PLQuadraticBuilder(dimension: dimension, rank: r, conditionNumber: kappa...kappa, noise: n)
      .build(using: &rng)
  }

  /// The exact start offset u (x_0 = x* + u for quadratics, x_0 = u for sine-squared).
  public func startOffset() -> [Int] {
    var rng = Xoshiro256(seed: UInt64(problemSeed), stream: 2)
    var u: [Int]
    repeat {
      u = (0..<dimension).map { _ in rng.uniformInt(in: -startScale...startScale) }
    } while u.allSatisfy { $0 == 0 }
    return u
  }
}

extension Theorem2Instance {
  /// Random instances of `setting`, shrinking toward the simplest: a full-rank
  /// quadratic in d = 2 with κ = 1, k = d, no noise, start ±1, the first
  /// attack at M = 1.
  ///
  /// - Parameters: `maxDimension` bounds d, `maxCondition` bounds κ; `runs`,
  ///   `horizons` and `runSeed` are fixed by the caller (the profile).
  public static func generator(setting: Theorem2Setting, maxDimension: Int, maxCondition: Int, runs: Int,
                               horizons: [Int], runSeed: Int, rows: Int = 10, theorem: BoundTheorem = .theorem2,
                               variant: Theorem2Variant? = nil) -> Gen<Theorem2Instance> {
    Gen { s in
      let sine = try s.drawInt(in: 0...5) == 5
      let d = try s.drawInt(in: 2...maxDimension, shrinkTowards: 2)
      let rank = try s.drawInt(in: 1...d, shrinkTowards: d)
      let kappa = try s.drawInt(in: 1...maxCondition, shrinkTowards: 1)
      let k = try s.drawInt(in: 1...d, shrinkTowards: d)
      let noise = ["none", "rademacher", "signed-basis"][try s.drawInt(in: 0...2)]
      let numerator = try s.drawInt(in: 1...8, shrinkTowards: 1)
      let denominator = try s.drawInt(in: 1...4, shrinkTowards: 1)
      let start = try s.drawInt(in: 1...10, shrinkTowards: 1)
      let problemSeed = try s.drawInt(in: 0...1_000_000)
      var attack = 0
      var exponent = 0
      if setting.corruption == .adversary {
        attack = try s.drawInt(in: 0...(attackNames.count - 1))
        exponent = try s.drawInt(in: 0...6)
      }
      return Theorem2Instance(
        theorem: theorem, problem: sine ? "sine-squared" : "quadratic", problemSeed: problemSeed, dimension: d, rank: rank,
        conditionNumber: kappa, blockSize: k, rows: rows, noise: noise, noiseNumerator: numerator,
        noiseDenominator: denominator, startScale: start, corruption: setting.corruption,
        badPercent: setting.badPercent, attack: attack, magnitudeExponent: exponent, runs: runs,
        runSeed: runSeed, horizons: horizons, variant: variant)
    }
  }
}

extension Theorem2Instance {
  /// Permanent examples evaluated beside the search (as Hypothesis's
  /// `@example`): the choice sequences of two small quadratics in d = 2
  /// with A = μI (rank 2, κ = 1), no noise, start ±1, one with k = 1 (a block and
  /// the memory) and one with k = d; for the adversary, the scaled bit flip
  /// at M = 10². They make the quick profile's small search see a block run.
  public static func probes(setting: Theorem2Setting) -> [[ChoiceValue]] {
    [1, 2].map { k in
      var values: [ChoiceValue] = [0, 2, 2, 1, k, 0, 1, 1, 1, 0].map { .integer($0) }
      if setting.corruption == .adversary { values += [.integer(4), .integer(2)] }
      return values
    }
  }
}

