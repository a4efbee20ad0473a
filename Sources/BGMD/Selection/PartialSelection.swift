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
func _nthSmallest(_ values: inout [Double], _ n: Int) -> Double {
  precondition(n >= 0 && n < values.count, "_nthSmallest: position \(n) outside 0..<\(values.count)")
  return values.withUnsafeMutableBufferPointer { _selectInPlace($0, n) }
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
