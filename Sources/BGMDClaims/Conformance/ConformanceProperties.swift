import BGMD
import ClaimCheck
import Foundation

/// A transformation of the input under which the rule is equivariant.
public enum ConformanceTransform: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Rows reordered: row i of the new matrix is row `order[i]` of the old.
  case permutation([Int])
  /// c added to every row.
  case translation([Double])
  /// Every entry multiplied by s (a signed power of two: exact in floating point).
  case scaling(Double)
  /// Every row multiplied by the Householder reflection Q = I − 2vvᵀ/‖v‖² (orthogonal, Q = Q⁻¹).
  case rotation([Double])

  public var description: String {
    switch self {
    case let .permutation(o): return "rows permuted to \(o)"
    case let .translation(c): return "translated by \(c)"
    case let .scaling(s): return "scaled by \(s)"
    case let .rotation(v): return "reflected by I − 2vvᵀ/‖v‖², v = \(v)"
    }
  }

  /// The transformed matrix, rounded to its precision.
  func apply(_ m: ConformanceMatrix) -> ConformanceMatrix {
    switch self {
    case let .permutation(order): return ConformanceMatrix(precision: m.precision, rows: order.map { m.rows[$0] })
    default: return ConformanceMatrix(precision: m.precision, rows: m.rows.map(vector))
    }
  }

  /// The transformation of one vector (exact arithmetic in Double, no rounding to the precision).
  func vector(_ x: [Double]) -> [Double] {
    switch self {
    case .permutation: return x
    case let .translation(c): return zip(x, c).map { $0 + $1 }
    case let .scaling(s): return x.map { $0 * s }
    case let .rotation(v):
      let vv = v.reduce(0) { $0 + $1 * $1 }
      guard vv > 0 else { return x }
      let dot = zip(x, v).reduce(0) { $0 + $1.0 * $1.1 }
      return zip(x, v).map { $0 - 2 * dot / vv * $1 }
    }
  }

  /// The inverse map of one vector.
  func inverse(_ x: [Double]) -> [Double] {
    switch self {
    case .permutation, .rotation: return vector(x)
    case let .translation(c): return zip(x, c).map { $0 - $1 }
    case let .scaling(s): return x.map { $0 / s }
    }
  }
}

/// One generated case of a conformance property.
public struct ConformanceCase: Sendable, Hashable, Codable {
  /// The input.
  public var matrix: ConformanceMatrix
  /// The transformation (invariance properties).
  public var transform: ConformanceTransform?
  /// The kind of bad input (bad-input property).
  public var kind: String?
}

/// The properties checked of an external rule, as in the claim ids
/// `conformance/<rule>/<property>`.
public enum ConformanceProperty: String, Sendable, CaseIterable, Codable {
  case agreement, permutation, translation, scaling, rotation
  case badInput = "bad-input"
  case breakdown

  /// The properties that apply to `rule` (rotation: the geometric median only).
  public static func applicable(to rule: ConformanceRule) -> [ConformanceProperty] {
    allCases.filter { $0 != .rotation || rule.isGM }
  }

  var transformName: String? {
    switch self {
    case .permutation, .translation, .scaling, .rotation: return rawValue
    default: return nil
    }
  }
}

/// Bad-input kinds of the `bad-input` property.
enum BadInputKind: String, CaseIterable {
  case nonFiniteRows = "non-finite-rows"
  case huge = "huge-magnitude"
  case subnormal = "subnormal-magnitude"
  case singleRow = "b-equals-1"
  case singleColumn = "d-equals-1"
  case duplicateRows = "duplicate-rows"
  case iterateOnDataPoint = "iterate-on-a-data-point"
}

/// The generators and the per-case checks.
struct ConformanceChecks: Sendable {
  var rule: ConformanceRule
  var target: ConformanceTarget
  var timing: TimingLog?
  var ourErrors: OurErrorLog?

  // MARK: generators

  /// The least number of rows the rule accepts.
  var minRows: Int { rule.name == "krum" ? rule.byzantine + 3 : 1 }

  /// b in minRows…minRows+8, d in 1…5, float32 or float64, entries either
  /// small integers (ties, medians at data points) or reals in [−10, 10].
  func matrixGen(minRows: Int? = nil, maxExtraRows: Int = 8, minColumns: Int = 1, maxColumns: Int = 5) -> Gen<ConformanceMatrix> {
    let lo = minRows ?? self.minRows
    return Gen { s in
      let precision: ConformancePrecision = try s.drawBool(probability: 0.5) ? .float32 : .float64
      let b = try s.drawInt(in: lo...(lo + maxExtraRows), shrinkTowards: lo)
      let d = try s.drawInt(in: minColumns...maxColumns, shrinkTowards: minColumns)
      let integers = try s.drawBool(probability: 0.3)
      var rows: [[Double]] = []
      for _ in 0..<b {
        var row: [Double] = []
        for _ in 0..<d {
          row.append(integers ? Double(try s.drawInt(in: -3...3)) : try s.drawDouble(in: -10...10))
        }
        rows.append(row)
      }
      return ConformanceMatrix(precision: precision, rows: rows)
    }
  }

  func generator(_ property: ConformanceProperty) -> Gen<ConformanceCase> {
    let base = matrixGen()
    switch property {
    case .agreement, .breakdown: return base.map { ConformanceCase(matrix: $0) }
    case .permutation:
      return Gen { s in
        let m = try base.generate(&s)
        var order = Array(0..<m.b)
        // Fisher–Yates from drawn indices (identity when every draw shrinks to 0).
        for i in stride(from: m.b - 1, to: 0, by: -1) { order.swapAt(i, i - (try s.drawInt(in: 0...i))) }
        if order == Array(0..<m.b) && m.b > 1 { order = Array(order.reversed()) }
        return ConformanceCase(matrix: m, transform: .permutation(order))
      }
    case .translation:
      return Gen { s in
        let m = try base.generate(&s)
        let c = try (0..<m.d).map { _ in m.precision.round(Double(try s.drawInt(in: -100...100, shrinkTowards: 1)) + (try s.drawDouble(in: 0...1))) }
        return ConformanceCase(matrix: m, transform: .translation(c))
      }
    case .scaling:
      return Gen { s in
        let m = try base.generate(&s)
        let k = try s.drawInt(in: -4...4, shrinkTowards: 1)
        let negative = try s.drawBool(probability: 0.3)
        var factor = Double(sign: negative ? .minus : .plus, exponent: k, significand: 1)
        if factor == 1 { factor = 2 }
        return ConformanceCase(matrix: m, transform: .scaling(factor))
      }
    case .rotation:
      return Gen { s in
        let m = try base.generate(&s)
        var v = try (0..<m.d).map { _ in try s.drawDouble(in: -1...1) }
        if v.allSatisfy({ $0 == 0 }) { v[0] = 1 }
        return ConformanceCase(matrix: m, transform: .rotation(v))
      }
    case .badInput: return badInputGen(kind: nil)
    }
  }

  /// Bad inputs of one kind, or of a kind drawn first (`nil`).
  func badInputGen(kind fixed: BadInputKind?) -> Gen<ConformanceCase> {
      Gen { s in
        let kinds = BadInputKind.allCases
        let kind = try fixed ?? kinds[s.drawInt(in: 0...(kinds.count - 1))]
        let lo = self.minRows
        var m: ConformanceMatrix
        switch kind {
        case .singleRow: m = try self.matrixGen(minRows: 1, maxExtraRows: 0).generate(&s)
        case .singleColumn: m = try self.matrixGen(minColumns: 1, maxColumns: 1).generate(&s)
        case .nonFiniteRows:
          m = try self.matrixGen(minRows: Swift.max(3, lo + 2), maxExtraRows: 6).generate(&s)
          let bad = try s.drawInt(in: 1...Swift.max(1, Swift.min((m.b - 1) / 2, m.b - lo)))
          for i in 0..<bad {
            let value: Double = [Double.nan, .infinity, -.infinity][try s.drawInt(in: 0...2)]
            let whole = try s.drawBool(probability: 0.5)
            let j = try s.drawInt(in: 0...(m.d - 1))
            let slot = (m.b - 1 - i)
            for jj in 0..<m.d where whole || jj == j { m.rows[slot][jj] = value }
          }
        case .huge, .subnormal:
          m = try self.matrixGen().generate(&s)
          let factor: Double = kind == .huge ? (m.precision == .float32 ? 1e35 : 1e200)
            : (m.precision == .float32 ? 1e-41 : 1e-310)
          m = ConformanceMatrix(precision: m.precision, rows: m.rows.map { $0.map { $0 * factor } })
        case .duplicateRows:
          m = try self.matrixGen().generate(&s)
          let copies = try s.drawInt(in: 1...(m.b))
          for i in 0..<copies { m.rows[i] = m.rows[0] }
        case .iterateOnDataPoint:
          // c, and c ± r·eⱼ: the mean (Weiszfeld's usual start) is the data point c, which is the geometric median.
          let base = try self.matrixGen(minRows: 1, maxExtraRows: 0).generate(&s)
          let c = base.rows[0]
          let r = Double(try s.drawInt(in: 1...8))
          var rows = [c]
          for j in 0..<base.d {
            var plus = c, minus = c
            plus[j] += r
            minus[j] -= r
            rows += [plus, minus]
          }
          while rows.count < lo { rows.append(c) }
          m = ConformanceMatrix(precision: base.precision, rows: rows)
        }
        return ConformanceCase(matrix: m, kind: kind.rawValue)
      }
  }

  /// Each bad-input kind on its own (`cases` cases each, no shrinking), so a
  /// report shows every kind even after the first refutation: per kind, the
  /// cases run, out of domain, failed, and the first failure.
  func badInputSurvey(seed: UInt64, cases: Int) -> JSONValue {
    var out: [String: JSONValue] = [:]
    for (k, kind) in BadInputKind.allCases.enumerated() {
      let gen = badInputGen(kind: kind)
      var failed = 0, discarded = 0
      var first: String?
      for i in 0..<cases {
        var source = ChoiceSource(seed: PRNG.caseSeed(runSeed: seed ^ 0xBAD, caseIndex: UInt64(k * 1_000 + i)))
        guard let c = try? gen.generate(&source) else { discarded += 1; continue }
        switch check(.badInput, c) {
        case .pass: break
        case .discard: discarded += 1
        case .fail(let m):
          failed += 1
          if first == nil { first = String(m.prefix(400)) }
        }
      }
      out[kind.rawValue] = .object(["cases": .number(Double(cases)), "outOfDomain": .number(Double(discarded)),
                                    "failed": .number(Double(failed)), "firstFailure": first.map { .string($0) } ?? .null])
    }
    return .object(out)
  }

  // MARK: checks

  /// The external output, or a failure message (crash, hang, shape, non-finite).
  func external(_ m: ConformanceMatrix, outcome given: TargetOutcome? = nil) -> Result<[Double], Failure> {
    let outcome = given ?? target.call(m)
    switch outcome {
    case let .failure(message, _): return .failure(Failure(message: message + " on " + m.brief))
    case let .output(v, _):
      if let j = v.firstIndex(where: { !$0.isFinite }) {
        return .failure(Failure(message: "non-finite output (entry \(j) = \(v[j])) on " + m.brief))
      }
      return .success(v)
    }
  }

  struct Failure: Error { var message: String }

  /// Our rule on `m` (the reference), or nil when our rule refuses the input
  /// (a documented refusal: too many non-finite rows, Krum's n − f − 2 < 1)
  /// or returns non-finite values; the latter two are logged, never a refutation.
  func reference(_ m: ConformanceMatrix) -> (vector: [Double], lowerBound: Double?)? {
    do {
      if rule.isGM {
        // In Double on the same (exactly representable) values.
        let wide = ConformanceMatrix(precision: .float64, rows: m.rows)
        let r = try wide.ours(rule)
        guard r.vector.allSatisfy(\.isFinite), let c = r.certificate, c.lowerBound.isFinite else {
          ourErrors?.add("our geometric median returned a non-finite value on \(m.brief)")
          return nil
        }
        // Our own answer must pass the test it sets; if not, the fault is ours.
        let g = objective(r.vector, kept(m))
        guard g <= (1 + rule.epsilon) * c.lowerBound + gmSlack(m, r.vector) else {
          ourErrors?.add("our geometric median's objective \(g) exceeds (1 + ε)·L with its own L = \(c.lowerBound) on \(m.brief)")
          return nil
        }
        return (r.vector, c.lowerBound)
      }
      let r = try m.ours(rule)
      guard r.vector.allSatisfy(\.isFinite) else { return nil }  // the mean propagates non-finite rows: no reference
      // Krum's answer is checked by its scores, not against ours: ours must pass that check too.
      if rule.name == "krum", let why = accept(m, r.vector, reference: (r.vector, nil)) {
        ourErrors?.add("our krum fails its own check: \(why)")
        return nil
      }
      return (r.vector, nil)
    } catch let e as AggregationError {
      _ = e
      return nil
    } catch {
      ourErrors?.add("our rule threw \(error) on \(m.brief)")
      return nil
    }
  }

  /// The finite rows (those our convention keeps).
  func kept(_ m: ConformanceMatrix) -> [[Double]] {
    rule.screensNonFinite ? m.rows.filter { $0.allSatisfy(\.isFinite) } : m.rows
  }

  /// Σᵢ ‖z − xᵢ‖ over the kept rows, scaled so 1e200 entries do not overflow.
  func objective(_ z: [Double], _ rows: [[Double]]) -> Double {
    var scale = z.reduce(0) { Swift.max($0, abs($1)) }
    for r in rows { for v in r { scale = Swift.max(scale, abs(v)) } }
    guard scale > 0 else { return 0 }
    // Subnormal inputs: scale up first so squares do not underflow.
    var total = 0.0
    for r in rows {
      var s = 0.0
      for (a, b) in zip(z, r) {
        let t = (a / scale - b / scale)
        s += t * t
      }
      total += s.squareRoot()
    }
    return total * scale
  }

  /// The rounding allowance of a GM objective: b·√d·ulp(max|zⱼ|) in the precision, times `factor`.
  func gmSlack(_ m: ConformanceMatrix, _ z: [Double], factor: Double = 2) -> Double {
    let largest = z.reduce(0) { Swift.max($0, abs($1)) }
    return factor * Double(m.b) * Double(m.d).squareRoot() * m.precision.ulp(largest)
  }

  /// Per-coordinate tolerance of the non-GM rules: k·ulp(max_i |x_ij|), k = 2 for
  /// the median and Krum, n + 2 for the means (summation order differs).
  func tolerance(_ rows: [[Double]], _ j: Int, _ p: ConformancePrecision) -> Double {
    let largest = rows.reduce(0) { Swift.max($0, abs($1[j])) }
    let k: Double = rule.name == "coordinate-median" || rule.name == "krum" ? 2 : Double(rows.count + 2)
    return k * p.ulp(largest)
  }

  /// Krum's scores of the rows (n − f − 2 nearest squared distances), in Double, scaled.
  func krumScores(_ rows: [[Double]]) -> [Double] {
    let n = rows.count
    let neighbours = n - rule.byzantine - 2
    var scale = 0.0
    for r in rows { for v in r { scale = Swift.max(scale, abs(v)) } }
    // Divide (not multiply by 1/scale, which overflows for subnormal scales).
    let s = scale > 0 ? scale : 1
    return (0..<n).map { i in
      var dist: [Double] = []
      for l in 0..<n where l != i {
        var t = 0.0
        for (a, b) in zip(rows[i], rows[l]) { t += (a / s - b / s) * (a / s - b / s) }
        dist.append(t)
      }
      dist.sort()
      return dist.prefix(Swift.max(neighbours, 0)).reduce(0, +)
    }
  }

  /// Whether `output` is an acceptable answer of the rule on `m` (nil) or why not.
  func accept(_ m: ConformanceMatrix, _ output: [Double], reference: (vector: [Double], lowerBound: Double?)) -> String? {
    let rows = kept(m)
    switch rule.name {
    case "geometric-median":
      let lower = reference.lowerBound ?? 0
      let g = objective(output, rows)
      let bound = (1 + rule.epsilon) * lower + gmSlack(m, reference.vector)
      if g <= bound { return nil }
      return "objective g(z) = \(g) > (1 + ε)·L + slack = \(bound) (L = \(lower), relative gap \((g - lower) / Swift.max(lower, .leastNormalMagnitude)), ε = \(rule.epsilon)); z = \(output)"
    case "krum":
      let scores = krumScores(rows)
      guard let best = scores.min() else { return nil }
      let acceptable = rows.indices.filter { scores[$0] <= best * (1 + 1e-9) + 1e-300 }
      for i in acceptable where (0..<m.d).allSatisfy({ abs(output[$0] - rows[i][$0]) <= tolerance(rows, $0, m.precision) }) {
        return nil
      }
      return "output \(output) is not a row of least Krum score (rows \(acceptable), score \(best)); ours \(reference.vector)"
    default:
      for j in 0..<m.d {
        let tol = tolerance(rows, j, m.precision)
        let diff = abs(output[j] - reference.vector[j])
        if !(diff <= tol) {
          return "coordinate \(j): output \(output[j]), ours \(reference.vector[j]), |difference| \(diff) > \(tol) (convention: \(rule.convention))"
        }
      }
      return nil
    }
  }

  /// Checks one case of `property`.
  func check(_ property: ConformanceProperty, _ c: ConformanceCase) -> CaseResult {
    switch property {
    case .agreement, .badInput, .breakdown:
      guard let reference = reference(c.matrix) else { return .discard }
      let t0 = Date()
      let ours = try? c.matrix.ours(rule)
      let ourSeconds = ours?.seconds ?? Date().timeIntervalSince(t0)
      let outcome = target.call(c.matrix)
      timing?.add(external: outcome.seconds, ours: ourSeconds)
      let out: [Double]
      switch external(c.matrix, outcome: outcome) {
      case let .failure(f): return .fail((c.kind.map { "[\($0)] " } ?? "") + f.message)
      case let .success(v): out = v
      }
      if let why = accept(c.matrix, out, reference: reference) {
        return .fail((c.kind.map { "[\($0)] " } ?? "") + why + " on " + c.matrix.brief)
      }
      return .pass
    case .permutation, .translation, .scaling, .rotation:
      guard let t = c.transform else { return .discard }
      let y = t.apply(c.matrix)
      guard y.rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return .discard }
      if rule.name == "krum" {
        // Near-ties make the choice legitimately depend on rounding: out of domain.
        let scores = krumScores(c.matrix.rows).sorted()
        if scores.count > 1 && scores[1] <= scores[0] * (1 + 1e-6) + 1e-300 { return .discard }
      }
      let a: [Double], b: [Double]
      switch external(c.matrix) {
      case let .failure(f): return .fail(f.message)
      case let .success(v): a = v
      }
      switch external(y) {
      case let .failure(f): return .fail(f.message)
      case let .success(v): b = v
      }
      if rule.isGM {
        let back = t.inverse(b)
        let ga = objective(a, c.matrix.rows), gb = objective(back, c.matrix.rows)
        var largest = 0.0
        for r in c.matrix.rows + y.rows { for v in r { largest = Swift.max(largest, abs(v)) } }
        let slack = 4 * Double(c.matrix.b) * Double(c.matrix.d).squareRoot() * Double(c.matrix.d + 2) * c.matrix.precision.ulp(largest)
        let allowed = rule.epsilon * Swift.max(ga, gb) + slack
        if abs(ga - gb) <= allowed { return .pass }
        return .fail("\(t): g(T⁻¹(out(TX))) = \(gb) and g(out(X)) = \(ga) differ by \(abs(ga - gb)) > ε·max + slack = \(allowed); out(X) = \(a), out(TX) = \(b) on \(c.matrix.brief)")
      }
      let expected = t.vector(a)
      for j in 0..<c.matrix.d {
        let tol = 2 * tolerance(y.rows, j, y.precision) + 2 * tolerance(c.matrix.rows, j, y.precision) * (t.scaleFactor)
          + y.precision.ulp(abs(t.shift(j)))
        let diff = abs(b[j] - expected[j])
        if !(diff <= tol) {
          return .fail("\(t): coordinate \(j): out(TX) = \(b[j]) but T(out(X)) = \(expected[j]), |difference| \(diff) > \(tol); out(X) = \(a) on \(c.matrix.brief)")
        }
      }
      return .pass
    }
  }
}

extension ConformanceTransform {
  /// |s| for a scaling, 1 otherwise.
  var scaleFactor: Double {
    if case let .scaling(s) = self { return abs(s) }
    return 1
  }
  /// cⱼ of a translation, 0 otherwise.
  func shift(_ j: Int) -> Double {
    if case let .translation(c) = self, j < c.count { return c[j] }
    return 0
  }
}

/// External and our seconds per call (for the time ratio).
final class TimingLog: @unchecked Sendable {
  private var external: [Double] = []
  private var ours: [Double] = []
  private let lock = NSLock()
  func add(external e: Double, ours o: Double) {
    lock.lock()
    defer { lock.unlock() }
    external.append(e)
    ours.append(o)
  }
  /// Median seconds of each and their ratio.
  var summary: (external: Double, ours: Double, calls: Int)? {
    lock.lock()
    defer { lock.unlock() }
    guard !external.isEmpty else { return nil }
    func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
    return (median(external), median(ours), external.count)
  }
}

/// Errors and non-finite values of OUR implementation met during a check.
final class OurErrorLog: @unchecked Sendable {
  private var messages: [String] = []
  private let lock = NSLock()
  func add(_ m: String) {
    lock.lock()
    defer { lock.unlock() }
    messages.append(m)
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return messages
  }
}
