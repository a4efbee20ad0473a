/// The per-row loops of the Weiszfeld pass, on column ranges of the matrix.
///
/// Two kinds of work touch every entry once per pass:
/// - accumulation, acc[t] ← acc[t] + βᵢ·xᵢ[t], one row after another in
///   row order (so acc[t] is the plain left-to-right sum Σᵢ βᵢxᵢ[t] whatever
///   the grouping of rows into kernels);
/// - squared distances, Σ_t (z[t] − s·xᵢ[t])² for a power of two s, with
///   four lanes per row: lane l sums the columns t ≡ l (mod 4) of the vector
///   part in order, the lanes are added as (l₀ + l₂) + (l₁ + l₃), then the
///   columns past the last multiple of four are added one by one.
///
/// Every kernel below computes exactly these expressions (no fused
/// multiply-add, no reassociation), so the results do not depend on which
/// kernel handled a row. The fused kernel does both kinds at once on two
/// consecutive column chunks of the same eight rows: the accumulation on the
/// chunk being read from memory, the distances on the chunk before it, still
/// in cache. That keeps the memory stream busy while the arithmetic of the
/// previous chunk runs.

/// Multiplication of the entries by the scale s of the run, with s = 1
/// compiled away.
protocol _EntryScaling {
  /// v · s.
  func apply(_ v: SIMD4<Double>) -> SIMD4<Double>
  /// v · s.
  func apply(_ v: Double) -> Double
}

/// s = 1.
struct _Unscaled: _EntryScaling {
  @inline(__always) func apply(_ v: SIMD4<Double>) -> SIMD4<Double> { v }
  @inline(__always) func apply(_ v: Double) -> Double { v }
}

/// s ≠ 1 (a power of two).
struct _Scaled: _EntryScaling {
  let scale: Double
  @inline(__always) func apply(_ v: SIMD4<Double>) -> SIMD4<Double> { v * SIMD4<Double>(repeating: scale) }
  @inline(__always) func apply(_ v: Double) -> Double { v * scale }
}

/// (v₀ + v₂) + (v₁ + v₃).
@inline(__always)
func _laneSum(_ v: SIMD4<Double>) -> Double {
  let half = v.lowHalf + v.highHalf
  return half[0] + half[1]
}

/// Entry t of the row at `row`, as a double.
@inline(__always)
func _entry<E: _StreamedElement>(_ row: UnsafePointer<E>, _ t: Int) -> Double {
  Double(row[t])
}

/// acc[t] ← acc[t] + β·x[t] for t in 0..<width (one row).
/// - Complexity: O(width).
@inline(__always)
func _accumulateRow<E: _StreamedElement>(
  _ x: UnsafePointer<E>, _ beta: Double, _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  let raw = UnsafeRawPointer(x)
  let ra = UnsafeMutableRawPointer(acc)
  let b = SIMD4<Double>(repeating: beta)
  var t = 0
  while t &+ 4 <= width {
    let current = ra.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    ra.storeBytes(of: current + b * E.load4(raw, t), toByteOffset: t &* 8, as: SIMD4<Double>.self)
    t &+= 4
  }
  while t < width {
    acc[t] = acc[t] + beta * _entry(x, t)
    t &+= 1
  }
}

/// acc[t] ← (…(acc[t] + β₀·x₀[t]) + …) + β₇·x₇[t] for t in 0..<width: eight
/// rows in order, one load and store of the accumulator.
/// `rows[k] + offset` is row k's first column.
/// - Complexity: O(8·width).
@inline(never)
func _accumulateEightRows<E: _StreamedElement>(
  _ rows: UnsafePointer<UnsafePointer<E>>, _ beta: UnsafePointer<Double>, offset: Int,
  _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  let x0 = rows[0] + offset, x1 = rows[1] + offset, x2 = rows[2] + offset, x3 = rows[3] + offset
  let x4 = rows[4] + offset, x5 = rows[5] + offset, x6 = rows[6] + offset, x7 = rows[7] + offset
  let r0 = UnsafeRawPointer(x0), r1 = UnsafeRawPointer(x1), r2 = UnsafeRawPointer(x2), r3 = UnsafeRawPointer(x3)
  let r4 = UnsafeRawPointer(x4), r5 = UnsafeRawPointer(x5), r6 = UnsafeRawPointer(x6), r7 = UnsafeRawPointer(x7)
  let c0 = beta[0], c1 = beta[1], c2 = beta[2], c3 = beta[3]
  let c4 = beta[4], c5 = beta[5], c6 = beta[6], c7 = beta[7]
  let b0 = SIMD4<Double>(repeating: c0), b1 = SIMD4<Double>(repeating: c1)
  let b2 = SIMD4<Double>(repeating: c2), b3 = SIMD4<Double>(repeating: c3)
  let b4 = SIMD4<Double>(repeating: c4), b5 = SIMD4<Double>(repeating: c5)
  let b6 = SIMD4<Double>(repeating: c6), b7 = SIMD4<Double>(repeating: c7)
  let ra = UnsafeMutableRawPointer(acc)
  var t = 0
  while t &+ 4 <= width {
    var a = ra.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    a = a + b0 * E.load4(r0, t)
    a = a + b1 * E.load4(r1, t)
    a = a + b2 * E.load4(r2, t)
    a = a + b3 * E.load4(r3, t)
    a = a + b4 * E.load4(r4, t)
    a = a + b5 * E.load4(r5, t)
    a = a + b6 * E.load4(r6, t)
    a = a + b7 * E.load4(r7, t)
    ra.storeBytes(of: a, toByteOffset: t &* 8, as: SIMD4<Double>.self)
    t &+= 4
  }
  while t < width {
    var a = acc[t]
    a = a + c0 * _entry(x0, t)
    a = a + c1 * _entry(x1, t)
    a = a + c2 * _entry(x2, t)
    a = a + c3 * _entry(x3, t)
    a = a + c4 * _entry(x4, t)
    a = a + c5 * _entry(x5, t)
    a = a + c6 * _entry(x6, t)
    a = a + c7 * _entry(x7, t)
    acc[t] = a
    t &+= 1
  }
}

/// acc[t] ← acc[t] + Σᵢ βᵢ·xᵢ[t] over the given rows in order, t in 0..<width:
/// groups of eight, then one row at a time. `rows[i] + offset` is row i's
/// first column.
/// - Complexity: O(count·width).
@inline(__always)
func _accumulateRows<E: _StreamedElement>(
  _ rows: UnsafePointer<UnsafePointer<E>>, _ beta: UnsafePointer<Double>, count: Int, offset: Int,
  _ acc: UnsafeMutablePointer<Double>, _ width: Int
) {
  var k = 0
  while k &+ 8 <= count {
    _accumulateEightRows(rows + k, beta + k, offset: offset, acc, width)
    k &+= 8
  }
  while k < count {
    _accumulateRow(rows[k] + offset, beta[k], acc, width)
    k &+= 1
  }
}

/// Σ_t (z[t] − s·x[t])² over t in 0..<width (one row; the order of the file
/// comment).
/// - Complexity: O(width).
@inline(never)
func _squaredDistanceRow<E: _StreamedElement, S: _EntryScaling>(
  _ x: UnsafePointer<E>, _ z: UnsafePointer<Double>, _ width: Int, _ scaling: S
) -> Double {
  let raw = UnsafeRawPointer(x), rz = UnsafeRawPointer(z)
  var s = SIMD4<Double>()
  var t = 0
  while t &+ 4 <= width {
    let u = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self) - scaling.apply(E.load4(raw, t))
    s = s + u * u
    t &+= 4
  }
  return _tailSquares(_laneSum(s), x, z, from: t, width, scaling)
}

/// sums[k] ← sums[k] + Σ_t (z[t] − s·x_k[t])² for eight rows, t in 0..<width
/// (each row in the order of the file comment); `rows[k] + offset` is row
/// k's first column.
/// - Complexity: O(8·width).
@inline(never)
func _squaredDistancesEightRows<E: _StreamedElement, S: _EntryScaling>(
  _ rows: UnsafePointer<UnsafePointer<E>>, offset: Int, _ z: UnsafePointer<Double>, _ width: Int, _ scaling: S,
  into sums: UnsafeMutablePointer<Double>
) {
  let r0 = UnsafeRawPointer(rows[0] + offset), r1 = UnsafeRawPointer(rows[1] + offset)
  let r2 = UnsafeRawPointer(rows[2] + offset), r3 = UnsafeRawPointer(rows[3] + offset)
  let r4 = UnsafeRawPointer(rows[4] + offset), r5 = UnsafeRawPointer(rows[5] + offset)
  let r6 = UnsafeRawPointer(rows[6] + offset), r7 = UnsafeRawPointer(rows[7] + offset)
  let rz = UnsafeRawPointer(z)
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
  var s4 = SIMD4<Double>(), s5 = SIMD4<Double>(), s6 = SIMD4<Double>(), s7 = SIMD4<Double>()
  var t = 0
  while t &+ 4 <= width {
    let v = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    let u0 = v - scaling.apply(E.load4(r0, t)), u1 = v - scaling.apply(E.load4(r1, t))
    let u2 = v - scaling.apply(E.load4(r2, t)), u3 = v - scaling.apply(E.load4(r3, t))
    let u4 = v - scaling.apply(E.load4(r4, t)), u5 = v - scaling.apply(E.load4(r5, t))
    let u6 = v - scaling.apply(E.load4(r6, t)), u7 = v - scaling.apply(E.load4(r7, t))
    s0 = s0 + u0 * u0
    s1 = s1 + u1 * u1
    s2 = s2 + u2 * u2
    s3 = s3 + u3 * u3
    s4 = s4 + u4 * u4
    s5 = s5 + u5 * u5
    s6 = s6 + u6 * u6
    s7 = s7 + u7 * u7
    t &+= 4
  }
  _finishEightSums((s0, s1, s2, s3, s4, s5, s6, s7), rows, offset, z, from: t, width, scaling, into: sums)
}

/// partial + Σ_t (z[t] − s·x[t])² over t in from..<width, one column at a
/// time (the tail of the order of the file comment).
@inline(__always)
func _tailSquares<E: _StreamedElement, S: _EntryScaling>(
  _ partial: Double, _ x: UnsafePointer<E>, _ z: UnsafePointer<Double>, from start: Int, _ width: Int, _ scaling: S
) -> Double {
  var sum = partial
  var t = start
  while t < width {
    let u = z[t] - scaling.apply(_entry(x, t))
    sum = sum + u * u
    t &+= 1
  }
  return sum
}

/// sums[k] ← sums[k] + (the lane sum of lanes k, then the columns
/// from..<width) for the eight rows.
@inline(__always)
func _finishEightSums<E: _StreamedElement, S: _EntryScaling>(
  _ lanes: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>,
            SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>),
  _ rows: UnsafePointer<UnsafePointer<E>>, _ offset: Int, _ z: UnsafePointer<Double>, from start: Int, _ width: Int,
  _ scaling: S, into sums: UnsafeMutablePointer<Double>
) {
  @inline(__always) func add(_ k: Int, _ lane: SIMD4<Double>) {
    sums[k] = sums[k] + _tailSquares(_laneSum(lane), rows[k] + offset, z, from: start, width, scaling)
  }
  add(0, lanes.0)
  add(1, lanes.1)
  add(2, lanes.2)
  add(3, lanes.3)
  add(4, lanes.4)
  add(5, lanes.5)
  add(6, lanes.6)
  add(7, lanes.7)
}

/// Reads one word from the first two cache lines of every 4 KiB page of
/// columns [offset, offset + width) of the eight rows. The fused kernel
/// streams a chunk from memory eight rows at a time; the hardware
/// prefetchers follow each row within a page but not across pages, so the
/// loop stalls on the first lines of every new page. Touching the pages of
/// the next group of eight rows before the kernel runs on the current one
/// sends those first misses out together and lets the prefetchers stream
/// the next group's pages while the current group computes (measure it with
/// `bgmd bench`, `bgmdVersusGmd.gmdPasses.passInStreamingReads`, against
/// no touching or touching the current group's pages). It reads only;
/// results are unchanged.
/// - Returns: the words read folded together, for `_keepTouched` (so the
///   loads are not optimised away).
/// - Complexity: O(8 · width · size of E / 4096) loads.
@inline(__always)
func _touchPages<E: _StreamedElement>(_ rows: UnsafePointer<UnsafePointer<E>>, offset: Int, _ width: Int) -> UInt32 {
  let bytes = width &* MemoryLayout<E>.stride
  var word: UInt32 = 0
  for k in 0..<8 {
    let row = UnsafeRawPointer(rows[k] + offset)
    var o = 0
    while o &+ 128 <= bytes {
      word ^= row.load(fromByteOffset: o, as: UInt32.self)
      word ^= row.load(fromByteOffset: o &+ 64, as: UInt32.self)
      o &+= 4096
    }
  }
  return word
}

/// Takes the words `_touchPages` read, so that its loads count as used; an
/// opaque call (not optimised), so the compiler cannot drop them. No
/// shared state: safe from any thread.
@_optimize(none)
func _keepTouched(_ word: UInt32) {}

/// The fused kernel on eight rows and two consecutive chunks of `width`
/// columns: with `rows[k] + offset` row k's first column of the earlier
/// chunk and the later chunk starting `width` columns further,
/// acc[t] ← (…(acc[t] + β₀·x₀[width + t]) + …) + β₇·x₇[width + t] and
/// sums[k] ← sums[k] + Σ_t (z[t] − s·x_k[t])², t in 0..<width: the results
/// of `_accumulateEightRows` on the later chunk and
/// `_squaredDistancesEightRows` on the earlier one.
/// (`width` is an argument rather than the constant
/// `_weiszfeldChunkColumns`: with a constant trip count the optimiser
/// rewrites the loop into lane shuffles across rows, three times slower.)
/// - Complexity: O(16·width).
@inline(never)
func _fusedEightRows<E: _StreamedElement, S: _EntryScaling>(
  _ rows: UnsafePointer<UnsafePointer<E>>, _ beta: UnsafePointer<Double>, offset: Int,
  _ acc: UnsafeMutablePointer<Double>, _ z: UnsafePointer<Double>, _ width: Int, _ scaling: S,
  into sums: UnsafeMutablePointer<Double>
) {
  let r0 = UnsafeRawPointer(rows[0] + offset), r1 = UnsafeRawPointer(rows[1] + offset)
  let r2 = UnsafeRawPointer(rows[2] + offset), r3 = UnsafeRawPointer(rows[3] + offset)
  let r4 = UnsafeRawPointer(rows[4] + offset), r5 = UnsafeRawPointer(rows[5] + offset)
  let r6 = UnsafeRawPointer(rows[6] + offset), r7 = UnsafeRawPointer(rows[7] + offset)
  let b0 = SIMD4<Double>(repeating: beta[0]), b1 = SIMD4<Double>(repeating: beta[1])
  let b2 = SIMD4<Double>(repeating: beta[2]), b3 = SIMD4<Double>(repeating: beta[3])
  let b4 = SIMD4<Double>(repeating: beta[4]), b5 = SIMD4<Double>(repeating: beta[5])
  let b6 = SIMD4<Double>(repeating: beta[6]), b7 = SIMD4<Double>(repeating: beta[7])
  let ra = UnsafeMutableRawPointer(acc), rz = UnsafeRawPointer(z)
  var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
  var s4 = SIMD4<Double>(), s5 = SIMD4<Double>(), s6 = SIMD4<Double>(), s7 = SIMD4<Double>()
  var t = 0
  while t &+ 4 <= width {
    let ahead = t &+ width
    var a = ra.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    a = a + b0 * E.load4(r0, ahead)
    a = a + b1 * E.load4(r1, ahead)
    a = a + b2 * E.load4(r2, ahead)
    a = a + b3 * E.load4(r3, ahead)
    a = a + b4 * E.load4(r4, ahead)
    a = a + b5 * E.load4(r5, ahead)
    a = a + b6 * E.load4(r6, ahead)
    a = a + b7 * E.load4(r7, ahead)
    ra.storeBytes(of: a, toByteOffset: t &* 8, as: SIMD4<Double>.self)
    let v = rz.loadUnaligned(fromByteOffset: t &* 8, as: SIMD4<Double>.self)
    let u0 = v - scaling.apply(E.load4(r0, t)), u1 = v - scaling.apply(E.load4(r1, t))
    let u2 = v - scaling.apply(E.load4(r2, t)), u3 = v - scaling.apply(E.load4(r3, t))
    let u4 = v - scaling.apply(E.load4(r4, t)), u5 = v - scaling.apply(E.load4(r5, t))
    let u6 = v - scaling.apply(E.load4(r6, t)), u7 = v - scaling.apply(E.load4(r7, t))
    s0 = s0 + u0 * u0
    s1 = s1 + u1 * u1
    s2 = s2 + u2 * u2
    s3 = s3 + u3 * u3
    s4 = s4 + u4 * u4
    s5 = s5 + u5 * u5
    s6 = s6 + u6 * u6
    s7 = s7 + u7 * u7
    t &+= 4
  }
  if t < width {
    _accumulateEightRows(rows, beta, offset: offset &+ width &+ t, acc + t, width &- t)
  }
  _finishEightSums((s0, s1, s2, s3, s4, s5, s6, s7), rows, offset, z, from: t, width, scaling, into: sums)
}
