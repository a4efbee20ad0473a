import Foundation
import Randomness
import Testing
@testable import BGMD
import TestSupport

/// The written-out 32-row network is the one `_medianNetwork` computes.
@Suite struct MedianNetworkTests {
  static var file: URL {
    packageRoot.appendingPathComponent("Sources/BGMD/Aggregation/Kernels/MedianNetwork32.swift")
  }

  @Test func generatedFileHasTheComparatorsOfTheNetwork() throws {
    let text = try String(contentsOf: Self.file, encoding: .utf8)
    var comparators: [(Int, Int)] = []
    for line in text.split(separator: "\n") where line.contains("= V.compareExchange(") {
      // "  (v3, v17) = V.compareExchange(v3, v17)"
      let numbers = line.split(separator: "=")[0].split { !$0.isNumber }.compactMap { Int($0) }
      try #require(numbers.count == 2, "line: \(line)")
      comparators.append((numbers[0], numbers[1]))
    }
    let network = _medianNetwork(32, wanted: [15, 16])
    #expect(comparators.count == network.count)
    #expect(comparators.map { [$0.0, $0.1] } == network.map { [$0.0, $0.1] })
    #expect(text.contains("\(network.count) comparators"))
  }

  @Test func networkSortsTheMiddlePositions() {
    var rng = Xoshiro256(seed: 5)
    let network = _medianNetwork(32, wanted: [15, 16])
    for _ in 0..<200 {
      var v = (0..<32).map { _ in Double(rng.next() % 7) }
      let sorted = v.sorted()
      for (a, b) in network where v[a] > v[b] { v.swapAt(a, b) }
      #expect(v[15] == sorted[15] && v[16] == sorted[16])
    }
  }
}
