import ClaimCheck
import Foundation
import Plotting
import Testing

@testable import BGMDClaims
import TestSupport

/// The report pipeline: files, plots, determinism, shards, verdict files, replay errors.
@Suite struct ReportTests {
  static func sample(partial: Bool = false) -> ClaimReport {
    let plot = Plot(title: "deviation", xLabel: "M", yLabel: "‖dev‖", logX: true, logY: true,
                    series: [Plot.Series(name: "mean", points: [(1, 1), (10, 10), (100, 0)]),
                             Plot.Series(name: "bound", points: [(1, 2), (100, 2)], style: "dashed")])
    let a = ClaimRecord(id: "lemma1/top-k", source: "Lemma 1", statement: "E ≤ (1 − k/d)", verdict: .holds, method: "m",
                        cases: 3, domain: "d", worst: WorstCase(ratio: 0.5, case: "c"),
                        evidence: .object(["plots": .array([plot.json]), "seconds": .number(1.5), "n": .number(2)]))
    let b = ClaimRecord(id: "lemma5/clean", source: "Lemma 5", statement: "x − x̃ = m | ok", verdict: .refuted,
                        method: "m", cases: 1, domain: "d",
                        counterexample: CounterexampleReference(fixture: "fixtures/counterexamples/lemma5/clean/0.json",
                                                                exact: true, summary: "s"))
    return ClaimReport(run: RunInfo(seed: 1, profile: "quick", shard: "1/1", seconds: 2, partial: partial), claims: [a, b])
  }

  @Test func plotRoundTripsThroughTheEvidenceConvention() throws {
    let report = ReportTests.sample()
    let plots = Plot.plots(in: report.claims[0].evidence)
    #expect(plots.count == 1)
    #expect(plots[0].series.count == 2 && plots[0].logX && plots[0].series[1].style == "dashed")
    #expect(Plot(json: .object(["title": .string("x")])) == nil)
  }

  @Test func svgSkipsPointsALogAxisCannotShow() {
    let plot = Plot(title: "t<", xLabel: "x", yLabel: "y", logY: true,
                    series: [Plot.Series(name: "s", points: [(0, 1), (1, 10), (2, 0), (3, .nan)])])
    let svg = SVGPlot.render(plot)
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
    #expect(svg.contains("t&lt;"))
    // The series' three usable points (0, 1), (1, 10) — and not (2, 0) or
    // (3, nan), which a log axis cannot show — make one two-point polyline.
    let polylines = svg.components(separatedBy: "<polyline points=\"").dropFirst()
    #expect(polylines.count == 1)
    #expect(polylines.first.map { $0.prefix { $0 != "\"" }.split(separator: " ").count } == 2)
    let empty = SVGPlot.render(Plot(title: "e", xLabel: "x", yLabel: "y", logX: true,
                                    series: [Plot.Series(name: "s", points: [(0, 1)])]))
    #expect(empty.contains("no plottable points"))
  }

  /// The series an SVG draws as polylines: each one's title, its points in
  /// pixels and whether it is dashed; and the frame of the plotting area.
  static func drawn(_ svg: String) -> (series: [(name: String, points: [(x: Double, y: Double)], dashed: Bool)],
                                       frame: (x: Double, y: Double, width: Double, height: Double)?) {
    func attribute(_ name: String, _ tag: Substring) -> String? {
      guard let r = tag.range(of: " \(name)=\"") else { return nil }
      return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }
    var series: [(name: String, points: [(x: Double, y: Double)], dashed: Bool)] = []
    for chunk in svg.components(separatedBy: "<polyline").dropFirst() {
      let tag = chunk.prefix { $0 != ">" }
      let points = (attribute("points", tag) ?? "").split(separator: " ").compactMap { pair -> (x: Double, y: Double)? in
        let xy = pair.split(separator: ",").compactMap { Double($0) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
      }
      let name = chunk.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first
      series.append((name ?? "", points, tag.contains("stroke-dasharray")))
    }
    let frameTag = svg.components(separatedBy: "<rect").dropFirst().map { $0.prefix { $0 != ">" } }
      .first { $0.contains("stroke=") }
    let frame = frameTag.flatMap { tag -> (x: Double, y: Double, width: Double, height: Double)? in
      let v = ["x", "y", "width", "height"].compactMap { attribute($0, tag).flatMap(Double.init) }
      return v.count == 4 ? (v[0], v[1], v[2], v[3]) : nil
    }
    return (series, frame)
  }

  /// The claim report's plot draws each series of the evidence, in order,
  /// at the places its data give on the axes: not only "a polyline".
  @Test func reportPlotsDrawEverySeriesAtItsDataPoints() throws {
    let plot = try #require(Plot.plots(in: ReportTests.sample().claims[0].evidence).first)
    let svg = SVGPlot.render(plot)
    let (series, frame) = Self.drawn(svg)
    let box = try #require(frame)
    #expect(series.map(\.name) == ["mean", "bound"])
    #expect(series.map(\.dashed) == [false, true])
    // Both axes are logarithmic over the usable points: x from 1 to 100,
    // y from 1 to 10; (100, 0) has no place on a log axis and is left out.
    func expected(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
      (box.x + log10(x) / 2 * box.width, box.y + (1 - log10(y)) * box.height)
    }
    let data: [[(Double, Double)]] = [[(1, 1), (10, 10)], [(1, 2), (100, 2)]]
    for (drawnSeries, points) in zip(series, data) {
      #expect(drawnSeries.points.count == points.count, "\(drawnSeries.name)")
      for (p, (x, y)) in zip(drawnSeries.points, points) {
        let e = expected(x, y)
        // The SVG writes two decimals.
        #expect(abs(p.x - e.x) <= 0.006 && abs(p.y - e.y) <= 0.006, "\(drawnSeries.name): (\(x), \(y)) drawn at \(p), expected \(e)")
      }
    }
    // The HTML report carries this very plot.
    let dir = temporaryDirectory("report-plot")
    defer { try? FileManager.default.removeItem(at: dir) }
    let urls = try ReportWriter.write(ReportTests.sample(), to: dir, repositoryRoot: dir.deletingLastPathComponent())
    #expect(try String(contentsOf: urls[2], encoding: .utf8).contains(svg))
  }

  @Test func writesThreeFilesWithLinksAndPartialMarks() throws {
    let dir = temporaryDirectory("report")
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.deletingLastPathComponent()
    let urls = try ReportWriter.write(ReportTests.sample(partial: true), to: dir, repositoryRoot: root)
    #expect(urls.map(\.lastPathComponent) == ReportWriter.fileNames)
    let md = try String(contentsOf: urls[1], encoding: .utf8)
    let html = try String(contentsOf: urls[2], encoding: .utf8)
    let json = try ClaimCheckJSON.decoder().decode(ClaimReport.self, from: Data(contentsOf: urls[0]))
    #expect(json.run.partial)
    #expect(md.contains("PARTIAL RUN") && html.contains("PARTIAL RUN"))
    #expect(md.contains("## Lemma 1") && md.contains("## Lemma 5"))
    #expect(md.contains("](../fixtures/counterexamples/lemma5/clean/0.json)"))
    #expect(md.contains("x − x̃ = m \\| ok") || md.contains("x − x̃ = m | ok"))
    #expect(!md.contains("seconds"))
    #expect(html.contains("<svg") && !html.contains("src=") && !html.contains("href=\"http"))
    #expect(!html.contains("<script") && !html.contains("<link"))
  }

  @Test func relativePrefixes() {
    let root = URL(fileURLWithPath: "/a/b", isDirectory: true)
    #expect(ReportWriter.relativePrefix(from: URL(fileURLWithPath: "/a/b/reports"), to: root) == "../")
    #expect(ReportWriter.relativePrefix(from: root, to: root) == "")
    #expect(ReportWriter.relativePrefix(from: URL(fileURLWithPath: "/a/b/x/y"), to: root) == "../../")
  }

  @Test func verdictFileRecordsAndComparesPerProfile() throws {
    let report = ReportTests.sample()
    var file = VerdictFile(profiles: ["quick": ["old/claim": .holds], "standard": ["lemma1/top-k": .proved]])
    #expect(file.differences(report).map(\.id) == ["lemma1/top-k", "lemma5/clean"])
    file.record(report, replaceSection: false)
    #expect(file.profiles["quick"]?["old/claim"] == .holds)
    #expect(file.differences(report).isEmpty)
    file.record(report, replaceSection: true)
    #expect(file.profiles["quick"]?["old/claim"] == nil)
    #expect(file.profiles["standard"]?["lemma1/top-k"] == .proved)
    let url = temporaryDirectory("verdicts").appendingPathExtension("json")
    defer { try? FileManager.default.removeItem(at: url) }
    try file.encoded().write(to: url)
    #expect(try VerdictFile.load(url) == file)
    try Data("{\"schema\": \"bgmd-verdicts/1\", \"profiles\": {\"quick\": {\"a\": \"maybe\"}}}".utf8).write(to: url)
    #expect(throws: VerdictFileError.self) { try VerdictFile.load(url) }
  }

  @Test func campaignReportIsIdenticalAcrossThreadsAndShardsMerge() throws {
    let claims = ClaimRegistry.select(["lemma5/corrupted/per-row"])
    #expect(claims.count == 2)
    let one = Campaign(seed: 3, profile: .quick, threads: 1).run(claims).strippingTimings()
    let two = Campaign(seed: 3, profile: .quick, threads: 2).run(claims).strippingTimings()
    #expect(try one.encoded() == two.encoded())
    let shards = try (1...2).map { i in
      Campaign(seed: 3, profile: .quick, shard: try Shard(index: i, count: 2), threads: 2).run(claims)
    }
    let merged = try ClaimReport.merge(shards).strippingTimings()
    #expect(merged.run.shard == "1/1")
    #expect(try merged.encoded() == one.encoded())
  }

  @Test func replayNamesTheFileAndFieldOfAMalformedFixture() throws {
    let dir = temporaryDirectory("fix", create: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.json")
    try Data("{\"schema\": \"bgmd-fixture/1\", \"claim\": \"lemma1/top-k\", \"expect\": \"refutes\", \"observed\": {}, \"input\": {\"kind\": \"exact\", \"reading\": \"top-k\", \"side\": \"lemma\", \"matrix\": [[\"1\"]]}}".utf8)
      .write(to: bad)
    let noExpect = dir.appendingPathComponent("no-expect.json")
    try Data("{\"schema\": \"bgmd-fixture/1\", \"claim\": \"lemma1/top-k\", \"input\": {}, \"observed\": {}}".utf8).write(to: noExpect)
    let unknown = dir.appendingPathComponent("unknown.json")
    try Data("{\"schema\": \"bgmd-fixture/1\", \"claim\": \"nope/x\", \"expect\": \"holds\", \"input\": {}, \"observed\": {}}".utf8)
      .write(to: unknown)
    let outcomes = FixtureReplay.replayAll([dir])
    #expect(outcomes.count == 3 && outcomes.allSatisfy { !$0.ok })
    let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.file.lastPathComponent, $0.message) })
    #expect(byName["bad.json"]?.contains("input.k") == true)
    #expect(byName["bad.json"]?.contains("bad.json") == true)
    #expect(byName["no-expect.json"]?.contains("`expect`") == true)
    #expect(byName["unknown.json"]?.contains("no replayer") == true)
  }
}
