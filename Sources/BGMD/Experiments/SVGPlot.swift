import Foundation

/// A line plot written as a standalone SVG document (no dependencies):
/// axes with ticks, one polyline per series, a legend.
///
/// Non-finite points are left out of their polyline; a logarithmic y axis
/// leaves out points with y ≤ 0.
public struct SVGPlot: Sendable {
  /// One named line.
  public struct Series: Sendable, Equatable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// Dashed stroke (e.g. "without memory").
    public var dashed: Bool

    public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
      self.name = name
      self.points = points
      self.dashed = dashed
    }

    public static func == (a: Series, b: Series) -> Bool {
      a.name == b.name && a.dashed == b.dashed && a.points.count == b.points.count
        && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  /// A base-10 logarithmic y axis.
  public var logarithmicY: Bool
  public var width: Double = 720
  public var height: Double = 440

  public init(title: String, xLabel: String, yLabel: String, series: [Series], logarithmicY: Bool = false) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.logarithmicY = logarithmicY
  }

  /// A colour per series index (a qualitative palette).
  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                        "#7f7f7f", "#bcbd22", "#17becf"]

  /// Escapes text for XML content and attributes.
  public static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(c)
      }
    }
    return out
  }

  /// About `count` round tick values covering lo…hi (1, 2, 5 × 10^n steps).
  public static func ticks(from lo: Double, to hi: Double, count: Int = 6) -> [Double] {
    guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [lo] : [] }
    let raw = (hi - lo) / Double(Swift.max(1, count))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var values: [Double] = []
    var v = (lo / step).rounded(.up) * step
    while v <= hi + step * 1e-9 {
      values.append(abs(v) < step * 1e-9 ? 0 : v)
      v += step
    }
    return values
  }

  static func label(_ v: Double) -> String {
    if v == 0 { return "0" }
    if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
    return String(format: "%g", (v * 1e6).rounded() / 1e6)
  }

  /// The SVG document.
  public func render() -> String {
    let left = 70.0, right = 190.0, top = 40.0, bottom = 55.0
    let plotW = width - left - right, plotH = height - top - bottom
    func ty(_ y: Double) -> Double? {
      guard y.isFinite else { return nil }
      if logarithmicY { return y > 0 ? log10(y) : nil }
      return y
    }
    let xs = series.flatMap { $0.points.compactMap { $0.x.isFinite && ty($0.y) != nil ? $0.x : nil } }
    let ys = series.flatMap { $0.points.compactMap { $0.x.isFinite ? ty($0.y) : nil } }
    var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1
    var y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
    if x1 <= x0 { x1 = x0 + 1 }
    if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
    if logarithmicY { y0 = y0.rounded(.down); y1 = y1.rounded(.up) }
    func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
    func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
    func f(_ v: Double) -> String { String(format: "%.2f", v) }

    var out: [String] = []
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"12\">")
    out.append("<title>\(Self.escape(title))</title>")
    out.append("<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"white\"/>")
    out.append("<text x=\"\(f(left + plotW / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(Self.escape(title))</text>")
    // Axes and ticks.
    out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>")
    for t in Self.ticks(from: x0, to: x1) {
      out.append("<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#333\"/>")
      out.append("<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(t))</text>")
    }
    let yTicks = logarithmicY ? Array(stride(from: y0, through: y1, by: 1)) : Self.ticks(from: y0, to: y1)
    for t in yTicks {
      out.append("<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#ddd\"/>")
      let text = logarithmicY ? Self.label(pow(10, t)) : Self.label(t)
      out.append("<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(text)</text>")
    }
    out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>")
    out.append("<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>")
    // Series and legend.
    for (index, s) in series.enumerated() {
      let colour = Self.palette[index % Self.palette.count]
      let coordinates = s.points.compactMap { p -> String? in
        guard p.x.isFinite, let y = ty(p.y) else { return nil }
        return "\(f(px(p.x))),\(f(py(y)))"
      }
      let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
      out.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\"\(coordinates.joined(separator: " "))\"><title>\(Self.escape(s.name))</title></polyline>")
      let ly = top + 10 + Double(index) * 18
      out.append("<line x1=\"\(f(left + plotW + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 36))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>")
      out.append("<text x=\"\(f(left + plotW + 42))\" y=\"\(f(ly + 4))\">\(Self.escape(s.name))</text>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }
}
