/// `_augmentedColumnMoments` for `Float`, eight columns at a time: the same
/// values in the same order (each augmented entry fl(fl(γ·g) + m), its square
/// in `Double` added to s_j and the entry added to the column sum, row after
/// row), so the results are bit-for-bit those of the scalar loop. The
/// accumulators of eight columns stay in registers for up to four rows, and
/// the columns go in chunks of `_chunkColumns`.
/// - Complexity: O(b·d), one pass over G (and M for `per-row`).
func _floatAugmentedColumnMoments(
  _ g: [Float], rows b: Int, columns d: Int, gamma: Float, source: _AugmentationSource<Float>
) -> (scores: [Double], sums: [Float], allFinite: Bool) {
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
  g.withUnsafeBufferPointer { gp in
    memory.withUnsafeBufferPointer { mp in
      scores.withUnsafeMutableBufferPointer { sp in
        sums.withUnsafeMutableBufferPointer { up in
          guard let x = gp.baseAddress, let s = sp.baseAddress else { return }
          let gx = UnsafeRawPointer(x)
          let m = mp.baseAddress.map { UnsafeRawPointer($0) }
          let u = up.baseAddress.map { UnsafeMutableRawPointer($0) }
          let rs = UnsafeMutableRawPointer(s)
          let gamma8 = SIMD8<Float>(repeating: gamma)
          var start = 0
          while start < d {
            let width = min(_chunkColumns, d - start)
            let vectorEnd = start + (width & ~7)
            var i = 0
            while i < b {
              let group = min(4, b - i)
              var j = start
              while j < vectorEnd {
                var lo = rs.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                var hi = rs.loadUnaligned(fromByteOffset: (j &+ 4) &* 8, as: SIMD4<Double>.self)
                var sum = u.map { $0.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self) }
                  ?? SIMD8<Float>(repeating: 0)
                let shared = averaged ? m.map { $0.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self) } : nil
                for r in i..<(i &+ group) {
                  let offset = (r &* d &+ j) &* 4
                  var a = gamma8 * gx.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                  if let shared {
                    a = a + shared
                  } else if perRow, let m {
                    a = a + m.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                  }
                  let al = SIMD4<Double>(a.lowHalf), ah = SIMD4<Double>(a.highHalf)
                  lo = lo + al * al
                  hi = hi + ah * ah
                  sum = sum + a
                }
                rs.storeBytes(of: lo, toByteOffset: j &* 8, as: SIMD4<Double>.self)
                rs.storeBytes(of: hi, toByteOffset: (j &+ 4) &* 8, as: SIMD4<Double>.self)
                if averaged, let u { u.storeBytes(of: sum, toByteOffset: j &* 4, as: SIMD8<Float>.self) }
                j &+= 8
              }
              while j < start &+ width {
                for r in i..<(i &+ group) {
                  var a = gamma * x[r &* d &+ j]
                  if averaged, let mb = mp.baseAddress {
                    a = a + mb[j]
                  } else if perRow, let mb = mp.baseAddress {
                    a = a + mb[r &* d &+ j]
                  }
                  let v = Double(a)
                  s[j] += v * v
                  if averaged, let ub = up.baseAddress { ub[j] += a }
                }
                j &+= 1
              }
              i &+= group
            }
            start &+= width
          }
        }
      }
    }
  }
  var total = 0.0
  for value in scores { total += value }
  return (scores, sums, total.isFinite)
}
