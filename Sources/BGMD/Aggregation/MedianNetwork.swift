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

/// Coordinate-wise medians of n rows of a row-major Float/Double matrix,
/// `lanes` columns at a time: the n vectors of a column group go through the
/// median network with pointwise min/max, so there is no branch on the data.
/// Even n: the mean of the two middle values.
/// - Complexity: O(d · n log² n / lanes) vector operations; one pass over x.
@inline(__always)
func _networkColumnMedians<V: SIMD>(
  _ x: UnsafePointer<V.Scalar>, rows n: Int, columns d: Int, into out: UnsafeMutablePointer<V.Scalar>,
  _ vectorType: V.Type
) -> Int where V.Scalar: BinaryFloatingPoint {
  let lanes = V.scalarCount
  let upper = n / 2, lower = (n - 1) / 2
  let network = _medianNetwork(n, wanted: [lower, upper])
  let half = V(repeating: 0.5)
  var values = [V](repeating: V(), count: n)
  var j = 0
  values.withUnsafeMutableBufferPointer { v in
    let raw = UnsafeRawPointer(x)
    let stride = MemoryLayout<V.Scalar>.stride
    while j + lanes <= d {
      for i in 0..<n { v[i] = raw.loadUnaligned(fromByteOffset: (i * d + j) * stride, as: V.self) }
      for (a, b) in network {
        let p = v[a], q = v[b]
        v[a] = pointwiseMin(p, q)
        v[b] = pointwiseMax(p, q)
      }
      let median = lower == upper ? v[upper] : (v[lower] + v[upper]) * half
      UnsafeMutableRawPointer(out + j).storeBytes(of: median, as: V.self)
      j += lanes
    }
  }
  return j
}
