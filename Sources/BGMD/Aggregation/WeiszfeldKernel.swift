/// Element types the Weiszfeld kernel reads directly from the matrix storage,
/// four at a time, widened to `Double`.
protocol _StreamedElement: BinaryFloatingPoint {
  /// The vector the median network runs on.
  associatedtype MedianVector: _CompareExchangeVector where MedianVector.Scalar == Self
  /// Elements index…index+3 of `base`, as doubles.
  static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double>
}

extension Float: _StreamedElement {
  typealias MedianVector = SIMD8<Float>
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    SIMD4<Double>(base.loadUnaligned(fromByteOffset: index &* 4, as: SIMD4<Float>.self))
  }
}

extension Double: _StreamedElement {
  typealias MedianVector = SIMD4<Double>
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    base.loadUnaligned(fromByteOffset: index &* 8, as: SIMD4<Double>.self)
  }
}

/// Columns per chunk: n rows × 1024 columns of Float are 128 KiB at n = 32,
/// so a chunk read once from memory is re-read from cache.
let _chunkColumns = 1024

/// Σ_t (z[t] − scale·x[t])² over t in 0..<width (the multiplication by
/// `scale` is skipped when it is 1).
@inline(__always)
func _squaredDistance<E: _StreamedElement>(
  _ x: UnsafePointer<E>, _ z: UnsafePointer<Double>, _ width: Int, _ scale: Double
) -> Double {
  let raw = UnsafeRawPointer(x)
  let rz = UnsafeRawPointer(z)
  var a0 = SIMD4<Double>(repeating: 0), a1 = SIMD4<Double>(repeating: 0)
  var t = 0
  if scale == 1 {
    while t &+ 8 <= width {
      let u = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self) - E.load4(raw, t)
      let v = rz.loadUnaligned(fromByteOffset: (t &+ 4) &* 8, as: SIMD4<Double>.self) - E.load4(raw, t &+ 4)
      a0 = a0 + u * u
      a1 = a1 + v * v
      t &+= 8
    }
  } else {
    let s4 = SIMD4<Double>(repeating: scale)
    while t &+ 8 <= width {
      let u = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self) - E.load4(raw, t) * s4
      let v = rz.loadUnaligned(fromByteOffset: (t &+ 4) &* 8, as: SIMD4<Double>.self) - E.load4(raw, t &+ 4) * s4
      a0 = a0 + u * u
      a1 = a1 + v * v
      t &+= 8
    }
  }
  var sum = (a0 + a1).sum()
  while t < width {
    let u = z[t] - Double(x[t]) * scale
    sum += u * u
    t &+= 1
  }
  return sum
}

/// acc[t] += Σ_r beta[r] · x_r[t] over t in 0..<width, for up to four rows
/// at once (one load and store of the accumulator per four rows).
@inline(__always)
func _accumulateScaled<E: _StreamedElement>(
  _ rows: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
  _ beta: (Double, Double, Double, Double), _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  let r0 = UnsafeRawPointer(rows.0), r1 = UnsafeRawPointer(rows.1)
  let r2 = UnsafeRawPointer(rows.2), r3 = UnsafeRawPointer(rows.3)
  let ra = UnsafeMutableRawPointer(acc)
  let b0 = SIMD4<Double>(repeating: beta.0), b1 = SIMD4<Double>(repeating: beta.1)
  let b2 = SIMD4<Double>(repeating: beta.2), b3 = SIMD4<Double>(repeating: beta.3)
  var t = 0
  while t &+ 4 <= width {
    var current = ra.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    current += b0 * E.load4(r0, t) + b1 * E.load4(r1, t)
    current += b2 * E.load4(r2, t) + b3 * E.load4(r3, t)
    ra.storeBytes(of: current, toByteOffset: t &* 8, as: SIMD4<Double>.self)
    t &+= 4
  }
  while t < width {
    acc[t] += beta.0 * Double(rows.0[t]) + beta.1 * Double(rows.1[t])
      + beta.2 * Double(rows.2[t]) + beta.3 * Double(rows.3[t])
    t &+= 1
  }
}

/// acc[t] += Σᵢ beta[i] · x_i[t] over the rows with beta[i] > 0, in groups of
/// four (a missing row of a group repeats the first with beta 0).
@inline(__always)
func _accumulateRows<E: _StreamedElement>(
  _ x: UnsafePointer<E>, rows n: Int, stride d: Int, offset: Int, _ beta: [Double],
  _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  var i = 0
  while i < n {
    // The next (up to) four rows with beta > 0; -1 marks a missing one.
    var group = (-1, -1, -1, -1)
    var count = 0
    while i < n && count < 4 {
      if beta[i] > 0 {
        switch count {
        case 0: group.0 = i
        case 1: group.1 = i
        case 2: group.2 = i
        default: group.3 = i
        }
        count += 1
      }
      i += 1
    }
    if count == 0 { break }
    let first = group.0
    @inline(__always) func row(_ r: Int) -> UnsafePointer<E> { x + ((r < 0 ? first : r) &* d &+ offset) }
    @inline(__always) func weight(_ r: Int) -> Double { r < 0 ? 0 : beta[r] }
    _accumulateScaled(
      (row(group.0), row(group.1), row(group.2), row(group.3)),
      (weight(group.0), weight(group.1), weight(group.2), weight(group.3)), acc, width)
  }
}

/// The state of a Weiszfeld run on the rows x (n × d, row-major), in units
/// scaled by `scale` (entries times `scale` lie in [−1, 1]).
struct _WeiszfeldData<E: _StreamedElement> {
  let x: UnsafePointer<E>
  let n: Int
  let d: Int
  let scale: Double

  /// rSquared[i] = ‖z − scale·xᵢ‖², one pass over x in column chunks.
  @inline(__always)
  func squaredDistances(to z: UnsafePointer<Double>, into rSquared: inout [Double]) {
    for i in 0..<n { rSquared[i] = 0 }
    var start = 0
    while start < d {
      let width = min(_chunkColumns, d - start)
      for i in 0..<n {
        rSquared[i] += _squaredDistance(x + (i &* d &+ start), z + start, width, scale)
      }
      start &+= width
    }
  }

  /// The Weiszfeld map and what the certificate needs, in one pass:
  /// next = T̃(z) = Σ βᵢ xᵢ / Σ βᵢ over the rows with βᵢ > 0 (scaled units);
  /// R = Σ βᵢ (xᵢ − z) = (Σβ)(T̃ − z); returns ‖R‖² and ⟨R, z − x̄⟩.
  /// When `nextSquaredDistances` is given, also ‖next − xᵢ‖² for every row
  /// (read from cache, chunk by chunk), so the next iteration needs no pass
  /// of its own.
  @inline(__always)
  func weiszfeldStep(
    z: UnsafePointer<Double>, beta: [Double], betaSum: Double, weightedMean: UnsafePointer<Double>,
    next: UnsafeMutablePointer<Double>, chunk: UnsafeMutablePointer<Double>,
    nextSquaredDistances: UnsafeMutablePointer<Double>?
  ) -> (rNormSquared: Double, rDotOffset: Double) {
    if let rn = nextSquaredDistances { for i in 0..<n { rn[i] = 0 } }
    let factor = scale / betaSum
    var rNormSquared = 0.0, rDotOffset = 0.0
    var start = 0
    while start < d {
      let width = min(_chunkColumns, d - start)
      for t in 0..<width { chunk[t] = 0 }
      _accumulateRows(x, rows: n, stride: d, offset: start, beta, chunk, width)
      for t in 0..<width {
        let j = start &+ t
        let tilde = chunk[t] * factor
        let r = betaSum * (tilde - z[j])
        rNormSquared += r * r
        rDotOffset += r * (z[j] - weightedMean[j])
        // The iterate is kept representable in the element type, so the
        // point returned is exactly the point certified.
        next[j] = Double(E(tilde))
      }
      if let rn = nextSquaredDistances {
        for i in 0..<n {
          rn[i] += _squaredDistance(x + (i &* d &+ start), UnsafePointer(next + start), width, scale)
        }
      }
      start &+= width
    }
    return (rNormSquared, rDotOffset)
  }

  /// The start of the iteration in one pass over column chunks (each chunk
  /// read once from memory, then from cache): z = the coordinate median,
  /// `mean` = Σ wᵢxᵢ / Σ wᵢ, and rSquared[i] = ‖z − xᵢ‖².
  /// - Precondition: `scale == 1`.
  func startPass(
    weights: [Double], z: UnsafeMutablePointer<Double>, mean: UnsafeMutablePointer<Double>,
    rSquared: inout [Double]
  ) {
    let total = weights.reduce(0, +)
    var medians = [E](repeating: 0, count: _chunkColumns)
    var column = [E](repeating: 0, count: n)
    for i in 0..<n { rSquared[i] = 0 }
    for j in 0..<d { mean[j] = 0 }
    let two: E = 2
    var start = 0
    while start < d {
      let width = min(_chunkColumns, d - start)
      medians.withUnsafeMutableBufferPointer { m in
        guard let out = m.baseAddress else { return }
        var t = _networkColumnMedians(
          x + start, rows: n, columns: width, rowStride: d, into: out, E.MedianVector.self)
        column.withUnsafeMutableBufferPointer { c in
          while t < width {
            for i in 0..<n { c[i] = x[i &* d &+ start &+ t] }
            let upper = _selectInPlace(c, n / 2)
            if n % 2 == 1 {
              m[t] = upper
            } else {
              var lower = c[0]
              for s in 1..<(n / 2) where c[s] > lower { lower = c[s] }
              m[t] = (lower + upper) / two
            }
            t += 1
          }
        }
        for t in 0..<width { z[start &+ t] = Double(m[t]) }
      }
      _accumulateRows(x, rows: n, stride: d, offset: start, weights, mean + start, width)
      for i in 0..<n {
        rSquared[i] += _squaredDistance(x + (i &* d &+ start), UnsafePointer(z + start), width, 1)
      }
      start &+= width
    }
    let factor = 1 / total
    for j in 0..<d { mean[j] *= factor }
  }

  /// The weighted mean Σ wᵢ xᵢ / Σ wᵢ in scaled units.
  func weightedMean(_ weights: [Double], into mean: UnsafeMutablePointer<Double>) {
    for j in 0..<d { mean[j] = 0 }
    let total = weights.reduce(0, +)
    var start = 0
    while start < d {
      let width = min(_chunkColumns, d - start)
      _accumulateRows(x, rows: n, stride: d, offset: start, weights, mean + start, width)
      start &+= width
    }
    let factor = scale / total
    for j in 0..<d { mean[j] *= factor }
  }
}

/// For each row: whether every entry is finite, and its largest magnitude.
/// One vectorised pass (x·0 is NaN exactly when x is NaN or ±∞).
func _scanRows<E: _StreamedElement>(_ x: UnsafePointer<E>, rows: Int, columns: Int)
  -> (finite: [Bool], largest: [Double])
{
  if E.self == Float.self {
    return _scanRowsVector(
      UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), rows: rows, columns: columns, SIMD8<Float>.self)
  }
  return _scanRowsVector(
    UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), rows: rows, columns: columns, SIMD4<Double>.self)
}

@inline(__always)
func _scanRowsVector<V: _CompareExchangeVector>(
  _ x: UnsafePointer<V.Scalar>, rows: Int, columns: Int, _ vectorType: V.Type
) -> (finite: [Bool], largest: [Double]) {
  var finite = [Bool](repeating: true, count: rows)
  var largest = [Double](repeating: 0, count: rows)
  let lanes = V.scalarCount
  let stride = MemoryLayout<V.Scalar>.stride
  for i in 0..<rows {
    let row = x + i &* columns
    let raw = UnsafeRawPointer(row)
    var m = V(), probe = V()
    var j = 0
    while j &+ lanes <= columns {
      let v = raw.loadUnaligned(fromByteOffset: j &* stride, as: V.self)
      m = V.compareExchange(m, v).1
      m = V.compareExchange(m, -v).1
      probe += v * V()
      j &+= lanes
    }
    var top = m.max()
    var check = probe.sum()
    while j < columns {
      let v = row[j]
      top = Swift.max(top, Swift.abs(v))
      check += v * 0
      j &+= 1
    }
    finite[i] = check == 0
    largest[i] = Double(top)
  }
  return (finite, largest)
}
