/// The comparators of Batcher's odd–even merge sort on n inputs (the
/// network for the next power of two, without the comparators that touch a
/// position ≥ n: padding with +∞ makes them no-ops), pruned backwards to
/// those that can affect the positions `wanted`.
///
/// - Complexity: O(n log² n) comparators.
func _medianNetwork(_ n: Int, wanted: Set<Int>) -> [(Int, Int)] {
  var size = 1
  while size < n { size <<= 1 }
  var comparators: [(Int, Int)] = []
  var p = 1
  while p < size {
    var k = p
    while k >= 1 {
      var j = k % p
      while j + k < size {
        for i in 0..<min(k, size - j - k) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
          let a = i + j, b = i + j + k
          if b < n { comparators.append((a, b)) }
        }
        j += 2 * k
      }
      k /= 2
    }
    p *= 2
  }
  var needed = wanted
  var pruned: [(Int, Int)] = []
  for (a, b) in comparators.reversed() where needed.contains(a) || needed.contains(b) {
    pruned.append((a, b))
    needed.insert(a)
    needed.insert(b)
  }
  return pruned.reversed()
}

/// Vectors with a branch-free lane-wise compare-exchange (compare, then
/// blend; the generic `pointwiseMin` is not vectorised).
protocol _CompareExchangeVector: SIMD where Scalar: BinaryFloatingPoint {
  /// (lane-wise min, lane-wise max); no NaN.
  static func compareExchange(_ p: Self, _ q: Self) -> (Self, Self)
}

extension SIMD8: _CompareExchangeVector where Scalar == Float {
  @inline(__always) static func compareExchange(_ p: Self, _ q: Self) -> (Self, Self) {
    let swap = q .< p
    return (p.replacing(with: q, where: swap), q.replacing(with: p, where: swap))
  }
}

extension SIMD4: _CompareExchangeVector where Scalar == Double {
  @inline(__always) static func compareExchange(_ p: Self, _ q: Self) -> (Self, Self) {
    let swap = q .< p
    return (p.replacing(with: q, where: swap), q.replacing(with: p, where: swap))
  }
}

/// Coordinate-wise medians of the first d columns of n rows (row i starts at
/// x + i·rowStride) of a Float/Double matrix, `lanes` columns at a time: the n vectors of a column group go through the
/// median network with pointwise min/max, so there is no branch on the data.
/// Even n: the mean of the two middle values.
/// - Returns: the number of columns done (a multiple of `lanes`); the caller
///   finishes the rest.
/// - Complexity: O(d · n log² n / lanes) vector operations; one pass over x.
@inline(__always)
func _networkColumnMedians<V: _CompareExchangeVector>(
  _ x: UnsafePointer<V.Scalar>, rows n: Int, columns d: Int, rowStride: Int,
  into out: UnsafeMutablePointer<V.Scalar>, _ vectorType: V.Type
) -> Int where V.Scalar: BinaryFloatingPoint {
  let network = _medianNetwork(n, wanted: [(n - 1) / 2, n / 2])
  var values = [V](repeating: V(), count: n)
  return values.withUnsafeMutableBufferPointer { v -> Int in
    guard let scratch = v.baseAddress else { return 0 }
    return _networkColumnMedians(x, rows: n, columns: d, rowStride: rowStride, network: network, scratch: scratch,
                                 into: out)
  }
}

/// `_networkColumnMedians` with the network of n rows
/// (`_medianNetwork(n, wanted: [(n − 1)/2, n/2])`) and n vectors of scratch
/// space given, for callers that go over a matrix in column chunks. For
/// n = 32 the same comparators run written out, in registers
/// (`_middleOfThirtyTwo`).
/// - Complexity: O(d · n log² n / lanes) vector operations.
@inline(__always)
func _networkColumnMedians<V: _CompareExchangeVector>(
  _ x: UnsafePointer<V.Scalar>, rows n: Int, columns d: Int, rowStride: Int, network: [(Int, Int)],
  scratch v: UnsafeMutablePointer<V>, into out: UnsafeMutablePointer<V.Scalar>
) -> Int where V.Scalar: BinaryFloatingPoint {
  let lanes = V.scalarCount
  let upper = n / 2, lower = (n - 1) / 2
  let half = V(repeating: 0.5)
  var j = 0
  let raw = UnsafeRawPointer(x)
  let stride = MemoryLayout<V.Scalar>.stride
  if n == 32 {
    // The network written out, in registers (same comparators).
    while j + lanes <= d {
      let middle = _middleOfThirtyTwo(raw + j * stride, rowStride: rowStride * stride, V.self)
      UnsafeMutableRawPointer(out + j).storeBytes(of: (middle.lower + middle.upper) * half, as: V.self)
      j += lanes
    }
    return j
  }
  network.withUnsafeBufferPointer { comparators in
    while j + lanes <= d {
      for i in 0..<n { v[i] = raw.loadUnaligned(fromByteOffset: (i * rowStride + j) * stride, as: V.self) }
      for (a, b) in comparators {
        (v[a], v[b]) = V.compareExchange(v[a], v[b])
      }
      let median = lower == upper ? v[upper] : (v[lower] + v[upper]) * half
      UnsafeMutableRawPointer(out + j).storeBytes(of: median, as: V.self)
      j += lanes
    }
  }
  return j
}
