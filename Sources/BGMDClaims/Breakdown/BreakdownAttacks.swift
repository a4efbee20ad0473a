import BGMD
import ClaimCheck
import RealModule
import Randomness

/// The parametrised attack family of the breakdown search: every bad row is
/// ḡ + M·u, ḡ the mean of the good rows, with
/// u = mask ⊙ (a·(−ḡ/‖ḡ‖) + c·𝟙/√d + z·(−σ/‖σ‖) + w·m/‖m‖),
/// σ the coordinate-wise population standard deviation of the good rows
/// (ALIE's direction) and m the optimizer's memory as the adversary of
/// Definition 1 sees it (the averaged memory, or the mean of the per-row
/// memory; zero without memory). A direction whose norm is 0 contributes
/// nothing. `mask[j]` says whether coordinate j is loaded (all when no
/// entry is set).
///
/// It mixes sign flip (a), a constant vector (c), ALIE (z) and a memory-
/// aware push (w), and chooses which coordinates to load, so that
/// `searchTargeted` can climb over it.
public struct MixedAttack: Sendable, Hashable, Codable, CustomStringConvertible {
  /// a: weight of the sign-flip direction −ḡ/‖ḡ‖.
  public var signFlip: Double
  /// c: weight of the constant direction 𝟙/√d.
  public var constant: Double
  /// z: weight of ALIE's direction −σ/‖σ‖.
  public var alie: Double
  /// w: weight of the memory direction.
  public var memory: Double
  /// Which coordinates are loaded.
  public var mask: [Bool]

  public init(signFlip: Double, constant: Double, alie: Double, memory: Double, mask: [Bool]) {
    self.signFlip = signFlip
    self.constant = constant
    self.alie = alie
    self.memory = memory
    self.mask = mask
  }

  public var description: String {
    let loaded = mask.enumerated().filter(\.element).map { String($0.offset) }.joined(separator: ",")
    return "mixed(a=\(signFlip), c=\(constant), z=\(alie), w=\(memory), coords=[\(loaded.isEmpty ? "all" : loaded)])"
  }

  /// Parameters for dimension d: four weights in [−1, 1] and d booleans.
  public static func generator(dimension d: Int) -> Gen<MixedAttack> {
    Gen { source in
      let a = try source.drawDouble(in: -1...1)
      let c = try source.drawDouble(in: -1...1)
      let z = try source.drawDouble(in: -1...1)
      let w = try source.drawDouble(in: -1...1)
      var mask: [Bool] = []
      for _ in 0..<d { mask.append(try source.drawBool(probability: 0.5)) }
      return MixedAttack(signFlip: a, constant: c, alie: z, memory: w, mask: mask)
    }
  }

  /// The bad rows at magnitude M (all the same vector).
  public func rows(_ view: AdversaryView<Double>, magnitude: Double) -> [[Double]] {
    let d = view.dimension
    let good = view.goodSlots
    var mean = [Double](repeating: 0, count: d)
    var sigma = [Double](repeating: 0, count: d)
    for i in good { for j in 0..<d { mean[j] += view.goodRows[i, j] } }
    for j in 0..<d { mean[j] /= Double(good.count) }
    for i in good { for j in 0..<d { let e = view.goodRows[i, j] - mean[j]; sigma[j] += e * e } }
    for j in 0..<d { sigma[j] = (sigma[j] / Double(good.count)).squareRoot() }
    var memoryVector = [Double](repeating: 0, count: d)
    if let averaged = view.averagedMemory, averaged.count == d {
      memoryVector = averaged
    } else if let rows = view.memoryRows, rows.rows > 0 {
      for i in 0..<rows.rows { for j in 0..<d { memoryVector[j] += rows[i, j] / Double(rows.rows) } }
    }
    func unit(_ v: [Double], _ sign: Double) -> [Double] {
      let n = scaledNorm(v)
      return n > 0 && n.isFinite ? v.map { sign * $0 / n } : [Double](repeating: 0, count: d)
    }
    let directions = [unit(mean, -1), [Double](repeating: 1 / Double(d).squareRoot(), count: d),
                      unit(sigma, -1), unit(memoryVector, 1)]
    let weights = [signFlip, constant, alie, memory]
    let loadAll = !mask.contains(true)
    var row = mean
    for j in 0..<d where loadAll || (j < mask.count && mask[j]) {
      var u = 0.0
      for (w, direction) in zip(weights, directions) { u += w * direction[j] }
      row[j] += magnitude * u
    }
    return Array(repeating: row, count: view.badSlots.count)
  }
}

/// One attack of the breakdown search: a built-in attack of
/// `Sources/BGMD/Corruption` by name, or a `MixedAttack`.
public struct BreakdownAttack: Sendable, Hashable, Codable, CustomStringConvertible {
  /// `constant`, `sign-flip`, `ipm`, `scaled-bit-flip`, `additive-gaussian`,
  /// `alie`, `mimic`, `non-finite-nan`, `non-finite-+inf`,
  /// `non-finite--inf`, or `mixed`.
  public var name: String
  /// The parameters of `mixed`.
  public var mixed: MixedAttack?

  public init(name: String, mixed: MixedAttack? = nil) {
    self.name = name
    self.mixed = mixed
  }

  public var description: String { mixed.map(\.description) ?? name }

  /// The built-in attacks in the order they are tried (simplest first).
  /// Each takes the magnitude M as documented in `Attacks.swift`/`ALIE.swift`:
  /// constant M·𝟙, sign flip −M·g (own gradient), IPM −0.1·M·ḡ, scaled bit
  /// flip −100·M·g, additive N(0, (10·M)²), ALIE μ − z_max·M·σ; mimic and
  /// the non-finite rows ignore M.
  public static let builtIn: [BreakdownAttack] = [
    "constant", "sign-flip", "ipm", "scaled-bit-flip", "additive-gaussian", "alie", "mimic",
    "non-finite-nan", "non-finite-+inf", "non-finite--inf",
  ].map { BreakdownAttack(name: $0) }

  /// Whether the rows depend on M (mimic and the non-finite rows do not:
  /// their curve is one evaluation repeated at every scale).
  public var usesMagnitude: Bool { name != "mimic" && !isNonFinite }

  /// Whether the attack sends non-finite rows.
  public var isNonFinite: Bool { name.hasPrefix("non-finite") }

  /// The bad rows for `view` at magnitude M.
  /// - Throws: `BreakdownError.unknownAttack` for an unknown name.
  public func rows(_ view: AdversaryView<Double>, magnitude m: Double,
                   using rng: inout Xoshiro256) throws -> [[Double]] {
    switch name {
    case "constant": return ConstantVector<Double>(value: 1, magnitude: m).corrupt(view, using: &rng)
    case "sign-flip": return SignFlip<Double>(magnitude: m).corrupt(view, using: &rng)
    case "ipm": return InnerProductManipulation<Double>(epsilon: 0.1, magnitude: m).corrupt(view, using: &rng)
    case "scaled-bit-flip": return ScaledBitFlipAttack<Double>(magnitude: m).corrupt(view, using: &rng)
    case "additive-gaussian": return AdditiveGaussianAttack<Double>(magnitude: m).corrupt(view, using: &rng)
    case "alie": return ALIE<Double>(magnitude: m).corrupt(view, using: &rng)
    case "mimic": return Mimic<Double>().corrupt(view, using: &rng)
    case "non-finite-nan": return NonFiniteRows<Double>(value: .nan).corrupt(view, using: &rng)
    case "non-finite-+inf": return NonFiniteRows<Double>(value: .plusInfinity).corrupt(view, using: &rng)
    case "non-finite--inf": return NonFiniteRows<Double>(value: .minusInfinity).corrupt(view, using: &rng)
    case "mixed":
      guard let mixed else { throw BreakdownError.unknownAttack(name) }
      return mixed.rows(view, magnitude: m)
    default: throw BreakdownError.unknownAttack(name)
    }
  }
}

/// Errors of the breakdown checks and their replay.
public enum BreakdownError: Error, Equatable, CustomStringConvertible, Sendable {
  case unknownAttack(String)
  case unknownRule(String)
  case unknownMethod(String)
  case malformedFixture(String)

  public var description: String {
    switch self {
    case let .unknownAttack(n): return "unknown breakdown attack \"\(n)\""
    case let .unknownRule(n): return "unknown aggregation rule \"\(n)\""
    case let .unknownMethod(n): return "unknown training method \"\(n)\""
    case let .malformedFixture(why): return "malformed breakdown fixture: \(why)"
    }
  }
}

/// ‖v‖ computed on v divided by its largest magnitude (no overflow for
/// entries near 1e200); NaN when an entry is NaN, ∞ when one is infinite.
public func scaledNorm(_ v: [Double]) -> Double {
  var scale = 0.0
  for x in v {
    if x.isNaN { return .nan }
    scale = Swift.max(scale, x.magnitude)
  }
  if scale == 0 { return 0 }
  if !scale.isFinite { return .infinity }
  var sum = 0.0
  for x in v { let y = x / scale; sum += y * y }
  return scale * sum.squareRoot()
}
