/// Reorders `a` so that a[position] holds the value it would hold sorted,
/// with smaller-or-equal values before it and larger-or-equal after it:
/// introselect (quickselect with median-of-three pivots and Hoare
/// partitions; after 2·log₂(count) rounds the remaining range is sorted, so
/// the worst case stays O(count · log count); insertion sort below 16
/// elements).
/// - Precondition: `0 <= position < a.count`; no NaN.
/// - Complexity: O(count) expected.
@inline(__always)
func _selectInPlace<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, _ position: Int) -> T {
  var lo = 0, hi = a.count - 1
  var budget = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 2
  while hi - lo >= 16 {
    if budget == 0 {
      var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
      rest.sort()
      return a[position]
    }
    budget -= 1
    let mid = lo + (hi - lo) / 2
    if a[mid] < a[lo] { a.swapAt(mid, lo) }
    if a[hi] < a[lo] { a.swapAt(hi, lo) }
    if a[hi] < a[mid] { a.swapAt(hi, mid) }
    let pivot = a[mid]
    var i = lo, j = hi
    while i <= j {
      while a[i] < pivot { i += 1 }
      while pivot < a[j] { j -= 1 }
      if i <= j {
        a.swapAt(i, j)
        i += 1
        j -= 1
      }
    }
    if position <= j {
      hi = j
    } else if position >= i {
      lo = i
    } else {
      return a[position]
    }
  }
  // Insertion sort of the small remaining range.
  if hi > lo {
    for s in (lo + 1)...hi {
      let value = a[s]
      var t = s - 1
      while t >= lo && value < a[t] {
        a[t + 1] = a[t]
        t -= 1
      }
      a[t + 1] = value
    }
  }
  return a[position]
}

/// The value that would sit at position `n` (0-based) if `values` were
/// sorted increasingly (`_selectInPlace`); `values` is reordered in place.
/// - Precondition: `0 <= n < values.count`; no NaN.
/// - Complexity: O(count) expected.
func _nthSmallest<T: Comparable>(_ values: inout [T], _ n: Int) -> T {
  precondition(n >= 0 && n < values.count, "_nthSmallest: position \(n) outside 0..<\(values.count)")
  return values.withUnsafeMutableBufferPointer { _selectInPlace($0, n) }
}

/// The indices of the k smallest `keys`, ties broken toward the lower index,
/// in increasing index order.
/// - Precondition: `0 <= k <= keys.count`; no NaN.
/// - Complexity: O(count) expected: one copy, one introselect, one scan.
func _indicesOfSmallest(_ keys: [Double], _ k: Int) -> [Int] {
  keys.withUnsafeBufferPointer { _indicesOfSmallest($0, k) }
}

/// `_indicesOfSmallest(_:_:)` for any comparable keys in a buffer.
/// - Precondition: `0 <= k <= keys.count`; no NaN.
/// - Complexity: O(count) expected: one copy, one introselect, one scan.
func _indicesOfSmallest<T: Comparable>(_ keys: UnsafeBufferPointer<T>, _ k: Int) -> [Int] {
  if k == 0 { return [] }
  if k >= keys.count { return Array(keys.indices) }
  var scratch = Array(keys)
  let threshold = _nthSmallest(&scratch, k - 1)
  var below = 0
  for key in keys where key < threshold { below += 1 }
  var ties = k - below
  var block: [Int] = []
  block.reserveCapacity(k)
  for (j, key) in keys.enumerated() {
    if key < threshold {
      block.append(j)
    } else if key == threshold && ties > 0 {
      block.append(j)
      ties -= 1
    }
  }
  return block
}

/// Below this many keys `_indicesOfSmallestKeys` selects exactly on all of
/// them; from it on, it first brackets the k-th key with a sample.
let _sampledSelectionMinimumCount = 1 << 17

/// The indices of the k smallest `keys`, ties broken toward the lower index,
/// in increasing index order: the same block as `_indicesOfSmallest`, found
/// with less work for large counts.
///
/// From `_sampledSelectionMinimumCount` keys on: a deterministic sample of
/// 2¹⁴ keys (positions j·step mod d, step ≈ 0.618·d coprime to d, a Weyl
/// sequence, so no periodic pattern in the keys lines up with it) gives a
/// bracket [lo, hi] of key values around the k-th smallest key (the sample
/// quantiles at rank k·n/d ∓ (5σ + 2), σ = √(n·p(1 − p)), p = k/d). One pass
/// then lists the indices with key < lo and the candidates lo ≤ key ≤ hi
/// (about 2.5% of d for p = 0.1); when below < k ≤ below + candidates, the
/// block is the keys below lo plus the k − below smallest candidates (their
/// threshold from `_radixSelect`, ties to the lower index), merged in index
/// order.
/// When the bracket misses (the k-th key falls outside it, probability
/// ~1e-6 for keys in random order) the exact selection on all keys runs
/// instead, so the result never depends on the sample.
///
/// - Parameters:
///   - keys: unsigned integer keys; the bit patterns of non-negative doubles
///     (+∞ included) order as the doubles do.
///   - k: the block size.
/// - Precondition: `0 <= k <= keys.count`.
/// - Complexity: O(count) expected: one pass over the keys, O(√count) work
///   on the sample, and the candidates.
func _indicesOfSmallestKeys(_ keys: UnsafeBufferPointer<UInt64>, _ k: Int) -> [Int] {
  if k == 0 { return [] }
  if k >= keys.count { return Array(keys.indices) }
  if keys.count >= _sampledSelectionMinimumCount {
    let bracket = _sampledBracket(keys, k)
    if let block = _indicesOfSmallest(keys, k, bracket: bracket.keys, candidateCapacity: bracket.capacity) {
      return block
    }
  }
  return _indicesOfSmallest(keys, k)
}

/// A range of key values that holds the k-th smallest key unless the sample
/// is far off (see `_indicesOfSmallestKeys`), and a capacity for its
/// candidates: twice the expected count, plus 64.
/// - Complexity: O(n) expected for a sample of n = 2¹⁴ keys.
func _sampledBracket(_ keys: UnsafeBufferPointer<UInt64>, _ k: Int) -> (keys: ClosedRange<UInt64>, capacity: Int) {
  let d = keys.count, n = 1 << 14
  var step = Int(Double(d) * 0.618_033_988_749_894_9)
  while _greatestCommonDivisor(step, d) != 1 { step += 1 }
  var sample = [UInt64](repeating: 0, count: n)
  var position = 0
  for i in 0..<n {
    sample[i] = keys[position]
    position += step
    if position >= d { position -= d }
  }
  let p = Double(k) / Double(d)
  let margin = 5 * (Double(n) * p * (1 - p)).squareRoot() + 2
  let lowRank = Int((p * Double(n) - margin).rounded(.down))
  let highRank = Int((p * Double(n) + margin).rounded(.up))
  var lo = UInt64.min, hi = UInt64.max
  sample.withUnsafeMutableBufferPointer { s in
    var top = n
    if highRank < n {
      hi = _selectInPlace(s, highRank)
      top = highRank
    }
    if lowRank >= 0 { lo = _selectInPlace(UnsafeMutableBufferPointer(rebasing: s[0..<top]), lowRank) }
  }
  let expected = Double(d) * Double(min(highRank, n) - max(lowRank, 0) + 1) / Double(n)
  return (lo...hi, Int(2 * expected) + 64)
}

/// gcd(a, b) by Euclid's algorithm.
/// - Complexity: O(log min(a, b)).
func _greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
  var a = a, b = b
  while b != 0 { (a, b) = (b, a % b) }
  return a
}

/// The value at position `rank` (0-based) of `values` sorted increasingly,
/// all of them in `range`: a radix select on 11-bit digits of value −
/// lower bound, most significant first. Each level counts the digits (2048
/// buckets), finds the bucket that holds the rank, and narrows `values` in
/// place to that bucket; at most 32 values left go to `_selectInPlace`.
/// - Precondition: `0 <= rank < values.count`; every value in `range`.
/// - Complexity: O(count) per level, at most ⌈64/11⌉ = 6 levels; for values
///   spread over their range about two.
func _radixSelect(_ values: UnsafeMutableBufferPointer<UInt64>, rank: Int, range: ClosedRange<UInt64>) -> UInt64 {
  var count = values.count, rank = rank
  var base = range.lowerBound, span = range.upperBound - range.lowerBound
  let histogram = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2048)
  defer { histogram.deallocate() }
  while count > 32 {
    let shift = UInt64(max(0, UInt64.bitWidth - span.leadingZeroBitCount - 11))
    _ = histogram.initialize(repeating: 0)
    for i in 0..<count { histogram[Int((values[i] &- base) >> shift)] += 1 }
    var bucket = 0
    while rank >= histogram[bucket] {
      rank -= histogram[bucket]
      bucket += 1
    }
    let bucketBase = base &+ (UInt64(bucket) << shift)
    if shift == 0 { return bucketBase }
    var kept = 0
    for i in 0..<count where (values[i] &- base) >> shift == UInt64(bucket) {
      values[kept] = values[i]
      kept += 1
    }
    count = kept
    base = bucketBase
    span = (1 << shift) - 1
  }
  return _selectInPlace(UnsafeMutableBufferPointer(rebasing: values[0..<count]), rank)
}

/// The block of `_indicesOfSmallestKeys` when the k-th smallest key lies in
/// `bracket`; nil when it does not (fewer than k keys ≤ bracket's upper
/// bound, or k or more below its lower bound), or when more than
/// `candidateCapacity` keys lie in it.
/// - Complexity: O(count + c) expected, c the keys in the bracket.
func _indicesOfSmallest(
  _ keys: UnsafeBufferPointer<UInt64>, _ k: Int, bracket: ClosedRange<UInt64>, candidateCapacity: Int
) -> [Int]? {
  let d = keys.count, lo = bracket.lowerBound, width = bracket.upperBound - bracket.lowerBound
  // A bracket that holds the k-th key has at most k − 1 keys below lo. The
  // branch-free loop stores at below[belowCount] before it knows whether
  // to count it, and runs only while a whole block fits under k − 1.
  let below = UnsafeMutableBufferPointer<Int>.allocate(capacity: k)
  defer { below.deallocate() }
  let candidates = UnsafeMutableBufferPointer<Int>.allocate(capacity: candidateCapacity)
  defer { candidates.deallocate() }
  let candidateKeys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: candidateCapacity)
  defer { candidateKeys.deallocate() }
  var belowCount = 0, candidateCount = 0
  let block = 64
  var j = 0
  while j < d {
    let end = min(j + block, d)
    if belowCount + block < k && candidateCount + block <= candidateCapacity {
      // Room for a whole block: the common case, without bounds tests.
      while j < end {
        let key = keys[j]
        below[belowCount] = j
        belowCount &+= key < lo ? 1 : 0
        if key &- lo <= width {
          candidates[candidateCount] = j
          candidateKeys[candidateCount] = key
          candidateCount &+= 1
        }
        j &+= 1
      }
    } else {
      while j < end {
        let key = keys[j]
        if key < lo {
          if belowCount == k - 1 { return nil }
          below[belowCount] = j
          belowCount += 1
        } else if key &- lo <= width {
          if candidateCount == candidateCapacity { return nil }
          candidates[candidateCount] = j
          candidateKeys[candidateCount] = key
          candidateCount += 1
        }
        j += 1
      }
    }
  }
  let needed = k - belowCount
  if candidateCount < needed { return nil }
  // The needed-th smallest candidate key, and how many of the candidates
  // equal to it are taken (the first ones, in index order).
  let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: candidateCount)
  defer { scratch.deallocate() }
  _ = scratch.initialize(from: candidateKeys[0..<candidateCount])
  let threshold = _radixSelect(scratch, rank: needed - 1, range: bracket)
  var less = 0
  for c in 0..<candidateCount where candidateKeys[c] < threshold { less += 1 }
  var ties = needed - less
  return [Int](unsafeUninitializedCapacity: k) { out, count in
    var a = 0, o = 0
    for c in 0..<candidateCount {
      let key = candidateKeys[c]
      guard key < threshold || (key == threshold && ties > 0) else { continue }
      if key == threshold { ties -= 1 }
      let index = candidates[c]
      while a < belowCount && below[a] < index {
        out[o] = below[a]
        o += 1
        a += 1
      }
      out[o] = index
      o += 1
    }
    while a < belowCount {
      out[o] = below[a]
      o += 1
      a += 1
    }
    count = o
  }
}
