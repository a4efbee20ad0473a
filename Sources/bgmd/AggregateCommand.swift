import ArgumentParser
import BGMD
import Randomness
import RealModule

/// The rules `bgmd aggregate` offers.
enum RuleName: String, CaseIterable, ExpressibleByArgument {
  case mean
  case coordinateMedian = "coordinate-median"
  case trimmedMean = "trimmed-mean"
  case krum
  case geometricMedian = "geometric-median"
  case blockGM = "block-gm"
}

/// `bgmd aggregate`: one aggregation of the rows of a matrix file.
struct Aggregate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Aggregate the rows of a b×d matrix (.npy, .csv or .json) with one rule.",
    discussion: """
      block-gm selects a block of k coordinates (--k N or --fraction F; default \
      fraction 0.1) under --selection and takes the geometric median on it. \
      --memory-free means block GM without memory (Algorithm 1's residual); \
      for a single aggregation call it changes nothing and is accepted for \
      symmetry with training runs. .npy files with dtype <f4 are aggregated \
      in Float32, everything else in Float64.
      """
  )

  @Option(help: "mean, coordinate-median, trimmed-mean, krum, geometric-median or block-gm.")
  var rule: RuleName
  @Option(help: "block-gm: the block size k.")
  var k: Int?
  @Option(help: "block-gm: the block size as a fraction of d (k = ⌈f·d⌉).")
  var fraction: Double?
  @Option(help: "block-gm: the reading of Algorithm 2 (\(SelectionReading.allCases.map(\.rawValue).joined(separator: ", "))).")
  var selection: String = SelectionReading.successive.rawValue
  @Flag(help: "block-gm without memory (no effect on a single call).")
  var memoryFree = false
  @Option(help: "Seed of the selection's random draws.")
  var seed: UInt64 = 1
  @Option(help: "Geometric median: the certified relative accuracy ε.")
  var epsilon: Double = 1e-6
  @Option(help: "Geometric median: the most Weiszfeld iterations.")
  var maxIterations: Int = 1000
  @Option(help: "trimmed-mean: the fraction β trimmed per side.")
  var trim: Double = 0.1
  @Option(help: "krum: f, the number of Byzantine rows assumed.")
  var byzantine: Int = 0
  @Option(help: "The matrix file (.npy, .csv or .json).")
  var input: String
  @Option(help: "Where to write the aggregate (.npy, .csv or .json); printed when absent.")
  var output: String?
  @Option(name: .customLong("repeat"), help: "Aggregate N times and report the median seconds per call.")
  var repetitions: Int = 1
  @Flag(help: "Print one JSON object instead of the aggregate.")
  var json = false

  func validate() throws {
    if k != nil && fraction != nil { throw ValidationError("give --k or --fraction, not both") }
    if SelectionReading(rawValue: selection) == nil {
      throw ValidationError("--selection \(selection): expected one of \(SelectionReading.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if repetitions < 1 { throw ValidationError("--repeat must be at least 1") }
    if (k != nil || fraction != nil) && rule != .blockGM {
      throw ValidationError("--k and --fraction apply to --rule block-gm only")
    }
  }

  func run() throws {
    switch try MatrixFile.read(path: input) {
    case let .float32(matrix): try run(matrix)
    case let .float64(matrix): try run(matrix)
    }
  }

  func makeRule<T: Scalar & Real & BinaryFloatingPoint>(_: T.Type) throws -> any AggregationRule<T> {
    let options = GeometricMedianOptions(epsilon: epsilon, maxIterations: maxIterations)
    switch rule {
    case .mean: return Mean<T>()
    case .coordinateMedian: return CoordinateMedian<T>()
    case .trimmedMean: return try TrimmedMean<T>(beta: trim)
    case .krum: return try Krum<T>(byzantine: byzantine)
    case .geometricMedian: return GeometricMedian<T>(options: options)
    case .blockGM:
      let size: BlockSize = k.map { .count($0) } ?? .fraction(fraction ?? 0.1)
      let reading = SelectionReading(rawValue: selection) ?? .successive
      return BlockGeometricMedian<T>(blockSize: size, reading: reading, options: options)
    }
  }

  func run<T: Scalar & Real & BinaryFloatingPoint>(_ matrix: Matrix<T>) throws {
    let aggregator = try makeRule(T.self)
    var result: AggregationResult<T>?
    var seconds: [Double] = []
    for _ in 0..<repetitions {
      var rng = Xoshiro256(seed: seed)
      seconds.append(try timeSeconds { result = try aggregator.aggregate(matrix, using: &rng) })
    }
    guard let result else { return }
    if let output { try MatrixFile.write(vector: result.vector, path: output) }
    if !json {
      if output == nil { print(CSVFormat.encode(vector: result.vector), terminator: "") }
      return
    }
    var fields: [(String, String)] = [
      ("rule", JSONText.string(aggregator.name)),
      ("b", "\(matrix.rows)"),
      ("d", "\(matrix.columns)"),
    ]
    if output == nil {
      fields.append(("aggregate", JSONText.array(result.vector.map { JSONText.number(Double($0)) })))
    }
    if let c = result.certificate {
      fields.append(("certificate", JSONText.object([
        ("objective", JSONText.number(c.objective)),
        ("lowerBound", JSONText.number(c.lowerBound)),
        ("epsilon", JSONText.number(c.epsilon)),
        ("iterations", "\(c.iterations)"),
        ("converged", "\(c.converged)"),
      ] + (c.exponent == 0 ? [] : [("exponent", "\(c.exponent)")]))))
    }
    if let block = result.block { fields.append(("blockSize", "\(block.count)")) }
    fields.append(("excludedRows", JSONText.array(result.excludedRows.map { "\($0)" })))
    if !result.nonFiniteRowsIncluded.isEmpty {
      fields.append(("nonFiniteRowsIncluded", JSONText.array(result.nonFiniteRowsIncluded.map { "\($0)" })))
    }
    fields.append(("seconds", JSONText.number(medianSeconds(seconds))))
    print(JSONText.object(fields))
  }
}
