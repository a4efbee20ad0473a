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
    let trimmed = Int((beta * Double(kept.rows)).rounded(.down))
    let vector: [Element]
    // Float and Double: the chunked kernel (same bits as the reference).
    if Element.self == Float.self {
      vector = unsafeBitCast(
        _trimmedColumnMeans(unsafeBitCast(kept, to: Matrix<Float>.self), trimmed: trimmed), to: [Element].self)
    } else if Element.self == Double.self {
      vector = unsafeBitCast(
        _trimmedColumnMeans(unsafeBitCast(kept, to: Matrix<Double>.self), trimmed: trimmed), to: [Element].self)
    } else {
      vector = _trimmedColumnMeansReference(kept, trimmed: trimmed)
    }
    return AggregationResult(vector: vector, excludedRows: excluded)
  }
}
