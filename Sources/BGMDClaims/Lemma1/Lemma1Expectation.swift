import BGMD
import ExactArithmetic

/// Lemma 1's two sides for one matrix G, exactly in ℚ.
///
/// C_k(G) keeps the columns of the selected block B and zeroes the others,
/// so ‖C_k(G) − G‖²_F = Σ_{j∉B} s_j with s_j = ‖G[:,j]‖². Over the exact
/// block distribution of a reading:
/// - `expectedResidual` = E‖C_k(G) − G‖²_F = Σ_B p(B) Σ_{j∉B} s_j;
/// - `uniformResidual` = E‖C^r_k(G) − G‖²_F = (1 − k/d)‖G‖²_F (each column
///   is kept with probability k/d under the uniform reading);
/// - `bound` = (1 − k/d)‖G‖²_F, the right-hand side of Lemma 1.
///
/// The lemma says `expectedResidual ≤ bound`; the proof's first step says
/// `expectedResidual ≤ uniformResidual` (equal to `bound`, computed here from
/// the uniform distribution itself so the step is checked independently).
public struct Lemma1Expectation: Sendable, Equatable {
  /// E‖C_k(G) − G‖²_F under the reading.
  public var expectedResidual: Rational
  /// E‖C^r_k(G) − G‖²_F under the uniform reading.
  public var uniformResidual: Rational
  /// (1 − k/d)‖G‖²_F.
  public var bound: Rational
  /// ‖G‖²_F.
  public var total: Rational

  /// LHS / RHS of Lemma 1 (nil when the bound is 0, i.e. G = 0 or k = d).
  public var ratio: Rational? { bound.isZero ? nil : expectedResidual / bound }

  /// Whether Lemma 1's inequality holds for this G.
  public var holds: Bool { expectedResidual <= bound }

  /// Whether the proof's first step (domination of the uniform operator) holds.
  public var stepHolds: Bool { expectedResidual <= uniformResidual }

  /// The exact expectations for G, k and `reading`; `selection` other than
  /// `paper` replaces Algorithm 2's distribution by a negative control's
  /// (the uniform residual and the bound stay the paper's).
  /// - Throws: `ShapeError.blockSize`; `SelectionError` from the exact
  ///   distribution (irrational norm weights, too many outcomes).
  public init(_ g: Matrix<Rational>, k: Int, reading: SelectionReading, selection: Lemma1Selection = .paper) throws {
    let d = g.columns
    var scores = [Rational](repeating: .zero, count: d)
    for i in 0..<g.rows {
      for j in 0..<d { scores[j] += g[i, j] * g[i, j] }
    }
    let total = scores.reduce(Rational.zero, +)
    func residual(_ distribution: [(block: [Int], probability: Rational)]) -> Rational {
      var expectation = Rational.zero
      for (block, probability) in distribution {
        var off = total
        for j in block { off -= scores[j] }
        expectation += probability * off
      }
      return expectation
    }
    self.total = total
    self.expectedResidual = residual(try selection.distribution(g, k: k, reading: reading))
    self.uniformResidual = residual(try blockDistribution(g, k: k, reading: .uniform))
    self.bound = (1 - Rational(k, d)) * total
  }
}
