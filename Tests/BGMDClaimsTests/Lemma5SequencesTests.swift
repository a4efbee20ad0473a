import BGMD
import ExactArithmetic
import Randomness
import Testing

@testable import BGMDClaims

/// A rule whose output is an arbitrary rational vector drawn from its
/// generator: Lemma 5 is algebraic in the aggregate, so it must hold for any.
let arbitraryRule = AnyAggregationRule<Rational>(name: "arbitrary") { rows, rng in
  AggregationResult(vector: (0..<rows.columns).map { _ in Rational(rng.uniformInt(in: -9...9), rng.uniformInt(in: 1...4)) })
}

func runExact(memory: MemoryVariant, badSlots: @escaping @Sendable (Int) -> [Int], seed: UInt64,
              steps: Int = 8) throws -> Lemma5Sequences<Rational> {
  let (b, d) = (4, 5)
  let gamma = Rational(1, 3)
  var opt = try BlockDescent(
    initialIterate: (0..<d).map { Rational($0) }, batchCount: b, rule: arbitraryRule,
    configuration: OptimizerConfiguration(stepSize: gamma, memory: memory,
                                          block: .block(k: 2, reading: .successive), record: .full))
  let loop = TrainingLoop<AnyAggregationRule<Rational>>(
    oracle: { x, _, rng in
      var m = Matrix<Rational>(rows: b, columns: d, repeating: .zero)
      for i in 0..<b { for j in 0..<d { m[i, j] = x[j] + Rational(rng.uniformInt(in: -2...2)) } }
      return m
    },
    schedule: { t, _ in badSlots(t) },
    adversary: { view, _ in view.badSlots.map { _ in (0..<d).map { Rational(100 * $0 - 7) } } })
  var streams = TrainingStreams(seed: seed)
  let records = try loop.run(&opt, iterations: steps, streams: &streams)
  return try Lemma5Sequences(records: records, stepSize: gamma, initialIterate: (0..<d).map { Rational($0) },
                             finalIterate: opt.iterate)
}

@Suite struct Lemma5SequencesTests {
  @Test(arguments: [MemoryVariant.averaged, .perRow])
  func cleanRunsSatisfyTheIdentityExactly(memory: MemoryVariant) throws {
    for seed in UInt64(0)..<5 {
      let sequences = try runExact(memory: memory, badSlots: { _ in [] }, seed: seed)
      #expect(sequences.iterates.count == 9)
      #expect(sequences.firstNonZeroGap == nil)
    }
  }

  @Test func perRowMemoryWithFixedBadSlotsSatisfiesTheIdentity() throws {
    let sequences = try runExact(memory: .perRow, badSlots: { _ in [1] }, seed: 3)
    #expect(sequences.firstNonZeroGap == nil)
  }

  @Test func averagedMemoryWithABadSlotBreaksTheIdentity() throws {
    // The averaged memory adds the mean residual over all b rows, bad rows
    // included, while m_t averages over 𝔾 only. x_1 − x̃_1 = m_1 holds for
    // every variant (the memory added at t = 0 is zero); the gap opens at
    // t = 2, once the bad row's residual has entered the averaged memory.
    let sequences = try runExact(memory: .averaged, badSlots: { _ in [1] }, seed: 3)
    #expect(sequences.firstNonZeroGap == 2)
  }

  @Test func noMemoryBreaksTheIdentity() throws {
    // Without memory x_t − x̃_t accumulates every residual while m_t holds
    // only the last one: equal at t = 1, apart from t = 2 on.
    let sequences = try runExact(memory: .none, badSlots: { _ in [] }, seed: 1)
    #expect(sequences.firstNonZeroGap == 2)
  }
}
