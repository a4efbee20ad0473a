import ExactArithmetic
import Foundation
import Randomness
import Testing
@testable import BGMD

/// The hostile-input table, library side: one test per class of bad input
/// (shapes that overflow, zero dimensions, subnormal and near-overflow
/// magnitudes in every rule, non-finite rows, the certificate's last bits).
/// Each asserts a located error where no answer exists and a finite,
/// correct answer where one does. The command-line side (exit codes,
/// messages, text and JSON modes, unwritable outputs) is in
/// BGMDClaimsTests/HostileCommandLineTests.swift.
@Suite struct HostileInputTests {
  /// A version 1.0 .npy file with dtype <f8 and the given shape text.
  static func npy(shape: String, payload: Int) -> [UInt8] {
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let h = Array(header.utf8)
    return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
      + [UInt8](repeating: 0, count: payload)
  }

  static func readError(_ body: () throws -> Any) -> MatrixFileError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? MatrixFileError
    }
  }

  /// Every rule of `bgmd aggregate`, in Double.
  static func rules() throws -> [any AggregationRule<Double>] {
    [Mean<Double>(), try TrimmedMean<Double>(beta: 0.25), CoordinateMedian<Double>(), try Krum<Double>(byzantine: 0),
     GeometricMedian<Double>(), BlockGeometricMedian<Double>(blockSize: .count(2), reading: .topK)]
  }

  static func floatRules() throws -> [any AggregationRule<Float>] {
    [Mean<Float>(), try TrimmedMean<Float>(beta: 0.25), CoordinateMedian<Float>(), try Krum<Float>(byzantine: 0),
     GeometricMedian<Float>(), BlockGeometricMedian<Float>(blockSize: .count(2), reading: .topK)]
  }

  @Test func overflowingShapesAreLocatedErrorsNotTraps() throws {
    let cases: [(String, Int, String)] = [
      ("(1000000000000, 1000000000000)", 64, "more entries"),
      ("(2305843009213693953, 1)", 64, "bytes"),
      ("(4611686018427387904, 4)", 0, "more entries"),
      ("(4294967297, 4294967297)", 8, "more entries"),
      ("(99999999999999999999999, 1)", 8, "expected (b, d)"),
      ("(2, 3)", 8, "needs 48"),
    ]
    for (shape, payload, words) in cases {
      let e = Self.readError { try NPYFormat.read(Self.npy(shape: shape, payload: payload), file: "o.npy") }
      #expect(e?.file == "o.npy", "\(shape)")
      #expect(e?.location == "header field 'shape'" || e?.location == "data", "\(shape)")
      #expect(e?.problem.contains(words) == true, "\(shape): \(e?.description ?? "no error")")
    }
  }

  @Test func zeroDimensionsAreRejectedByEveryReader() throws {
    let npyError = Self.readError { try NPYFormat.read(Self.npy(shape: "(4, 0)", payload: 0), file: "z.npy") }
    #expect(npyError?.location == "header field 'shape'" && npyError?.problem.contains("d ≥ 1") == true)
    let vectorError = Self.readError { try NPYFormat.read(Self.npy(shape: "(0,)", payload: 0), file: "v.npy") }
    #expect(vectorError?.problem.contains("d ≥ 1") == true)
    for text in ["[[],[]]", "[[]]"] {
      let e = Self.readError { try JSONMatrixFormat.read(Data(text.utf8), file: "z.json") }
      #expect(e?.location == "document" && e?.problem.contains("d ≥ 1") == true, "\(text)")
    }
    #expect(Self.readError { try CSVFormat.read("\n", file: "z.csv") } != nil)
  }

  @Test func subnormalRowsGiveTheFiniteCorrectAggregateInEveryRule() throws {
    var rng = Xoshiro256(seed: 1)
    // Two rows at the origin outweigh one at 1e-320: every rule but the
    // mean gives 0 (the mean gives 1e-320/3, rounded to a subnormal).
    let m = try Matrix<Double>([[0, 0], [0, 0], [1e-320, 0]])
    for rule in try Self.rules() {
      let r = try rule.aggregate(m, using: &rng)
      #expect(r.vector.allSatisfy { $0.isFinite }, "\(rule.name)")
      // (The trimmed mean trims ⌊0.25·3⌋ = 0 rows: it is the mean here.)
      let expected: [Double] = rule.name == "mean" || rule.name == "trimmed-mean" ? [1e-320 / 3, 0] : [0, 0]
      #expect(r.vector == expected, "\(rule.name): \(r.vector)")
      if let c = r.certificate { #expect(c.converged && c.epsilon.isFinite, "\(rule.name): \(c)") }
    }
    // A 1 × 1 matrix whose entry is subnormal: every rule returns it.
    let one = try Matrix<Double>([[8.77e-309]])
    let oneRules: [any AggregationRule<Double>] = try Self.rules().filter { $0.name != "krum" && $0.name != "block-gm" }
      + [BlockGeometricMedian<Double>(blockSize: .count(1))]
    for rule in oneRules {
      let r = try rule.aggregate(one, using: &rng)
      #expect(r.vector == [8.77e-309], "\(rule.name)")
      if let c = r.certificate { #expect(c.converged, "\(rule.name)") }
    }
    // All entries subnormal: the GM is a data point here, and every
    // result is the subnormal the rows determine.
    let all = try Matrix<Double>([[1e-320, 2e-320], [3e-320, -1e-321], [2e-320, 1e-320]])
    let expected: [String: [Double]] = [
      "mean": [(1e-320 + 3e-320 + 2e-320) / 3, (2e-320 - 1e-321 + 1e-320) / 3],
      "trimmed-mean": [(1e-320 + 3e-320 + 2e-320) / 3, (2e-320 - 1e-321 + 1e-320) / 3],
      "coordinate-median": [2e-320, 1e-320], "krum": [1e-320, 2e-320], "geometric-median": [2e-320, 1e-320],
    ]
    for rule in try Self.rules() {
      let r = try rule.aggregate(all, using: &rng)
      #expect(r.vector.allSatisfy { $0.isFinite }, "\(rule.name)")
      if let e = expected[rule.name] { #expect(r.vector == e, "\(rule.name): \(r.vector)") }
      if let c = r.certificate {
        #expect(c.converged && c.epsilon <= 1e-6, "\(rule.name): \(c)")
        #expect(c.exponent != 0 || c.objective > 0, "\(rule.name): the bounds are reported in scaled units")
      }
    }
  }

  /// Rows near the top of the Double range: each rule's answer equals
  /// (up to rounding) the answer on the rows scaled down by 2⁶⁰⁰, scaled up.
  @Test func nearOverflowFloat64RowsGiveFiniteAnswersInEveryRule() throws {
    var rng = Xoshiro256(seed: 1)
    let rows: [[Double]] = [[1.5e308, 1.6e308], [1.4e308, -1.7e308], [1.7e308, 1.0e308], [1.6e308, 1.2e308],
                            [-1.1e308, 1.3e308]]
    let big = try Matrix<Double>(rows)
    let small = try Matrix<Double>(rows.map { $0.map { $0 * 0x1p-600 } })
    for rule in try Self.rules() {
      var r1 = Xoshiro256(seed: 3), r2 = Xoshiro256(seed: 3)
      let a = try rule.aggregate(big, using: &r1)
      let b = try rule.aggregate(small, using: &r2)
      #expect(a.vector.allSatisfy { $0.isFinite }, "\(rule.name): \(a.vector)")
      #expect(a.nonFiniteRowsIncluded.isEmpty && a.excludedRows.isEmpty, "\(rule.name)")
      for j in 0..<2 {
        let reference = b.vector[j] * 0x1p600
        #expect(abs(a.vector[j] - reference) <= 1e-9 * 1.7e308, "\(rule.name)[\(j)]: \(a.vector[j]) vs \(reference)")
      }
      if let c = a.certificate {
        #expect(c.converged && c.epsilon <= 1e-6, "\(rule.name): \(c)")
        #expect(c.objective.isFinite && c.lowerBound.isFinite && c.exponent > 0, "\(rule.name): \(c)")
      }
    }
    // An even count: the two middle values' sum overflows, their mean does not.
    let median = try CoordinateMedian<Double>().aggregate(try Matrix<Double>([[1.7e308], [1.6e308]]), using: &rng)
    // (The exact mean of the two Doubles, rounded once: halving is exact.)
    #expect(median.vector == [1.7e308 / 2 + 1.6e308 / 2])
    let floatMedian = try CoordinateMedian<Float>().aggregate(try Matrix<Float>([[3.3e38], [3.1e38]]), using: &rng)
    #expect(floatMedian.vector == [Float(3.2e38)])
    // The GM's start (the coordinate median) on an even count of Float rows.
    let gm = try GeometricMedian<Float>().aggregate(try Matrix<Float>([[3.3e38, 1], [3.1e38, 2], [3.2e38, 3], [3e38, 4]]),
                                                   using: &rng)
    #expect(gm.vector.allSatisfy { $0.isFinite } && gm.certificate?.converged == true, "\(gm.vector)")
  }

  /// Float32 rows near 3e38: the mean, about 4e37, is computed without
  /// overflowing; every rule agrees with the same rule on the rows as Double.
  @Test func nearOverflowFloat32RowsGiveFiniteAnswersInEveryRule() throws {
    let rows: [[Float]] = [[3e38, 3.2e38], [3.1e38, -3e38], [-3e38, 3.3e38], [3.3e38, 3.1e38], [-3.2e38, -3e38]]
    let m = try Matrix<Float>(rows)
    let asDouble = try Matrix<Double>(rows.map { $0.map(Double.init) })
    var rng = Xoshiro256(seed: 1)
    let mean = try Mean<Float>().aggregate(m, using: &rng).vector
    let expectedMean = (0..<2).map { j in Float((0..<5).map { asDouble[$0, j] }.reduce(0, +) / 5) }
    #expect(mean == expectedMean && mean.allSatisfy { $0.isFinite }, "\(mean)")
    for (rule, reference) in zip(try Self.floatRules(), try Self.rules()) {
      var r1 = Xoshiro256(seed: 3), r2 = Xoshiro256(seed: 3)
      let a = try rule.aggregate(m, using: &r1)
      let b = try reference.aggregate(asDouble, using: &r2)
      #expect(a.vector.allSatisfy { $0.isFinite }, "\(rule.name): \(a.vector)")
      for j in 0..<2 {
        #expect(abs(Double(a.vector[j]) - b.vector[j]) <= 1e-5 * 3.3e38, "\(rule.name)[\(j)]")
      }
      if let c = a.certificate { #expect(c.converged && c.objective.isFinite, "\(rule.name): \(c)") }
    }
  }

  /// NaN and ±∞ rows: robust rules exclude and list them, the mean
  /// propagates and lists them; more than the rule tolerates is an error.
  @Test func nonFiniteRowsPerRuleAreExcludedOrPropagatedAndListed() throws {
    var rng = Xoshiro256(seed: 1)
    let m = try Matrix<Double>([[1, 2], [.nan, 0], [3, 4], [5, .infinity], [7, 8], [-.infinity, 1], [2, 2]])
    for rule in try Self.rules() {
      let r = try rule.aggregate(m, using: &rng)
      if rule.name == "mean" {
        #expect(r.nonFiniteRowsIncluded == [1, 3, 5] && r.excludedRows.isEmpty)
        #expect(r.vector.contains { !$0.isFinite })
      } else {
        #expect(r.excludedRows == [1, 3, 5], "\(rule.name)")
        #expect(r.vector.allSatisfy { $0.isFinite }, "\(rule.name)")
      }
    }
    let mostlyBad = try Matrix<Double>([[1, 2], [.nan, 0], [.infinity, 4]])
    for rule in try Self.rules() where rule.name != "mean" {
      #expect(throws: AggregationError.self, "\(rule.name)") { try rule.aggregate(mostlyBad, using: &rng) }
    }
  }

  /// The certificate at its last bits: the reported objective is at least
  /// g at the returned point (proven in ℚ), ε is never 0 unless g is, and
  /// the lower bound is below a proven upper bound on min g — at ε = 1e-10
  /// and at ε = 0, where a floating-point gap would claim 0.
  @Test func certificateHoldsAtTheLastBits() throws {
    var rng = Xoshiro256(seed: 11)
    var cases: [[[Int]]] = [[[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]], [[0, 0], [4, 0], [0, 3], [7, 7], [-2, 5]]]
    for _ in 0..<12 {
      let b = 3 + rng.uniformInt(below: 6), d = 1 + rng.uniformInt(below: 4)
      cases.append((0..<b).map { _ in (0..<d).map { _ in rng.uniformInt(below: 2001) - 1000 } })
    }
    for points in cases {
      for epsilon in [1e-10, 0] {
        let s = try geometricMedian(
          try Matrix(points.map { $0.map(Double.init) }), options: GeometricMedianOptions(epsilon: epsilon))
        let c = s.certificate
        let z = s.point.map { Rational($0) }
        var gLower = Rational.zero
        for x in points {
          gLower += RationalInterval.norm(zip(z, x).map { $0 - Rational($1) }, precision: 90).lo
        }
        #expect(Rational(c.objective) >= gLower, "objective below g(z) for \(points) at ε = \(epsilon)")
        #expect(c.epsilon > 0, "ε = 0 claimed for \(points)")
        #expect(c.lowerBound <= c.objective)
        if epsilon == 0 { #expect(!c.converged) }
      }
    }
  }
}
