import ClaimCheck

/// `claims.md`: a table per family (id, verdict, method, cases, worst
/// ratio, counterexample link), then each claim's details.
///
/// The text is a pure function of the report without its timings (no
/// seconds are printed), so a committed `Proofs/REPORT.md` changes only
/// when a result does.
public enum MarkdownReport {
  /// Renders `report`.
  /// - Parameters:
  ///   - fixtureLinkPrefix: prepended to each counterexample's repository-relative
  ///     fixture path to make a link that works from where the file is written
  ///     (e.g. `../` for `reports/claims.md`).
  ///   - preamble: lines inserted after the run line (e.g. the command that made the report).
  public static func render(_ report: ClaimReport, fixtureLinkPrefix: String = "", preamble: [String] = []) -> String {
    var lines: [String] = []
    lines.append("# Claim report")
    lines.append("")
    if report.run.partial {
      lines.append("**PARTIAL RUN** — the campaign was interrupted; claims not listed were not checked.")
      lines.append("")
    }
    lines.append("Schema `\(report.schema)`; seed \(report.run.seed), profile `\(report.run.profile)`, "
      + "shard \(report.run.shard)\(report.run.partial ? ", partial" : ""). "
      + "\(report.claims.count) claims: \(ReportText.tally(report.claims)).")
    if !preamble.isEmpty {
      lines.append("")
      lines.append(contentsOf: preamble)
    }
    for (family, claims) in ReportText.grouped(report.claims) {
      lines.append("")
      lines.append("## \(family)")
      lines.append("")
      lines.append("| id | verdict | power | method | cases | worst ratio | counterexample |")
      lines.append("|---|---|---:|---|---:|---:|---|")
      for c in claims {
        let link = c.counterexample.map { "[fixture](\(ReportWriter.href(fixtureLinkPrefix, $0.fixture)))\($0.exact ? " (exact)" : "")" } ?? "—"
        lines.append("| `\(c.id)` | **\(c.verdict.rawValue)** | \(ReportText.powerCell(c)) | \(cell(c.method)) | \(c.cases) | "
          + "\(ReportText.ratio(c.worst?.ratio)) | \(link) |")
      }
      lines.append("")
      for c in claims {
        lines.append("### `\(c.id)` — \(c.verdict.rawValue)")
        lines.append("")
        lines.append("- Source: \(oneLine(c.source))")
        lines.append("- Statement: \(oneLine(c.statement))")
        lines.append("- Method: \(oneLine(c.method)); cases: \(c.cases)")
        lines.append("- Power: \(oneLine(ReportText.power(c)))")
        if let v = c.vacuity { lines.append("- Vacuous because: \(oneLine(v))") }
        if let h = ReportText.hypotheses(c) { lines.append("- Hypotheses: \(oneLine(h))") }
        lines.append("- Domain: \(oneLine(c.domain))")
        if let w = c.worst {
          lines.append("- Worst: \(ReportText.ratio(w.ratio))\(w.case.map { " — \(oneLine($0))" } ?? "")")
        }
        if let x = c.counterexample {
          lines.append("- Counterexample (\(x.exact ? "exact" : "floating point")): \(oneLine(x.summary)) "
            + "— [\(x.fixture)](\(ReportWriter.href(fixtureLinkPrefix, x.fixture)))")
        }
        let plots = Plot.plots(in: c.evidence)
        if !plots.isEmpty {
          lines.append("- Plots (in claims.html): " + plots.map { oneLine($0.title) }.joined(separator: "; "))
        }
        lines.append("- Evidence: `\(ReportText.evidenceSummary(c.evidence, limit: 600).replacingOccurrences(of: "`", with: "'"))`")
        lines.append("")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Text safe inside a table cell.
  static func cell(_ text: String) -> String {
    oneLine(text).replacingOccurrences(of: "|", with: "\\|")
  }

  /// Newlines folded to spaces.
  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
