import Testing

@testable import Randomness

@Suite struct RandomnessTests {
  @Test func splitMix64ReferenceOutputs() {
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(g.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func xoshiroReferenceOutputsFromState1234() {
    var g = Xoshiro256(seed: 0)
    g.s0 = 1; g.s1 = 2; g.s2 = 3; g.s3 = 4
    #expect(g.next() == 11520)
    #expect(g.next() == 0)
    #expect(g.next() == 1_509_978_240)
    #expect(g.next() == 1_215_971_899_390_074_240)
  }

  @Test func streamsAreReproducibleAndDistinct() {
    var a = Xoshiro256(seed: 42, stream: 3)
    var b = Xoshiro256(seed: 42, stream: 3)
    var c = Xoshiro256(seed: 42, stream: 4)
    let wa = (0..<8).map { _ in a.next() }
    let wb = (0..<8).map { _ in b.next() }
    let wc = (0..<8).map { _ in c.next() }
    #expect(wa == wb)
    #expect(wa != wc)
  }

  @Test func boundedDrawsStayInRangeAndAreNotBiased() {
    var g = Xoshiro256(seed: 1)
    var counts = [Int](repeating: 0, count: 6)
    let n = 60_000
    for _ in 0..<n { counts[g.uniformInt(below: 6)] += 1 }
    // Each count is Binomial(n, 1/6): mean 10000, sd ≈ 91.3. |z| > 6 has
    // probability < 2e-9 per cell (6 cells: < 1.2e-8 in all).
    for c in counts { #expect(abs(Double(c) - 10_000) < 6 * 91.3) }
    for _ in 0..<1000 {
      let x = g.uniformInt(in: -3...3)
      #expect((-3...3).contains(x))
      let u = g.uniformDouble()
      #expect(u >= 0 && u < 1)
      #expect(g.uniformPositiveDouble() > 0)
    }
    // The full 64-bit range takes one raw word as it is.
    var h = g
    let word = h.next()
    #expect(g.uniformInt(in: Int.min...Int.max) == Int(bitPattern: UInt(word)))
  }

  @Test func filledWordsAreTheNextWordsInOrder() {
    for count in [0, 1, 7, 64, 1000] {
      var a = Xoshiro256(seed: 5), b = a
      var words = [UInt64](repeating: 0, count: count)
      words.withUnsafeMutableBufferPointer { a.fill(words: $0) }
      #expect(words == (0..<count).map { _ in b.next() })
      #expect(a == b)
    }
  }

  @Test func normalMomentsWithinStatedBounds() {
    var g = Xoshiro256(seed: 2)
    let n = 100_000
    var sum = 0.0, sumSquares = 0.0
    for _ in 0..<n {
      let z = g.standardNormal()
      sum += z
      sumSquares += z * z
    }
    // Mean: sd 1/√n ≈ 0.00316, bound 6 sd. Second moment: sd √(2/n) ≈ 0.00447, bound 6 sd.
    #expect(abs(sum / Double(n)) < 6 * 0.00317)
    #expect(abs(sumSquares / Double(n) - 1) < 6 * 0.00448)
  }

  @Test func uniformSubsetIsSortedDistinctAndCoversEverySubset() {
    var g = Xoshiro256(seed: 3)
    var seen = Set<[Int]>()
    for _ in 0..<2000 {
      let s = g.uniformSubset(of: 5, size: 2)
      #expect(s.count == 2 && s == s.sorted() && Set(s).count == 2 && s.allSatisfy { (0..<5).contains($0) })
      seen.insert(s)
    }
    #expect(seen.count == 10)
    #expect(g.uniformSubset(of: 4, size: 4) == [0, 1, 2, 3])
    #expect(g.uniformSubset(of: 4, size: 0) == [])
    var array = Array(0..<10)
    g.shuffle(&array)
    #expect(array.sorted() == Array(0..<10))
  }
}
