import Foundation
import Randomness
import Testing
@testable import BGMD

/// The vectorised keys and the bracketed selection of the `successive` and
/// `norm-proportional` readings against the scalar definition they replace.
@Suite struct ExponentialKeysTests {
  /// −log of each value through `_negativeLog`, eight lanes at a time.
  func negativeLogs(_ values: [Double]) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(values.count)
    var j = 0
    while j < values.count {
      var lanes = SIMD8<Double>(repeating: 1)
      for l in 0..<min(8, values.count - j) { lanes[l] = values[j + l] }
      let y = _negativeLog(lanes)
      for l in 0..<min(8, values.count - j) { result.append(y[l]) }
      j += 8
    }
    return result
  }

  /// Arguments of the logarithm: the grid u = m·2⁻⁵³ at both ends of (0, 1],
  /// random u ∈ (0, 1] as drawn, random u with 0…63 extra leading zero bits
  /// (tiny u), subnormals, and a few values above 1.
  func logarithmArguments() -> [Double] {
    var values: [Double] = [1, 0x1p-53, 0.5, 0.5.nextDown, 1.0.nextDown, 0x1p-1022, 0x1p-1074,
                            Double.leastNormalMagnitude.nextDown, 2.0.squareRoot() / 2, 2, 3, 1e300]
    for m in 1...20_000 {
      values.append(Double(m) * 0x1p-53)
      values.append(1 - Double(m) * 0x1p-53)
    }
    var rng = Xoshiro256(seed: 17)
    for _ in 0..<100_000 {
      values.append(rng.uniformPositiveDouble())
      let shift = rng.next() % 64
      values.append(Double(((rng.next() >> 11) >> shift) + 1) * 0x1p-53)
      values.append(Double(bitPattern: rng.next() % 0x0010_0000_0000_0000 + 1))  // subnormal
    }
    return values
  }

  /// Within 1 ulp of the C library's log (Foundation's `log`) everywhere on
  /// (0, 1], and exactly +0 at 1.
  @Test func negativeLogMatchesTheLibraryLogarithm() {
    let values = logarithmArguments()
    let ours = negativeLogs(values)
    var worst = 0.0
    for (x, y) in zip(values, ours) {
      let reference = -log(x)
      let error = reference == 0 ? abs(y) : abs(y - reference) / reference.magnitude.ulp
      worst = max(worst, error)
      #expect(error <= 1, "−log(\(x)): \(y) against \(reference)")
    }
    #expect(negativeLogs([1])[0].bitPattern == 0)
    #expect(negativeLogs([0x1p-53])[0] == -log(0x1p-53))
    #expect(worst <= 1)
  }

  /// The keys' entry point for normal arguments is the same function.
  @Test func negativeLogOfNormalArgumentsIsTheSameFunction() {
    for x in logarithmArguments() where x >= 0x1p-1022 {
      let lanes = SIMD8<Double>(repeating: x)
      #expect(_negativeLog(normal: lanes)[0].bitPattern == _negativeLog(lanes)[0].bitPattern, "x = \(x)")
    }
  }

  #if arch(x86_64) && !os(Windows)
  /// Within 1 ulp of the exact value: against the 64-bit-significand
  /// logarithm of Float80 (its own error is ~2⁻¹¹ of a Double ulp).
  @Test func negativeLogIsWithinOneUlpOfAnExtendedPrecisionLogarithm() {
    let values = logarithmArguments()
    let ours = negativeLogs(values)
    var worst = 0.0
    for (x, y) in zip(values, ours) {
      let exact = -Foundation.log(Float80(x))
      let error = exact == 0 ? abs(Double(y)) : Double(abs(Float80(y) - exact) / Float80(Double(exact).magnitude.ulp))
      worst = max(worst, error)
    }
    #expect(worst < 1, "largest error \(worst) ulp")
  }
  #endif

  /// The keys are the scalar keys standardExponential()/w to within 2 ulps
  /// (+∞ for w = 0), from the same words: same generator state afterwards.
  @Test func keysAreTheScalarKeysFromTheSameWords() {
    var source = Xoshiro256(seed: 23)
    for d in [1, 7, 8, 9, 1023, 1024, 1025, 5000] {
      let weights = (0..<d).map { j -> Double in
        switch source.uniformInt(below: 5) {
        case 0: return 0
        case 1: return [1e-300, 1e300, 0x1p-1074, -0.0][j % 4]
        default: return Foundation.exp(3 * source.standardNormal())
        }
      }
      var a = Xoshiro256(seed: UInt64(d)), b = a
      var keys = [UInt64](repeating: 0, count: d)
      weights.withUnsafeBufferPointer { w in
        keys.withUnsafeMutableBufferPointer { _exponentialKeyBits(weights: w, into: $0, using: &a) }
      }
      for j in 0..<d {
        let key = Double(bitPattern: keys[j])
        if weights[j] > 0 {
          let reference = b.standardExponential() / weights[j]
          if reference.isInfinite || reference == 0 {
            #expect(key == reference, "column \(j) of \(d)")
          } else {
            #expect(abs(key - reference) <= 2 * reference.ulp, "column \(j) of \(d): \(key) vs \(reference)")
          }
        } else {
          #expect(key == .infinity)
        }
      }
      #expect(a == b, "d = \(d): the generators part")
    }
  }

  /// The documented reference (`referenceSuccessiveBlock`).
  func referenceBlock(
    _ scores: [Double], k: Int, reading: SelectionReading, using rng: inout Xoshiro256
  ) -> [Int] {
    referenceSuccessiveBlock(scores: scores, k: k, reading: reading, using: &rng)
  }

  /// Scores of one of several shapes: spread over many binades, with zero
  /// columns, with tied values, with huge, tiny and subnormal values.
  func scores(_ d: Int, shape: Int, using rng: inout Xoshiro256) -> [Double] {
    (0..<d).map { _ in
      switch shape {
      case 0: return Foundation.exp(2 * rng.standardNormal())
      case 1: return rng.bernoulli(0.3) ? 0 : rng.standardExponential()
      case 2: return Double(1 + rng.uniformInt(below: 3))
      case 3: return [0, 1e-300, 1e300, 1, 0x1p-1074, 2.5e-308, 1e-150][rng.uniformInt(below: 7)]
      default: return rng.bernoulli(0.9) ? 0 : Foundation.exp(rng.standardNormal())
      }
    }
  }

  @Test func blocksEqualTheReferenceBlocks() throws {
    var source = Xoshiro256(seed: 20_240_611)
    var cases = 0
    for d in [1, 2, 3, 5, 8, 9, 16, 17, 100, 1023, 1025, 4097] {
      for shape in 0..<5 {
        for k in Set([1, 2, d / 3, d / 2, d - 1, d].filter { $0 >= 1 && $0 <= d }).sorted() {
          for reading in [SelectionReading.successive, .normProportional] {
            for _ in 0..<3 {
              let s = scores(d, shape: shape, using: &source)
              let seed = source.next()
              var a = Xoshiro256(seed: seed), b = a
              let block = try selectBlock(scores: s, k: k, reading: reading, using: &a)
              let reference = referenceBlock(s, k: k, reading: reading, using: &b)
              #expect(block == reference, "d = \(d), k = \(k), shape \(shape), \(reading.rawValue), seed \(seed)")
              #expect(a == b)
              cases += 1
            }
          }
        }
      }
    }
    #expect(cases > 1000)
  }

  /// Sizes on the sampled-bracket path (d ≥ 2¹⁷).
  @Test func largeBlocksEqualTheReferenceBlocks() throws {
    var source = Xoshiro256(seed: 7)
    for (d, k, shape) in [(200_003, 20_001, 0), (150_000, 1, 1), (140_001, 140_000, 3), (131_072, 65_536, 4),
                          (160_000, 16_000, 2)] {
      let s = scores(d, shape: shape, using: &source)
      let seed = source.next()
      var a = Xoshiro256(seed: seed), b = a
      let block = try selectBlock(scores: s, k: k, reading: .successive, using: &a)
      let reference = referenceBlock(s, k: k, reading: .successive, using: &b)
      #expect(block == reference, "d = \(d), k = \(k), shape \(shape), seed \(seed)")
      #expect(a == b)
    }
  }

  /// The radix select against a sort, over ranges from one value to all of
  /// UInt64, with many ties and few.
  @Test func radixSelectIsTheSortedValueAtTheRank() {
    var rng = Xoshiro256(seed: 41)
    let ranges: [ClosedRange<UInt64>] = [5...5, 0...3, 1_000...1_000_000, 0x3FF0_0000_0000_0000...0x4010_0000_0000_0000,
                                         0...UInt64.max]
    for range in ranges {
      for count in [1, 2, 31, 33, 1000, 40_000] {
        let width = range.upperBound - range.lowerBound
        let values: [UInt64] = (0..<count).map { _ in
          range.lowerBound &+ (width == .max ? rng.next() : rng.next() % (width + 1))
        }
        let sorted = values.sorted()
        for rank in Set([0, count / 3, count - 1, Int(rng.next() % UInt64(count))]) {
          var scratch = values
          let value = scratch.withUnsafeMutableBufferPointer { _radixSelect($0, rank: rank, range: range) }
          #expect(value == sorted[rank], "range \(range), count \(count), rank \(rank)")
        }
      }
    }
  }

  /// The bracketed selection against the exact one on keys laid out to
  /// defeat a sample: sorted, reversed, periodic, all equal, few values.
  @Test func bracketedSelectionEqualsExactSelection() {
    let d = 1 << 17 + 5
    var rng = Xoshiro256(seed: 31)
    let sorted: [UInt64] = (0..<d).map { UInt64($0) }
    let reversed: [UInt64] = (0..<d).map { UInt64(d - $0) }
    let periodic: [UInt64] = (0..<d).map { j -> UInt64 in j % 977 == 0 ? 0 : UInt64(1_000 + j % 13) }
    let constant = [UInt64](repeating: 42, count: d)
    let fewValues: [UInt64] = (0..<d).map { _ in rng.next() % 4 }
    let random: [UInt64] = (0..<d).map { _ in rng.next() >> 1 }
    let layouts = [sorted, reversed, periodic, constant, fewValues, random]
    for keys in layouts {
      keys.withUnsafeBufferPointer { buffer in
        for k in [1, 2, 977, d / 10, d / 2, d - 1, d] {
          #expect(_indicesOfSmallestKeys(buffer, k) == _indicesOfSmallest(buffer, k), "k = \(k)")
        }
        // A bracket that misses the k-th key is reported, not used.
        #expect(_indicesOfSmallest(buffer, d / 2, bracket: UInt64.max...UInt64.max, candidateCapacity: d) == nil)
      }
    }
  }
}
