import Randomness

/// A type-erased aggregation rule, so that a rule chosen at run time (on the
/// command line, in a campaign) can drive `BlockDescent`.
///
/// The wrapped rule draws from a `Xoshiro256` split off the caller's
/// generator (one word per call), which keeps the erased call generic-free.
public struct AnyAggregationRule<Element: Scalar>: AggregationRule {
  /// The wrapped rule's name.
  public let name: String
  private let body: @Sendable (Matrix<Element>, inout Xoshiro256) throws -> AggregationResult<Element>

  /// Wraps `rule`.
  public init<Rule: AggregationRule>(_ rule: Rule) where Rule.Element == Element {
    name = rule.name
    body = { rows, rng in try rule.aggregate(rows, using: &rng) }
  }

  /// A rule from a closure (for injected rules, e.g. arbitrary exact outputs).
  public init(name: String,
              _ body: @escaping @Sendable (Matrix<Element>, inout Xoshiro256) throws -> AggregationResult<Element>) {
    self.name = name
    self.body = body
  }

  public func aggregate(_ rows: Matrix<Element>, using rng: inout some RandomNumberGenerator) throws
    -> AggregationResult<Element>
  {
    var split = Xoshiro256(seed: rng.next())
    return try body(rows, &split)
  }
}
