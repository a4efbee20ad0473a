import BGMD
import ClaimCheck
import ExactArithmetic

/// Which inequality of Lemma 1 a check decides.
public enum Lemma1Side: String, Sendable, Codable {
  /// The lemma: E‖C_k(G) − G‖²_F ≤ (1 − k/d)‖G‖²_F.
  case lemma
  /// The proof's first step: E‖C_k(G) − G‖²_F ≤ E‖C^r_k(G) − G‖²_F.
  case step

  /// The right-hand side for this side.
  func rightHandSide(_ e: Lemma1Expectation) -> Rational { self == .lemma ? e.bound : e.uniformResidual }

  /// Whether the inequality holds.
  func holds(_ e: Lemma1Expectation) -> Bool { self == .lemma ? e.holds : e.stepHolds }

  /// LHS / RHS: +∞ when RHS = 0 < LHS, nil when both are 0.
  func ratio(_ e: Lemma1Expectation) -> Double? {
    let rhs = rightHandSide(e)
    if rhs.isZero { return e.expectedResidual.isZero ? nil : .infinity }
    return Double(e.expectedResidual / rhs)
  }
}

/// One exact Lemma 1 case: G (rational entries) and k, for a reading and side.
/// It is the `input` of an exact fixture (`kind: "exact"`).
public struct Lemma1ExactCase: Sendable, Codable, Hashable {
  public var kind = "exact"
  public var reading: SelectionReading
  public var side: Lemma1Side
  public var k: Int
  /// The rows of G, rationals as "p/q".
  public var matrix: [[Rational]]
  /// A negative control's selection (nil: Algorithm 2 under `reading`).
  /// Absent from the claim's own fixtures.
  public var selection: Lemma1Selection?

  public init(reading: SelectionReading, side: Lemma1Side, k: Int, matrix: [[Rational]],
              selection: Lemma1Selection? = nil) {
    self.reading = reading
    self.side = side
    self.k = k
    self.matrix = matrix
    self.selection = selection == .paper ? nil : selection
  }

  /// The exact expectations of this case.
  public func expectation() throws -> Lemma1Expectation {
    try Lemma1Expectation(try Matrix(matrix), k: k, reading: reading, selection: selection ?? .paper)
  }

  /// Lemma 1's hypotheses on this case, measured from G and k alone: G ≠ 0
  /// and 1 ≤ k ≤ d.
  var hypothesesHold: Bool {
    let d = matrix.first?.count ?? 0
    return (1...Swift.max(1, d)).contains(k) && d >= 1 && matrix.contains { $0.contains { !$0.isZero } }
  }

  /// "G = [[1, 1, 1]], k = 2".
  public var description: String {
    "G = [" + matrix.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" }.joined(separator: ", ")
      + "], k = \(k)"
  }

  /// What was observed, for a fixture.
  func observed(_ e: Lemma1Expectation) -> JSONValue {
    .object([
      "expectedResidual": .string(e.expectedResidual.description), "bound": .string(e.bound.description),
      "uniformResidual": .string(e.uniformResidual.description), "total": .string(e.total.description),
      "holds": .bool(side.holds(e)),
    ])
  }

  /// The fixture recording this case as a counterexample of `claim`.
  func fixture(claim: String, expectation e: Lemma1Expectation, choices: [Choice]? = nil) throws -> Fixture {
    let lhs = e.expectedResidual.description, rhs = side.rightHandSide(e).description
    return Fixture(claim: claim, expect: .refutes, input: try JSONValue(encoding: self), observed: observed(e),
                   choices: choices.map { ChoiceRecord(choices: $0) },
                   summary: "\(description) (\(reading.rawValue)): E‖C_k(G) − G‖² = \(lhs) > \(rhs)")
  }
}

/// Phase (a) of the Lemma 1 checks: every case of a finite domain, exactly.
///
/// Domain: b = 1, 1 ≤ d ≤ `maxDimension`, integer entries in
/// −`maxEntry`…`maxEntry`, G ≠ 0, every k in 1…d. Both sides of Lemma 1
/// depend on G only through the column scores s_j = ‖G[:,j]‖² (every
/// reading's block distribution is a function of s, and so are the
/// residuals), and with b = 1 the entries g and −g give the same score, so
/// the check enumerates the non-negative representatives (entries in
/// 0…`maxEntry`), which stand for every sign pattern: (2E+1)^d − 1 matrices
/// per d through (E+1)^d − 1 score vectors. Cases are visited in the order
/// (d, k, entries lexicographically); the first violation is the minimal
/// counterexample in that order.
struct Lemma1Exhaustive {
  var maxDimension: Int
  var maxEntry: Int

  struct Outcome {
    /// (score vector, k) pairs enumerated.
    var cases = 0
    /// Matrices represented (every sign pattern).
    var matrices = 0
    var violations = 0
    var first: (Lemma1ExactCase, Lemma1Expectation)?
    var worstRatio: Double?
    var worstCase: String?
    /// Every finite ratio, for the distribution plot.
    var ratios: [Double] = []
    var partial = false
    /// Cases where G = 0 or k ∉ 1…d (Lemma 1's hypotheses fail).
    var hypothesisFailures = 0
  }

  func run(reading: SelectionReading, side: Lemma1Side, selection: Lemma1Selection = .paper,
           cancellation: CancellationFlag) throws -> Outcome {
    var outcome = Outcome()
    for d in 1...maxDimension {
      for k in 1...d {
        var entries = [Int](repeating: 0, count: d)
        while Lemma1Exhaustive.increment(&entries, max: maxEntry) {
          if cancellation.isCancelled {
            outcome.partial = true
            return outcome
          }
          let c = Lemma1ExactCase(reading: reading, side: side, k: k, matrix: [entries.map { Rational($0) }],
                                  selection: selection)
          if !c.hypothesesHold { outcome.hypothesisFailures += 1 }
          let e = try c.expectation()
          outcome.cases += 1
          outcome.matrices += entries.reduce(1) { $0 * ($1 == 0 ? 1 : 2) }
          if let r = side.ratio(e) {
            if r.isFinite { outcome.ratios.append(r) }
            if outcome.worstRatio.map({ r > $0 }) ?? true {
              outcome.worstRatio = r
              outcome.worstCase = c.description
            }
          }
          if !side.holds(e) {
            outcome.violations += 1
            if outcome.first == nil { outcome.first = (c, e) }
          }
        }
      }
    }
    return outcome
  }

  /// The next vector in lexicographic order over 0…max (skipping the zero
  /// vector); false after the last.
  static func increment(_ v: inout [Int], max: Int) -> Bool {
    var i = v.count - 1
    while i >= 0 {
      if v[i] < max {
        v[i] += 1
        return true
      }
      v[i] = 0
      i -= 1
    }
    return false
  }

  /// The domain sentence for reports.
  var domain: String {
    "b = 1, 1 ≤ d ≤ \(maxDimension), integer entries in −\(maxEntry)…\(maxEntry), G ≠ 0, every k in 1…d "
      + "(enumerated through the column-score vectors s ∈ {0, 1, …, \(maxEntry)²}^d: both sides depend on G only through s)"
  }
}
