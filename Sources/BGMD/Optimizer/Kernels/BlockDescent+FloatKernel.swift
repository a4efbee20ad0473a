/// Columns per chunk of the moments pass (`_augmentedColumnMoments` and its
/// `Float` kernel): 4096 columns of Double scores with the sums and memory
/// are 64–96 KiB, which stay in L2 while the rows stream through.
let _momentChunkColumns = 4096

/// Rows whose entries are added to one load and store of the accumulators.
let _momentRowGroup = 8

/// `_augmentedColumnMoments` for `Float`, sixteen columns at a time: the same
/// values in the same order (each augmented entry fl(fl(γ·g) + m), its square
/// in `Double` added to s_j and the entry added to the column sum, row after
/// row), so the results are bit-for-bit those of the scalar loop. The
/// accumulators of sixteen columns stay in registers for up to
/// `_momentRowGroup` rows, and the columns go in chunks of
/// `_momentChunkColumns`.
/// - Complexity: O(b·d), one pass over G (and M for `per-row`).
func _floatAugmentedColumnMoments(
  _ g: [Float], rows b: Int, columns d: Int, gamma: Float, source: _AugmentationSource<Float>,
  rowDeviations: Bool = false
) -> _ColumnMoments<Float> {
  var scores = [Double](repeating: 0, count: d)
  let memory: [Float]
  let perRow: Bool
  switch source {
  case let .averaged(m): (memory, perRow) = (m, false)
  case let .perRow(m): (memory, perRow) = (m, true)
  case .none: (memory, perRow) = ([], false)
  }
  let averaged = !perRow && !memory.isEmpty
  var sums = [Float](repeating: 0, count: averaged ? d : 0)
  let deviating = averaged && rowDeviations
  // Row i's eight lanes of ‖aᵢ − m̂‖² (lane j mod 8), when asked for.
  var partials = [SIMD8<Float>](repeating: SIMD8<Float>(), count: deviating ? b : 0)
  g.withUnsafeBufferPointer { gp in
    memory.withUnsafeBufferPointer { mp in
      scores.withUnsafeMutableBufferPointer { sp in
        sums.withUnsafeMutableBufferPointer { up in
          partials.withUnsafeMutableBufferPointer { pp in
          guard let x = gp.baseAddress, let s = sp.baseAddress else { return }
          let kernel = _FloatMomentKernel(
            g: UnsafeRawPointer(x), memory: mp.baseAddress.map { UnsafeRawPointer($0) },
            sums: up.baseAddress.map { UnsafeMutableRawPointer($0) }, scores: UnsafeMutableRawPointer(s),
            columns: d, gamma: gamma, perRow: perRow)
          let deviations = deviating ? pp.baseAddress : nil
          var start = 0
          while start < d {
            let width = min(_momentChunkColumns, d - start)
            let vectorEnd = start &+ (width & ~15)
            var i = 0
            while i < b {
              let end = min(i &+ _momentRowGroup, b)
              var j = start
              while j < vectorEnd {
                if let deviations {
                  kernel.averagedStrip(column: j, rows: i..<end, deviations: deviations)
                } else if averaged {
                  kernel.averagedStrip(column: j, rows: i..<end)
                } else {
                  kernel.strip(column: j, rows: i..<end)
                }
                j &+= 16
              }
              while j < start &+ width {
                for r in i..<end {
                  var a = gamma * x[r &* d &+ j]
                  if averaged, let mb = mp.baseAddress {
                    a = a + mb[j]
                  } else if perRow, let mb = mp.baseAddress {
                    a = a + mb[r &* d &+ j]
                  }
                  let v = Double(a)
                  s[j] += v * v
                  if averaged, let ub = up.baseAddress { ub[j] += a }
                  if let deviations, let mb = mp.baseAddress {
                    let e = a - mb[j]
                    deviations[r][j & 7] += e * e
                  }
                }
                j &+= 1
              }
              i = end
            }
            start &+= width
          }
          }
        }
      }
    }
  }
  let deviations = partials.map { p in _reduceEight([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]]) }
  return _ColumnMoments(scores: scores, sums: sums, total: _sum(scores), deviations: deviations)
}

/// The pointers of one moments pass and its sixteen-column strips.
struct _FloatMomentKernel {
  let g: UnsafeRawPointer
  /// m̂ (length d) for `averaged`, M (b × d) for `per-row`, nil for `none`.
  let memory: UnsafeRawPointer?
  /// The column sums (`averaged` only).
  let sums: UnsafeMutableRawPointer?
  let scores: UnsafeMutableRawPointer
  let columns: Int
  let gamma: Float
  let perRow: Bool

  /// s[j..<j+16] += Σ_r a², Σ_r a added to the sums, for a = fl(fl(γ·G[r,·]) + m̂).
  @inline(__always)
  func averagedStrip(column j: Int, rows: Range<Int>) {
    averagedStrip(column: j, rows: rows, _NoDeviations())
  }

  /// `averagedStrip(column:rows:)`, and for each row r also
  /// deviations[r] += e_lo² then += e_hi², e = a − m̂ in `Float` (lane l of
  /// the two halves: columns j + l and j + 8 + l, in increasing order).
  @inline(__always)
  func averagedStrip(column j: Int, rows: Range<Int>, deviations: UnsafeMutablePointer<SIMD8<Float>>) {
    averagedStrip(column: j, rows: rows, _RowDeviations(partials: deviations))
  }

  /// The strip with the per-row deviations given as a type, so the variant
  /// without them compiles to the loop without them.
  @inline(__always)
  func averagedStrip<D: _DeviationSink>(column j: Int, rows: Range<Int>, _ deviations: D) {
    guard let m = memory, let u = sums else { return }
    let gamma16 = SIMD16<Float>(repeating: gamma)
    let shared = m.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
    var lo = scores.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
    var hi = scores.loadUnaligned(fromByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
    var sum = u.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<Float>.self)
    var offset = (rows.lowerBound &* columns &+ j) &* 4
    let stride = columns &* 4
    for r in rows {
      let a = gamma16 * g.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) + shared
      let al = SIMD8<Double>(a.lowHalf), ah = SIMD8<Double>(a.highHalf)
      lo = lo + al * al
      hi = hi + ah * ah
      sum = sum + a
      deviations.add(a - shared, row: r)
      offset &+= stride
    }
    scores.storeBytes(of: lo, toByteOffset: j &* 8, as: SIMD8<Double>.self)
    scores.storeBytes(of: hi, toByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
    u.storeBytes(of: sum, toByteOffset: j &* 4, as: SIMD16<Float>.self)
  }

  /// s[j..<j+16] += Σ_r a² for a = fl(fl(γ·G[r,·]) + M[r,·]) (`per-row`) or
  /// fl(γ·G[r,·]) (`none`).
  @inline(__always)
  func strip(column j: Int, rows: Range<Int>) {
    let gamma16 = SIMD16<Float>(repeating: gamma)
    var lo = scores.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
    var hi = scores.loadUnaligned(fromByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
    var offset = (rows.lowerBound &* columns &+ j) &* 4
    let stride = columns &* 4
    for _ in rows {
      var a = gamma16 * g.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
      if perRow, let m = memory { a = a + m.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) }
      let al = SIMD8<Double>(a.lowHalf), ah = SIMD8<Double>(a.highHalf)
      lo = lo + al * al
      hi = hi + ah * ah
      offset &+= stride
    }
    scores.storeBytes(of: lo, toByteOffset: j &* 8, as: SIMD8<Double>.self)
    scores.storeBytes(of: hi, toByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
  }
}

/// Where a moments strip puts e = a − m̂ of row r (`norm-filtered`'s row
/// norms), or nothing.
protocol _DeviationSink {
  func add(_ e: SIMD16<Float>, row r: Int)
}

/// No row norms: the strip's loop has no trace of them.
struct _NoDeviations: _DeviationSink {
  @inline(__always) func add(_ e: SIMD16<Float>, row r: Int) {}
}

/// partials[r] += e_lo², then += e_hi² (lane l: columns j + l, j + 8 + l).
struct _RowDeviations: _DeviationSink {
  let partials: UnsafeMutablePointer<SIMD8<Float>>
  @inline(__always) func add(_ e: SIMD16<Float>, row r: Int) {
    var p = partials[r]
    p = p + e.lowHalf * e.lowHalf
    p = p + e.highHalf * e.highHalf
    partials[r] = p
  }
}
