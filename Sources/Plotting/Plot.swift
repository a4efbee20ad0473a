/// A line plot: title, axis labels, linear or logarithmic axes, named
/// series. The one plot model of the project: the claim reports
/// (`claims.html`, through a claim's `evidence.plots`) and the experiments'
/// figures (`Proofs/experiments/*.svg`) both draw it with `SVGPlot`.
public struct Plot: Sendable, Hashable {
  /// One named curve.
  public struct Series: Sendable, Hashable {
    /// The legend entry.
    public var name: String
    /// The (x, y) points in drawing order.
    public var points: [(x: Double, y: Double)]
    /// `dashed` for reference lines (bounds, runs without memory), nil for a plain line.
    public var style: String?

    /// A series from its name and points.
    public init(name: String, points: [(x: Double, y: Double)], style: String? = nil) {
      self.name = name
      self.points = points
      self.style = style
    }

    public static func == (a: Series, b: Series) -> Bool {
      a.name == b.name && a.style == b.style && a.points.count == b.points.count
        && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(name)
      hasher.combine(style)
      for p in points {
        hasher.combine(p.x)
        hasher.combine(p.y)
      }
    }
  }

  /// The plot's title.
  public var title: String
  /// Axis labels.
  public var xLabel: String
  public var yLabel: String
  /// Logarithmic (base 10) axes.
  public var logX: Bool
  public var logY: Bool
  /// The curves.
  public var series: [Series]

  /// A plot from its parts.
  public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false,
              series: [Series]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logX = logX
    self.logY = logY
    self.series = series
  }
}
