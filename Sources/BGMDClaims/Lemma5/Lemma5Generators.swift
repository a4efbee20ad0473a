import BGMD
import ClaimCheck
import ExactArithmetic

/// Generators of Lemma 5 cases. Every input is drawn from the choice
/// sequence (shape, γ, x_0, honest rows, bad slots, bad rows, aggregator
/// outputs, the selection seed), so the shrinker moves toward fewer steps,
/// smaller b, d, k, small integers and the simplest slots.
struct Lemma5Generators {
  /// "clean", "fixed" or "dynamic".
  var schedule: String
  /// The memory variants drawn (the first is the shrink target).
  var memories: [MemoryVariant]
  var maxSteps: Int
  var maxDimension: Int
  var maxRows: Int

  /// Draws the structure with `entry` for the honest rows and x_0, `badEntry`
  /// for the adversary's rows and `step` for γ; `outputs` draws the injected
  /// outputs (nil for the geometric median).
  func generator<E: Scalar & Codable>(
    arithmetic: String, entry: @escaping @Sendable (inout ChoiceSource) throws -> E,
    badEntry: @escaping @Sendable (inout ChoiceSource) throws -> E,
    step: @escaping @Sendable (inout ChoiceSource) throws -> E, injected: Bool
  ) -> Gen<Lemma5Case<E>> {
    let (schedule, memories, maxSteps, maxDimension, maxRows) = (self.schedule, self.memories, self.maxSteps,
                                                                  self.maxDimension, self.maxRows)
    return Gen { source in
      let t = try source.drawInt(in: 1...maxSteps, shrinkTowards: 1)
      let minRows = schedule == "clean" ? 1 : 3
      let b = try source.drawInt(in: minRows...Swift.max(minRows, maxRows), shrinkTowards: minRows)
      let d = try source.drawInt(in: 1...maxDimension, shrinkTowards: 1)
      let k = try source.drawInt(in: 1...d, shrinkTowards: 1)
      let reading = SelectionReading.allCases[try source.drawInt(in: 0...(SelectionReading.allCases.count - 1))]
      let memory = memories[try source.drawInt(in: 0...(memories.count - 1))]
      let m = schedule == "clean" ? 0 : try source.drawInt(in: 1...Swift.max(1, (b - 1) / 2), shrinkTowards: 1)
      let gamma = try step(&source)
      let x0 = try (0..<d).map { _ in try entry(&source) }
      let gradients = try (0..<t).map { _ in try (0..<b).map { _ in try (0..<d).map { _ in try entry(&source) } } }
      func slots() throws -> [Int] {
        var remaining = Array(0..<b)
        var chosen: [Int] = []
        for _ in 0..<m { chosen.append(remaining.remove(at: try source.drawInt(in: 0...(remaining.count - 1)))) }
        return chosen.sorted()
      }
      var bad: [[Int]] = []
      if schedule == "fixed" {
        let s = try slots()
        bad = Array(repeating: s, count: t)
      } else {
        bad = try (0..<t).map { _ in schedule == "clean" ? [] : try slots() }
      }
      let badRows = try bad.map { s in try s.map { _ in try (0..<d).map { _ in try badEntry(&source) } } }
      let outputs = injected ? try (0..<t).map { _ in try (0..<k).map { _ in try badEntry(&source) } } : nil
      let seed = UInt64(try source.drawInt(in: 0...1_000_000))
      return Lemma5Case(arithmetic: arithmetic, memory: memory, schedule: schedule, reading: reading, k: k,
                        stepSize: gamma, initialIterate: x0, gradients: gradients, badSlots: bad, badRows: badRows,
                        outputs: outputs, selectionSeed: seed)
    }
  }

  /// Exact cases: integers −3…3 for x_0 and the honest rows, fractions p/q
  /// (|p| ≤ 9, q ≤ 3) for bad rows and outputs, γ = p/q ≠ 0 (|p| ≤ 4, q ≤ 4;
  /// a drawn 0 reads as 1).
  var exact: Gen<Lemma5Case<Rational>> {
    generator(
      arithmetic: "rational",
      entry: { source in Rational(try source.drawInt(in: -3...3)) },
      badEntry: { source in
        let (p, q) = try source.drawRational(maxNumerator: 9, maxDenominator: 3)
        return Rational(p, q)
      },
      step: { source in
        let (p, q) = try source.drawRational(maxNumerator: 4, maxDenominator: 4)
        return p == 0 ? Rational(1) : Rational(p, q)
      }, injected: true)
  }

  /// Floating cases with the real geometric median: honest rows and x_0 in
  /// [−3, 3], bad rows in [−300, 300] (a large adversary), γ in [0.01, 1].
  var floating: Gen<Lemma5Case<Double>> {
    generator(
      arithmetic: "double",
      entry: { source in try source.drawDouble(in: -3...3) },
      badEntry: { source in try source.drawDouble(in: -300...300) },
      step: { source in try source.drawDouble(in: 0.01...1) }, injected: false)
  }
}
