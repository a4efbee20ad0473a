import ClaimCheck
import Foundation
import Plotting

/// `claims.html`: one self-contained page (inline CSS and SVG, no external
/// assets): the run, a table per family, then each claim's details with its
/// plots (evidence key `plots`, see `Plot`).
public enum HTMLReport {
  /// Renders `report`; `fixtureLinkPrefix` as in `MarkdownReport.render`.
  public static func render(_ report: ClaimReport, fixtureLinkPrefix: String = "", preamble: [String] = []) -> String {
    let e = SVGPlot.escape
    var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>BGMD claim report</title>\n"
    h += "<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}"
    h += "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
    h += "td.n{text-align:right}.proved{background:#d7f0d7}.holds{background:#e6f4ea}.refuted{background:#fbd9d3}"
    h += ".inconclusive{background:#f3ecc8}.vacuous{background:#e3e3f3}.partial{background:#fbd9d3;padding:.5em;font-weight:bold}"
    h += "code{font-size:90%}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:.5em;font-size:80%}"
    h += "svg{margin:.5em 1em .5em 0;border:1px solid #ddd}</style></head><body>\n"
    h += "<h1>BGMD claim report</h1>\n"
    if report.run.partial {
      h += "<p class=\"partial\">PARTIAL RUN — the campaign was interrupted; claims not listed were not checked.</p>\n"
    }
    h += "<p>Schema <code>\(e(report.schema))</code>; seed \(report.run.seed), profile <code>\(e(report.run.profile))</code>, "
    h += "shard \(e(report.run.shard))\(report.run.partial ? ", partial" : ""), "
    h += String(format: "%.1f", report.run.seconds) + " s. \(report.claims.count) claims: \(e(ReportText.tally(report.claims))).</p>\n"
    for line in preamble { h += "<p>\(e(line))</p>\n" }
    let groups = ReportText.grouped(report.claims)
    for (family, claims) in groups {
      h += "<h2>\(e(family))</h2>\n<table><tr><th>id</th><th>verdict</th><th>power</th><th>method</th><th>cases</th>"
      h += "<th>worst ratio</th><th>counterexample</th></tr>\n"
      for c in claims {
        let anchor = "c-" + c.id.replacingOccurrences(of: "/", with: "-")
        let link = c.counterexample.map {
          "<a href=\"\(e(ReportWriter.href(fixtureLinkPrefix, $0.fixture)))\">fixture</a>\($0.exact ? " (exact)" : "")"
        } ?? "—"
        h += "<tr class=\"\(c.verdict.rawValue)\"><td><a href=\"#\(e(anchor))\"><code>\(e(c.id))</code></a></td>"
        h += "<td><b>\(c.verdict.rawValue)</b></td><td class=\"n\">\(e(ReportText.powerCell(c)))</td>"
        h += "<td>\(e(c.method))</td><td class=\"n\">\(c.cases)</td>"
        h += "<td class=\"n\">\(e(ReportText.ratio(c.worst?.ratio)))</td><td>\(link)</td></tr>\n"
      }
      h += "</table>\n"
    }
    for (family, claims) in groups {
      h += "<h2>\(e(family)): details</h2>\n"
      for c in claims {
        let anchor = "c-" + c.id.replacingOccurrences(of: "/", with: "-")
        h += "<h3 id=\"\(e(anchor))\"><code>\(e(c.id))</code> — <span class=\"\(c.verdict.rawValue)\">\(c.verdict.rawValue)</span></h3>\n<ul>"
        h += "<li>Source: \(e(c.source))</li><li>Statement: \(e(c.statement))</li>"
        h += "<li>Method: \(e(c.method)); cases: \(c.cases)</li><li>Domain: \(e(c.domain))</li>"
        h += "<li><b>Power: \(e(ReportText.power(c)))</b></li>"
        if let v = c.vacuity { h += "<li><b>Vacuous because:</b> \(e(v))</li>" }
        if let hy = ReportText.hypotheses(c) { h += "<li>Hypotheses: \(e(hy))</li>" }
        if let w = c.worst { h += "<li>Worst: \(e(ReportText.ratio(w.ratio)))\(w.case.map { " — " + e($0) } ?? "")</li>" }
        if let x = c.counterexample {
          h += "<li>Counterexample (\(x.exact ? "exact" : "floating point")): \(e(x.summary)) — "
          h += "<a href=\"\(e(ReportWriter.href(fixtureLinkPrefix, x.fixture)))\">\(e(x.fixture))</a></li>"
        }
        h += "</ul>\n"
        for plot in Plot.plots(in: c.evidence) { h += SVGPlot.render(plot) + "\n" }
        h += "<details><summary>evidence</summary><pre>\(e(ReportText.evidenceSummary(c.evidence, limit: 20_000)))</pre></details>\n"
      }
    }
    h += "</body></html>\n"
    return h
  }
}
