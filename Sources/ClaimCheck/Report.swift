import Foundation

/// The verdict of one claim (see docs/verdicts.md).
public enum Verdict: String, Sendable, Codable, CaseIterable {
  /// Checked exactly on every case of a stated finite domain.
  case proved
  /// Searched with no counterexample; the statistical tests accept.
  case holds
  /// A shrunk counterexample exists, stored as a fixture.
  case refuted
  /// The budget ran out before a decision.
  case inconclusive
  /// No counterexample, but the check could not have failed here: its
  /// negative controls were not all refuted, it has none, or the claim's
  /// hypotheses did not hold on its instances (`ClaimRecord.vacuity` says
  /// which). Never counted as `holds`.
  case vacuous
}

/// The `run` object of `claims.json`.
public struct RunInfo: Sendable, Hashable, Codable {
  /// The run seed.
  public var seed: UInt64
  /// The profile name.
  public var profile: String
  /// "I/N".
  public var shard: String
  /// Wall time; the only run-level field that varies between identical runs.
  public var seconds: Double
  /// True when the run was interrupted (SIGINT/SIGTERM) before its end.
  public var partial: Bool

  /// The run object from its fields.
  public init(seed: UInt64, profile: String, shard: String, seconds: Double, partial: Bool) {
    self.seed = seed
    self.profile = profile
    self.shard = shard
    self.seconds = seconds
    self.partial = partial
  }
}

/// The worst case seen (e.g. LHS/RHS closest to or beyond 1).
public struct WorstCase: Sendable, Hashable, Codable {
  /// The worst score (e.g. LHS/RHS), `null` when none.
  public var ratio: Double?
  /// A description of the case that reached it.
  public var `case`: String?
  /// A worst case; either part may be absent (encoded as `null`).
  public init(ratio: Double?, case description: String?) {
    self.ratio = ratio
    self.case = description
  }
  /// Encodes both keys, `null` when absent.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(ratio, forKey: .ratio)
    try c.encode(self.case, forKey: .case)
  }
}

/// Where a claim's counterexample is stored.
public struct CounterexampleReference: Sendable, Hashable, Codable {
  /// Path of the fixture file, relative to the repository root.
  public var fixture: String
  /// Whether the failure was verified in exact (rational) arithmetic.
  public var exact: Bool
  /// One line: the shrunk input and what it violates.
  public var summary: String
  /// A reference to a stored fixture.
  public init(fixture: String, exact: Bool, summary: String) {
    self.fixture = fixture
    self.exact = exact
    self.summary = summary
  }
}

/// One entry of `claims`.
public struct ClaimRecord: Sendable, Hashable, Codable {
  /// The claim id, e.g. `lemma1/successive`.
  public var id: String
  /// Where the claim comes from, e.g. "Lemma 1".
  public var source: String
  /// The statement checked.
  public var statement: String
  /// What the check found.
  public var verdict: Verdict
  /// e.g. "exact-enumeration", "search", "sequential-test", "targeted", "growth".
  public var method: String
  /// Cases (or samples) examined.
  public var cases: Int
  /// The domain searched or enumerated.
  public var domain: String
  /// The worst case seen, or `null`.
  public var worst: WorstCase?
  /// The stored counterexample, or `null`.
  public var counterexample: CounterexampleReference?
  /// Free-form evidence; put timings under keys named `seconds` or `timing`.
  public var evidence: JSONValue
  /// The negative controls and what the same check found on each, or `null`
  /// when they were not run (a refuted or inconclusive claim needs none).
  public var power: Power?
  /// The claim's hypotheses, measured on the instances the check ran.
  public var hypotheses: [Hypothesis]
  /// Why a `vacuous` verdict is vacuous, else `null`.
  public var vacuity: String?

  /// A claim record; `worst` and `counterexample` default to `null`.
  public init(id: String, source: String, statement: String, verdict: Verdict, method: String, cases: Int,
              domain: String, worst: WorstCase? = nil, counterexample: CounterexampleReference? = nil,
              evidence: JSONValue = .object([:])) {
    self.id = id
    self.source = source
    self.statement = statement
    self.verdict = verdict
    self.method = method
    self.cases = cases
    self.domain = domain
    self.worst = worst
    self.counterexample = counterexample
    self.evidence = evidence
    self.power = nil
    self.hypotheses = []
    self.vacuity = nil
  }

  enum CodingKeys: String, CodingKey {
    case id, source, statement, verdict, method, cases, domain, worst, counterexample, evidence, power, hypotheses,
      vacuity
  }

  /// Decodes a record; `power`, `hypotheses` and `vacuity` may be absent.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    source = try c.decode(String.self, forKey: .source)
    statement = try c.decode(String.self, forKey: .statement)
    verdict = try c.decode(Verdict.self, forKey: .verdict)
    method = try c.decode(String.self, forKey: .method)
    cases = try c.decode(Int.self, forKey: .cases)
    domain = try c.decode(String.self, forKey: .domain)
    worst = try c.decodeIfPresent(WorstCase.self, forKey: .worst)
    counterexample = try c.decodeIfPresent(CounterexampleReference.self, forKey: .counterexample)
    evidence = try c.decode(JSONValue.self, forKey: .evidence)
    power = try c.decodeIfPresent(Power.self, forKey: .power)
    hypotheses = try c.decodeIfPresent([Hypothesis].self, forKey: .hypotheses) ?? []
    vacuity = try c.decodeIfPresent(String.self, forKey: .vacuity)
  }

  /// Encodes every key, writing `null` for absent `worst` and `counterexample`.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(source, forKey: .source)
    try c.encode(statement, forKey: .statement)
    try c.encode(verdict, forKey: .verdict)
    try c.encode(method, forKey: .method)
    try c.encode(cases, forKey: .cases)
    try c.encode(domain, forKey: .domain)
    try c.encode(worst, forKey: .worst)
    try c.encode(counterexample, forKey: .counterexample)
    try c.encode(evidence, forKey: .evidence)
    try c.encode(power, forKey: .power)
    try c.encode(hypotheses, forKey: .hypotheses)
    try c.encode(vacuity, forKey: .vacuity)
  }
}

/// Why shard reports cannot be merged.
public struct ReportMergeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What did not match.
  public var reason: String
  /// "cannot merge reports: …".
  public var description: String { "cannot merge reports: \(reason)" }
}

/// `claims.json` (its schema tag is the application's `EngineNames.reportSchema`,
/// e.g. `bgmd-claims/1`).
///
/// `encoded()` is a pure function of the report: keys sorted, slashes
/// unescaped, doubles in shortest round-trip form. Apart from `run.seconds`
/// and evidence keys named `seconds`/`timing`, a campaign's report is
/// byte-identical across runs and thread counts.
public struct ClaimReport: Sendable, Hashable, Codable {
  /// The application's schema tag (`EngineNames.reportSchema`).
  public var schema: String
  /// Seed, profile, shard, time, partial flag.
  public var run: RunInfo
  /// The claims, sorted by id.
  public var claims: [ClaimRecord]

  /// A report of `claims` (sorted by id) for `run`, tagged `schema`.
  public init(run: RunInfo, claims: [ClaimRecord], schema: String = EngineNames.default.reportSchema) {
    self.schema = schema
    self.run = run
    self.claims = claims.sorted { $0.id < $1.id }
  }

  /// The report as pretty-printed, sorted-key JSON with a final newline.
  public func encoded() throws -> Data {
    var data = try ClaimCheckJSON.encoder().encode(self)
    data.append(0x0A)
    return data
  }

  /// A copy with `run.seconds` zeroed and evidence keys `seconds`/`timing` removed,
  /// for byte comparisons.
  public func strippingTimings() -> ClaimReport {
    func strip(_ v: JSONValue) -> JSONValue {
      switch v {
      case .object(let o):
        return .object(o.filter { $0.key != "seconds" && $0.key != "timing" }.mapValues(strip))
      case .array(let a): return .array(a.map(strip))
      default: return v
      }
    }
    var copy = self
    copy.run.seconds = 0
    copy.claims = claims.map { var c = $0; c.evidence = strip(c.evidence); return c }
    return copy
  }

  /// Joins shard reports: union of claims sorted by id.
  ///
  /// The merged `shard` is "1/1" when the inputs are exactly shards 1…N of N,
  /// else the shards joined by "+"; `seconds` is the largest; `partial` if any is.
  /// - Throws: `ReportMergeError` on an empty list, a different schema, seed
  ///   or profile, or a claim id present twice.
  public static func merge(_ reports: [ClaimReport]) throws -> ClaimReport {
    guard let first = reports.first else { throw ReportMergeError(reason: "no reports") }
    var seen = Set<String>()
    var claims: [ClaimRecord] = []
    for r in reports {
      guard r.schema == first.schema else { throw ReportMergeError(reason: "schema \(r.schema) ≠ \(first.schema)") }
      guard r.run.seed == first.run.seed else { throw ReportMergeError(reason: "seed \(r.run.seed) ≠ \(first.run.seed)") }
      guard r.run.profile == first.run.profile else {
        throw ReportMergeError(reason: "profile \(r.run.profile) ≠ \(first.run.profile)")
      }
      for c in r.claims {
        guard seen.insert(c.id).inserted else { throw ReportMergeError(reason: "claim \(c.id) appears twice") }
        claims.append(c)
      }
    }
    let shards = reports.compactMap { try? Shard(parsing: $0.run.shard) }
    let n = shards.first?.count ?? 0
    let complete = shards.count == reports.count && shards.allSatisfy { $0.count == n }
      && Set(shards.map(\.index)) == Set(1...Swift.max(1, n)) && shards.count == n
    let shard = complete ? "1/1" : reports.map(\.run.shard).sorted().joined(separator: "+")
    let run = RunInfo(seed: first.run.seed, profile: first.run.profile, shard: shard,
                      seconds: reports.map(\.run.seconds).max() ?? 0, partial: reports.contains { $0.run.partial })
    return ClaimReport(run: run, claims: claims, schema: first.schema)
  }
}
