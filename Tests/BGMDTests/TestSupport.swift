import Testing

/// The largest |a_i − b_i|.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
