import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// What one exact self-check phase found: cases examined and the first
/// failing case (the implementation's output and the contract's, in words).
/// A self-check's counterexample is about OUR implementation, not about the
/// paper: it is reported inline (in `worst` and the phase evidence), not
/// stored as a fixture.
struct SelfCheckTally {
  var name: String
  var cases = 0
  var failures = 0
  var firstFailure: String?
  var errors = 0
  var firstError: String?

  init(_ name: String) { self.name = name }

  /// Counts one case; `failure` is nil when the contract held.
  mutating func record(_ failure: String?) {
    cases += 1
    if let failure {
      failures += 1
      if firstFailure == nil { firstFailure = failure }
    }
  }

  /// Counts one case whose evaluation threw or met a non-finite value: an
  /// implementation error, reported `inconclusive`, never a refutation.
  mutating func error(_ description: String) {
    cases += 1
    errors += 1
    if firstError == nil { firstError = description }
  }

  /// The phase: `refuted` on a failure, `inconclusive` on an error, else
  /// `holds` (or `proved` when `exhaustive`, the phase having enumerated its
  /// whole stated domain).
  func phase(exhaustive: Bool = false, extra: [String: JSONValue] = [:]) -> PhaseResult {
    let verdict: Verdict = failures > 0 ? .refuted : (errors > 0 ? .inconclusive : (exhaustive ? .proved : .holds))
    var evidence = extra
    evidence["failures"] = .number(Double(failures))
    evidence["errors"] = .number(Double(errors))
    if let firstFailure { evidence["firstFailure"] = .string(firstFailure) }
    if let firstError { evidence["firstError"] = .string(firstError) }
    let worst = firstFailure.map { WorstCase(ratio: .infinity, case: "\(name): \($0)") }
      ?? firstError.map { WorstCase(ratio: nil, case: "\(name): implementation error: \($0)") }
    return PhaseResult(name: name, verdict: verdict, cases: cases, worst: worst, evidence: .object(evidence))
  }
}

/// Small helpers shared by the self-check claims.
enum SelfCheckSupport {
  /// The matrix of small integers `rows` in ℚ.
  static func rational(_ rows: [[Int]]) throws -> Matrix<Rational> {
    try Matrix(rows: rows.count, columns: rows.first?.count ?? 0, storage: rows.flatMap { $0.map { Rational($0) } })
  }

  /// The matrix of small integers `rows` in `Double` (exact).
  static func double(_ rows: [[Int]]) throws -> Matrix<Double> {
    try Matrix(rows: rows.count, columns: rows.first?.count ?? 0, storage: rows.flatMap { $0.map { Double($0) } })
  }

  /// A b × d matrix of integers in `range`, from `rng`.
  static func integerRows(_ b: Int, _ d: Int, _ range: ClosedRange<Int>, using rng: inout Xoshiro256) -> [[Int]] {
    (0..<b).map { _ in (0..<d).map { _ in rng.uniformInt(in: range) } }
  }

  /// "[[1, 2], [3, 4]]".
  static func show(_ rows: [[Int]]) -> String {
    "[" + rows.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
  }

  static func show<T: CustomStringConvertible>(_ v: [T]) -> String {
    "[" + v.map(\.description).joined(separator: ", ") + "]"
  }
}
