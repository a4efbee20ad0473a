import ClaimCheck
import Plotting

/// A curve plot (`Plotting.Plot`) carried in a claim's evidence, so that any
/// family can emit plots without knowing the renderer.
///
/// The convention: a claim's `evidence` object may hold the key `plots`, an
/// array of objects
///
/// ```json
/// {"title": "…", "xLabel": "…", "yLabel": "…", "logX": false, "logY": false,
///  "series": [{"name": "…", "points": [[x, y], …]}, …]}
/// ```
///
/// `logX`/`logY` default to false; points with a non-finite coordinate, or a
/// non-positive one on a log axis, are skipped when drawing. A series with a
/// single point is drawn as a marker; `style: "dashed"` on a series draws a
/// reference line (e.g. a bound). `claims.html` renders every plot as inline
/// SVG (`SVGPlot`); `claims.md` and `claims.json` keep the numbers.
public typealias Plot = Plotting.Plot

extension Plotting.Plot {
  /// The plot as the evidence convention's JSON object.
  public var json: JSONValue {
    .object([
      "title": .string(title), "xLabel": .string(xLabel), "yLabel": .string(yLabel),
      "logX": .bool(logX), "logY": .bool(logY),
      "series": .array(series.map { s in
        var o: [String: JSONValue] = [
          "name": .string(s.name),
          "points": .array(s.points.map { .array([.number($0.x), .number($0.y)]) }),
        ]
        if let style = s.style { o["style"] = .string(style) }
        return .object(o)
      }),
    ])
  }

  /// Parses one plot object; nil when it does not follow the convention.
  public init?(json: JSONValue) {
    guard case .string(let title)? = json["title"], case .array(let list)? = json["series"] else { return nil }
    func text(_ key: String) -> String {
      if case .string(let s)? = json[key] { return s }
      return ""
    }
    func flag(_ key: String) -> Bool {
      if case .bool(let b)? = json[key] { return b }
      return false
    }
    var series: [Series] = []
    for item in list {
      guard case .string(let name)? = item["name"], case .array(let raw)? = item["points"] else { return nil }
      var points: [(x: Double, y: Double)] = []
      for p in raw {
        guard case .array(let pair) = p, pair.count == 2 else { return nil }
        points.append((Plot.number(pair[0]), Plot.number(pair[1])))
      }
      var style: String?
      if case .string(let s)? = item["style"] { style = s }
      series.append(Series(name: name, points: points, style: style))
    }
    self.init(title: title, xLabel: text("xLabel"), yLabel: text("yLabel"), logX: flag("logX"), logY: flag("logY"),
              series: series)
  }

  /// The plots of a claim's evidence (key `plots`); malformed entries are skipped.
  public static func plots(in evidence: JSONValue) -> [Plot] {
    guard case .array(let list)? = evidence["plots"] else { return [] }
    return list.compactMap { Plot(json: $0) }
  }

  /// A JSON number, or the encoder's "inf"/"-inf"/"nan" strings, as a double.
  static func number(_ value: JSONValue) -> Double {
    switch value {
    case .number(let d): return d
    case .string("inf"): return .infinity
    case .string("-inf"): return -.infinity
    default: return .nan
    }
  }
}
