import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BGMD

/// Collects element names and the text of `<title>` elements.
final class SVGCollector: NSObject, XMLParserDelegate {
  var elements: [String] = []
  var titles: [String] = []
  private var inTitle = false

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
              attributes: [String: String] = [:]) {
    elements.append(name)
    if name == "title" { inTitle = true; titles.append("") }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "title" { inTitle = false }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inTitle, !titles.isEmpty { titles[titles.count - 1] += string }
  }
}

@Suite struct SVGPlotTests {
  static func parse(_ svg: String) -> (ok: Bool, collector: SVGCollector) {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = SVGCollector()
    parser.delegate = collector
    return (parser.parse(), collector)
  }

  @Test func wellFormedWithEverySeries() {
    let plot = SVGPlot(title: "Accuracy <&> time", xLabel: "seconds", yLabel: "accuracy", series: [
      .init(name: "gmd", points: [(0, 0.1), (5, 0.8), (10, 0.9)]),
      .init(name: "bgmd \"k=0.1\"", points: [(0, 0.1), (2, .nan), (3, 0.85)], dashed: true),
      .init(name: "sgd", points: []),
    ])
    let svg = plot.render()
    let (ok, collector) = Self.parse(svg)
    #expect(ok)
    #expect(collector.elements.first == "svg")
    #expect(collector.elements.filter { $0 == "polyline" }.count == 3)
    #expect(collector.titles.contains("Accuracy <&> time"))
    #expect(collector.titles.contains("bgmd \"k=0.1\""))
    #expect(svg.contains("stroke-dasharray"))
  }

  @Test func logarithmicAxisDropsNonPositivePoints() {
    let plot = SVGPlot(title: "r", xLabel: "t", yLabel: "1 − ξ",
                       series: [.init(name: "k", points: [(0, 1e-3), (1, 0), (2, 1e-1)])], logarithmicY: true)
    let (ok, collector) = Self.parse(plot.render())
    #expect(ok && collector.elements.contains("polyline"))
    let points = plot.render().components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }
    #expect(points.split(separator: " ").count == 2)
  }

  @Test func ticksAreRound() {
    #expect(SVGPlot.ticks(from: 0, to: 1, count: 5).count == 6)
    #expect(SVGPlot.ticks(from: 0, to: 100).first == 0)
    #expect(SVGPlot.ticks(from: 3, to: 3).count == 1)
  }
}
