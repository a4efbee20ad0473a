/// The result of a targeted search.
public struct TargetedResult<Value> {
  /// The best score seen (NaN scores count as −∞).
  public var bestScore: Double
  public var bestValue: Value?
  public var bestChoices: [Choice]
  /// `String(describing:)` of the best value.
  public var description: String
  /// Cases evaluated (random starts plus mutations).
  public var evaluations: Int
  /// Mutations that improved the best score.
  public var improvements: Int
  public var partial: Bool
}

/// Maximises `score` over generated cases by hill climbing on the choice sequence.
///
/// Phase 1 evaluates `starts` random cases (case i seeded as usual, in
/// parallel). Phase 2 mutates the best sequence `steps` times, serially, with a
/// PRNG seeded from `seed`: each mutation redraws one choice at random, or
/// nudges an integer by ±1…±8 or a double by a factor in [0.5, 2] or ±1,
/// then re-runs the generator on the edited prefix (fresh draws past it);
/// a strictly higher score replaces the best. Deterministic for a given seed
/// and independent of `threads`. Discarded or throwing cases are skipped.
/// - Complexity: `starts + steps` evaluations.
public func searchTargeted<T>(
  _ gen: Gen<T>, seed: UInt64, starts: Int = 100, steps: Int = 1_000, threads: Int = 1,
  cancellation: CancellationFlag? = nil, score: @escaping @Sendable (T) throws -> Double
) -> TargetedResult<T> {
  @Sendable func evaluate(_ source: inout ChoiceSource) -> (Double, T)? {
    guard let v = try? gen.generate(&source), let s = try? score(v) else { return nil }
    return (s.isNaN ? -.infinity : s, v)
  }
  var result = TargetedResult<T>(bestScore: -.infinity, bestValue: nil, bestChoices: [], description: "",
                                 evaluations: 0, improvements: 0, partial: false)
  let starting = parallelMap(count: starts, threads: threads) { i -> (Double, [Choice])? in
    var source = ChoiceSource(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64(i)))
    guard let (s, _) = evaluate(&source) else { return nil }
    return (s, source.choices)
  }
  result.evaluations = starts
  for case let (score, choices)? in starting where result.bestValue == nil || score > result.bestScore {
    var source = ChoiceSource(prefix: choices.map(\.value), tail: .simplest)
    if let (replayed, v) = evaluate(&source) {
      result.bestScore = replayed
      result.bestValue = v
      result.bestChoices = source.choices
    }
  }
  var rng = PRNG(seed: PRNG.caseSeed(runSeed: seed, caseIndex: UInt64.max))
  for _ in 0..<steps {
    if cancellation?.isCancelled == true {
      result.partial = true
      break
    }
    guard !result.bestChoices.isEmpty else { break }
    var values = result.bestChoices.map(\.value)
    let i = Int(rng.nextInt(below: UInt64(values.count)))
    values[i] = mutate(result.bestChoices[i], &rng)
    var source = ChoiceSource(prefix: values, tail: .random(PRNG(seed: rng.next())))
    result.evaluations += 1
    if let (s, v) = evaluate(&source), s > result.bestScore {
      result.bestScore = s
      result.bestValue = v
      result.bestChoices = source.choices
      result.improvements += 1
    }
  }
  result.description = result.bestValue.map { String(describing: $0) } ?? "none"
  return result
}

private func mutate(_ choice: Choice, _ rng: inout PRNG) -> ChoiceValue {
  let redraw = rng.nextInt(below: 4) == 0
  switch (choice.kind, choice.value) {
  case (.integer(let lo, let hi, _), .integer(let v)):
    if redraw { return .integer(rng.nextInt(in: lo...hi)) }
    let step = rng.nextInt(in: 1...8)
    let up = rng.nextInt(below: 2) == 0
    return .integer(up ? (v > hi - step ? hi : v + step) : (v < lo + step ? lo : v - step))
  case (.float(let lo, let hi, let nonFinite), .float(let x)):
    if redraw { return .float(ChoiceSource.freshDouble(lo...hi, nonFinite, &rng)) }
    let y = rng.nextInt(below: 2) == 0 ? x * (0.5 + 1.5 * rng.uniformDouble()) : x + (rng.uniformDouble() * 2 - 1)
    return .float(Swift.min(Swift.max(y, lo), hi))
  case (.rational(let mp, let mq), .rational(let p, let q)):
    if redraw || rng.nextInt(below: 2) == 0 { return .rational(rng.nextInt(in: -mp...mp), q) }
    return .rational(p, rng.nextInt(in: 1...Swift.max(1, mq)))
  case (.boolean, .boolean(let b)): return .boolean(!b)
  default: return choice.kind.simplest
  }
}
