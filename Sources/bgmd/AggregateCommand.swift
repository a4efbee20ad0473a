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
      in Float32, everything else in Float64. trimmed-mean drops ⌊β·n⌋ values \
      per side of each coordinate, n the finite rows: with fewer than 1/β \
      rows (b < 10 at the default β = 0.1) it trims nothing and is the mean; \
      --json reports the count as trimmedPerSide. Rows with NaN or ±∞ \
      entries are excluded by the robust rules and propagated by the mean; \
      either way stderr says so in text mode, and --json lists them \
      (excludedRows, nonFiniteRowsIncluded). The geometric-median \
      certificate's objective and lowerBound are proven bounds (rounding \
      included); for rows near the ends of the floating range they are in \
      units of 2^exponent (the exponent field, present when not 0).
      """
  )

  @Option(help: "mean, coordinate-median, trimmed-mean, krum, geometric-median or block-gm.")
  var rule: RuleName
  @Option(parsing: .unconditional, help: "block-gm: the block size k.")
  var k: Int?
  @Option(parsing: .unconditional, help: "block-gm: the block size as a fraction of d (k = ⌈f·d⌉).")
  var fraction: Double?
  @Option(help: "block-gm: the reading of Algorithm 2 (\(SelectionReading.allCases.map(\.rawValue).joined(separator: ", "))).")
  var selection: String = SelectionReading.successive.rawValue
  @Flag(help: "block-gm without memory (no effect on a single call).")
  var memoryFree = false
  @Option(help: "Seed of the selection's random draws.")
  var seed: UInt64 = 1
  @Option(parsing: .unconditional, help: "Geometric median: the certified relative accuracy ε.")
  var epsilon: Double = 1e-6
  @Option(parsing: .unconditional, help: "Geometric median: the most Weiszfeld iterations.")
  var maxIterations: Int = 1000
  @Option(parsing: .unconditional, help: "trimmed-mean: the fraction β trimmed per side.")
  var trim: Double = 0.1
  @Option(parsing: .unconditional, help: "krum: f, the number of Byzantine rows assumed.")
  var byzantine: Int = 0
  @Option(help: "The matrix file (.npy, .csv or .json).")
  var input: String
  @Option(help: "Where to write the aggregate (.npy, .csv or .json); printed when absent.")
  var output: String?
  @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Aggregate N times and report the median seconds per call.")
  var repetitions: Int = 1
  @Flag(help: "Print one JSON object instead of the aggregate.")
  var json = false

  func validate() throws {
    if k != nil && fraction != nil { throw ValidationError("give --k or --fraction, not both") }
    if SelectionReading(rawValue: selection) == nil {
      throw ValidationError("--selection \(selection): expected one of \(SelectionReading.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    try OptionRange.atLeast("repeat", repetitions, 1)
    try OptionRange.atLeast("k", k, 1, "the block size")
    try OptionRange.within("fraction", fraction, lower: 0, lowerIncluded: false, upper: 1, upperIncluded: true,
                           "the block size as a fraction of d")
    try OptionRange.within("epsilon", epsilon, lower: 0, "the certified relative accuracy")
    try OptionRange.atLeast("max-iterations", maxIterations, 0)
    try OptionRange.within("trim", trim, lower: 0, upper: 0.5, "the fraction trimmed per side")
    try OptionRange.atLeast("byzantine", byzantine, 0, "the number of Byzantine rows Krum assumes")
    if (k != nil || fraction != nil) && rule != .blockGM {
      throw ValidationError("--k and --fraction apply to --rule block-gm only")
    }
  }

  func run() throws {
    let outcome = try perform()
    for note in outcome.notes { Output.note(note) }
    if let csv = outcome.csv { try Output.write(csv) }
    if let json = outcome.json { try Output.line(jsonLine(json)) }
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
}

/// Row indices for a message: all of them up to 10, then "…".
func rowList(_ rows: [Int]) -> String {
  rows.prefix(10).map(String.init).joined(separator: ", ") + (rows.count > 10 ? ", …" : "")
}
