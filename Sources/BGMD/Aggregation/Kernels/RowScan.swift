/// For each row: whether every entry is finite, and its largest magnitude.
/// One vectorised pass.
/// - Complexity: O(rows · columns).
func _scanRows<E: _StreamedElement>(_ x: UnsafePointer<E>, rows: Int, columns: Int)
  -> (finite: [Bool], largest: [Double])
{
  var scan = _RowScan<E>(rows: rows)
  scan.add(x, rows: rows, stride: columns, start: 0, width: columns)
  return (scan.finite, scan.largest)
}

/// Per row, over the columns seen so far: whether every entry is finite, and
/// the largest magnitude. Columns can be added chunk by chunk.
///
/// The magnitudes are compared as integers: for x ≥ 0 the bit pattern of x
/// is increasing in x, and NaN patterns lie above that of +∞, so the largest
/// pattern of |x| (sign bit cleared) over a row is the pattern of its
/// largest magnitude, and lies above that of the largest finite value
/// exactly when the row has a NaN or ±∞: two integer operations per vector.
/// (E is Float or Double, the two conforming types.)
struct _RowScan<E: _StreamedElement> {
  /// Per row, the largest |x| bit pattern so far.
  private var top: [UInt64]

  init(rows: Int) {
    top = [UInt64](repeating: 0, count: rows)
  }

  private static var largestFinitePattern: UInt64 {
    E.self == Float.self
      ? UInt64(Float.greatestFiniteMagnitude.bitPattern) : Double.greatestFiniteMagnitude.bitPattern
  }

  /// Whether row i's entries seen so far are all finite.
  func isFinite(_ i: Int) -> Bool { top[i] <= Self.largestFinitePattern }

  /// Row i's largest magnitude so far (meaningful when the row is finite).
  func largest(_ i: Int) -> Double {
    E.self == Float.self
      ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: top[i]))) : Double(bitPattern: top[i])
  }

  /// Whether each row's entries seen so far are all finite.
  var finite: [Bool] { top.indices.map { isFinite($0) } }

  /// The largest magnitude of each row so far.
  var largest: [Double] { top.indices.map { largest($0) } }

  /// Merges columns [start, start + width) of the rows (row i starts at
  /// x + i·stride).
  /// - Complexity: O(rows · width), vectorised.
  mutating func add(_ x: UnsafePointer<E>, rows: Int, stride: Int, start: Int, width: Int) {
    for i in 0..<rows {
      let row = UnsafeRawPointer(x + (i &* stride &+ start))
      let pattern: UInt64
      if E.self == Float.self {
        pattern = UInt64(_largestPattern(row.assumingMemoryBound(to: UInt32.self), width))
      } else {
        pattern = _largestPattern(row.assumingMemoryBound(to: UInt64.self), width)
      }
      top[i] = Swift.max(top[i], pattern)
    }
  }
}

/// The largest of pattern & 0x7fff_ffff (|x| of a Float) over `count`
/// patterns. The masked patterns are below 2³¹, so they are compared as
/// signed integers (a vector max in AVX2; unsigned 64-bit ones are not).
/// Concrete types: in a generic function the lane comparisons would not be
/// vectorised.
/// - Complexity: O(count).
@inline(__always)
func _largestPattern(_ row: UnsafePointer<UInt32>, _ count: Int) -> UInt32 {
  let raw = UnsafeRawPointer(row)
  let mask = SIMD8<Int32>(repeating: 0x7fff_ffff)
  var m = SIMD8<Int32>()
  var j = 0
  while j &+ 8 <= count {
    let v = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Int32>.self) & mask
    m = m.replacing(with: v, where: m .< v)
    j &+= 8
  }
  var top: Int32 = 0
  for lane in 0..<8 { top = Swift.max(top, m[lane]) }
  var result = UInt32(top)
  while j < count {
    result = Swift.max(result, row[j] & 0x7fff_ffff)
    j &+= 1
  }
  return result
}

/// The largest of pattern & 0x7fff_ffff_ffff_ffff (|x| of a Double) over
/// `count` patterns (compared as signed integers, as for Float).
/// - Complexity: O(count).
@inline(__always)
func _largestPattern(_ row: UnsafePointer<UInt64>, _ count: Int) -> UInt64 {
  let raw = UnsafeRawPointer(row)
  let mask = SIMD4<Int64>(repeating: 0x7fff_ffff_ffff_ffff)
  var m = SIMD4<Int64>()
  var j = 0
  while j &+ 4 <= count {
    let v = raw.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Int64>.self) & mask
    m = m.replacing(with: v, where: m .< v)
    j &+= 4
  }
  var top: Int64 = 0
  for lane in 0..<4 { top = Swift.max(top, m[lane]) }
  var result = UInt64(top)
  while j < count {
    result = Swift.max(result, row[j] & 0x7fff_ffff_ffff_ffff)
    j &+= 1
  }
  return result
}

/// The power of two 2ᵉ that brings `largest` into [1, 2), for rescaling rows
/// whose squares or sums would overflow or underflow. e is capped at 1023
/// (2¹⁰⁷⁴, which the smallest subnormal would need, is not a Double):
/// every positive Double times the result is then at least 2⁻⁵¹. 1 for 0 and
/// non-finite values. Multiplying by it is exact except where an entry far
/// below `largest` falls into the subnormal range.
/// - Complexity: O(1).
func _powerOfTwoScale(largest: Double) -> Double {
  guard largest > 0, largest.isFinite else { return 1 }
  return Double(sign: .plus, exponent: min(-Int(largest.exponent), 1023), significand: 1)
}
