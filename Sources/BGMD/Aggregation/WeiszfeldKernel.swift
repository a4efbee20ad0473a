/// Element types the Weiszfeld kernel reads directly from the matrix storage,
/// four at a time, widened to `Double`.
protocol _StreamedElement: BinaryFloatingPoint {
  /// Elements index…index+3 of `base`, as doubles.
  static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double>
}

extension Float: _StreamedElement {
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    SIMD4<Double>(base.loadUnaligned(fromByteOffset: index &* 4, as: SIMD4<Float>.self))
  }
}

extension Double: _StreamedElement {
  @inline(__always) static func load4(_ base: UnsafeRawPointer, _ index: Int) -> SIMD4<Double> {
    base.loadUnaligned(fromByteOffset: index &* 8, as: SIMD4<Double>.self)
  }
}

/// Columns per chunk: n rows × 1024 columns of Float are 128 KiB at n = 32,
/// so a chunk read once from memory is re-read from cache.
let _chunkColumns = 1024

/// Σ_t (z[t] − scale·x[t])² over t in 0..<width.
@inline(__always)
func _squaredDistance<E: _StreamedElement>(
  _ x: UnsafePointer<E>, _ z: UnsafePointer<Double>, _ width: Int, _ scale: Double
) -> Double {
  let raw = UnsafeRawPointer(x)
  let rz = UnsafeRawPointer(z)
  let s4 = SIMD4<Double>(repeating: scale)
  var a0 = SIMD4<Double>(repeating: 0), a1 = SIMD4<Double>(repeating: 0)
  var t = 0
  while t &+ 8 <= width {
    let u = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self) - E.load4(raw, t) * s4
    let v = rz.loadUnaligned(fromByteOffset: (t &+ 4) &* 8, as: SIMD4<Double>.self) - E.load4(raw, t &+ 4) * s4
    a0 = a0 + u * u
    a1 = a1 + v * v
    t &+= 8
  }
  var sum = (a0 + a1).sum()
  while t < width {
    let u = z[t] - Double(x[t]) * scale
    sum += u * u
    t &+= 1
  }
  return sum
}

/// acc[t] += beta · x[t] over t in 0..<width.
@inline(__always)
func _accumulateScaled<E: _StreamedElement>(
  _ x: UnsafePointer<E>, _ beta: Double, _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  let raw = UnsafeRawPointer(x)
  let ra = UnsafeMutableRawPointer(acc)
  let b4 = SIMD4<Double>(repeating: beta)
  var t = 0
  while t &+ 4 <= width {
    let current = ra.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    ra.storeBytes(of: current + b4 * E.load4(raw, t), toByteOffset: t &* 8, as: SIMD4<Double>.self)
    t &+= 4
  }
  while t < width {
    acc[t] += beta * Double(x[t])
    t &+= 1
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
      for i in 0..<n where beta[i] > 0 {
        _accumulateScaled(x + (i &* d &+ start), beta[i], chunk, width)
      }
      for t in 0..<width {
        let j = start &+ t
        let tilde = chunk[t] * factor
        let r = betaSum * (tilde - z[j])
        rNormSquared += r * r
        rDotOffset += r * (z[j] - weightedMean[j])
        next[j] = tilde
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

  /// The weighted mean Σ wᵢ xᵢ / Σ wᵢ in scaled units.
  func weightedMean(_ weights: [Double], into mean: UnsafeMutablePointer<Double>) {
    for j in 0..<d { mean[j] = 0 }
    var total = 0.0
    for i in 0..<n where weights[i] > 0 {
      _accumulateScaled(x + i &* d, weights[i], mean, d)
      total += weights[i]
    }
    let factor = scale / total
    for j in 0..<d { mean[j] *= factor }
  }
}

/// For each row: whether every entry is finite, and its largest magnitude.
/// One vectorisable pass (x·0 is NaN exactly when x is NaN or ±∞).
func _scanRows<E: _StreamedElement>(_ x: UnsafePointer<E>, rows: Int, columns: Int)
  -> (finite: [Bool], largest: [Double])
{
  var finite = [Bool](repeating: true, count: rows)
  var largest = [Double](repeating: 0, count: rows)
  for i in 0..<rows {
    let row = x + i &* columns
    var m: E = 0
    var probe: E = 0
    for j in 0..<columns {
      let v = row[j]
      let a = abs(v)
      m = a > m ? a : m
      probe += v * 0
    }
    finite[i] = probe == 0
    largest[i] = Double(m)
  }
  return (finite, largest)
}
