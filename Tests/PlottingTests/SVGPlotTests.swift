import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plotting

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

  @Test func documentIsWellFormedWithEverySeriesTitled() {
    let plot = Plot(title: "Accuracy <&> time", xLabel: "seconds", yLabel: "accuracy", series: [
      .init(name: "gmd", points: [(0, 0.1), (5, 0.8), (10, 0.9)]),
      .init(name: "bgmd \"k=0.1\"", points: [(0, 0.1), (2, .nan), (3, 0.85)], style: "dashed"),
      .init(name: "sgd", points: [(1, 0.2), (4, 0.5)]),
    ])
    let svg = SVGPlot.document(plot)
    #expect(svg.hasPrefix("<?xml"))
    let (ok, collector) = Self.parse(svg)
    #expect(ok)
    #expect(collector.elements.first == "svg")
    #expect(collector.elements.filter { $0 == "polyline" }.count == 3)
    #expect(collector.titles.contains("Accuracy <&> time"))
    #expect(collector.titles.contains("bgmd \"k=0.1\""))
    #expect(svg.contains("stroke-dasharray"))
  }

  @Test func logarithmicAxisDropsNonPositivePoints() {
    let plot = Plot(title: "r", xLabel: "t", yLabel: "1 − ξ", logY: true,
                    series: [.init(name: "k", points: [(0, 1e-3), (1, 0), (2, 1e-1), (3, 1e-2)])])
    let svg = SVGPlot.render(plot)
    let (ok, collector) = Self.parse(svg)
    #expect(ok && collector.elements.contains("polyline"))
    let points = svg.components(separatedBy: "<polyline points=\"")[1].prefix { $0 != "\"" }
    #expect(points.split(separator: " ").count == 3)
  }

  @Test func ticksAreRoundAndDecades() {
    let linear = SVGPlot.Axis(values: [0, 1], log: false).ticks()
    #expect(linear == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    let log = SVGPlot.Axis(values: [1e-3, 1e2], log: true).ticks()
    #expect(log == [1e-3, 1e-2, 1e-1, 1, 10, 100])
  }
}
