import ClaimCheck
import Foundation

/// Shared pieces of the readable reports (`claims.md`, `claims.html`):
/// grouping by family, number formatting, evidence summaries.
public enum ReportText {
  /// The family title of a claim id: the registered family that holds it,
  /// else one named from the id's first segment.
  public static func family(of id: String) -> String {
    for family in ClaimRegistry.families where family.claims.contains(where: { $0.id == id }) {
      return title(ofFamily: family.name)
    }
    let head = id.split(separator: "/").first.map(String.init) ?? id
    switch head {
    case "lemma1": return "Lemma 1"
    case "breakdown", "gm": return "Breakdown"
    case "lemma5": return "Lemma 5"
    case "theorem2": return "Theorem 2"
    default: return head
    }
  }

  /// "lemma-1" → "Lemma 1", "breakdown" → "Breakdown", …
  public static func title(ofFamily name: String) -> String {
    switch name {
    case "lemma-1": return "Lemma 1"
    case "lemma-5": return "Lemma 5"
    case "theorem-2": return "Theorem 2"
    case "breakdown": return "Breakdown"
    default: return name
    }
  }

  /// The claims grouped by family, families in the paper's order (unknown
  /// ones after, by name), claims by id within a family.
  public static func grouped(_ claims: [ClaimRecord]) -> [(family: String, claims: [ClaimRecord])] {
    let order = ["Lemma 1", "Breakdown", "Lemma 5", "Theorem 2"]
    var groups: [String: [ClaimRecord]] = [:]
    for c in claims { groups[family(of: c.id), default: []].append(c) }
    let names = groups.keys.sorted { a, b in
      let ia = order.firstIndex(of: a) ?? order.count, ib = order.firstIndex(of: b) ?? order.count
      return ia != ib ? ia < ib : a < b
    }
    return names.map { ($0, (groups[$0] ?? []).sorted { $0.id < $1.id }) }
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

  /// Counts of each verdict, in the order proved, holds, refuted, inconclusive.
  public static func tally(_ claims: [ClaimRecord]) -> String {
    Verdict.allCases.map { v in "\(claims.filter { $0.verdict == v }.count) \(v.rawValue)" }.joined(separator: ", ")
  }
}
