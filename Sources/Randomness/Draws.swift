#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Draws built from raw 64-bit words by our own code, so that a seed gives
/// the same values on every toolchain. Every project API that draws uses
/// these, never the standard library's `random(in:)` or `shuffled()`.
extension RandomNumberGenerator {
  /// A uniform integer in 0..<bound (Lemire's nearly divisionless method:
  /// unbiased).
  /// - Precondition: `bound > 0`.
  @inlinable public mutating func uniformInt(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "uniformInt(below:): the bound must be positive")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// A uniform integer in 0..<bound.
  /// - Precondition: `bound > 0`.
  @inlinable public mutating func uniformInt(below bound: Int) -> Int {
    precondition(bound > 0, "uniformInt(below:): the bound must be positive")
    return Int(uniformInt(below: UInt64(bound)))
  }

  /// A uniform integer in the closed range.
  @inlinable public mutating func uniformInt(in range: ClosedRange<Int>) -> Int {
    let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
    if width == 0 { return Int(bitPattern: UInt(next())) }  // the full 64-bit range
    return range.lowerBound &+ Int(bitPattern: UInt(uniformInt(below: width)))
  }

  /// Fills `words` with the next `words.count` raw 64-bit words, in order:
  /// the same words, and the same generator state afterwards, as that many
  /// calls of `next()`. Lets a caller draw a batch before vectorised work on
  /// it. Always inlined, so that a caller's local generator is not passed by
  /// address and its state can stay in registers.
  /// - Complexity: O(words.count).
  @inlinable @inline(__always)
  public mutating func fill(words: UnsafeMutableBufferPointer<UInt64>) {
    for i in words.indices { words[i] = next() }
  }

  /// A uniform double in [0, 1): the top 53 bits of one word, times 2^−53.
  @inlinable public mutating func uniformDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in (0, 1]: never 0, so its logarithm is finite.
  @inlinable public mutating func uniformPositiveDouble() -> Double {
    Double((next() >> 11) + 1) * 0x1.0p-53
  }

  /// A Bernoulli(p) draw.
  @inlinable public mutating func bernoulli(_ p: Double) -> Bool {
    uniformDouble() < p
  }

  /// A standard normal draw (Box–Muller on two uniform words; one value per
  /// call, so the number of words used per draw is fixed at two).
  @inlinable public mutating func standardNormal() -> Double {
    let u1 = uniformPositiveDouble()
    let u2 = uniformDouble()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// A normal draw with the given mean and standard deviation.
  @inlinable public mutating func normal(mean: Double = 0, standardDeviation: Double) -> Double {
    mean + standardDeviation * standardNormal()
  }

  /// A standard exponential draw (−log U, U ∈ (0, 1]).
  @inlinable public mutating func standardExponential() -> Double {
    -log(uniformPositiveDouble())
  }

  /// Shuffles `array` in place (Fisher–Yates with `uniformInt(below:)`).
  @inlinable public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = uniformInt(below: i + 1)
      if i != j { array.swapAt(i, j) }
    }
  }

  /// A uniformly random k-subset of 0..<n, in increasing order (Floyd's
  /// algorithm: O(k) draws).
  /// - Precondition: 0 ≤ k ≤ n.
  public mutating func uniformSubset(of n: Int, size k: Int) -> [Int] {
    precondition(k >= 0 && k <= n, "uniformSubset: size \(k) is outside 0…\(n)")
    var chosen = Set<Int>(minimumCapacity: k)
    for j in (n - k)..<n {
      let t = uniformInt(below: j + 1)
      if !chosen.insert(t).inserted { chosen.insert(j) }
    }
    return chosen.sorted()
  }
}
