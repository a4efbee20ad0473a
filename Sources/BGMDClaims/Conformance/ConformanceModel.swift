import BGMD
import ClaimCheck
import Foundation
import Randomness

/// The rule an external implementation claims to compute, with its
/// parameters, as `bgmd conformance --rule` names it.
public struct ConformanceRule: Sendable, Hashable, Codable {
  /// `geometric-median`, `coordinate-median`, `trimmed-mean`, `krum` or `mean`.
  public var name: String
  /// β of the trimmed mean (fraction trimmed per side).
  public var trim: Double
  /// f of Krum.
  public var byzantine: Int
  /// The relative accuracy ε the geometric median is held to.
  public var epsilon: Double

  /// The rule names accepted.
  public static let names = ["geometric-median", "coordinate-median", "trimmed-mean", "krum", "mean"]

  /// A rule; `name` must be one of `names`.
  /// - Throws: `ConformanceError.badRule` for an unknown name or parameter out of range.
  public init(name: String, trim: Double = 0.2, byzantine: Int = 1, epsilon: Double = 1e-6) throws {
    guard ConformanceRule.names.contains(name) else {
      throw ConformanceError.badRule("unknown rule \(name); expected one of \(ConformanceRule.names.joined(separator: ", "))")
    }
    guard trim >= 0 && trim < 0.5 else { throw ConformanceError.badRule("--trim \(trim): expected 0 ≤ β < 1/2") }
    guard byzantine >= 0 else { throw ConformanceError.badRule("--byzantine \(byzantine): expected f ≥ 0") }
    guard epsilon > 0 && epsilon.isFinite else { throw ConformanceError.badRule("--epsilon \(epsilon): expected ε > 0") }
    self.name = name
    self.trim = trim
    self.byzantine = byzantine
    self.epsilon = epsilon
  }

  var isGM: Bool { name == "geometric-median" }

  /// The rule with its parameters, for reports.
  public var description: String {
    switch name {
    case "trimmed-mean": return "trimmed-mean (β = \(trim) per side)"
    case "krum": return "krum (f = \(byzantine))"
    case "geometric-median": return "geometric-median (ε = \(epsilon))"
    default: return name
    }
  }

  /// The convention the agreement claims hold the external rule to.
  public var convention: String {
    switch name {
    case "coordinate-median":
      return "per coordinate, the middle value for odd n and the mean of the two middle values for even n"
    case "trimmed-mean":
      return "per coordinate, drop the ⌊βn⌋ smallest and ⌊βn⌋ largest of the n values and average the rest"
    case "krum":
      return "the row minimising the sum of squared distances to its n − f − 2 nearest other rows (any minimiser when tied)"
    case "geometric-median":
      return "any point z with g(z) = Σᵢ‖z − xᵢ‖ ≤ (1 + ε)·L, L our certified lower bound on min g"
    default: return "the coordinate-wise mean of the rows"
    }
  }

  /// Rows from which rows with a NaN or ±∞ entry are excluded before the
  /// rule (our convention for every rule but the mean, which propagates them).
  var screensNonFinite: Bool { name != "mean" }

  /// Our implementation of the rule in the element type `T`.
  func ours<T: Scalar & BinaryFloatingPoint>(_: T.Type, epsilon requested: Double? = nil) throws -> AnyAggregationRule<T>
  where T: RealLike {
    switch name {
    case "mean": return AnyAggregationRule(Mean<T>())
    case "coordinate-median": return AnyAggregationRule(CoordinateMedian<T>())
    case "trimmed-mean": return AnyAggregationRule(try TrimmedMean<T>(beta: trim))
    case "krum": return AnyAggregationRule(try Krum<T>(byzantine: byzantine))
    default:
      return AnyAggregationRule(T.geometricMedian(epsilon: requested ?? Swift.min(1e-10, epsilon / 100)))
    }
  }
}

/// Float and Double: the element types the conformance checks use.
public protocol RealLike: Scalar {
  static func geometricMedian(epsilon: Double) -> AnyAggregationRule<Self>
}
extension Double: RealLike {
  public static func geometricMedian(epsilon: Double) -> AnyAggregationRule<Double> {
    AnyAggregationRule(GeometricMedian<Double>(options: GeometricMedianOptions(epsilon: epsilon, maxIterations: 20_000)))
  }
}
extension Float: RealLike {
  public static func geometricMedian(epsilon: Double) -> AnyAggregationRule<Float> {
    AnyAggregationRule(GeometricMedian<Float>(options: GeometricMedianOptions(epsilon: epsilon, maxIterations: 20_000)))
  }
}

/// The precision of an input file: `.npy` with dtype `<f4` or `<f8`.
public enum ConformancePrecision: String, Sendable, Hashable, Codable {
  case float32, float64

  /// One unit in the last place of `x` in this precision.
  func ulp(_ x: Double) -> Double {
    switch self {
    case .float32: return Double(Float(Swift.min(abs(x), Double(Float.greatestFiniteMagnitude))).ulp)
    case .float64: return abs(x).ulp
    }
  }

  /// `x` rounded to this precision.
  func round(_ x: Double) -> Double { self == .float32 ? Double(Float(x)) : x }
}

/// One input matrix: b rows of d entries, every entry representable in the precision.
public struct ConformanceMatrix: Sendable, Hashable, Codable {
  public var precision: ConformancePrecision
  public var rows: [[Double]]

  public init(precision: ConformancePrecision, rows: [[Double]]) {
    self.precision = precision
    self.rows = rows.map { $0.map(precision.round) }
  }

  public var b: Int { rows.count }
  public var d: Int { rows.first?.count ?? 0 }

  /// The `.npy` bytes (version 1.0, C order, shape (b, d)).
  public var npy: [UInt8] {
    let isFloat = precision == .float32
    var bytes = NPYFormat.header(float32: isFloat, shape: [b, d])
    bytes.reserveCapacity(bytes.count + b * d * (isFloat ? 4 : 8))
    for row in rows {
      for v in row {
        if isFloat {
          withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 }
        } else {
          withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
        }
      }
    }
    return bytes
  }

  /// Our rule on this matrix in its own precision: the output as doubles,
  /// the certificate (geometric median) and the seconds the call took.
  func ours(_ rule: ConformanceRule, epsilon: Double? = nil) throws -> (vector: [Double], certificate: GeometricMedianCertificate?, seconds: Double) {
    func run<T: Scalar & BinaryFloatingPoint & RealLike>(_: T.Type) throws
      -> (vector: [Double], certificate: GeometricMedianCertificate?, seconds: Double) {
      let m = try Matrix(rows.map { $0.map { T($0) } })
      let r = try rule.ours(T.self, epsilon: epsilon)
      var rng = Xoshiro256(seed: 1)
      let t0 = Date()
      let out = try r.aggregate(m, using: &rng)
      return (out.vector.map { Double($0) }, out.certificate, Date().timeIntervalSince(t0))
    }
    if rule.isGM && precision == .float32 {
      // The geometric median in Double on the same values, rounded once.
      let wide = try ConformanceMatrix(precision: .float64, rows: rows).ours(rule, epsilon: epsilon)
      return (wide.vector.map(precision.round), wide.certificate, wide.seconds)
    }
    switch precision {
    case .float32: return try run(Float.self)
    case .float64: return try run(Double.self)
    }
  }

  /// A short rendering for messages (at most 6 rows).
  var brief: String {
    let shown = rows.prefix(6).map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }
    return "\(precision.rawValue) \(b)×\(d) [" + shown.joined(separator: ", ") + (b > 6 ? ", …" : "") + "]"
  }
}

/// What one call of the implementation under test gave.
public enum TargetOutcome: Sendable, Hashable {
  /// An output vector (as doubles) and the seconds the call took.
  case output([Double], seconds: Double)
  /// The call failed: crash, time-out, unreadable or misshapen output.
  case failure(String, seconds: Double)

  var seconds: Double {
    switch self {
    case let .output(_, s), let .failure(_, s): return s
    }
  }
}

/// Errors of the conformance command.
public enum ConformanceError: Error, Sendable, Equatable, CustomStringConvertible {
  case badRule(String)
  case badCommand(String)
  case badFixture(String)

  public var description: String {
    switch self {
    case let .badRule(s), let .badCommand(s), let .badFixture(s): return s
    }
  }
}

/// The implementation under test: an external program run on `.npy` files,
/// or a Swift closure (the in-package adapters that serve as negative
/// controls and in tests).
public struct ConformanceTarget: Sendable {
  /// For reports: the command, or the adapter's name.
  public var name: String
  private var body: @Sendable (ConformanceMatrix) -> TargetOutcome

  /// A target calling `body` in process.
  public init(name: String, body: @escaping @Sendable (ConformanceMatrix) -> TargetOutcome) {
    self.name = name
    self.body = body
  }

  /// Calls the implementation on `matrix`.
  public func call(_ matrix: ConformanceMatrix) -> TargetOutcome { body(matrix) }

  /// An external program: `command` with `{input}` and `{output}` replaced
  /// by the paths of the input `.npy` (b×d, dtype of the case) and of the
  /// `.npy` it must write (d entries), run by `sh -c`, killed after
  /// `timeout` seconds. Its crash, hang, missing or misshapen output and
  /// non-finite entries are failures of the call, never of the run.
  /// - Throws: `ConformanceError.badCommand` when a placeholder is missing.
  public static func exec(_ command: String, timeout: Double) throws -> ConformanceTarget {
    guard command.contains("{input}"), command.contains("{output}") else {
      throw ConformanceError.badCommand("--exec \"\(command)\": the command must contain {input} and {output}")
    }
    return ConformanceTarget(name: command) { matrix in
      ExecCall.run(command, matrix, timeout: timeout)
    }
  }
}

enum ExecCall {
  static let counter = AtomicCounter()

  static func run(_ command: String, _ matrix: ConformanceMatrix, timeout: Double) -> TargetOutcome {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("bgmd-conformance-\(getpid())-\(counter.next())", isDirectory: true)
    do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
      return .failure("cannot create \(dir.path): \(error)", seconds: 0)
    }
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("input.npy")
    let output = dir.appendingPathComponent("output.npy")
    do { try Data(matrix.npy).write(to: input) } catch {
      return .failure("cannot write \(input.path): \(error)", seconds: 0)
    }
    let line = command.replacingOccurrences(of: "{input}", with: ExternalProcess.shellQuoted(input.path))
      .replacingOccurrences(of: "{output}", with: ExternalProcess.shellQuoted(output.path))
    let run = ExternalProcess.run(line, in: dir, timeout: timeout)
    let tail = run.stderrTail.trimmingCharacters(in: .whitespacesAndNewlines)
    let said = tail.isEmpty ? "" : "; stderr: " + String(tail.suffix(300))
    switch run.end {
    case .timedOut: return .failure(String(format: "hang: no exit within the %.3g s time limit (killed)", timeout), seconds: run.seconds)
    case let .notStarted(why): return .failure("could not start: \(why)", seconds: run.seconds)
    case let .signalled(s): return .failure("crash: killed by signal \(s)\(said)", seconds: run.seconds)
    case let .exited(code) where code != 0: return .failure("crash: exit status \(code)\(said)", seconds: run.seconds)
    case .exited: break
    }
    guard let data = FileManager.default.contents(atPath: output.path) else {
      return .failure("no output: exit status 0 but \(output.lastPathComponent) was not written\(said)", seconds: run.seconds)
    }
    do {
      let values: [Double]
      let shape: (Int, Int)
      switch try NPYFormat.read([UInt8](data), file: "output.npy") {
      case let .float32(m): values = m.storage.map { Double($0) }; shape = (m.rows, m.columns)
      case let .float64(m): values = m.storage; shape = (m.rows, m.columns)
      }
      guard shape.0 == 1 && shape.1 == matrix.d else {
        return .failure("wrong shape: output \(shape.0)×\(shape.1), expected \(matrix.d) entries", seconds: run.seconds)
      }
      return .output(values, seconds: run.seconds)
    } catch {
      return .failure("unreadable output: \(error)", seconds: run.seconds)
    }
  }
}

/// A thread-safe counter.
final class AtomicCounter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}
