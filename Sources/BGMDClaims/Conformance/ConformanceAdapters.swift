import BGMD
import ClaimCheck
import Foundation
import Randomness

/// The in-package adapters: our own rule (`correct`) and deliberately faulty
/// variants of it, each a known way to get a robust aggregator wrong. They
/// are the negative controls of the conformance claims (in process) and,
/// through `bgmd conformance-adapter --fault F {input} {output}`, the
/// external programs of the tests.
public enum ConformanceFault: String, Sendable, CaseIterable, Codable {
  /// Our rule, unchanged.
  case correct
  /// Geometric median: three Weiszfeld iterations from the mean with
  /// distances floored at 1e-5 (a smoothed solver stopped early).
  case threeSmoothedIterations = "three-smoothed-iterations"
  /// Coordinate median: the lower of the two middle values for even n.
  case lowerMiddleMedian = "lower-middle-median"
  /// Trimmed mean: trims ⌈βn⌉ per side instead of ⌊βn⌋.
  case trimCeiling = "trim-ceiling"
  /// Krum: the mean of the two best-scored rows (Multi-Krum, q = 2).
  case multiKrumTwo = "multi-krum-2"
  /// The rule on all rows but the last (order dependent).
  case dropLastRow = "drop-last-row"
  /// Our output halved (not translation equivariant).
  case shrinkHalf = "shrink-half"
  /// Our output plus 1 in every coordinate (not scale equivariant).
  case offsetOne = "offset-one"
  /// The coordinate-wise median in place of the rule (not rotation equivariant; robust).
  case coordinateMedian = "coordinate-median"
  /// The mean in place of the rule (breaks at one bad row).
  case mean
  /// No exclusion of non-finite rows: any NaN or ±∞ entry gives NaN.
  case noScreening = "no-screening"
  /// Subnormal output entries flushed to zero (FTZ arithmetic).
  case flushSubnormals = "flush-subnormals"
  /// A crash (exit status 3 / a thrown error).
  case crash
  /// A hang (sleeps; only through `conformance-adapter`).
  case hang
  /// d + 1 output entries.
  case wrongShape = "wrong-shape"
  /// NaN output.
  case nonFiniteOutput = "non-finite-output"

  /// The adapter's output on `matrix` for `rule`, in the matrix's precision.
  /// - Throws: our rule's errors; `ConformanceError` for `crash`.
  public func apply(_ rule: ConformanceRule, _ matrix: ConformanceMatrix) throws -> [Double] {
    let p = matrix.precision
    switch self {
    case .correct, .hang: return try matrix.ours(rule).vector
    case .threeSmoothedIterations:
      let rows = matrix.rows
      let d = matrix.d
      var z = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
      for _ in 0..<3 {
        var num = [Double](repeating: 0, count: d)
        var den = 0.0
        for x in rows {
          var s = 0.0
          for j in 0..<d { s += (x[j] - z[j]) * (x[j] - z[j]) }
          let w = 1 / Swift.max(s.squareRoot(), 1e-5)
          den += w
          for j in 0..<d { num[j] += w * x[j] }
        }
        z = num.map { $0 / den }
      }
      return z.map(p.round)
    case .lowerMiddleMedian:
      let d = matrix.d
      return (0..<d).map { j in
        let column = matrix.rows.map { $0[j] }.filter(\.isFinite).sorted()
        return column.isEmpty ? .nan : column[(column.count - 1) / 2]
      }
    case .trimCeiling:
      let d = matrix.d
      return (0..<d).map { j in
        let column = matrix.rows.map { $0[j] }.sorted()
        let n = column.count
        var t = Int((rule.trim * Double(n)).rounded(.up))
        if 2 * t >= n { t = (n - 1) / 2 }
        let kept = column[t..<(n - t)]
        return p.round(kept.reduce(0, +) / Double(kept.count))
      }
    case .multiKrumTwo:
      func run<T: Scalar & BinaryFloatingPoint>(_: T.Type) throws -> [Double] {
        let m = try Matrix(matrix.rows.map { $0.map { T($0) } })
        let k = try Krum<T>(byzantine: rule.byzantine, selectionCount: Swift.min(2, matrix.b))
        var rng = Xoshiro256(seed: 1)
        return try k.aggregate(m, using: &rng).vector.map { Double($0) }
      }
      return p == .float32 ? try run(Float.self) : try run(Double.self)
    case .dropLastRow:
      guard matrix.b > 1 else { return try matrix.ours(rule).vector }
      var shorter = matrix
      shorter.rows.removeLast()
      if rule.name == "krum" && shorter.b < rule.byzantine + 3 { return try matrix.ours(rule).vector }
      return try shorter.ours(rule).vector
    case .shrinkHalf: return try matrix.ours(rule).vector.map { p.round($0 / 2) }
    case .offsetOne: return try matrix.ours(rule).vector.map { p.round($0 + 1) }
    case .coordinateMedian:
      var r = rule
      r.name = "coordinate-median"
      return try matrix.ours(r).vector
    case .mean:
      var r = rule
      r.name = "mean"
      return try matrix.ours(r).vector
    case .noScreening:
      if matrix.rows.contains(where: { $0.contains { !$0.isFinite } }) {
        return [Double](repeating: .nan, count: matrix.d)
      }
      return try matrix.ours(rule).vector
    case .flushSubnormals:
      let smallest = p == .float32 ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
      return try matrix.ours(rule).vector.map { abs($0) < smallest ? 0 : $0 }
    case .crash: throw ConformanceError.badCommand("adapter crash (planted fault)")
    case .wrongShape: return try matrix.ours(rule).vector + [0]
    case .nonFiniteOutput: return [Double](repeating: .nan, count: matrix.d)
    }
  }

  /// An in-process target running this adapter (a thrown error is a crash).
  public func target(_ rule: ConformanceRule) -> ConformanceTarget {
    ConformanceTarget(name: "adapter \(rawValue)") { matrix in
      let t0 = Date()
      do {
        let v = try self.apply(rule, matrix)
        let s = Date().timeIntervalSince(t0)
        guard v.count == matrix.d else { return .failure("wrong shape: output 1×\(v.count), expected \(matrix.d) entries", seconds: s) }
        return .output(v, seconds: s)
      } catch {
        return .failure("crash: \(error)", seconds: Date().timeIntervalSince(t0))
      }
    }
  }
}

