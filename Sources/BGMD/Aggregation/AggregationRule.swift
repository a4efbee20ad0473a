/// How good a geometric median is, proven: `lowerBound ≤ min g ≤ g(z) ≤
/// objective` for the Fermat–Weber objective g(z) = Σ wᵢ‖z − xᵢ‖ and the
/// returned point z, in exact arithmetic (the rounding of the floating-point
/// computation is bounded and accounted for), so z is within relative
/// accuracy `epsilon ≥ (objective − lowerBound) / lowerBound` of optimal
/// (`epsilon = 0` only when `objective == 0`, i.e. z is every row).
public struct GeometricMedianCertificate: Sendable, Codable, Equatable {
  /// A proven upper bound on g at the returned point (in units of
  /// 2^`exponent`).
  public var objective: Double
  /// A proven lower bound on min g (from the dual of the Fermat–Weber
  /// problem; in units of 2^`exponent`).
  public var lowerBound: Double
  /// The proven relative accuracy (objective − lowerBound) / lowerBound,
  /// rounded up.
  public var epsilon: Double
  /// Iterations run.
  public var iterations: Int
  /// Whether the requested accuracy was reached (false: best iterate returned).
  public var converged: Bool
  /// `objective` and `lowerBound` are in units of 2^exponent: 0, except for
  /// rows so large or so small that the values in their own units would
  /// overflow or fall among the subnormals (e.g. entries near 1e308 or
  /// 1e-320); they are then given in the units of the scaled rows the
  /// solver ran on.
  public var exponent: Int

  public init(objective: Double, lowerBound: Double, epsilon: Double, iterations: Int, converged: Bool,
              exponent: Int = 0) {
    self.objective = objective
    self.lowerBound = lowerBound
    self.epsilon = epsilon
    self.iterations = iterations
    self.converged = converged
    self.exponent = exponent
  }

  enum CodingKeys: String, CodingKey { case objective, lowerBound, epsilon, iterations, converged, exponent }

  /// Decodes a certificate; `exponent` may be absent (0).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    objective = try c.decode(Double.self, forKey: .objective)
    lowerBound = try c.decode(Double.self, forKey: .lowerBound)
    epsilon = try c.decode(Double.self, forKey: .epsilon)
    iterations = try c.decode(Int.self, forKey: .iterations)
    converged = try c.decode(Bool.self, forKey: .converged)
    exponent = try c.decodeIfPresent(Int.self, forKey: .exponent) ?? 0
  }

  /// Encodes a certificate; `exponent` only when it is not 0.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(objective, forKey: .objective)
    try c.encode(lowerBound, forKey: .lowerBound)
    try c.encode(epsilon, forKey: .epsilon)
    try c.encode(iterations, forKey: .iterations)
    try c.encode(converged, forKey: .converged)
    if exponent != 0 { try c.encode(exponent, forKey: .exponent) }
  }
}

/// The output of one aggregation call.
public struct AggregationResult<Element: Scalar>: Sendable {
  /// The aggregate vector (length d of the input).
  public var vector: [Element]
  /// For geometric-median rules: the accuracy certificate.
  public var certificate: GeometricMedianCertificate?
  /// Rows left out as corrupt (non-finite entries), in increasing order.
  public var excludedRows: [Int]
  /// For block rules: the selected coordinates, in increasing order.
  public var block: [Int]?
  /// Rows holding non-finite entries that the rule nevertheless used (the
  /// mean propagates them: its output is then non-finite), in increasing
  /// order. Robust rules exclude such rows and list them in `excludedRows`.
  public var nonFiniteRowsIncluded: [Int]
  /// Entries of the input matrix the rule read (passes × rows × columns),
  /// for rules that report it (mean, coordinate median, geometric median);
  /// nil otherwise. Counted per pass, never inside a kernel (`WorkCount`).
  public var entriesRead: Int?

  public init(vector: [Element], certificate: GeometricMedianCertificate? = nil,
              excludedRows: [Int] = [], block: [Int]? = nil, nonFiniteRowsIncluded: [Int] = []) {
    self.vector = vector
    self.certificate = certificate
    self.excludedRows = excludedRows
    self.block = block
    self.nonFiniteRowsIncluded = nonFiniteRowsIncluded
  }
}

/// An aggregation rule: b vectors in ℝ^d (the rows of a matrix) to one.
///
/// Rules that need no square root (mean, coordinate median, trimmed mean, an
/// injected exact rule) conform for every `Scalar`, so Algorithm 1 can run in
/// ℚ; rules that need one (geometric median, Krum's distances are squared and
/// need none) conform where `Element: Real`.
public protocol AggregationRule<Element>: Sendable {
  associatedtype Element: Scalar
  /// The rule's id as used on the command line and in reports
  /// (`mean`, `coordinate-median`, `trimmed-mean`, `krum`,
  /// `geometric-median`, `block-gm`).
  var name: String { get }
  /// Aggregates the rows of `rows`. Randomised rules draw from `rng` only.
  /// - Throws: `ShapeError` for shapes the rule cannot take, and
  ///   `AggregationError` when too many rows are non-finite.
  func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
}

/// Why an aggregation could not be computed.
public enum AggregationError: Error, Equatable, CustomStringConvertible, Sendable {
  /// More rows are non-finite than the rule tolerates.
  case tooManyNonFiniteRows(rule: String, nonFinite: Int, rows: Int, tolerated: Int)
  /// A parameter out of its range (e.g. trimming β ≥ 1/2, Krum's f too large).
  case invalidParameter(rule: String, parameter: String, value: String, expected: String)

  public var description: String {
    switch self {
    case let .tooManyNonFiniteRows(rule, nonFinite, rows, tolerated):
      return "\(rule): \(nonFinite) of \(rows) rows are non-finite; the rule tolerates at most \(tolerated)"
    case let .invalidParameter(rule, parameter, value, expected):
      return "\(rule): \(parameter) = \(value); expected \(expected)"
    }
  }
}
