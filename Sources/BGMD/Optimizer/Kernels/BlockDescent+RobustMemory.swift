/// Columns per chunk of the robust memory pass: b × 1024 residual entries
/// (128 KiB of `Float` for b = 32) stay in L2 while the median network and
/// the distance sums read them.
let _robustChunkColumns = 1024

/// m̂_{t+1} for `coordinate-median` (`filtered == false`) or `filtered-mean`
/// on the fast path, without the b × d residual: the columns go in chunks of
/// `_robustChunkColumns`; each chunk of the residual
/// M[i,j] = fl(fl(γ·G[i,j]) + m̂_t[j]) off the block, 0 on it, is written to
/// a b × w scratch matrix, its coordinate medians come from
/// `coordinateMedian` (the function the generic path calls), and for
/// `filtered-mean` the squared distances to them are accumulated in the
/// generic path's order (eight partial sums by j mod 8; the chunk width is a
/// multiple of 8). The kept rows (`_keptRows`) are then summed in increasing
/// row order and divided by their count, as `columnMeans`. So the result is
/// bit for bit `sharedMemoryUpdate` of the generic path.
/// - Precondition: every augmented entry is finite (the caller checked the
///   scores); `memory.count == d`; `g.count == b·d`.
/// - Complexity: one pass over G for `coordinate-median`, two for
///   `filtered-mean` (the second over the kept rows only), plus the
///   coordinate median's network on b × d; O(b·w + d) memory.
@_specialize(where E == Float)
@_specialize(where E == Double)
func _robustSharedMemory<E: Scalar & BinaryFloatingPoint>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, memory: [E], block: [Int], filtered: Bool
) -> [E] {
  var inBlock = [Bool](repeating: false, count: d)
  for j in block { inBlock[j] = true }
  var center = [E](repeating: 0, count: d)
  var partials = [E](repeating: 0, count: filtered ? b * 8 : 0)
  var start = 0
  var chunk = Matrix<E>(rows: b, columns: min(_robustChunkColumns, d), repeating: 0)
  while start < d {
    let width = min(_robustChunkColumns, d - start)
    if chunk.columns != width { chunk = Matrix<E>(rows: b, columns: width, repeating: 0) }
    g.withUnsafeBufferPointer { gp in
      memory.withUnsafeBufferPointer { mp in
        inBlock.withUnsafeBufferPointer { bp in
          chunk.storage.withUnsafeMutableBufferPointer { cp in
            for i in 0..<b {
              let row = i * d + start, out = i * width
              for t in 0..<width {
                let j = start + t
                cp[out + t] = bp[j] ? 0 : gamma * gp[row + t] + mp[j]
              }
            }
          }
        }
      }
    }
    let median = coordinateMedian(chunk)
    center.withUnsafeMutableBufferPointer { c in
      for t in 0..<width { c[start + t] = median[t] }
    }
    if filtered {
      chunk.storage.withUnsafeBufferPointer { cp in
        median.withUnsafeBufferPointer { mp in
          partials.withUnsafeMutableBufferPointer { pp in
            for i in 0..<b {
              let out = i * width, p = i * 8
              // start is a multiple of 8, so lane (t mod 8) is (j mod 8).
              for t in 0..<width {
                let e = cp[out + t] - mp[t]
                pp[p + (t & 7)] += e * e
              }
            }
          }
        }
      }
    }
    start += width
  }
  guard filtered else { return center }
  let distances = (0..<b).map { i in _reduceEight(Array(partials[(i * 8)..<(i * 8 + 8)])) }
  let kept = _keptRows(squaredDistances: distances)
  var sums = [E](repeating: 0, count: d)
  g.withUnsafeBufferPointer { gp in
    memory.withUnsafeBufferPointer { mp in
      inBlock.withUnsafeBufferPointer { bp in
        sums.withUnsafeMutableBufferPointer { sp in
          for i in kept {
            let row = i * d
            for j in 0..<d where !bp[j] { sp[j] += gamma * gp[row + j] + mp[j] }
          }
        }
      }
    }
  }
  let count = E(approximating: Double(kept.count))
  for j in 0..<d { sums[j] = sums[j] / count }
  return sums
}
