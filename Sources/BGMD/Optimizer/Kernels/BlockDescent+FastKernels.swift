/// The element types of the fast block step. The kernels below are generic;
/// these requirements are their `Float` and `Double` instances, so that a
/// call from generic code reaches code compiled for the concrete type.
protocol _FusedStepElement: Scalar & BinaryFloatingPoint & SIMDScalar {
  /// The vector of the coordinate-median network (`coordinateMedian`'s lanes).
  associatedtype _MedianVector: _CompareExchangeVector where _MedianVector.Scalar == Self
  static func _robustSharedMemory(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, memory: [Self], block: [Int], filtered: Bool) -> [Self]
  static func _normFilteredMemory(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, memory: [Self], block: [Int], deviations: [Self]) -> [Self]
  static func _augmentedColumnMoments(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, source: _AugmentationSource<Self>, rowDeviations: Bool
  ) -> _ColumnMoments<Self>
  static func _gatherAugmentedBlock(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, source: _AugmentationSource<Self>, block: [Int]
  ) -> [Self]
  static func _scatter(_ values: [Self], into d: Int, at block: [Int]) -> [Self]
  static func _augmentedRows(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, source: _AugmentationSource<Self>) -> [Self]
  static func _averagedResidual(sums: [Self], rows b: Int, block: [Int]) -> [Self]
  static func _writeResidualInPlace(
    _ g: [Self], rows b: Int, columns d: Int, gamma: Self, memory: inout [Self], block: [Int])
}

extension Float: _FusedStepElement {
  typealias _MedianVector = SIMD8<Float>
  static func _robustSharedMemory(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, memory: [Float], block: [Int], filtered: Bool
  ) -> [Float] {
    BGMD._robustSharedMemory(g, rows: b, columns: d, gamma: gamma, memory: memory, block: block, filtered: filtered)
  }
  static func _normFilteredMemory(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, memory: [Float], block: [Int], deviations: [Float]
  ) -> [Float] {
    BGMD._normFilteredMemory(g, rows: b, columns: d, gamma: gamma, memory: memory, block: block,
                             deviations: deviations)
  }
  static func _augmentedColumnMoments(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, source: _AugmentationSource<Float>, rowDeviations: Bool
  ) -> _ColumnMoments<Float> {
    _floatAugmentedColumnMoments(g, rows: b, columns: d, gamma: gamma, source: source, rowDeviations: rowDeviations)
  }
  static func _gatherAugmentedBlock(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, source: _AugmentationSource<Float>, block: [Int]
  ) -> [Float] {
    BGMD._gatherAugmentedBlock(g, rows: b, columns: d, gamma: gamma, source: source, block: block)
  }
  static func _scatter(_ values: [Float], into d: Int, at block: [Int]) -> [Float] {
    BGMD._scatter(values, into: d, at: block)
  }
  static func _augmentedRows(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, source: _AugmentationSource<Float>
  ) -> [Float] {
    BGMD._augmentedRows(g, rows: b, columns: d, gamma: gamma, source: source)
  }
  static func _averagedResidual(sums: [Float], rows b: Int, block: [Int]) -> [Float] {
    BGMD._averagedResidual(sums: sums, rows: b, block: block)
  }
  static func _writeResidualInPlace(
    _ g: [Float], rows b: Int, columns d: Int, gamma: Float, memory: inout [Float], block: [Int]
  ) {
    BGMD._writeResidualInPlace(g, rows: b, columns: d, gamma: gamma, memory: &memory, block: block)
  }
}

extension Double: _FusedStepElement {
  typealias _MedianVector = SIMD4<Double>
  static func _robustSharedMemory(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, memory: [Double], block: [Int], filtered: Bool
  ) -> [Double] {
    BGMD._robustSharedMemory(g, rows: b, columns: d, gamma: gamma, memory: memory, block: block, filtered: filtered)
  }
  static func _normFilteredMemory(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, memory: [Double], block: [Int], deviations: [Double]
  ) -> [Double] {
    BGMD._normFilteredMemory(g, rows: b, columns: d, gamma: gamma, memory: memory, block: block,
                             deviations: deviations)
  }
  static func _augmentedColumnMoments(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, source: _AugmentationSource<Double>, rowDeviations: Bool
  ) -> _ColumnMoments<Double> {
    BGMD._augmentedColumnMoments(g, rows: b, columns: d, gamma: gamma, source: source, rowDeviations: rowDeviations)
  }
  static func _gatherAugmentedBlock(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, source: _AugmentationSource<Double>, block: [Int]
  ) -> [Double] {
    BGMD._gatherAugmentedBlock(g, rows: b, columns: d, gamma: gamma, source: source, block: block)
  }
  static func _scatter(_ values: [Double], into d: Int, at block: [Int]) -> [Double] {
    BGMD._scatter(values, into: d, at: block)
  }
  static func _augmentedRows(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, source: _AugmentationSource<Double>
  ) -> [Double] {
    BGMD._augmentedRows(g, rows: b, columns: d, gamma: gamma, source: source)
  }
  static func _averagedResidual(sums: [Double], rows b: Int, block: [Int]) -> [Double] {
    BGMD._averagedResidual(sums: sums, rows: b, block: block)
  }
  static func _writeResidualInPlace(
    _ g: [Double], rows b: Int, columns d: Int, gamma: Double, memory: inout [Double], block: [Int]
  ) {
    BGMD._writeResidualInPlace(g, rows: b, columns: d, gamma: gamma, memory: &memory, block: block)
  }
}

/// What is added to γG_t before selection.
enum _AugmentationSource<E> {
  /// m̂_t, added to every row (length d).
  case averaged([E])
  /// M_{t−1}, row by row (b × d, row-major).
  case perRow([E])
  /// Nothing.
  case none
}

/// What the moments pass computes (`_augmentedColumnMoments`).
struct _ColumnMoments<E> {
  /// s_j = Σᵢ a[i,j]² in `Double`.
  var scores: [Double]
  /// Σᵢ a[i,j] in E (`averaged` only; empty otherwise).
  var sums: [E]
  /// Σ_j s_j.
  var total: Double
  /// ‖aᵢ − m̂‖² per row, in E and in the order of `_rowSquaredDistances`
  /// (lane j mod 8, lanes reduced by `_reduceEight`), when asked for
  /// (`averaged` source only; empty otherwise): the row norms the
  /// `norm-filtered` memory filters on, from the same pass.
  var deviations: [E]
}

/// s_j = Σᵢ a[i,j]² in `Double` and (for `averaged`) Σᵢ a[i,j] in E, for the
/// augmented entries a = fl(fl(γ·g) + memory), each accumulated over i in
/// increasing order (the order of `squaredColumnNorms` and `columnMeans`);
/// with `rowDeviations` (and an `averaged` source), also
/// ‖aᵢ − m̂‖² row by row as `_rowSquaredDistances(augmented, center: m̂)`
/// computes it (each row's columns in increasing order, lane j mod 8).
/// Column chunks of `_momentChunkColumns`, so the accumulators stay in cache while
/// the rows stream through.
/// - Complexity: O(b·d), one pass over G (and M for `per-row`).
func _augmentedColumnMoments<E: Scalar & BinaryFloatingPoint>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, source: _AugmentationSource<E>, rowDeviations: Bool = false
) -> _ColumnMoments<E> {
  var scores = [Double](repeating: 0, count: d)
  var sums = [E](repeating: 0, count: { if case .averaged = source { return d } else { return 0 } }())
  let deviating: Bool = { if case .averaged = source { return rowDeviations } else { return false } }()
  var partials = [E](repeating: 0, count: deviating ? 8 * b : 0)
  g.withUnsafeBufferPointer { gp in
    scores.withUnsafeMutableBufferPointer { sp in
      sums.withUnsafeMutableBufferPointer { up in
        partials.withUnsafeMutableBufferPointer { pp in
        guard let gBase = gp.baseAddress, let s = sp.baseAddress else { return }
        var start = 0
        while start < d {
          let width = min(_momentChunkColumns, d - start)
          let sc = s + start
          switch source {
          case let .averaged(memory):
            memory.withUnsafeBufferPointer { mp in
              guard let mBase = mp.baseAddress, let uBase = up.baseAddress else { return }
              let mc = mBase + start, uc = uBase + start
              for i in 0..<b {
                let row = gBase + i * d + start
                for t in 0..<width {
                  let a = gamma * row[t] + mc[t]
                  let v = Double(a)
                  sc[t] += v * v
                  uc[t] += a
                  if deviating, let p = pp.baseAddress {
                    let e = a - mc[t]
                    let lane = i * 8 + (start + t) % 8
                    p[lane] += e * e
                  }
                }
              }
            }
          case let .perRow(memory):
            memory.withUnsafeBufferPointer { mp in
              guard let mBase = mp.baseAddress else { return }
              for i in 0..<b {
                let row = gBase + i * d + start, mrow = mBase + i * d + start
                for t in 0..<width {
                  let v = Double(gamma * row[t] + mrow[t])
                  sc[t] += v * v
                }
              }
            }
          case .none:
            for i in 0..<b {
              let row = gBase + i * d + start
              for t in 0..<width {
                let v = Double(gamma * row[t])
                sc[t] += v * v
              }
            }
          }
          start += width
        }
        }
      }
    }
  }
  let deviations = deviating ? (0..<b).map { _reduceEight(Array(partials[(8 * $0)..<(8 * $0 + 8)])) } : []
  return _ColumnMoments(scores: scores, sums: sums, total: _sum(scores), deviations: deviations)
}

/// The b × k block of augmented entries fl(fl(γ·g) + memory), row-major,
/// columns in the order of `block`. Rows go four at a time, so each block
/// index is read once per four rows and four row streams are in flight.
/// - Complexity: O(b·k).
func _gatherAugmentedBlock<E: Scalar & BinaryFloatingPoint>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, source: _AugmentationSource<E>, block: [Int]
) -> [E] {
  let k = block.count
  var out = [E](repeating: 0, count: b * k)
  // m̂ on the block, read once rather than once per row.
  let shared: [E]
  if case let .averaged(memory) = source { shared = block.map { memory[$0] } } else { shared = [] }
  let rowMemory: [E]
  if case let .perRow(memory) = source { rowMemory = memory } else { rowMemory = [] }
  out.withUnsafeMutableBufferPointer { op in
    g.withUnsafeBufferPointer { gp in
      block.withUnsafeBufferPointer { bp in
        shared.withUnsafeBufferPointer { sp in
          rowMemory.withUnsafeBufferPointer { mp in
            guard let o = op.baseAddress, let x = gp.baseAddress, let index = bp.baseAddress else { return }
            // (An empty array may still hand out a base address.)
            let s = shared.isEmpty ? nil : sp.baseAddress, m = rowMemory.isEmpty ? nil : mp.baseAddress
            // a = fl(fl(γ·g) + memory) for row r at column j, output slot t.
            @inline(__always) func entry(_ r: Int, _ j: Int, _ t: Int) -> E {
              let scaled = gamma * x[r &* d &+ j]
              if let s { return scaled + s[t] }
              if let m { return scaled + m[r &* d &+ j] }
              return scaled
            }
            var i = 0
            while i + 4 <= b {
              let o0 = o + i &* k, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k
              for t in 0..<k {
                let j = index[t]
                o0[t] = entry(i, j, t)
                o1[t] = entry(i &+ 1, j, t)
                o2[t] = entry(i &+ 2, j, t)
                o3[t] = entry(i &+ 3, j, t)
              }
              i += 4
            }
            while i < b {
              let row = o + i &* k
              for t in 0..<k { row[t] = entry(i, index[t], t) }
              i += 1
            }
          }
        }
      }
    }
  }
  return out
}

/// The b × d augmented rows fl(fl(γ·g) + memory), row-major.
/// - Complexity: O(b·d).
func _augmentedRows<E: Scalar & BinaryFloatingPoint>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, source: _AugmentationSource<E>
) -> [E] {
  var out = [E](repeating: 0, count: b * d)
  out.withUnsafeMutableBufferPointer { op in
    g.withUnsafeBufferPointer { gp in
      switch source {
      case let .averaged(memory):
        memory.withUnsafeBufferPointer { mp in
          for i in 0..<b {
            let row = i * d
            for j in 0..<d { op[row + j] = gamma * gp[row + j] + mp[j] }
          }
        }
      case let .perRow(memory):
        memory.withUnsafeBufferPointer { mp in
          for index in 0..<(b * d) { op[index] = gamma * gp[index] + mp[index] }
        }
      case .none:
        for index in 0..<(b * d) { op[index] = gamma * gp[index] }
      }
    }
  }
  return out
}

/// A length-d vector holding `values[t]` at `block[t]` and 0 elsewhere.
/// - Complexity: O(d).
func _scatter<E: Scalar & BinaryFloatingPoint>(_ values: [E], into d: Int, at block: [Int]) -> [E] {
  var out = [E](repeating: 0, count: d)
  for (t, j) in block.enumerated() { out[j] = values[t] }
  return out
}

/// m̂_{t+1}: the column sums divided by b off the block, 0 on it (the
/// column means of the residual, as `columnMeans`).
/// - Complexity: O(d).
func _averagedResidual<E: _FusedStepElement>(sums: [E], rows b: Int, block: [Int]) -> [E] {
  var memory = sums
  _divideInPlace(&memory, by: E(b))
  memory.withUnsafeMutableBufferPointer { m in
    for j in block { m[j] = 0 }
  }
  return memory
}

/// M_t in place: M[i,j] ← fl(fl(γ·G[i,j]) + M[i,j]) off the block, 0 on it.
/// - Complexity: O(b·d), one pass over G and M.
func _writeResidualInPlace<E: Scalar & BinaryFloatingPoint>(
  _ g: [E], rows b: Int, columns d: Int, gamma: E, memory: inout [E], block: [Int]
) {
  g.withUnsafeBufferPointer { gp in
    memory.withUnsafeMutableBufferPointer { mp in
      for index in 0..<(b * d) { mp[index] = gamma * gp[index] + mp[index] }
      for i in 0..<b {
        let row = i * d
        for j in block { mp[row + j] = 0 }
      }
    }
  }
}

/// Σ_{j∈B} s_j / Σ_j s_j, with `total` = Σ_j s_j (1 when every score is 0,
/// NaN when the total is not finite).
/// - Complexity: O(k).
func _retainedFraction(scores: [Double], block: [Int], total: Double) -> Double {
  guard total > 0, total.isFinite else { return total == 0 ? 1 : .nan }
  var inBlock = 0.0
  for j in block { inBlock += scores[j] }
  return inBlock / total
}

/// Σ values, in eight interleaved partial sums (the order is fixed by the
/// code, so the result does not depend on the vector width).
/// - Complexity: O(count).
func _sum(_ values: [Double]) -> Double {
  values.withUnsafeBufferPointer { p -> Double in
    guard let base = p.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var partial = SIMD8<Double>(repeating: 0)
    var t = 0
    while t &+ 8 <= p.count {
      partial = partial + raw.loadUnaligned(fromByteOffset: t &* 8, as: SIMD8<Double>.self)
      t &+= 8
    }
    var total = partial.sum()
    while t < p.count {
      total += p[t]
      t &+= 1
    }
    return total
  }
}

/// x ← x − g̃, element by element (`Float` and `Double` through code
/// compiled for the concrete type).
/// - Precondition: `aggregate.count == x.count`.
/// - Complexity: O(d).
func _subtractInPlace<E: Scalar>(_ x: inout [E], _ aggregate: [E]) {
  precondition(aggregate.count == x.count, "x − g̃: \(aggregate.count) entries for \(x.count)")
  if E.self == Float.self || E.self == Double.self {
    x.withUnsafeMutableBufferPointer { xp in
      aggregate.withUnsafeBufferPointer { ap in
        guard let xBase = xp.baseAddress, let aBase = ap.baseAddress else { return }
        if E.self == Float.self {
          _subtract(UnsafeMutableRawPointer(xBase).assumingMemoryBound(to: Float.self),
                    UnsafeRawPointer(aBase).assumingMemoryBound(to: Float.self), xp.count)
        } else {
          _subtract(UnsafeMutableRawPointer(xBase).assumingMemoryBound(to: Double.self),
                    UnsafeRawPointer(aBase).assumingMemoryBound(to: Double.self), xp.count)
        }
      }
    }
    return
  }
  for j in x.indices { x[j] -= aggregate[j] }
}

@inline(__always)
func _subtract<E: BinaryFloatingPoint>(_ x: UnsafeMutablePointer<E>, _ a: UnsafePointer<E>, _ count: Int) {
  for j in 0..<count { x[j] -= a[j] }
}
