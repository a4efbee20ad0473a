import Foundation

/// A negative control of a claim: the same check, run with the same budget
/// on a configuration or implementation that violates the claim on purpose
/// (a step size past the theorem's, a memory dropped, a floored distance…).
///
/// A control's body returns the record the check produced on the broken
/// variant; it must come out `refuted` for the claim's own `holds` to count.
/// Controls run without a fixture store (their counterexamples are about a
/// deliberately broken variant, not about the paper) and without shrinking.
public struct ControlSpec: Sendable {
  /// A short name, e.g. `step-past-theorem`.
  public var name: String
  /// What the control breaks, in one line.
  public var breaks: String
  /// The check, run on the broken variant.
  public var body: @Sendable (ClaimContext) throws -> ClaimRecord

  /// A control `name` that breaks `breaks`, checked by `body`.
  public init(name: String, breaks: String, body: @escaping @Sendable (ClaimContext) throws -> ClaimRecord) {
    self.name = name
    self.breaks = breaks
    self.body = body
  }
}

/// What one negative control's check returned.
public struct ControlOutcome: Sendable, Hashable, Codable {
  /// The control's name.
  public var name: String
  /// What it breaks.
  public var breaks: String
  /// The verdict of the claim's check on the broken variant.
  public var verdict: Verdict
  /// The counterexample's summary, or the reason it was not refuted.
  public var summary: String

  /// A control's outcome.
  public init(name: String, breaks: String, verdict: Verdict, summary: String) {
    self.name = name
    self.breaks = breaks
    self.verdict = verdict
    self.summary = summary
  }
}

/// The power behind a verdict: the negative controls and what the same check
/// found on each. Encoded with the derived counts `refuted` and `total`.
public struct Power: Sendable, Hashable, Codable {
  /// The controls, in registration order.
  public var controls: [ControlOutcome]
  /// Controls the check refuted.
  public var refuted: Int { controls.filter { $0.verdict == .refuted }.count }
  /// Controls run.
  public var total: Int { controls.count }
  /// True when there is at least one control and the check refuted every one.
  public var isComplete: Bool { total > 0 && refuted == total }
  /// "refutes 3/3 controls (a, b, c)".
  public var line: String {
    guard total > 0 else { return "no negative controls" }
    return "refutes \(refuted)/\(total) controls (" + controls.map { c in
      c.verdict == .refuted ? c.name : "\(c.name): \(c.verdict.rawValue)"
    }.joined(separator: ", ") + ")"
  }

  /// The power of `controls`.
  public init(controls: [ControlOutcome]) { self.controls = controls }

  enum CodingKeys: String, CodingKey { case controls, refuted, total }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    controls = try c.decode([ControlOutcome].self, forKey: .controls)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(controls, forKey: .controls)
    try c.encode(refuted, forKey: .refuted)
    try c.encode(total, forKey: .total)
  }
}

/// A hypothesis of the claim, measured on the instances the check ran,
/// independently of the quantity being judged (e.g. "γ = 1/(4L)",
/// "α < 1", "ξ ≥ k/d").
public struct Hypothesis: Sendable, Hashable, Codable {
  /// The hypothesis as the paper states it.
  public var name: String
  /// Whether it held on every instance.
  public var held: Bool
  /// How it was measured, and where it failed.
  public var detail: String

  /// A measured hypothesis.
  public init(name: String, held: Bool, detail: String) {
    self.name = name
    self.held = held
    self.detail = detail
  }
}

/// The result of one phase of a check (an exact enumeration, a search, a
/// sequential test…): its own verdict, cases, worst case, counterexample and
/// typed evidence.
public struct PhaseResult: Sendable, Hashable, Codable {
  /// The phase's name, e.g. `exact`, `search`, `sequential-test`.
  public var name: String
  /// `proved` (exhaustive on its domain), `holds`, `refuted` or `inconclusive`.
  public var verdict: Verdict
  /// Cases or samples examined.
  public var cases: Int
  /// The worst case the phase saw.
  public var worst: WorstCase?
  /// The counterexample it found.
  public var counterexample: CounterexampleReference?
  /// The phase's evidence.
  public var evidence: JSONValue

  /// A phase result.
  public init(name: String, verdict: Verdict, cases: Int, worst: WorstCase? = nil,
              counterexample: CounterexampleReference? = nil, evidence: JSONValue = .object([:])) {
    self.name = name
    self.verdict = verdict
    self.cases = cases
    self.worst = worst
    self.counterexample = counterexample
    self.evidence = evidence
  }

  /// A phase result whose evidence is `evidence` encoded (typed evidence).
  /// - Throws: the encoder's errors.
  public init(name: String, verdict: Verdict, cases: Int, worst: WorstCase? = nil,
              counterexample: CounterexampleReference? = nil, typedEvidence: some Encodable) throws {
    self.init(name: name, verdict: verdict, cases: cases, worst: worst, counterexample: counterexample,
              evidence: try JSONValue(encoding: typedEvidence))
  }
}

/// The one rule that turns phase results, controls and hypotheses into a
/// verdict (see docs/verdicts.md).
public enum Judgement {
  /// Phases combined: `refuted` when any phase refutes; else `inconclusive`
  /// when any phase is; else `proved` when every phase proved its domain;
  /// else `holds`. No phase at all is `inconclusive`.
  public static func combine(_ phases: [PhaseResult]) -> Verdict {
    guard !phases.isEmpty else { return .inconclusive }
    if phases.contains(where: { $0.verdict == .refuted }) { return .refuted }
    if phases.contains(where: { $0.verdict == .inconclusive || $0.verdict == .vacuous }) { return .inconclusive }
    if phases.allSatisfy({ $0.verdict == .proved }) { return .proved }
    return .holds
  }

  /// A claim record from its phases: verdict by `combine`, cases summed, the
  /// first counterexample, the worst case of the refuting phase (else the
  /// largest ratio), each phase's evidence under its name.
  public static func record(id: String, source: String, statement: String, method: String? = nil, domain: String,
                            phases: [PhaseResult], hypotheses: [Hypothesis] = [],
                            extra: [String: JSONValue] = [:]) -> ClaimRecord {
    let verdict = combine(phases)
    let refuting = phases.first { $0.verdict == .refuted }
    let worst = refuting?.worst ?? phases.compactMap(\.worst).max { a, b in
      (a.ratio ?? -.infinity) < (b.ratio ?? -.infinity)
    }
    var evidence = extra
    for p in phases {
      var e = p.evidence
      if case .object(var o) = e {
        o["verdict"] = .string(p.verdict.rawValue)
        o["cases"] = .number(Double(p.cases))
        e = .object(o)
      }
      evidence[p.name] = e
    }
    var record = ClaimRecord(id: id, source: source, statement: statement, verdict: verdict,
                             method: method ?? phases.map(\.name).joined(separator: "+"),
                             cases: phases.reduce(0) { $0 + $1.cases }, domain: domain, worst: worst,
                             counterexample: refuting?.counterexample, evidence: .object(evidence))
    record.hypotheses = hypotheses
    return record
  }

  /// The final verdict of a record whose controls have run: a `holds` or
  /// `proved` becomes `vacuous` when a hypothesis failed on the instances,
  /// when there are no controls, or when a control was not refuted; the
  /// reason goes to `vacuity`. Other verdicts are unchanged.
  public static func applyPower(_ record: ClaimRecord) -> ClaimRecord {
    guard record.verdict == .holds || record.verdict == .proved else { return record }
    var r = record
    var reasons: [String] = []
    for h in record.hypotheses where !h.held { reasons.append("hypothesis \"\(h.name)\" failed: \(h.detail)") }
    let power = record.power ?? Power(controls: [])
    if power.total == 0 {
      reasons.append("no negative controls: nothing shows this check could fail")
    } else {
      for c in power.controls where c.verdict != .refuted {
        reasons.append("control \(c.name) (\(c.breaks)) not refuted: \(c.verdict.rawValue)")
      }
    }
    if !reasons.isEmpty {
      r.vacuity = reasons.joined(separator: "; ")
      r.verdict = .vacuous
    }
    return r
  }
}
