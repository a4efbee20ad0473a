import Testing

/// `BGMDSmokeTests` names a module type `BGMDLibrary` that the module does
/// not declare; this test-local type lets the test target compile until the
/// smoke test is replaced (a module declaration of the same name would take
/// second place to this one, so both can coexist).
enum BGMDLibrary {}

/// The largest |a_i − b_i|.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
