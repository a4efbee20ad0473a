/// Element types the Weiszfeld kernel reads directly from the matrix storage,
/// four at a time, widened to `Double`.
protocol _StreamedElement: BinaryFloatingPoint {
  /// The vector the median network runs on.
  associatedtype MedianVector: _CompareExchangeVector where MedianVector.Scalar == Self
  /// Elements index…index+3 of `base`, as doubles.
  static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double>
  /// Each lane rounded to the nearest element (ties to even), as doubles:
  /// Double(Self(v[l])) lane by lane.
  static func rounded4(_ v: SIMD4<Double>) -> SIMD4<Double>
  /// Stores the four lanes, each exactly an element (as `rounded4`
  /// returns them), as elements index…index+3 of `base`.
  static func store4(_ v: SIMD4<Double>, _ base: UnsafeMutableRawPointer, _ index: Int)
}

extension Float: _StreamedElement {
  typealias MedianVector = SIMD8<Float>
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    SIMD4<Double>(base.loadUnaligned(fromByteOffset: index &* 4, as: SIMD4<Float>.self))
  }
  @inline(__always) static func rounded4(_ v: SIMD4<Double>) -> SIMD4<Double> {
    SIMD4<Double>(SIMD4<Float>(v))
  }
  @inline(__always) static func store4(_ v: SIMD4<Double>, _ base: UnsafeMutableRawPointer, _ index: Int) {
    base.storeBytes(of: SIMD4<Float>(v), toByteOffset: index &* 4, as: SIMD4<Float>.self)
  }
}

extension Double: _StreamedElement {
  typealias MedianVector = SIMD4<Double>
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    base.loadUnaligned(fromByteOffset: index &* 8, as: SIMD4<Double>.self)
  }
  @inline(__always) static func rounded4(_ v: SIMD4<Double>) -> SIMD4<Double> { v }
  @inline(__always) static func store4(_ v: SIMD4<Double>, _ base: UnsafeMutableRawPointer, _ index: Int) {
    base.storeBytes(of: v, toByteOffset: index &* 8, as: SIMD4<Double>.self)
  }
}

/// Columns per chunk of the Weiszfeld passes. A chunk of n = 32 Float rows
/// is 512 KiB: the fused step reads one chunk from memory while it re-reads
/// the one before from cache (1 MiB together: L2, partly L3). Wider chunks
/// give each row a longer contiguous run, which the hardware prefetchers
/// follow better; the width was chosen by `bgmd bench`
/// (`geometricMedian[].secondsPerIteration`, `bgmdVersusGmd.gmdPasses`), and
/// that is where to measure a change to it. The value also fixes how the
/// squared distances are summed (one partial per chunk).
let _weiszfeldChunkColumns = 4096

/// The state of a Weiszfeld run on the rows x (n × d, row-major), in units
/// scaled by `scale` (entries times `scale` lie in [−1, 1]).
///
/// Every pass goes over the columns in chunks of `_weiszfeldChunkColumns`;
/// sums over rows run in row order and squared distances in the order of
/// `WeiszfeldRows.swift`, so results do not depend on how rows are grouped.
struct _WeiszfeldData<E: _StreamedElement> {
  let x: UnsafePointer<E>
  let n: Int
  let d: Int
  let scale: Double

  /// Row i's first entry.
  @inline(__always)
  func row(_ i: Int) -> UnsafePointer<E> { x + i &* d }

  /// sums[i] ← Σ_t (z[t − start] − s·xᵢ[t])² over one chunk
  /// [start, start + width) for the rows `rows` (pointers to their first
  /// entries) and adds it; `z` holds the point on the chunk only.
  @inline(__always)
  func addSquaredDistances<S: _EntryScaling>(
    _ rows: UnsafePointer<UnsafePointer<E>>, count: Int, start: Int, width: Int,
    _ z: UnsafePointer<Double>, _ scaling: S, into sums: UnsafeMutablePointer<Double>
  ) {
    var k = 0
    while k &+ 8 <= count {
      _squaredDistancesEightRows(rows + k, offset: start, z, width, scaling, into: sums + k)
      k &+= 8
    }
    while k < count {
      sums[k] = sums[k] + _squaredDistanceRow(rows[k] + start, z, width, scaling)
      k &+= 1
    }
  }

  /// rSquared[i] = ‖z − scale·xᵢ‖², one pass over x in column chunks (z
  /// widened to Double a chunk at a time).
  /// - Complexity: O(n·d).
  func squaredDistances(to z: UnsafePointer<E>, into rSquared: inout [Double]) {
    if scale == 1 {
      squaredDistances(to: z, into: &rSquared, _Unscaled())
    } else {
      squaredDistances(to: z, into: &rSquared, _Scaled(scale: scale))
    }
  }

  /// `squaredDistances(to:into:)` with the scaling given as a type.
  func squaredDistances<S: _EntryScaling>(to z: UnsafePointer<E>, into rSquared: inout [Double], _ scaling: S) {
    let rows = (0..<n).map { row($0) }
    for i in 0..<n { rSquared[i] = 0 }
    var point = [Double](repeating: 0, count: min(_weiszfeldChunkColumns, d))
    rows.withUnsafeBufferPointer { rp in
      rSquared.withUnsafeMutableBufferPointer { sp in
        point.withUnsafeMutableBufferPointer { pp in
          guard let r = rp.baseAddress, let sums = sp.baseAddress, let p = pp.baseAddress else { return }
          var start = 0
          while start < d {
            let width = min(_weiszfeldChunkColumns, d &- start)
            for t in 0..<width { p[t] = Double(z[start &+ t]) }
            addSquaredDistances(r, count: n, start: start, width: width, p, scaling, into: sums)
            start &+= width
          }
        }
      }
    }
  }

  /// The rows with a positive weight, in order: pointers to their first
  /// entries and their weights.
  func positiveRows(_ weights: [Double]) -> (rows: [UnsafePointer<E>], weights: [Double]) {
    var rows: [UnsafePointer<E>] = [], kept: [Double] = []
    for i in 0..<n where weights[i] > 0 {
      rows.append(row(i))
      kept.append(weights[i])
    }
    return (rows, kept)
  }

  /// The Weiszfeld map and what the certificate needs, in one pass:
  /// next = T̃(z) = Σ βᵢ xᵢ / Σ βᵢ over the rows with βᵢ > 0 (scaled units);
  /// R = Σ βᵢ (xᵢ − z) = (Σβ)(T̃ − z); returns ‖R‖² and ⟨R, z − x̄⟩.
  /// When `nextSquaredDistances` is given, also ‖next − xᵢ‖² for every row,
  /// so the next iteration needs no pass of its own: chunk c's sums Σ βᵢxᵢ
  /// are accumulated in the same loop as chunk c − 1's distances to next
  /// (eight rows at a time, `_fusedEightRows`), so each chunk is read once
  /// from memory and once more from cache.
  /// - Precondition: `chunk` holds `_weiszfeldChunkColumns` doubles; some
  ///   βᵢ > 0.
  /// - Complexity: O(n·d), one pass over x.
  func weiszfeldStep(
    z: UnsafePointer<E>, beta: [Double], betaSum: Double, weightedMean: UnsafePointer<Double>,
    next: UnsafeMutablePointer<E>, chunk: UnsafeMutablePointer<Double>,
    nextSquaredDistances: UnsafeMutablePointer<Double>?
  ) -> (rNormSquared: Double, rDotOffset: Double) {
    if scale == 1 {
      return weiszfeldStep(
        z: z, beta: beta, betaSum: betaSum, weightedMean: weightedMean, next: next, chunk: chunk,
        nextSquaredDistances: nextSquaredDistances, _Unscaled())
    }
    return weiszfeldStep(
      z: z, beta: beta, betaSum: betaSum, weightedMean: weightedMean, next: next, chunk: chunk,
      nextSquaredDistances: nextSquaredDistances, _Scaled(scale: scale))
  }

  /// One pass over the column chunks that every pass of the run shares:
  /// for each chunk c = [start, start + width), Σᵢ wᵢxᵢ over the rows with
  /// wᵢ > 0 is added (in row order) to `accumulator(start, width)`, then
  /// `finish(start, width, point)` runs (it may read the chunk's entries, now
  /// in cache, and must fill point[0..<width] with the point on the chunk, as
  /// doubles; returning false stops the pass there, leaving the distances
  /// incomplete). The point lives in two chunk-sized buffers, the chunk's and
  /// the one before's, so the caller can keep the whole point in the element
  /// type. When `distances` is given, distances[i] = Σ_t (point[t] − s·xᵢ[t])²
  /// for every row: chunk c − 1's distances are computed in the same loop as
  /// chunk c's sums (`_fusedEightRows`, eight rows with wᵢ > 0 at a time), the
  /// rest row by row, so each chunk is read once from memory and once from
  /// cache.
  /// - Complexity: O(n·d) plus the work of `finish`; one pass over x.
  @inline(__always)
  func chunkedPass<S: _EntryScaling>(
    weights: [Double], accumulator: (Int, Int) -> UnsafeMutablePointer<Double>,
    distances: UnsafeMutablePointer<Double>?, _ scaling: S,
    finish: (Int, Int, UnsafeMutablePointer<Double>) -> Bool
  ) {
    let W = _weiszfeldChunkColumns
    // The point on the chunk being finished and on the one before it.
    let pointBuffer = UnsafeMutablePointer<Double>.allocate(capacity: 2 &* W)
    pointBuffer.initialize(repeating: 0, count: 2 &* W)
    defer { pointBuffer.deallocate() }
    let (active, activeWeights) = positiveRows(weights)
    let activeCount = active.count
    // The rows whose distances the fused kernel computes (the rows with
    // wᵢ > 0 in groups of eight); the others, with their positions.
    let fusedCount = distances == nil ? 0 : activeCount &- activeCount % 8
    var fusedIndex: [Int] = [], otherRows: [UnsafePointer<E>] = [], otherIndex: [Int] = []
    for i in 0..<n where distances != nil {
      if weights[i] > 0 && fusedIndex.count < fusedCount {
        fusedIndex.append(i)
      } else {
        otherRows.append(row(i))
        otherIndex.append(i)
      }
    }
    var fusedSums = [Double](repeating: 0, count: fusedCount)
    var otherSums = [Double](repeating: 0, count: otherRows.count)
    active.withUnsafeBufferPointer { ap in
      activeWeights.withUnsafeBufferPointer { wp in
        otherRows.withUnsafeBufferPointer { op in
          fusedSums.withUnsafeMutableBufferPointer { fp in
            otherSums.withUnsafeMutableBufferPointer { osp in
              let rows = ap.baseAddress, w = wp.baseAddress
              let others = op.baseAddress, fused = fp.baseAddress, otherS = osp.baseAddress
              // Chunk [from, from + width)'s distances for the rows not done
              // by the fused kernel (all of them when `unfused`).
              func remainingDistances(
                _ from: Int, _ width: Int, _ point: UnsafeMutablePointer<Double>, unfused: Bool
              ) {
                if unfused, let rows, let sums = fused {
                  addSquaredDistances(rows, count: fusedCount, start: from, width: width, point, scaling, into: sums)
                }
                if let others, let otherS {
                  addSquaredDistances(others, count: otherRows.count, start: from, width: width, point, scaling,
                                      into: otherS)
                }
              }
              // The point on the previous chunk and on the current one.
              var previousPoint = pointBuffer, currentPoint = pointBuffer + W
              var previous = -1
              var touched: UInt32 = 0
              defer { _keepTouched(touched) }
              var start = 0
              while start < d {
                let width = min(W, d &- start)
                let acc = accumulator(start, width)
                var k = 0
                if previous >= 0, width == W, let rows, let w, let sums = fused {
                  // Chunk c's sums fused with chunk c − 1's distances; the
                  // pages of the next group (or of the next chunk's first
                  // group) are touched while this one computes.
                  if previous == 0 && fusedCount > 0 { touched ^= _touchPages(rows, offset: start, W) }
                  while k < fusedCount {
                    if k &+ 8 < fusedCount {
                      touched ^= _touchPages(rows + (k &+ 8), offset: start, W)
                    } else if start &+ 2 &* W <= d {
                      touched ^= _touchPages(rows, offset: start &+ W, W)
                    }
                    _fusedEightRows(rows + k, w + k, offset: previous, acc, previousPoint, W, scaling,
                                    into: sums + k)
                    k &+= 8
                  }
                }
                if let rows, let w {
                  _accumulateRows(rows + k, w + k, count: activeCount &- k, offset: start, acc, width)
                }
                if previous >= 0 { remainingDistances(previous, start &- previous, previousPoint, unfused: k == 0) }
                if !finish(start, width, currentPoint) { return }
                swap(&previousPoint, &currentPoint)
                previous = start
                start &+= width
              }
              if previous >= 0 { remainingDistances(previous, d &- previous, previousPoint, unfused: true) }
            }
          }
        }
      }
    }
    if let distances {
      for (k, i) in fusedIndex.enumerated() { distances[i] = fusedSums[k] }
      for (k, i) in otherIndex.enumerated() { distances[i] = otherSums[k] }
    }
  }

  /// `weiszfeldStep` with the scaling given as a type.
  func weiszfeldStep<S: _EntryScaling>(
    z: UnsafePointer<E>, beta: [Double], betaSum: Double, weightedMean: UnsafePointer<Double>,
    next: UnsafeMutablePointer<E>, chunk: UnsafeMutablePointer<Double>,
    nextSquaredDistances: UnsafeMutablePointer<Double>?, _ scaling: S
  ) -> (rNormSquared: Double, rDotOffset: Double) {
    let factor = scale / betaSum
    let factor4 = SIMD4<Double>(repeating: factor), betaSum4 = SIMD4<Double>(repeating: betaSum)
    var rNorm4 = SIMD4<Double>(), rDot4 = SIMD4<Double>()
    var rNormTail = 0.0, rDotTail = 0.0
    chunkedPass(
      weights: beta,
      accumulator: { _, width in
        for t in 0..<width { chunk[t] = 0 }
        return chunk
      },
      distances: nextSquaredDistances, scaling
    ) { start, width, point in
      // T̃, R and ⟨R, z − x̄⟩ on the chunk.
      let rc = UnsafeRawPointer(chunk), rz = UnsafeRawPointer(z + start)
      let rm = UnsafeRawPointer(weightedMean + start), rn = UnsafeMutableRawPointer(next + start)
      let rp = UnsafeMutableRawPointer(point)
      var t = 0
      while t &+ 4 <= width {
        let tilde = rc.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self) * factor4
        let zt = E.load4(rz, t)
        let mt = rm.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
        let r = betaSum4 * (tilde - zt)
        rNorm4 = rNorm4 + r * r
        rDot4 = rDot4 + r * (zt - mt)
        // The iterate is kept in the element type, so the point returned
        // is exactly the point certified.
        let rounded = E.rounded4(tilde)
        E.store4(rounded, rn, t)
        rp.storeBytes(of: rounded, toByteOffset: t &* 8, as: SIMD4<Double>.self)
        t &+= 4
      }
      while t < width {
        let j = start &+ t
        let tilde = chunk[t] * factor
        let zj = Double(z[j])
        let r = betaSum * (tilde - zj)
        rNormTail = rNormTail + r * r
        rDotTail = rDotTail + r * (zj - weightedMean[j])
        next[j] = E(tilde)
        point[t] = Double(next[j])
        t &+= 1
      }
      return true
    }
    return (_laneSum(rNorm4) + rNormTail, _laneSum(rDot4) + rDotTail)
  }

  /// The start of the iteration in one pass over column chunks (each chunk
  /// read once from memory, then from cache): z = the coordinate median,
  /// `mean` = Σ wᵢxᵢ / Σ wᵢ, and rSquared[i] = ‖z − xᵢ‖²; when `scan` is
  /// given, the rows' largest magnitudes and finiteness are merged into it
  /// from the same cached chunks, and the pass stops (returning false, its
  /// outputs incomplete) at the first chunk with a non-finite entry or a
  /// magnitude above 2⁴⁰⁰, which the scaled general path must handle (see
  /// `_solveWithFusedScan`). Per chunk, the
  /// weighted sums read it from memory eight rows at a time (a pattern the
  /// prefetchers follow), fused with the previous chunk's distances; the
  /// median network, which touches all n rows at once, then reads it from
  /// cache.
  /// - Precondition: `scale == 1`.
  /// - Complexity: O(n·d) for the sums and distances, O(d·n log² n / w)
  ///   vector operations for the median network (w lanes); one pass over x.
  @discardableResult
  func startPass(
    weights: [Double], z: UnsafeMutablePointer<E>, mean: UnsafeMutablePointer<Double>,
    rSquared: inout [Double], scan: UnsafeMutablePointer<_RowScan<E>>? = nil
  ) -> Bool {
    let W = _weiszfeldChunkColumns
    let total = weights.reduce(0, +)
    let network = _medianNetwork(n, wanted: [(n - 1) / 2, n / 2])
    var medians = [E](repeating: 0, count: W)
    var column = [E](repeating: 0, count: n)
    var values = [E.MedianVector](repeating: E.MedianVector(), count: n)
    for j in 0..<d { mean[j] = 0 }
    let two: E = 2
    var completed = true
    medians.withUnsafeMutableBufferPointer { m in
      column.withUnsafeMutableBufferPointer { c in
        values.withUnsafeMutableBufferPointer { v in
          rSquared.withUnsafeMutableBufferPointer { sp in
            // n ≥ 1, so none is nil.
            guard let out = m.baseAddress, let scratch = v.baseAddress, let sums = sp.baseAddress else { return }
            chunkedPass(
              weights: weights, accumulator: { start, _ in mean + start }, distances: sums, _Unscaled()
            ) { start, width, point in
              if let scan {
                scan.pointee.add(x, rows: n, stride: d, start: start, width: width)
                for i in 0..<n where !(scan.pointee.isFinite(i) && scan.pointee.largest(i) <= 0x1p400) {
                  completed = false
                  return false
                }
              }
              var t = _networkColumnMedians(
                x + start, rows: n, columns: width, rowStride: d, network: network, scratch: scratch, into: out)
              while t < width {
                for i in 0..<n { c[i] = x[i &* d &+ start &+ t] }
                let upper = _selectInPlace(c, n / 2)
                if n % 2 == 1 {
                  out[t] = upper
                } else {
                  var lower = c[0]
                  for s in 1..<(n / 2) where c[s] > lower { lower = c[s] }
                  out[t] = (lower + upper) / two
                }
                t += 1
              }
              for t in 0..<width { z[start &+ t] = out[t] }
              if n % 2 == 0 {
                // Finite entries near the top of the element type's range:
                // the two middle values' sum can overflow although their
                // mean does not. Such a column is taken again, halving
                // first (exact), and rounded to the element type.
                for t in 0..<width where !out[t].isFinite {
                  for i in 0..<n { c[i] = x[i &* d &+ start &+ t] }
                  guard (0..<n).allSatisfy({ c[$0].isFinite }) else { continue }
                  let upper = _selectInPlace(c, n / 2)
                  var lower = c[0]
                  for s in 1..<(n / 2) where c[s] > lower { lower = c[s] }
                  z[start &+ t] = E(Double(lower) / 2 + Double(upper) / 2)
                }
              }
              for t in 0..<width { point[t] = Double(z[start &+ t]) }
              return true
            }
          }
        }
      }
    }
    if !completed { return false }
    let factor = 1 / total
    for j in 0..<d { mean[j] *= factor }
    return true
  }

  /// The weighted mean Σ wᵢ xᵢ / Σ wᵢ in scaled units.
  /// - Complexity: O(n·d).
  func weightedMean(_ weights: [Double], into mean: UnsafeMutablePointer<Double>) {
    for j in 0..<d { mean[j] = 0 }
    let total = weights.reduce(0, +)
    let (positive, positiveWeights) = positiveRows(weights)
    positive.withUnsafeBufferPointer { pp in
      positiveWeights.withUnsafeBufferPointer { wp in
        guard let p = pp.baseAddress, let w = wp.baseAddress else { return }
        var start = 0
        while start < d {
          let width = min(_weiszfeldChunkColumns, d &- start)
          _accumulateRows(p, w, count: pp.count, offset: start, mean + start, width)
          start &+= width
        }
      }
    }
    let factor = scale / total
    for j in 0..<d { mean[j] *= factor }
  }
}
