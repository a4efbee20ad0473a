import RealModule

/// The coordinate-wise trimmed mean: for each j, drop the ⌊β·n⌋ smallest
/// and the ⌊β·n⌋ largest of the n values G[:,j] and average the rest.
///
/// β is the fraction trimmed *per side*, 0 ≤ β < 1/2 (β = 0 is the mean of
/// the finite rows). Non-finite rows are excluded first (listed in
/// `excludedRows`; the call throws when they are half of the rows or more),
/// and n counts the remaining rows.
///
/// Breakdown: β per coordinate — up to ⌊β·n⌋ arbitrary rows are trimmed away
/// in every coordinate; one more can move it arbitrarily far.
/// - Complexity: O(b·log b·d) (a sort of b values per column), O(d) memory.
public struct TrimmedMean<Element: Scalar>: AggregationRule {
  /// The fraction trimmed per side.
  public let beta: Double
  public var name: String { "trimmed-mean" }

  /// - Throws: `AggregationError.invalidParameter` unless 0 ≤ β < 1/2.
  public init(beta: Double) throws {
    guard beta >= 0, beta < 0.5 else {
      throw AggregationError.invalidParameter(
        rule: "trimmed-mean", parameter: "beta", value: "\(beta)", expected: "0 ≤ β < 1/2 (per side)")
    }
    self.beta = beta
  }

  /// - Throws: `ShapeError.noRows`; `AggregationError.tooManyNonFiniteRows`.
  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    let (kept, excluded) = try _screenRows(rows, rule: name)
    let n = kept.rows, d = kept.columns
    let trimmed = Int((beta * Double(n)).rounded(.down))
    let count = Element(integer: n - 2 * trimmed)
    var vector = [Element](repeating: .zero, count: d)
    var column = [Element](repeating: .zero, count: n)
    for j in 0..<d {
      for i in 0..<n { column[i] = kept.storage[i * d + j] }
      column.sort()
      var sum = Element.zero
      for i in trimmed..<(n - trimmed) { sum += column[i] }
      vector[j] = sum / count
      if !vector[j].isFinite {
        // The kept values are finite (non-finite rows were screened out):
        // only their sum overflowed.
        vector[j] = _scaledMean(column[trimmed..<(n - trimmed)], count: n - 2 * trimmed) ?? vector[j]
      }
    }
    return AggregationResult(vector: vector, excludedRows: excluded)
  }
}
