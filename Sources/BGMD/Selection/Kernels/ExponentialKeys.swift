import Randomness

// Efraimidis–Spirakis keys for the `successive` and `norm-proportional`
// readings, eight columns at a time. Column j with w_j > 0 takes the next
// raw word of the generator (in increasing j), u_j = ((word >> 11) + 1)·2⁻⁵³
// ∈ (0, 1] as `uniformPositiveDouble()`, and key_j = −log(u_j) / w_j: the
// same u_j and the same division as `standardExponential() / w_j`, with the
// logarithm of `_negativeLog(normal:)` (within one ulp of the C library's)
// in place of the scalar `log`. Columns with w_j = 0 take no word and key +∞.

/// The split of −log x (fdlibm's `__ieee754_log`, Sun Microsystems 1993):
/// ln 2 in two parts, ln2Hi with trailing zero bits so that k·ln2Hi is exact
/// for |k| < 2¹¹.
private let ln2Hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)
private let ln2Lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)
/// fdlibm's minimax coefficients: log(1+f) = 2s + s·R(s²), s = f/(2+f),
/// R(z) ≈ Lg1·z + … + Lg7·z⁷ on |s| ≤ 0.1716 with |error| < 2^−58.45.
private let lg1 = Double(bitPattern: 0x3FE5_5555_5555_5593)
private let lg2 = Double(bitPattern: 0x3FD9_9999_9997_FA04)
private let lg3 = Double(bitPattern: 0x3FD2_4924_9422_9359)
private let lg4 = Double(bitPattern: 0x3FCC_71C5_1D8E_78AF)
private let lg5 = Double(bitPattern: 0x3FC7_4664_96CB_03DE)
private let lg6 = Double(bitPattern: 0x3FC3_9A09_D078_C69F)
private let lg7 = Double(bitPattern: 0x3FC2_F112_DF3E_5244)

/// −log x for eight positive finite doubles (subnormals included).
///
/// Subnormal lanes are scaled by 2⁵⁴ (exactly) and 54 is taken off their
/// exponent; then `_negativeLog(normal:exponentOffset:)`.
///
/// Accuracy: within 1 ulp of the exact value (fdlibm's bound);
/// `ExponentialKeysTests` checks < 1 ulp against an extended-precision
/// logarithm and ≤ 1 ulp from the C library's `log` on (0, 1].
///
/// - Precondition: every lane positive and finite (other lanes give
///   meaningless values, no trap).
/// - Complexity: O(1).
@inline(__always)
func _negativeLog(_ x: SIMD8<Double>) -> SIMD8<Double> {
  let subnormal = x .< 0x1p-1022
  return _negativeLog(
    normal: x.replacing(with: x * 0x1p54, where: subnormal),
    exponentOffset: SIMD8<Double>.zero.replacing(with: 54, where: subnormal))
}

/// −log(x·2^−offset) for eight positive normal doubles x (x ≥ 2⁻¹⁰²²);
/// offset 0 gives −log x. The keys call it directly: their u ≥ 2⁻⁵³ is
/// never subnormal.
///
/// fdlibm's reduction and polynomial, lane-wise and branch-free: x = 2^k·z
/// with z ∈ [√2/2, √2) (integer operations on the bit pattern), f = z − 1
/// (exact), s = f/(2+f), and
/// log x = k·ln2Hi − ((½f² − (s·(½f² + R(s²)) + k·ln2Lo)) − f).
/// Near x = 1 (k = 0) the result is log(1+f) computed from the exact f, so
/// it is accurate relative to the result itself, not only to 1 (a log1p-style
/// reduction); x = 1 gives +0. The operations are fixed: no fused
/// multiply-add, so every CPU gives the same bits.
///
/// Accuracy: as `_negativeLog(_:)`.
///
/// - Precondition: every lane normal, positive and finite; offsets integers
///   (other lanes give meaningless values, no trap).
/// - Complexity: O(1): about 35 vector operations, one of them a division.
@inline(__always)
func _negativeLog(normal x: SIMD8<Double>, exponentOffset: SIMD8<Double> = .zero) -> SIMD8<Double> {
  let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
  // tmp = bits − bits(√2/2): its exponent field is k, and bits − (k << 52)
  // lies in [√2/2, √2).
  let offset = bits &- 0x3FE6_A09E_667F_3BCD
  let k = SIMD8<Double>(unsafeBitCast(offset, to: SIMD8<Int64>.self) &>> 52) - exponentOffset
  let z = unsafeBitCast(bits &- (offset & 0xFFF0_0000_0000_0000), to: SIMD8<Double>.self)
  let f = z - 1
  let s = f / (2 + f)
  let s2 = s * s
  let s4 = s2 * s2
  let even = s4 * (lg2 + s4 * (lg4 + s4 * lg6))
  let odd = s2 * (lg1 + s4 * (lg3 + s4 * (lg5 + s4 * lg7)))
  let r = odd + even
  let halfSquare = 0.5 * f * f
  return ((halfSquare - (s * (halfSquare + r) + k * ln2Lo)) - f) - k * ln2Hi
}

/// The keys of eight columns from their raw words and weights, as bit
/// patterns: −log(u)/w with u = ((word >> 11) + 1)·2⁻⁵³, +∞ where w ≤ 0
/// (there the word is ignored). Keys are ≥ 0 (the sign bit is cleared, so
/// −log 1 = 0 is +0), and non-negative doubles order as their bit patterns
/// do as unsigned integers.
@inline(__always)
func _keyBits(words: SIMD8<UInt64>, weights: SIMD8<Double>) -> SIMD8<UInt64> {
  let m = SIMD8<Int64>(truncatingIfNeeded: (words &>> 11) &+ 1)
  let u = SIMD8<Double>(m) * 0x1p-53
  var key = _negativeLog(normal: u) / weights
  key.replace(with: .infinity, where: .!(weights .> 0))
  return unsafeBitCast(key, to: SIMD8<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF
}

/// Writes the key bit patterns of all columns (see `_keyBits`) into `keys`,
/// drawing one raw word per column with w_j > 0, in increasing j: the same
/// words, and the same generator state afterwards, as the scalar loop
/// `for j where w_j > 0 { key_j = rng.standardExponential() / w_j }`.
///
/// Columns go in chunks of 1024. A chunk whose weights are all positive
/// draws its words 64 columns ahead of their use, so that the generator's
/// integer work overlaps the vector arithmetic; a chunk with zero weights
/// draws its words first and hands them out lane by lane.
///
/// - Precondition: `keys.count == weights.count`; weights finite, ≥ 0
///   (or −0).
/// - Complexity: O(d) time, O(1) extra space (a 1024-word buffer).
func _exponentialKeyBits<R: RandomNumberGenerator>(
  weights: UnsafeBufferPointer<Double>, into keys: UnsafeMutableBufferPointer<UInt64>,
  using rng: inout R
) {
  precondition(keys.count == weights.count, "_exponentialKeyBits: \(keys.count) keys for \(weights.count) weights")
  let d = weights.count
  let chunk = 1024, lookahead = 64
  let words = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: chunk)
  defer { words.deallocate() }
  let weightBytes = UnsafeRawBufferPointer(weights)
  let wordBytes = UnsafeRawBufferPointer(words)
  let keyBytes = UnsafeMutableRawBufferPointer(keys)
  // A local copy keeps the generator's state in registers in the loop.
  var generator = rng
  defer { rng = generator }
  var start = 0
  while start < d {
    let end = min(start + chunk, d)
    let positives = _positiveCount(weights, start..<end).positives
    var j = start
    if positives == end - start {
      generator.fill(words: UnsafeMutableBufferPointer(rebasing: words[0..<min(lookahead, positives)]))
      while j + 8 <= end {
        let ahead = j - start + lookahead
        if ahead + 8 <= positives {
          for q in ahead..<(ahead + 8) { words[q] = generator.next() }
        } else if ahead < positives {
          generator.fill(words: UnsafeMutableBufferPointer(rebasing: words[ahead..<positives]))
        }
        let key = _keyBits(
          words: wordBytes.loadUnaligned(fromByteOffset: (j - start) * 8, as: SIMD8<UInt64>.self),
          weights: weightBytes.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self))
        keyBytes.storeBytes(of: key, toByteOffset: j * 8, as: SIMD8<UInt64>.self)
        j += 8
      }
      if j < end {
        var lanes = SIMD8<UInt64>.zero, laneWeights = SIMD8<Double>.zero
        for l in 0..<(end - j) {
          lanes[l] = words[j - start + l]
          laneWeights[l] = weights[j + l]
        }
        let key = _keyBits(words: lanes, weights: laneWeights)
        for l in 0..<(end - j) { keys[j + l] = key[l] }
      }
    } else {
      generator.fill(words: UnsafeMutableBufferPointer(rebasing: words[0..<positives]))
      var next = 0
      while j < end {
        let count = min(8, end - j)
        var lanes = SIMD8<UInt64>.zero, laneWeights = SIMD8<Double>.zero
        for l in 0..<count where weights[j + l] > 0 {
          laneWeights[l] = weights[j + l]
          lanes[l] = words[next]
          next += 1
        }
        let key = _keyBits(words: lanes, weights: laneWeights)
        for l in 0..<count { keys[j + l] = key[l] }
        j += count
      }
    }
    start = end
  }
}

/// The number of `values[range]` that are > 0, and whether all of them are
/// finite and ≥ 0 (−0 included; NaN is neither), eight at a time.
/// - Complexity: O(range.count).
@inline(__always)
func _positiveCount(_ values: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> (positives: Int, valid: Bool) {
  let bytes = UnsafeRawBufferPointer(values)
  var lanes = SIMD8<Int64>.zero
  var invalid = SIMDMask<SIMD8<Int64>>(repeating: false)
  var j = range.lowerBound
  while j + 8 <= range.upperBound {
    let v = bytes.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
    // NaN fails both comparisons.
    invalid .|= .!((v .>= 0) .& (v .< .infinity))
    lanes &+= SIMD8<Int64>.zero.replacing(with: 1, where: v .> 0)
    j += 8
  }
  var positives = Int(lanes.wrappedSum()), valid = !any(invalid)
  while j < range.upperBound {
    let v = values[j]
    if !(v.isFinite && v >= 0) { valid = false }
    if v > 0 { positives += 1 }
    j += 1
  }
  return (positives, valid)
}
