import BGMD
import ClaimCheck
import Foundation
import Randomness
import RealModule

/// What one `bgmd aggregate` call produced, before anything is printed: the
/// JSON report (`--json`), the notes for standard error (text mode) and the
/// CSV line (text mode without `--output`). The aggregate file, when
/// `--output` is given, is already written.
struct AggregateOutcome {
  /// The `--json` report; nil in text mode.
  var json: JSONValue?
  /// Notes for standard error (text mode only).
  var notes: [String] = []
  /// The aggregate as one CSV line (text mode without `--output`).
  var csv: String?
  /// The median seconds of the aggregation call over `--repeat` calls.
  var solveSeconds: Double
  /// b and d of the matrix read.
  var rows: Int
  var columns: Int
}

extension Aggregate {
  /// The command's whole code path, the one `run()` takes and `bgmd bench`
  /// times: read the matrix (a `.npy` file in place, into the matrix's own
  /// storage, `<f4` as `Float`), aggregate it with the rule, write the
  /// aggregate to `--output` when given, and build what is to be printed.
  /// - Throws: `MatrixFileError` (reading, writing), the rule's errors.
  func perform() throws -> AggregateOutcome {
    switch try MatrixFile.read(path: input) {
    case let .float32(matrix): return try perform(matrix)
    case let .float64(matrix): return try perform(matrix)
    }
  }

  /// Solve and write for a matrix already read.
  func perform<T: Scalar & Real & BinaryFloatingPoint>(_ matrix: Matrix<T>) throws -> AggregateOutcome {
    let aggregator = try makeRule(T.self)
    var result: AggregationResult<T>?
    var seconds: [Double] = []
    for _ in 0..<repetitions {
      var rng = Xoshiro256(seed: seed)
      seconds.append(try timeSeconds { result = try aggregator.aggregate(matrix, using: &rng) })
    }
    var outcome = AggregateOutcome(solveSeconds: medianSeconds(seconds), rows: matrix.rows, columns: matrix.columns)
    guard let result else { return outcome }
    let trimmedPerSide = rule == .trimmedMean
      ? Int((trim * Double(matrix.rows - result.excludedRows.count)).rounded(.down)) : nil
    if let output { try MatrixFile.write(vector: result.vector, path: output) }
    if !json {
      // What the JSON mode reports as fields, said on standard error so the
      // printed aggregate stays a plain CSV line.
      if !result.nonFiniteRowsIncluded.isEmpty {
        outcome.notes.append("bgmd aggregate: \(aggregator.name) included \(result.nonFiniteRowsIncluded.count) row(s) with NaN or ±∞ entries (rows \(rowList(result.nonFiniteRowsIncluded))); the aggregate is not finite where they are")
      }
      if !result.excludedRows.isEmpty {
        outcome.notes.append("bgmd aggregate: \(aggregator.name) excluded \(result.excludedRows.count) of \(matrix.rows) rows with NaN or ±∞ entries (rows \(rowList(result.excludedRows)))")
      }
      if let trimmedPerSide, trimmedPerSide == 0 {
        outcome.notes.append("bgmd aggregate: trimmed-mean with β = \(trim) and \(matrix.rows - result.excludedRows.count) finite rows trims ⌊β·n⌋ = 0 values per side: this is the mean of the finite rows")
      }
      if let c = result.certificate, !c.converged {
        outcome.notes.append("bgmd aggregate: the geometric median did not reach ε = \(epsilon) in \(c.iterations) iterations; proven ε = \(c.epsilon) (the best iterate is printed)")
      }
      if output == nil { outcome.csv = CSVFormat.encode(vector: result.vector) }
      return outcome
    }
    let report = AggregateReport(
      rule: aggregator.name, b: matrix.rows, d: matrix.columns,
      aggregate: output == nil ? result.vector.map { Double($0) } : nil,
      certificate: result.certificate, blockSize: result.block?.count, trimmedPerSide: trimmedPerSide,
      excludedRows: result.excludedRows,
      nonFiniteRowsIncluded: result.nonFiniteRowsIncluded.isEmpty ? nil : result.nonFiniteRowsIncluded,
      seconds: outcome.solveSeconds)
    outcome.json = try JSONValue(encoding: report)
    return outcome
  }
}

/// The `--json` report of `bgmd aggregate` (keys sorted by the encoder;
/// absent optionals are left out).
struct AggregateReport: Encodable {
  var rule: String
  var b: Int
  var d: Int
  /// The aggregate, when it is not written to `--output`.
  var aggregate: [Double]?
  /// The geometric median's certificate (geometric-median, block-gm).
  var certificate: GeometricMedianCertificate?
  /// The block's size (block-gm).
  var blockSize: Int?
  /// ⌊β·n⌋ (trimmed-mean).
  var trimmedPerSide: Int?
  var excludedRows: [Int]
  /// Rows with NaN or ±∞ entries that the rule used (the mean); absent when none.
  var nonFiniteRowsIncluded: [Int]?
  /// The median seconds per aggregation call.
  var seconds: Double
}

/// `value` as one line of JSON text, through `ClaimCheckJSON.encoder`.
func jsonLine(_ value: JSONValue) throws -> String {
  String(decoding: try ClaimCheckJSON.encoder(pretty: false).encode(value), as: UTF8.self)
}
