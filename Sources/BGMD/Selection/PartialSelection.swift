/// The value that would sit at position `n` (0-based) if `values` were
/// sorted increasingly: introselect (quickselect with median-of-three pivots,
/// falling back to a full sort of the remaining range after 2·log₂(count)
/// partition rounds, so the worst case stays O(count · log count)).
///
/// `values` is reordered in place.
/// - Precondition: `0 <= n < values.count`; no NaN.
/// - Complexity: O(count) expected.
func _nthSmallest(_ values: inout [Double], _ n: Int) -> Double {
  precondition(n >= 0 && n < values.count, "_nthSmallest: position \(n) outside 0..<\(values.count)")
  return values.withUnsafeMutableBufferPointer { a -> Double in
    var lo = 0, hi = a.count - 1
    var budget = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 2
    while hi > lo {
      if budget == 0 {
        a[lo...hi].sort()
        return a[n]
      }
      budget -= 1
      // Median of three as pivot.
      let mid = lo + (hi - lo) / 2
      if a[mid] < a[lo] { a.swapAt(mid, lo) }
      if a[hi] < a[lo] { a.swapAt(hi, lo) }
      if a[hi] < a[mid] { a.swapAt(hi, mid) }
      let pivot = a[mid]
      // Hoare partition.
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
      if n <= j {
        hi = j
      } else if n >= i {
        lo = i
      } else {
        return a[n]
      }
    }
    return a[n]
  }
}

/// The indices of the k smallest `keys`, ties broken toward the lower index,
/// in increasing index order.
/// - Precondition: `0 <= k <= keys.count`; no NaN.
/// - Complexity: O(count) expected: one copy, one introselect, one scan.
func _indicesOfSmallest(_ keys: [Double], _ k: Int) -> [Int] {
  if k == 0 { return [] }
  if k >= keys.count { return Array(keys.indices) }
  var scratch = keys
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
