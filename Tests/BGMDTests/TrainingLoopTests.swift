import ExactArithmetic
import Randomness
import Testing

@testable import BGMD

@Suite struct TrainingLoopTests {
  /// f(x) = ½‖x‖², every honest row is x itself.
  static let exactOracle: TrainingLoop<ColumnMeanRule<Double>>.Oracle = { x, _, _ in
    (try? Matrix(Array(repeating: x, count: 4))) ?? Matrix(rows: 4, columns: x.count, repeating: 0)
  }

  @Test func adversaryReplacesScheduledSlotsAndGoodSetIsRecorded() throws {
    let loop = TrainingLoop<ColumnMeanRule<Double>>(
      oracle: Self.exactOracle,
      schedule: { t, _ in t == 1 ? [3, 1, 3] : [] },
      adversary: { view, _ in
        #expect(view.badSlots == [1, 3])
        #expect(view.iteration == 1 && view.iterate == [0.5, 1])
        return view.badSlots.map { _ in [100, 100] }
      })
    var opt = try BlockDescent(initialIterate: [1, 2], batchCount: 4, rule: ColumnMeanRule<Double>(),
                               configuration: OptimizerConfiguration(stepSize: 0.5, memory: .none, record: .full))
    var streams = TrainingStreams(seed: 3)
    let records = try loop.run(&opt, iterations: 3, streams: &streams)
    #expect(records.count == 3)
    #expect(records[0].goodRows == [0, 1, 2, 3])
    #expect(records[1].goodRows == [0, 2])
    #expect(records[1].rows?.rowArrays == [[0.5, 1], [100, 100], [0.5, 1], [100, 100]])
    // x₁ = x₀/2 = (0.5, 1); x₂ = x₁ − 0.5·mean(rows) = (0.5,1) − 0.5·(50.25, 50.5).
    #expect(records[2].iterate == [0.5 - 25.125, 1 - 25.25])
  }

  @Test func builtInAttackWithAScheduleSeesTheMemory() throws {
    let loop = TrainingLoop<ColumnMeanRule<Double>>(
      oracle: Self.exactOracle, schedule: CorruptionSchedule.fixedFirst(rows: 4, badCount: 1),
      attack: ConstantVector<Double>(value: 7))
    var opt = try BlockDescent(initialIterate: [1, 2], batchCount: 4, rule: ColumnMeanRule<Double>(),
                               configuration: OptimizerConfiguration(stepSize: 1, memory: .perRow,
                                                                     block: .block(k: 1, reading: .topK), record: .full))
    var streams = TrainingStreams(seed: 3)
    let records = try loop.run(&opt, iterations: 2, streams: &streams)
    #expect(records[0].goodRows == [1, 2, 3])
    #expect(records[0].rows?.rowArrays[0] == [7, 7])
    let view = TrainingLoop<ColumnMeanRule<Double>>.view(of: opt, honestRows: Matrix(rows: 4, columns: 2, repeating: 0),
                                                         badSlots: [0], iteration: 2)
    #expect(view.memoryRows == opt.rowMemory && view.memoryVariant == .perRow && view.k == 1 && view.reading == .topK)
  }

  @Test func wrongAdversaryShapesThrow() throws {
    var opt = try BlockDescent(initialIterate: [1, 2], batchCount: 4, rule: ColumnMeanRule<Double>(),
                               configuration: OptimizerConfiguration(stepSize: 0.5))
    var streams = TrainingStreams(seed: 3)
    let short = TrainingLoop<ColumnMeanRule<Double>>(
      oracle: Self.exactOracle, schedule: { _, _ in [0] }, adversary: { _, _ in [[1]] })
    #expect(throws: ShapeError.self) { _ = try short.run(&opt, iterations: 1, streams: &streams) }
    let outside = TrainingLoop<ColumnMeanRule<Double>>(oracle: Self.exactOracle, schedule: { _, _ in [7] })
    #expect(throws: ShapeError.self) { _ = try outside.run(&opt, iterations: 1, streams: &streams) }
  }

  @Test func sameSeedSameRun() throws {
    let noisy: TrainingLoop<ColumnMeanRule<Double>>.Oracle = { x, _, rng in
      var m = Matrix<Double>(rows: 4, columns: x.count, repeating: 0)
      for i in 0..<4 { for j in 0..<x.count { m[i, j] = x[j] + rng.standardNormal() } }
      return m
    }
    func finalIterate() throws -> [Double] {
      var opt = try BlockDescent(initialIterate: [1, -1, 2], batchCount: 4, rule: ColumnMeanRule<Double>(),
                                 configuration: OptimizerConfiguration(stepSize: 0.1, memory: .averaged,
                                                                       block: .block(k: 1, reading: .successive)))
      var streams = TrainingStreams(seed: 99)
      _ = try TrainingLoop(oracle: noisy).run(&opt, iterations: 20, streams: &streams)
      return opt.iterate
    }
    #expect(try finalIterate() == finalIterate())
  }
}
