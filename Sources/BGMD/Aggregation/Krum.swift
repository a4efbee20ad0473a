import RealModule

/// Krum and Multi-Krum (Blanchard et al., NeurIPS 2017).
///
/// With n rows and f assumed Byzantine, each row i gets the score
/// s(i) = Σ of its m = n − f − 2 smallest *squared* distances ‖G[i,:] − G[l,:]‖²
/// to the other rows (the neighbour count of Flower and of the Karimireddy
/// code; ByzFL uses n − f − 1, ANCHORS.md). Krum returns the row of smallest
/// score (ties to the lower row index); Multi-Krum with `selectionCount = q`
/// returns the mean of the q rows of smallest scores.
///
/// Non-finite rows are excluded first (listed in `excludedRows`; the call
/// throws when they are half of the rows or more); n counts the rest.
/// No square root is needed, so the rule is generic over `Scalar` (exact in
/// ℚ). For floating types the distances are computed in `Double` on the rows
/// times the power of two that brings their largest magnitude into [1, 2)
/// (`_powerOfTwoScale`), so entries near 1e308 do not overflow and
/// subnormal entries do not square to 0 (the scores are then all multiplied
/// by the same positive number, which preserves the order).
///
/// Breakdown: Krum tolerates f Byzantine rows when n > 2f + 2 (its
/// guarantee); it needs m = n − f − 2 ≥ 1.
/// - Complexity: O(n²·d) for the distances, O(n² log n) for the scores.
public struct Krum<Element: Scalar>: AggregationRule {
  /// f, the number of Byzantine rows assumed.
  public let byzantine: Int
  /// q: 1 for Krum, more for Multi-Krum (the mean of the q best rows).
  public let selectionCount: Int
  public var name: String { selectionCount == 1 ? "krum" : "multi-krum" }

  /// - Throws: `AggregationError.invalidParameter` for f < 0 or q < 1.
  public init(byzantine: Int, selectionCount: Int = 1) throws {
    guard byzantine >= 0 else {
      throw AggregationError.invalidParameter(
        rule: "krum", parameter: "f", value: "\(byzantine)", expected: "f ≥ 0")
    }
    guard selectionCount >= 1 else {
      throw AggregationError.invalidParameter(
        rule: "krum", parameter: "selectionCount", value: "\(selectionCount)", expected: "q ≥ 1")
    }
    self.byzantine = byzantine
    self.selectionCount = selectionCount
  }

  /// - Throws: `ShapeError.noRows`; `AggregationError.tooManyNonFiniteRows`;
  ///   `AggregationError.invalidParameter` when n − f − 2 < 1 or q > n.
  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    let (kept, excluded) = try _screenRows(rows, rule: name)
    let n = kept.rows
    let neighbours = n - byzantine - 2
    guard neighbours >= 1 else {
      throw AggregationError.invalidParameter(
        rule: name, parameter: "f", value: "\(byzantine)",
        expected: "n − f − 2 ≥ 1 with n = \(n) finite rows")
    }
    guard selectionCount <= n else {
      throw AggregationError.invalidParameter(
        rule: name, parameter: "selectionCount", value: "\(selectionCount)", expected: "at most n = \(n)")
    }
    let chosen: [Int]
    if Element.isExact {
      chosen = _krumChoice(n: n, neighbours: neighbours, count: selectionCount) { i, l in
        var sum = Element.zero
        for j in 0..<kept.columns {
          let t = kept[i, j] - kept[l, j]
          sum += t * t
        }
        return sum
      }
    } else if Element.self == Float.self || Element.self == Double.self {
      // The chunked kernel: the same distances, bit for bit.
      let distance: [[Double]]
      if Element.self == Float.self {
        let m = unsafeBitCast(kept, to: Matrix<Float>.self)
        distance = _krumSquaredDistances(m, scale: _powerOfTwoScale(largest: _largestMagnitude(m)))
      } else {
        let m = unsafeBitCast(kept, to: Matrix<Double>.self)
        distance = _krumSquaredDistances(m, scale: _powerOfTwoScale(largest: _largestMagnitude(m)))
      }
      chosen = _krumChoice(n: n, neighbours: neighbours, count: selectionCount) { i, l in distance[i][l] }
    } else {
      var largest = 0.0
      for x in kept.storage { largest = max(largest, abs(x.doubleValue)) }
      let scale = _powerOfTwoScale(largest: largest)
      let d = kept.columns
      chosen = _krumChoice(n: n, neighbours: neighbours, count: selectionCount) { i, l in
        var sum = 0.0
        for j in 0..<d {
          let t = kept.storage[i * d + j].doubleValue * scale - kept.storage[l * d + j].doubleValue * scale
          sum += t * t
        }
        return sum
      }
    }
    let selected = Matrix(_unchecked: chosen.count, kept.columns, chosen.flatMap { kept.row($0) })
    return AggregationResult(vector: _mean(selected), excludedRows: excluded)
  }
}

/// The `count` rows of smallest Krum score (ties to the lower index), in
/// increasing score order.
func _krumChoice<S: Comparable & AdditiveArithmetic>(
  n: Int, neighbours: Int, count: Int, squaredDistance: (Int, Int) -> S
) -> [Int] {
  var distance = [[S]](repeating: [S](repeating: .zero, count: n), count: n)
  for i in 0..<n {
    for l in (i + 1)..<max(n, i + 1) {
      let value = squaredDistance(i, l)
      distance[i][l] = value
      distance[l][i] = value
    }
  }
  var scores: [S] = []
  for i in 0..<n {
    var others = (0..<n).filter { $0 != i }.map { distance[i][$0] }
    others.sort()
    scores.append(others.prefix(neighbours).reduce(.zero, +))
  }
  let order = (0..<n).sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
  return Array(order.prefix(count))
}
