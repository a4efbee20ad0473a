/// Structures a generated matrix may be forced into, simplest first.
public enum MatrixPattern: Int, Sendable, CaseIterable {
  /// Entries as drawn.
  case plain
  /// Every entry zero.
  case zero
  /// Every entry equal to the first.
  case equalEntries
  /// One column (drawn) set to zero.
  case zeroColumn
  /// One row (drawn) a copy of another.
  case duplicateRow
  /// Rank-deficient: the last row is −1, 0 or 1 times the first (rank ≤ rows − 1).
  case rankDeficient
  /// Entries replaced by a few repeated values (ties in every column).
  case ties
}

extension Gen where Value == Double {
  /// Doubles biased toward edge cases: 0, ±1, tiny (1e-300…1e-10) and huge
  /// (1e10…1e300) magnitudes, ordinary values in ±`ordinary`, and NaN/±∞
  /// only when `allowNonFinite`. Shrinks toward 0 and the ordinary branch.
  public static func edgeBiased(ordinary: Double = 10, allowNonFinite: Bool = false) -> Gen<Double> {
    var cases: [(Int, Gen<Double>)] = [
      (6, .double(in: -ordinary...ordinary)),
      (1, .constant(0)),
      (1, Gen<Int>.int(in: -1...1).map { Double($0) }),
      (1, zip(Gen<Bool>.bool(), Gen<Int>.int(in: -300...(-10))).map { $0.0 ? -pow10($0.1) : pow10($0.1) }),
      (1, zip(Gen<Bool>.bool(), Gen<Int>.int(in: 10...300)).map { $0.0 ? -pow10($0.1) : pow10($0.1) }),
    ]
    if allowNonFinite { cases.append((1, .oneOf([.constant(.nan), .constant(.infinity), .constant(-.infinity)]))) }
    return .frequency(cases)
  }
}

/// 10^e for integer e, computed by repeated multiplication of exact powers.
func pow10(_ e: Int) -> Double {
  var result = 1.0
  let base = e >= 0 ? 10.0 : 0.1
  for _ in 0..<e.magnitude { result *= base }
  return result
}

extension Gen {
  /// Matrices of drawn shape whose structure is drawn from `MatrixPattern`
  /// (plain first, so shrinking removes the structure when it is not needed).
  ///
  /// `zero` is the element type's zero and `scale` multiplies a row (for
  /// rank deficiency); both are supplied so the generator works for any
  /// element type (Double, Int, fractions).
  /// - Complexity: O(rows·cols) choices.
  public static func structuredMatrix(rows: ClosedRange<Int>, cols: ClosedRange<Int>, element: Gen<Value>,
                                      zero: Value, scale: @escaping @Sendable (Value, Int) -> Value,
                                      patterns: [MatrixPattern] = MatrixPattern.allCases) -> Gen<[[Value]]>
  where Value: Sendable {
    let allowed = patterns.isEmpty ? [MatrixPattern.plain] : patterns
    return Gen<[[Value]]> { source in
      var m = try Gen.matrix(rows: rows, cols: cols, element: element).generate(&source)
      let pattern = allowed[try source.drawInt(in: 0...(allowed.count - 1))]
      let r = m.count
      let c = m.first?.count ?? 0
      guard r > 0, c > 0 else { return m }
      switch pattern {
      case .plain: break
      case .zero: m = m.map { $0.map { _ in zero } }
      case .equalEntries: m = m.map { $0.map { _ in m[0][0] } }
      case .zeroColumn:
        let j = try source.drawInt(in: 0...(c - 1))
        for i in 0..<r { m[i][j] = zero }
      case .duplicateRow:
        let src = try source.drawInt(in: 0...(r - 1))
        let dst = try source.drawInt(in: 0...(r - 1))
        m[dst] = m[src]
      case .rankDeficient:
        let k = try source.drawInt(in: -1...1)
        m[r - 1] = m[0].map { scale($0, k) }
      case .ties:
        let palette = try (0..<2).map { _ in try element.generate(&source) }
        for i in 0..<r { for j in 0..<c { m[i][j] = palette[try source.drawInt(in: 0...1)] } }
      }
      return m
    }
  }
}

extension Gen where Value == [[Double]] {
  /// Double matrices with edge-biased entries and drawn structure (zeros,
  /// ties, zero columns, duplicate rows, rank deficiency); non-finite entries
  /// only when `allowNonFinite`.
  public static func edgeMatrix(rows: ClosedRange<Int>, cols: ClosedRange<Int>, ordinary: Double = 10,
                                allowNonFinite: Bool = false) -> Gen<[[Double]]> {
    Gen<Double>.structuredMatrix(rows: rows, cols: cols,
                                 element: .edgeBiased(ordinary: ordinary, allowNonFinite: allowNonFinite),
                                 zero: 0, scale: { $0 * Double($1) })
  }
}

extension Gen where Value == [[Int]] {
  /// Integer matrices with entries in `entries` (e.g. −2…2) and drawn structure.
  ///
  /// Every entry stays in `entries`: a rank-deficient row is negated only
  /// when the range is symmetric, and zeroed only when it contains 0
  /// (otherwise that pattern copies the first row).
  public static func intMatrix(rows: ClosedRange<Int>, cols: ClosedRange<Int>,
                               entries: ClosedRange<Int> = -2...2) -> Gen<[[Int]]> {
    let symmetric = entries.lowerBound == -entries.upperBound
    let zero = Swift.min(Swift.max(0, entries.lowerBound), entries.upperBound)
    return Gen<Int>.structuredMatrix(rows: rows, cols: cols, element: .int(in: entries, shrinkTowards: zero), zero: zero,
                                     scale: { x, k in k == 0 ? zero : (k < 0 && symmetric ? -x : x) })
  }
}

extension Gen where Value == [[DrawnFraction]] {
  /// Fraction matrices (|p| ≤ `maxNumerator`, q ≤ `maxDenominator`) with drawn structure.
  public static func fractionMatrix(rows: ClosedRange<Int>, cols: ClosedRange<Int>, maxNumerator: Int = 2,
                                    maxDenominator: Int = 3) -> Gen<[[DrawnFraction]]> {
    Gen<DrawnFraction>.structuredMatrix(
      rows: rows, cols: cols, element: .fraction(maxNumerator: maxNumerator, maxDenominator: maxDenominator),
      zero: DrawnFraction(numerator: 0, denominator: 1),
      scale: { DrawnFraction(numerator: $0.numerator * $1, denominator: $0.denominator) })
  }
}
