/// Columns per chunk of `_krumSquaredDistances`: b rows of 512 Double
/// values (128 KiB at b = 32) stay in L2 while every pair is accumulated.
let _krumChunkColumns = 512

/// Krum's pairwise squared distances D[i][l] = Σ_j (x_ij·s − x_lj·s)² of
/// the finite rows of `g`, in `Double`, with s = `scale` (a power of two),
/// for i < l (D[l][i] = D[i][l], D[i][i] = 0). Each pair's terms are added
/// in increasing j from 0, as in the reference closure of `Krum`, so the
/// bits are the reference's: the columns go in chunks (converted and scaled
/// once per chunk, stored column-major), and each pair keeps its
/// accumulator across chunks; for each i the pairs (i, l) of four l at a
/// time share one SIMD register. (x_l·s − x_i·s)² = (x_i·s − x_l·s)², as
/// negation is exact.
/// - Complexity: O(b²·d) arithmetic, one pass over G.
@_specialize(where E == Float)
@_specialize(where E == Double)
func _krumSquaredDistances<E: Scalar & BinaryFloatingPoint>(_ g: Matrix<E>, scale: Double) -> [[Double]] {
  let n = g.rows, d = g.columns
  let lanes = (n + 3) / 4 * 4
  // acc[i * lanes + l]: the running sum of pair (i, l), l > i used.
  var acc = [Double](repeating: 0, count: n * lanes)
  var chunk = [Double](repeating: 0, count: _krumChunkColumns * lanes)
  g.storage.withUnsafeBufferPointer { p in
    chunk.withUnsafeMutableBufferPointer { c in
      acc.withUnsafeMutableBufferPointer { a in
        guard let cb = c.baseAddress, let ab = a.baseAddress else { return }
        let craw = UnsafeMutableRawPointer(cb), araw = UnsafeMutableRawPointer(ab)
        var start = 0
        while start < d {
          let width = min(_krumChunkColumns, d - start)
          // Column-major, scaled: chunk[t * lanes + i] = x_i(start + t) · s.
          for i in 0..<n {
            let base = i &* d &+ start
            for t in 0..<width { cb[t &* lanes &+ i] = p[base &+ t].doubleValue * scale }
          }
          for i in 0..<(n &- 1) {
            // Pairs (i, l) for l in the groups of four from i's own group.
            let firstGroup = (i &+ 1) / 4 * 4
            var l = firstGroup
            while l < n {
              var s = araw.loadUnaligned(fromByteOffset: (i &* lanes &+ l) &* 8, as: SIMD4<Double>.self)
              for t in 0..<width {
                let row = t &* lanes
                let x = SIMD4<Double>(repeating: cb[row &+ i])
                let u = x - craw.loadUnaligned(fromByteOffset: (row &+ l) &* 8, as: SIMD4<Double>.self)
                s = s + u * u
              }
              araw.storeBytes(of: s, toByteOffset: (i &* lanes &+ l) &* 8, as: SIMD4<Double>.self)
              l &+= 4
            }
          }
          start &+= width
        }
      }
    }
  }
  var distance = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
  for i in 0..<n {
    for l in (i + 1)..<max(n, i + 1) {
      distance[i][l] = acc[i * lanes + l]
      distance[l][i] = acc[i * lanes + l]
    }
  }
  return distance
}

/// The largest magnitude of the entries of `g` (all finite), as `Double`.
/// - Complexity: O(b·d).
@_specialize(where E == Float)
@_specialize(where E == Double)
func _largestMagnitude<E: Scalar & BinaryFloatingPoint>(_ g: Matrix<E>) -> Double {
  var largest = 0.0
  for x in g.storage { largest = max(largest, abs(x.doubleValue)) }
  return largest
}

/// The reference of `_krumSquaredDistances`: pair by pair, one pass over
/// both rows each (the closure `Krum` ran before the kernel).
/// - Complexity: O(b²·d).
func _krumSquaredDistancesReference<T: Scalar>(_ kept: Matrix<T>, scale: Double) -> [[Double]] {
  let n = kept.rows, d = kept.columns
  var distance = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
  for i in 0..<n {
    for l in (i + 1)..<max(n, i + 1) {
      var sum = 0.0
      for j in 0..<d {
        let t = kept.storage[i * d + j].doubleValue * scale - kept.storage[l * d + j].doubleValue * scale
        sum += t * t
      }
      distance[i][l] = sum
      distance[l][i] = sum
    }
  }
  return distance
}
