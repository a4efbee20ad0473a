import ClaimCheck
import Foundation

/// Shared pieces of the readable reports (`claims.md`, `claims.html`):
/// grouping by family, number formatting, evidence summaries.
public enum ReportText {
  /// The family title of a claim id: the registered family that owns it,
  /// else the id's first segment.
  public static func family(of id: String) -> String {
    ClaimRegistry.family(owning: id)?.title ?? (id.split(separator: "/").first.map(String.init) ?? id)
  }

  /// The claims grouped by family, families in the registry's (the paper's)
  /// order, unknown ones after by name, claims by id within a family.
  public static func grouped(_ claims: [ClaimRecord]) -> [(family: String, claims: [ClaimRecord])] {
    let order = ClaimRegistry.families.map(\.title)
    var groups: [String: [ClaimRecord]] = [:]
    for c in claims { groups[family(of: c.id), default: []].append(c) }
    let names = groups.keys.sorted { a, b in
      let ia = order.firstIndex(of: a) ?? order.count, ib = order.firstIndex(of: b) ?? order.count
      return ia != ib ? ia < ib : a < b
    }
    return names.map { ($0, (groups[$0] ?? []).sorted { $0.id < $1.id }) }
  }

  /// The power line of a claim: "refutes n/m controls (…)" when its controls
  /// ran, else why they did not.
  public static func power(_ c: ClaimRecord) -> String {
    if let p = c.power { return p.line }
    switch c.verdict {
    case .refuted: return "not needed (refuted)"
    case .inconclusive: return "not run (inconclusive)"
    default: return "no negative controls"
    }
  }

  /// The power column of a table: "n/m", or "—".
  public static func powerCell(_ c: ClaimRecord) -> String {
    guard let p = c.power else { return "—" }
    return "\(p.refuted)/\(p.total)"
  }

  /// The hypotheses line: each as held/failed.
  public static func hypotheses(_ c: ClaimRecord) -> String? {
    guard !c.hypotheses.isEmpty else { return nil }
    return c.hypotheses.map { "\($0.name): \($0.held ? "held" : "FAILED") (\($0.detail))" }.joined(separator: "; ")
  }

  /// A ratio with six significant digits ("inf", "—" when absent).
  public static func ratio(_ value: Double?) -> String {
    guard let v = value else { return "—" }
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return String(format: "%.6g", v)
  }

  /// The evidence without plots and timings, as compact sorted-key JSON,
  /// cut at `limit` characters.
  public static func evidenceSummary(_ evidence: JSONValue, limit: Int = 1_500) -> String {
    func strip(_ v: JSONValue) -> JSONValue {
      switch v {
      case .object(let o):
        return .object(o.filter { $0.key != "plots" && $0.key != "seconds" && $0.key != "timing" }.mapValues(strip))
      case .array(let a): return .array(a.map(strip))
      default: return v
      }
    }
    let data = (try? ClaimCheckJSON.encoder(pretty: false).encode(strip(evidence))) ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    return text.count > limit ? String(text.prefix(limit)) + " …" : text
  }

  /// Counts of each verdict, in the order proved, holds, refuted, inconclusive, vacuous.
  public static func tally(_ claims: [ClaimRecord]) -> String {
    Verdict.allCases.map { v in "\(claims.filter { $0.verdict == v }.count) \(v.rawValue)" }.joined(separator: ", ")
  }
}
