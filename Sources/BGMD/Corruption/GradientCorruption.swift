import RealModule
import Randomness

/// The paper's gradient corruption models (§7.2), applied by a corrupt
/// worker to its own honest gradient g.
public enum GradientCorruption<Element: Scalar>: Sendable {
  /// g ← c·g. The paper's scaled bit flip is c = −100 (the authors' configs
  /// used −5).
  case scaledBitFlip(scale: Element)
  /// g ← g + N(0, s²·I). The paper's N(0, 100) is variance 100, i.e.
  /// s = 10. Drawn in `Double`, converted.
  case additiveGaussian(standardDeviation: Double)

  /// The paper's defaults: −100·g.
  public static var paperBitFlip: GradientCorruption { .scaledBitFlip(scale: Element(integer: -100)) }
  /// The paper's defaults: N(0, 100), standard deviation 10.
  public static var paperGaussian: GradientCorruption { .additiveGaussian(standardDeviation: 10) }

  /// The corrupted gradient.
  /// - Complexity: O(d); `additiveGaussian` draws two words per coordinate.
  public func apply(to g: [Element], using rng: inout some RandomNumberGenerator) -> [Element] {
    switch self {
    case let .scaledBitFlip(c):
      return g.map { c * $0 }
    case let .additiveGaussian(s):
      return g.map { $0 + Element(approximating: s * rng.standardNormal()) }
    }
  }

  /// Applies the corruption to the rows `slots` of G in place.
  public func apply(to matrix: inout Matrix<Element>, slots: [Int],
                    using rng: inout some RandomNumberGenerator) {
    for i in slots { matrix.setRow(i, apply(to: Array(matrix.row(i)), using: &rng)) }
  }
}
