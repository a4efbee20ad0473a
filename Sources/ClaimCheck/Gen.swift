/// A generator: a function from a `ChoiceSource` to a value.
///
/// Generators never shrink themselves: the shrinker edits the choice sequence
/// and re-runs the generator, so every shrunk value is one the generator can
/// produce. Compose with `map`, `flatMap` (dependent shapes) and `filter`.
public struct Gen<Value>: Sendable {
  private let body: @Sendable (inout ChoiceSource) throws -> Value

  /// Wraps a function that draws from the source.
  public init(_ body: @escaping @Sendable (inout ChoiceSource) throws -> Value) {
    self.body = body
  }

  /// Runs the generator once against `source`.
  ///
  /// - Throws: `GenerationStop` when the case is rejected or overruns, or
  ///   whatever the wrapped function throws.
  public func generate(_ source: inout ChoiceSource) throws -> Value {
    try body(&source)
  }

  /// Generates one value from a fresh source seeded with `seed`.
  public func example(seed: UInt64) throws -> Value {
    var source = ChoiceSource(seed: seed)
    return try generate(&source)
  }

  /// Rebuilds the value a recorded choice sequence generates (simplest
  /// values past its end), e.g. from a fixture's `choices`.
  public func replay(_ values: [ChoiceValue]) throws -> Value {
    var source = ChoiceSource(prefix: values, tail: .simplest)
    return try generate(&source)
  }

  /// Transforms every generated value.
  public func map<T>(_ transform: @escaping @Sendable (Value) throws -> T) -> Gen<T> {
    Gen<T> { source in try transform(try self.generate(&source)) }
  }

  /// Chooses a second generator from the first value (dependent sizes, shapes).
  public func flatMap<T>(_ next: @escaping @Sendable (Value) throws -> Gen<T>) -> Gen<T> {
    Gen<T> { source in try next(try self.generate(&source)).generate(&source) }
  }

  /// Keeps only values satisfying `predicate`, retrying up to `attempts` times
  /// within one case before rejecting it.
  ///
  /// Rejected cases are counted by the engine; when more than 90% of at least
  /// 1,000 attempts are rejected, the run fails its health check.
  public func filter(attempts: Int = 3, _ predicate: @escaping @Sendable (Value) -> Bool) -> Gen<Value> {
    Gen { source in
      for _ in 0..<Swift.max(1, attempts) {
        let v = try self.generate(&source)
        if predicate(v) { return v }
      }
      throw GenerationStop.rejected
    }
  }
}

extension Gen {
  /// Always `value`; draws nothing.
  public static func constant(_ value: Value) -> Gen<Value> where Value: Sendable {
    Gen { _ in value }
  }

  /// Picks one of `generators`, shrinking toward the first.
  ///
  /// - Precondition: `generators` is non-empty (an empty list rejects every case).
  public static func oneOf(_ generators: [Gen<Value>]) -> Gen<Value> {
    Gen { source in
      guard !generators.isEmpty else { throw GenerationStop.rejected }
      let i = try source.drawInt(in: 0...(generators.count - 1))
      return try generators[i].generate(&source)
    }
  }

  /// Picks a generator with probability proportional to its weight,
  /// shrinking toward the first. Non-positive weights are never picked fresh.
  public static func frequency(_ weighted: [(Int, Gen<Value>)]) -> Gen<Value> {
    let total = weighted.reduce(0) { $0 + Swift.max(0, $1.0) }
    let gens = weighted.map { $0.1 }
    let weights = weighted.map { Swift.max(0, $0.0) }
    return Gen { source in
      guard total > 0 else { throw GenerationStop.rejected }
      let kind = ChoiceKind.integer(min: 0, max: gens.count - 1, shrinkTowards: 0)
      let v = try source.choose(kind) { rng in
        var r = Int(rng.nextInt(below: UInt64(total)))
        for (i, w) in weights.enumerated() {
          if r < w { return .integer(i) }
          r -= w
        }
        return .integer(gens.count - 1)
      }
      guard case .integer(let i) = v else { throw GenerationStop.rejected }
      return try gens[i].generate(&source)
    }
  }
}

extension Gen where Value == Int {
  /// Integers in `range`, shrinking toward `shrinkTowards` (clamped into the range).
  public static func int(in range: ClosedRange<Int>, shrinkTowards: Int = 0) -> Gen<Int> {
    Gen { source in try source.drawInt(in: range, shrinkTowards: shrinkTowards) }
  }
}

extension Gen where Value == Bool {
  /// Booleans, `true` with probability `probability` on fresh draws; shrinks to `false`.
  public static func bool(probability: Double = 0.5) -> Gen<Bool> {
    Gen { source in try source.drawBool(probability: probability) }
  }
}

extension Gen where Value == Double {
  /// Doubles in `range`, shrinking toward integers and short binary fractions.
  public static func double(in range: ClosedRange<Double>, allowNonFinite: Bool = false) -> Gen<Double> {
    Gen { source in try source.drawDouble(in: range, allowNonFinite: allowNonFinite) }
  }
}

/// A fraction as drawn: numerator and denominator (denominator ≥ 1).
public struct DrawnFraction: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The numerator as drawn.
  public var numerator: Int
  /// The denominator as drawn (≥ 1).
  public var denominator: Int
  /// The fraction `numerator/denominator`, not reduced.
  public init(numerator: Int, denominator: Int) {
    self.numerator = numerator
    self.denominator = denominator
  }
  /// "p/q".
  public var description: String { "\(numerator)/\(denominator)" }
}

extension Gen where Value == DrawnFraction {
  /// Fractions p/q, |p| ≤ `maxNumerator`, 1 ≤ q ≤ `maxDenominator`, shrinking
  /// toward small denominators and zero.
  public static func fraction(maxNumerator: Int, maxDenominator: Int) -> Gen<DrawnFraction> {
    Gen { source in
      let (p, q) = try source.drawRational(maxNumerator: maxNumerator, maxDenominator: maxDenominator)
      return DrawnFraction(numerator: p, denominator: q)
    }
  }
}

extension Gen {
  /// Arrays whose length lies in `count`, each element from `element`.
  ///
  /// The length is drawn as a sequence of "one more?" booleans after the
  /// minimum (geometric with mean about `averageExtra`), so deleting a span
  /// of choices deletes an element and the simplest array is the shortest.
  /// - Complexity: O(length) choices.
  public static func array(of element: Gen<Value>, count: ClosedRange<Int> = 0...10, averageExtra: Double = 5) -> Gen<[Value]> {
    let lo = Swift.max(0, count.lowerBound)
    let hi = Swift.max(lo, count.upperBound)
    let p = averageExtra / (averageExtra + 1)
    return Gen<[Value]> { source in
      var out: [Value] = []
      out.reserveCapacity(lo)
      for _ in 0..<lo { out.append(try element.generate(&source)) }
      while out.count < hi {
        guard try source.drawBool(probability: p) else { break }
        out.append(try element.generate(&source))
      }
      return out
    }
  }

  /// Matrices as row arrays with drawn shape: `rows` × `cols`, entries from `element`.
  ///
  /// Shape first (rows, then cols, both shrinking toward their minimum), then
  /// entries in row-major order.
  /// - Complexity: O(rows·cols) choices.
  public static func matrix(rows: ClosedRange<Int>, cols: ClosedRange<Int>, element: Gen<Value>) -> Gen<[[Value]]> {
    Gen<[[Value]]> { source in
      let r = try source.drawInt(in: rows, shrinkTowards: rows.lowerBound)
      let c = try source.drawInt(in: cols, shrinkTowards: cols.lowerBound)
      return try (0..<r).map { _ in try (0..<c).map { _ in try element.generate(&source) } }
    }
  }
}

/// Pairs of independently generated values.
public func zip<A, B>(_ a: Gen<A>, _ b: Gen<B>) -> Gen<(A, B)> {
  Gen { source in (try a.generate(&source), try b.generate(&source)) }
}
