import Foundation

/// Renders a `Plot` as SVG (no external assets): axes with ticks (decades on
/// log axes, 1–2–5 steps on linear ones), one polyline per series (single
/// points as markers, `dashed` series dashed, the series name as its
/// `<title>`), a legend under the plot. Points with a non-finite coordinate,
/// or a non-positive one on a log axis, are left out.
///
/// `render(_:)` gives an element to inline in HTML (`claims.html`);
/// `document(_:)` a standalone `.svg` file (the experiments' figures).
/// Output is a pure function of the plot (fixed number formatting), so a
/// report's HTML is as reproducible as its JSON.
public enum SVGPlot {
  /// Colour-blind-safe palette (Okabe–Ito), cycled over the series.
  static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

  /// The SVG element of `plot`, `width` × `height` pixels plus the legend.
  public static func render(_ plot: Plot, width: Double = 560, height: Double = 320) -> String {
    let left = 70.0, right = 28.0, top = 28.0, bottom = 46.0
    let plotW = width - left - right, plotH = height - top - bottom
    func usable(_ p: (x: Double, y: Double)) -> Bool {
      p.x.isFinite && p.y.isFinite && (!plot.logX || p.x > 0) && (!plot.logY || p.y > 0)
    }
    let all = plot.series.flatMap { $0.points.filter(usable) }
    // Legend entries in columns as wide as the longest name allows (about
    // 6 px per character at 11 px, plus the 22 px swatch), at most three.
    let longest = plot.series.map { $0.name.count }.max() ?? 0
    let columns = Swift.max(1, Swift.min(3, Int((width - left) / (Double(longest) * 6.2 + 34))))
    let legendRows = (plot.series.count + columns - 1) / columns
    let totalH = height + Double(legendRows) * 16 + 6
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(totalH))\" "
    out += "viewBox=\"0 0 \(f(width)) \(f(totalH))\" font-family=\"sans-serif\" font-size=\"11\">"
    out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(totalH))\" fill=\"#ffffff\"/>"
    let titleSize = plot.title.count > 72 ? 10 : (plot.title.count > 60 ? 11 : 13)
    out += "<text x=\"\(f(width / 2))\" y=\"16\" text-anchor=\"middle\" font-size=\"\(titleSize)\">\(escape(plot.title))</text>"
    guard !all.isEmpty else {
      out += "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">no plottable points</text></svg>"
      return out
    }
    let xs = Axis(values: all.map(\.x), log: plot.logX)
    let ys = Axis(values: all.map(\.y), log: plot.logY)
    func px(_ x: Double) -> Double { left + xs.fraction(x) * plotW }
    func py(_ y: Double) -> Double { top + (1 - ys.fraction(y)) * plotH }
    out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>"
    for t in xs.ticks() {
      let x = px(t)
      out += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>"
      out += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 14))\" text-anchor=\"middle\">\(escape(label(t)))</text>"
    }
    for t in ys.ticks() {
      let y = py(t)
      out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
      out += "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(label(t)))</text>"
    }
    out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 32))\" text-anchor=\"middle\">"
    out += "\(escape(plot.xLabel + (plot.logX ? " (log)" : "")))</text>"
    out += "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">"
    out += "\(escape(plot.yLabel + (plot.logY ? " (log)" : "")))</text>"
    for (n, s) in plot.series.enumerated() {
      let colour = palette[n % palette.count]
      let points = s.points.filter(usable)
      let dash = s.style == "dashed" ? " stroke-dasharray=\"6 4\"" : ""
      if points.count == 1, let p = points.first {
        out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(colour)\"/>"
      } else if points.count > 1 {
        let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\"\(dash)>"
        out += "<title>\(escape(s.name))</title></polyline>"
        if points.count <= 40 {
          for p in points { out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2\" fill=\"\(colour)\"/>" }
        }
      }
      let lx = left + Double(n % columns) * ((width - left) / Double(columns))
      let ly = height + Double(n / columns) * 16 + 4
      out += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 18))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>"
      out += "<text x=\"\(f(lx + 22))\" y=\"\(f(ly + 4))\">\(escape(s.name))</text>"
    }
    out += "</svg>"
    return out
  }

  /// One axis: the data range (in log10 units on a log axis), padded when flat.
  struct Axis {
    var log: Bool
    var lo: Double
    var hi: Double

    init(values: [Double], log: Bool) {
      self.log = log
      let t = values.map { log ? Foundation.log10($0) : $0 }
      var lo = t.min() ?? 0, hi = t.max() ?? 1
      if hi - lo < 1e-12 * Swift.max(1, Swift.abs(hi)) {
        let pad = log ? 0.5 : Swift.max(0.5, Swift.abs(hi) * 0.1)
        lo -= pad
        hi += pad
      }
      self.lo = lo
      self.hi = hi
    }

    func fraction(_ v: Double) -> Double {
      let t = log ? Foundation.log10(v) : v
      return (t - lo) / (hi - lo)
    }

    /// Tick values in data units.
    func ticks() -> [Double] {
      if log {
        let a = Int(Foundation.ceil(lo - 1e-9)), b = Int(Foundation.floor(hi + 1e-9))
        guard a <= b else { return [Foundation.pow(10, (lo + hi) / 2)] }
        let stride = Swift.max(1, (b - a + 7) / 8)
        return Swift.stride(from: a, through: b, by: stride).map { Foundation.pow(10, Double($0)) }
      }
      let raw = (hi - lo) / 6
      let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
      let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
      var out: [Double] = []
      var v = Foundation.ceil(lo / step) * step
      while v <= hi + step * 1e-9 && out.count < 20 {
        out.append(Swift.abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
      return out
    }
  }

  /// A tick label: plain for moderate magnitudes, scientific otherwise.
  static func label(_ v: Double) -> String {
    if v == 0 { return "0" }
    let m = Swift.abs(v)
    if m >= 1e-3 && m < 1e5 {
      let s = String(format: "%.4g", v)
      return s
    }
    return String(format: "%.0e", v)
  }

  /// A coordinate with two decimals.
  static func f(_ v: Double) -> String { String(format: "%.2f", v) }

  /// A standalone SVG document of `plot` (XML declaration, a `<title>`).
  public static func document(_ plot: Plot, width: Double = 720, height: Double = 420) -> String {
    var svg = render(plot, width: width, height: height)
    if let end = svg.firstIndex(of: ">") {
      svg.insert(contentsOf: "<title>\(escape(plot.title))</title>", at: svg.index(after: end))
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n"
  }

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
}
