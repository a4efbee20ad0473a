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
func _robustSharedMemory<E: _FusedStepElement>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, memory: [E], block: [Int], filtered: Bool
) -> [E] {
  var inBlock = [Bool](repeating: false, count: d)
  for j in block { inBlock[j] = true }
  var center = [E](repeating: 0, count: d)
  var partials = [SIMD8<E>](repeating: SIMD8<E>(), count: filtered ? b : 0)
  // The comparators `coordinateMedian` uses for b rows, built once.
  let network = _medianNetwork(b, wanted: [(b - 1) / 2, b / 2])
  var vectors = [E._MedianVector](repeating: E._MedianVector(), count: b)
  var chunk = [E](repeating: 0, count: b * min(_robustChunkColumns, d))
  var start = 0
  while start < d {
    let width = min(_robustChunkColumns, d - start)
    if chunk.count != b * width { chunk = [E](repeating: 0, count: b * width) }
    // The residual of this chunk, b × width, row-major.
    g.withUnsafeBufferPointer { gp in
      memory.withUnsafeBufferPointer { mp in
        inBlock.withUnsafeBufferPointer { bp in
          chunk.withUnsafeMutableBufferPointer { cp in
            guard let x = gp.baseAddress, let m = mp.baseAddress, let mask = bp.baseAddress, let out = cp.baseAddress
            else { return }
            for i in 0..<b {
              let row = x + (i &* d &+ start), o = out + i &* width
              for t in 0..<width {
                let value = gamma * row[t] + m[start &+ t]
                o[t] = mask[start &+ t] ? 0 : value
              }
            }
          }
        }
      }
    }
    // Its coordinate medians: the vector network on whole lane groups (the
    // groups of `coordinateMedian` on all d columns, since `start` is a
    // multiple of the lane count), `coordinateMedian` for the rest.
    let done = chunk.withUnsafeBufferPointer { cp -> Int in
      vectors.withUnsafeMutableBufferPointer { vp -> Int in
        center.withUnsafeMutableBufferPointer { op -> Int in
          guard let x = cp.baseAddress, let v = vp.baseAddress, let o = op.baseAddress else { return 0 }
          return _networkColumnMedians(x, rows: b, columns: width, rowStride: width, network: network, scratch: v,
                                       into: o + start)
        }
      }
    }
    if done < width {
      var rest = Matrix<E>(rows: b, columns: width - done, repeating: 0)
      for i in 0..<b {
        for t in done..<width { rest.storage[i * (width - done) + t - done] = chunk[i * width + t] }
      }
      let medians = coordinateMedian(rest)
      for t in done..<width { center[start + t] = medians[t - done] }
    }
    if filtered {
      // Σ (x − c)² per row, lane l holding the columns j ≡ l (mod 8).
      chunk.withUnsafeBufferPointer { cp in
        center.withUnsafeBufferPointer { centerPointer in
          partials.withUnsafeMutableBufferPointer { pp in
            guard let x = cp.baseAddress, let cBase = centerPointer.baseAddress else { return }
            let c = cBase + start
            let whole = width & ~7
            for i in 0..<b {
              let row = x + i &* width
              var acc = pp[i]
              var t = 0
              while t < whole {
                let e = UnsafeRawPointer(row + t).loadUnaligned(as: SIMD8<E>.self)
                  - UnsafeRawPointer(c + t).loadUnaligned(as: SIMD8<E>.self)
                acc = acc + e * e
                t &+= 8
              }
              while t < width {
                let e = row[t] - c[t]
                acc[t & 7] = acc[t & 7] + e * e
                t &+= 1
              }
              pp[i] = acc
            }
          }
        }
      }
    }
    start += width
  }
  guard filtered else { return center }
  let distances = partials.map { p in _reduceEight([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]]) }
  return _keptRowsMemory(g, columns: d, gamma: gamma, memory: memory, block: block,
                         kept: _keptRows(squaredDistances: distances))
}

/// m̂_{t+1} for `norm-filtered` on the fast path: the b squared norms
/// Σ_j (fl(fl(γ·G[i,j]) + m̂[j]) − m̂[j])² in the order of
/// `_rowSquaredDistances` (eight lanes by j mod 8) — taken from `deviations`
/// when the moments pass computed them (b values), else from a pass of
/// their own —, the kept rows (`_keptRows`), and one pass over the kept rows
/// for their mean, the block set to 0: bit for bit `normFilteredMean` of
/// the generic path.
/// - Precondition: every augmented entry is finite; `memory.count == d`.
/// - Complexity: one pass over the kept rows of G_t (two passes over G_t
///   without `deviations`); O(d) extra memory.
func _normFilteredMemory<E: _FusedStepElement>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, memory: [E], block: [Int], deviations: [E] = []
) -> [E] {
  var distances = deviations.count == b ? deviations : [E](repeating: 0, count: b)
  if deviations.count != b { g.withUnsafeBufferPointer { gp in
    memory.withUnsafeBufferPointer { mp in
      guard let x = gp.baseAddress, let m = mp.baseAddress else { return }
      let gamma8 = SIMD8<E>(repeating: gamma)
      var accumulators = [SIMD8<E>](repeating: SIMD8<E>(), count: b)
      // Column chunks (multiples of 8, so lane l still holds j ≡ l mod 8),
      // rows inside: the chunk of m̂ stays in cache while the rows stream.
      var start = 0
      while start < d {
        let end = min(start + _robustChunkColumns, d)
        let whole = start + ((end - start) & ~7)
        for i in 0..<b {
          let row = x + i &* d
          var acc = accumulators[i]
          var j = start
          while j < whole {
            let shared = UnsafeRawPointer(m + j).loadUnaligned(as: SIMD8<E>.self)
            let a = gamma8 * UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<E>.self) + shared
            let e = a - shared
            acc = acc + e * e
            j &+= 8
          }
          while j < end {
            let a = gamma * row[j] + m[j]
            let e = a - m[j]
            acc[j & 7] = acc[j & 7] + e * e
            j &+= 1
          }
          accumulators[i] = acc
        }
        start = end
      }
      for i in 0..<b {
        let acc = accumulators[i]
        distances[i] = _reduceEight([acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]])
      }
    }
  } }
  return _keptRowsMemory(g, columns: d, gamma: gamma, memory: memory, block: block,
                         kept: _keptRows(squaredDistances: distances))
}

/// The memory of the filtering variants once the kept rows are known: the
/// mean of the kept augmented rows fl(fl(γ·G[i,·]) + m̂), every column in
/// increasing row order (`_sumKeptRows`), then 0 on the block — the generic
/// path's `columnMeans` of the kept residual rows, bit for bit (it sums the
/// block's zeros there).
/// - Complexity: one pass over the kept rows of G; O(d).
func _keptRowsMemory<E: _FusedStepElement>(
  _ g: [E], columns d: Int, gamma: E, memory: [E], block: [Int], kept: [Int]
) -> [E] {
  var sums = [E](repeating: 0, count: d)
  g.withUnsafeBufferPointer { gp in
    memory.withUnsafeBufferPointer { mp in
      sums.withUnsafeMutableBufferPointer { sp in
        guard let x = gp.baseAddress, let m = mp.baseAddress, let s = sp.baseAddress else { return }
        _sumKeptRows(x, columns: d, gamma: gamma, memory: m, kept: kept, into: s)
      }
    }
  }
  _divideInPlace(&sums, by: E(approximating: Double(kept.count)))
  for j in block { sums[j] = 0 }
  return sums
}

/// s[j] += fl(fl(γ·G[i,j]) + m̂[j]) for the kept rows i in increasing order,
/// column chunk by column chunk (the same additions per j, in the same
/// order, as one row after the other), so the chunk of s and m̂ stays in
/// cache while the kept rows stream through.
/// - Complexity: O(|kept|·d), one pass over the kept rows.
@inline(__always)
func _sumKeptRows<E: _FusedStepElement>(
  _ x: UnsafePointer<E>, columns d: Int, gamma: E, memory m: UnsafePointer<E>, kept: [Int],
  into s: UnsafeMutablePointer<E>
) {
  var start = 0
  while start < d {
    let end = min(start + 4 * _robustChunkColumns, d)
    let whole = start + ((end - start) & ~7)
    let gamma8 = SIMD8<E>(repeating: gamma)
    for i in kept {
      let row = x + i &* d
      var j = start
      // Lane-wise the same operations as the scalar loop below.
      while j < whole {
        let a = gamma8 * UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<E>.self)
          + UnsafeRawPointer(m + j).loadUnaligned(as: SIMD8<E>.self)
        let sum = UnsafeRawPointer(s + j).loadUnaligned(as: SIMD8<E>.self) + a
        UnsafeMutableRawPointer(s + j).storeBytes(of: sum, as: SIMD8<E>.self)
        j &+= 8
      }
      while j < end {
        s[j] += gamma * row[j] + m[j]
        j &+= 1
      }
    }
    start = end
  }
}

/// v[j] ← v[j] / c for every j, eight lanes at a time (each lane the same
/// correctly rounded division as the scalar one).
/// - Complexity: O(count).
@inline(__always)
func _divideInPlace<E: _FusedStepElement>(_ values: inout [E], by c: E) {
  values.withUnsafeMutableBufferPointer { p in
    guard let base = p.baseAddress else { return }
    let raw = UnsafeMutableRawPointer(base)
    let c8 = SIMD8<E>(repeating: c)
    var j = 0
    while j &+ 8 <= p.count {
      let v = raw.loadUnaligned(fromByteOffset: j &* MemoryLayout<E>.stride, as: SIMD8<E>.self)
      raw.storeBytes(of: v / c8, toByteOffset: j &* MemoryLayout<E>.stride, as: SIMD8<E>.self)
      j &+= 8
    }
    while j < p.count {
      base[j] = base[j] / c
      j &+= 1
    }
  }
}
