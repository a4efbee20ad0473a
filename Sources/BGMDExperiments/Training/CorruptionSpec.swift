import BGMD
/// A corruption model and the fraction ψ of corrupt rows, as written on the
/// command line: `KIND:PSI` (e.g. `bit-flip:0.4`).
public struct CorruptionSpec: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The corruption models: the paper's (§7.2) and the literature's attacks.
  public enum Kind: String, CaseIterable, Codable, Sendable {
    /// Gradient: scaled bit flip, −100·g.
    case bitFlip = "bit-flip"
    /// Gradient: additive N(0, 100) (standard deviation 10).
    case additive
    /// Feature: additive N(0, 100) on the corrupt workers' samples.
    case featureAdditive = "feature-additive"
    /// Feature: salt-and-pepper on 90% of the pixels.
    case impulse
    /// Label: backdoor to class 8.
    case backdoor
    /// A little is enough: μ − zσ per coordinate.
    case alie
    /// Inner product manipulation: −ε·(mean of the good rows), ε = 0.1.
    case ipm
    /// Sign flip of the worker's own gradient.
    case signFlip = "sign-flip"
    /// A copy of one good row.
    case mimic
    /// The constant vector 100·1.
    case constant
    /// Rows of NaN.
    case nan
    /// Rows of +∞.
    case inf

    /// Whether the model corrupts data (needs a data problem), not gradients.
    public var corruptsData: Bool { self == .featureAdditive || self == .impulse || self == .backdoor }
  }

  /// The model.
  public var kind: Kind
  /// ψ, the fraction of corrupt rows (⌊ψb⌋ rows per iteration).
  public var fraction: Double

  public init(kind: Kind, fraction: Double) {
    self.kind = kind
    self.fraction = fraction
  }

  /// Reads `KIND:PSI`.
  /// - Throws: `CorruptionSpecError` naming the text and what was expected.
  public init(parsing text: String) throws {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 else {
      throw CorruptionSpecError(text: text, reason: "expected KIND:PSI, e.g. bit-flip:0.2")
    }
    guard let kind = Kind(rawValue: String(parts[0])) else {
      throw CorruptionSpecError(
        text: text, reason: "unknown kind '\(parts[0])'; expected one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard let psi = Double(parts[1]), psi >= 0, psi < 1 else {
      throw CorruptionSpecError(text: text, reason: "PSI must be a number in [0, 1)")
    }
    self.init(kind: kind, fraction: psi)
  }

  public var description: String { "\(kind.rawValue):\(fraction)" }
}

/// A corruption given on the command line that cannot be read.
public struct CorruptionSpecError: Error, Equatable, CustomStringConvertible, Sendable {
  public var text: String
  public var reason: String
  public var description: String { "cannot read corruption \"\(text)\": \(reason)" }
}
