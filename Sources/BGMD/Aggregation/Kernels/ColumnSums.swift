/// Columns per chunk of `_columnSums`: 4096 Float (16 KiB) or Double
/// (32 KiB) accumulators stay in L1/L2 while the rows stream through.
let _columnSumChunkColumns = 4096

/// Rows added to one load and store of the accumulators in `_columnSums`.
let _columnSumRowGroup = 8

/// The column sums Σᵢ G[i,j], each accumulated over i in increasing order
/// from 0 (the order of `_columnSumsReference`, the plain loop `_mean` used),
/// so the results are bit-for-bit the reference's. Sixteen columns at a time
/// in SIMD registers for up to `_columnSumRowGroup` rows, columns in chunks
/// of `_columnSumChunkColumns`: one streaming pass over G.
/// - Complexity: O(b·d), one pass; O(d) memory.
@_specialize(where E == Float)
@_specialize(where E == Double)
func _columnSums<E: Scalar & BinaryFloatingPoint & SIMDScalar>(_ g: Matrix<E>) -> [E] {
  let b = g.rows, d = g.columns
  var sums = [E](repeating: 0, count: d)
  sums.withUnsafeMutableBufferPointer { sp in
    g.storage.withUnsafeBufferPointer { gp in
      guard let s = sp.baseAddress, let x = gp.baseAddress else { return }
      let raw = UnsafeRawPointer(x), out = UnsafeMutableRawPointer(s)
      let size = MemoryLayout<E>.stride
      var start = 0
      while start < d {
        let width = min(_columnSumChunkColumns, d - start)
        let vectorEnd = start &+ (width & ~15)
        var i = 0
        while i < b {
          let end = min(i &+ _columnSumRowGroup, b)
          var j = start
          while j < vectorEnd {
            var acc = out.loadUnaligned(fromByteOffset: j &* size, as: SIMD16<E>.self)
            var offset = (i &* d &+ j) &* size
            for _ in i..<end {
              acc = acc + raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<E>.self)
              offset &+= d &* size
            }
            out.storeBytes(of: acc, toByteOffset: j &* size, as: SIMD16<E>.self)
            j &+= 16
          }
          while j < start &+ width {
            var acc = s[j]
            for r in i..<end { acc = acc + x[r &* d &+ j] }
            s[j] = acc
            j &+= 1
          }
          i = end
        }
        start &+= width
      }
    }
  }
  return sums
}

/// The reference of `_columnSums`: rows outer, columns inner, one addition
/// per entry in row order (`_mean`'s loop as it was).
/// - Complexity: O(b·d).
func _columnSumsReference<T: Scalar>(_ g: Matrix<T>) -> [T] {
  let d = g.columns
  var sum = [T](repeating: .zero, count: d)
  for i in 0..<g.rows {
    let base = i * d
    for j in 0..<d { sum[j] += g.storage[base + j] }
  }
  return sum
}
