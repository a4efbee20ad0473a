import Foundation
import Randomness
import Testing

@testable import BGMD
import TestSupport

/// The geometric medians of fixtures/golden/geometric-median.json, computed
/// by an independent implementation (Weiszfeld in 60-digit arithmetic,
/// fixtures/golden/make_geometric_median.py).
struct GoldenGeometricMedianCase: Decodable {
  var name: String
  var rows: [[Double]]
  var median: [String]
  var objective: String
}

struct GoldenGeometricMedianFile: Decodable {
  var schema: String
  var command: String
  var cases: [GoldenGeometricMedianCase]
}

func loadGoldenGeometricMedians() throws -> GoldenGeometricMedianFile {
  let url = packageRoot.appendingPathComponent("fixtures/golden/geometric-median.json")
  return try JSONDecoder().decode(GoldenGeometricMedianFile.self, from: Data(contentsOf: url))
}

@Suite struct GoldenGeometricMedianTests {
  @Test func certificateBracketsTheIndependentOptimum() throws {
    let file = try loadGoldenGeometricMedians()
    #expect(file.schema == "bgmd-golden/1")
    #expect(file.cases.count >= 8)
    for epsilon in [1e-4, 1e-8] {
      for golden in file.cases {
        let rows = try Matrix(golden.rows)
        let optimum = try #require(Double(golden.objective))
        let truth = golden.median.compactMap(Double.init)
        var rng = Xoshiro256(seed: 0)
        let result = try GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: epsilon, maxIterations: 100_000))
          .aggregate(rows, using: &rng)
        let certificate = try #require(result.certificate)
        // The objective is evaluated in Double: allow its rounding, a few
        // ulps per term (b terms of d squares), relative 1e-13.
        let rounding = 1e-13 * optimum
        #expect(certificate.lowerBound <= optimum + rounding, "\(golden.name): lower bound above the optimum")
        #expect(certificate.objective >= optimum - rounding, "\(golden.name): objective below the optimum")
        #expect(certificate.objective <= optimum * (1 + epsilon) + rounding,
                "\(golden.name): not ε-accurate: \(certificate.objective) vs \(optimum)")
        #expect(certificate.converged)
        // The point itself: within the accuracy that ε allows, loosely
        // (distance ≤ √ε times the data's scale; the objective grows at
        // least quadratically near a non-degenerate optimum).
        let scale = golden.rows.flatMap { $0 }.map(abs).max() ?? 1
        let distance = zip(result.vector, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        #expect(distance <= epsilon.squareRoot() * scale * 10, "\(golden.name): ‖z − z*‖ = \(distance)")
      }
    }
  }
}
