import Foundation
import Testing
import TestSupport

@testable import BGMD
@testable import BGMDExperiments

/// The speed-up experiment's T_a/T_b records (§5 of the paper): their
/// structure, where they come from, and the default grid. No assertion on
/// how long anything takes.
@Suite struct SpeedupTimingTests {
  /// A tiny MNIST-like setup (6 pixels, 3 classes) that records step timings.
  static func tinySetup(iterations: Int = 4, timed: Bool = true) throws -> MNISTExperiment {
    let all = try syntheticData(count: 120, seed: 3)
    let (train, test) = try all.shuffledSplit(trainCount: 100, seed: 0)
    return MNISTExperiment(train: train, test: test, hidden: [4], workers: 5, batchSize: 8, iterations: iterations,
                           stepSize: 0.5, evaluateEvery: 3, recordCurve: true, recordStepTimings: timed)
  }

  /// Each phase is non-negative and finite, and the three phases, timed
  /// inside the step, add up to no more than the step (up to the rounding of
  /// four conversions to seconds).
  static func wellFormed(_ t: StepTiming) -> Bool {
    let phases = [t.gradientSeconds, t.corruptionSeconds, t.aggregationSeconds]
    guard (phases + [t.stepSeconds]).allSatisfy({ $0.isFinite && $0 >= 0 }) else { return false }
    return phases.reduce(0, +) <= t.stepSeconds * (1 + 1e-12) + 1e-15
  }

  @Test(arguments: [Method.sgd, .cmd, .gmd, .bgmd])
  func everyCellCarriesOneTimingPerStep(method: Method) throws {
    let setup = try Self.tinySetup(iterations: 7)
    let cell = CellSpec(setting: .corrupted(.bitFlip, percent: 40), method: MethodSpec(method: method, fraction: 0.3),
                        seed: 2)
    let result = try setup.run(cell, experiment: "speedup")
    let timings = try #require(result.stepTimings)
    #expect(timings.count == 7 && result.iterations == 7)
    #expect(timings.allSatisfy(Self.wellFormed))
    // The curve's seconds are the same steps' wall clock (plus the loop
    // around them), so they cover the steps' sum.
    let steps = timings.map(\.stepSeconds).reduce(0, +)
    #expect(steps <= result.seconds * (1 + 1e-9) + 1e-9)
  }

  @Test func timingsSurviveTheCheckpointAndAreOffByDefault() throws {
    let out = temporaryDirectory("speedup-timing").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let timed = try Self.tinySetup()
    let grid = CurveExperiment(name: "speedup", experiment: timed, settings: [.clean],
                               methods: [MethodSpec(method: .gmd), MethodSpec(method: .bgmd, fraction: 0.3)],
                               seeds: 1, outputDirectory: out)
    let first = try grid.run()
    let again = try grid.run()
    #expect(again.reused == 2 && again.ran == 0)
    #expect(again.results.map(\.stepTimings) == first.results.map(\.stepTimings))
    #expect(first.results.allSatisfy { $0.stepTimings?.count == 4 })
    // Untimed runs carry none and do not share a fingerprint with timed ones.
    let untimed = try Self.tinySetup(timed: false)
    #expect(untimed.fingerprint != timed.fingerprint && timed.fingerprint.hasSuffix("/timed"))
    let cell = try untimed.run(CellSpec(setting: .clean, method: MethodSpec(method: .sgd), seed: 1), experiment: "t")
    #expect(cell.stepTimings == nil)
  }

  @Test func timedAndUntimedLoopsTakeTheSameSteps() throws {
    let task = TrainingTask.quadratic(dimension: 12, workers: 5, seed: 5)
    let spec = MethodSpec(method: .bgmd, memory: .normFiltered, fraction: 0.25)
    let run = TrainingRun(task: task, method: spec, corruption: CorruptionSpec(kind: .bitFlip, fraction: 0.4),
                          iterations: 9, evaluateEvery: 4, seed: 3)
    let curve = try run.run()
    #expect(curve.stepTimings.count == 9 && curve.stepTimings.allSatisfy(Self.wellFormed))
    // The same loop without the timers (TrainingLoop.run) reaches the same iterate.
    var optimizer = try BlockDescent(initialIterate: task.initialIterate, batchCount: task.workers, rule: spec.rule(),
                                     configuration: spec.configuration(stepSize: task.defaultStepSize, record: .none))
    var streams = TrainingStreams(seed: 3)
    let records = try run.loop().run(&optimizer, iterations: 9, streams: &streams)
    #expect(records.count == 9 && optimizer.iterate == curve.finalIterate)
  }

  /// Cells with given per-step timings (aggregation, gradient), step = their sum + 1 ms.
  static func cell(_ method: String, _ phases: [(Double, Double)]?, seed: UInt64 = 1) -> CellResult {
    CellResult(experiment: "speedup", configuration: "c", setting: "bit-flip-40", method: method, seed: seed,
               accuracy: 0.5, loss: 1, seconds: 1, iterations: phases?.count ?? 0, diverged: false, stoppedBy: nil,
               meanRetainedFraction: 1, curve: nil, retainedFractions: nil,
               stepTimings: phases?.map {
                 StepTiming(gradientSeconds: $0.1, corruptionSeconds: 0.001, aggregationSeconds: $0.0,
                            stepSeconds: $0.0 + $0.1 + 0.002)
               })
  }

  @Test func theTableIsComputedFromTheStepTimers() throws {
    let cells = [
      Self.cell("gmd", [(0.3, 1), (0.1, 1), (0.2, 3)]),
      Self.cell("bgmd", [(0.05, 1), (0.05, 2)]),
      Self.cell("bgmd", [(0.04, 1), (0.5, 1)], seed: 2),
      Self.cell("bgmd/norm-filtered", [(0.1, 1)]),
      Self.cell("sgd", nil),
    ]
    let table = PhaseTimingSummary(cells: cells, methods: ["sgd", "gmd", "bgmd", "bgmd/norm-filtered"],
                                   model: "mlp1-2-3", dimension: 17, iterations: 3, jobs: 1)
    // sgd has no timings: no row.
    #expect(table.rows.map(\.method) == ["gmd", "bgmd", "bgmd/norm-filtered"])
    let gmd = table.rows[0], bgmd = table.rows[1]
    #expect(gmd.steps == 3 && gmd.seeds == 1 && bgmd.steps == 4 && bgmd.seeds == 2)
    #expect(gmd.aggregationMedian == 0.2 && abs(gmd.aggregationMean - 0.2) < 1e-15)
    #expect(gmd.gradientMedian == 1 && abs(gmd.gradientMean - 5.0 / 3) < 1e-15)
    #expect(bgmd.aggregationMedian == 0.05 && bgmd.gradientMedian == 1)
    #expect(gmd.corruptionMedian == 0.001 && abs(gmd.stepMedian - 1.302) < 1e-12)
    for row in table.rows { #expect(row.aggregationMedian + row.gradientMedian <= row.stepMedian) }
    #expect(table.ratios.map(\.method) == ["bgmd", "bgmd/norm-filtered"])
    #expect(abs(table.ratios[0].aggregation - 4) < 1e-12)
    #expect(abs(table.ratios[0].step - gmd.stepMedian / bgmd.stepMedian) < 1e-12)
    #expect(abs(table.ratios[1].aggregation - 2) < 1e-12)
    let text = table.markdown()
    #expect(text.contains("d = 17") && text.contains("| bgmd | 4.00 |"))
    // Without GMD there is no ratio.
    #expect(PhaseTimingSummary(cells: [cells[1]], methods: ["bgmd"], model: "m", dimension: 1, iterations: 1,
                               jobs: 1).ratios.isEmpty)
  }

  @Test func speedupFilesCarryTheTimingAndOldFilesStillRead() throws {
    let table = PhaseTimingSummary(cells: [Self.cell("gmd", [(0.2, 1)]), Self.cell("bgmd", [(0.1, 1)])],
                                   methods: ["gmd", "bgmd"], model: "m", dimension: 5, iterations: 1, jobs: 1)
    let summary = SpeedupSummary(cells: [], methods: [], setting: "bit-flip-40", target: 0.7, epochsPerIteration: 1,
                                 metadata: [:], timing: [table])
    let data = try CheckpointFile.encoder(pretty: true).encode(summary)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let timing = try #require(object["timing"] as? [[String: Any]])
    let rows = try #require(timing.first?["rows"] as? [[String: Any]])
    for row in rows {
      for key in ["aggregationMedian", "gradientMedian", "corruptionMedian", "stepMedian", "aggregationMean",
                  "gradientMean", "stepMean"] {
        #expect((row[key] as? Double).map { $0 >= 0 } == true, "\(key)")
      }
    }
    let back = try CheckpointFile.decoder().decode(SpeedupSummary.self, from: data)
    #expect(back.timing == [table])
    #expect(summary.markdown().contains("T_a") && summary.markdown().contains("§5"))
    // A file written before the timers existed has no `timing` and decodes.
    var old = object
    old["timing"] = nil
    let legacy = try JSONSerialization.data(withJSONObject: old)
    #expect(try CheckpointFile.decoder().decode(SpeedupSummary.self, from: legacy).timing == nil)
  }

  @Test func theDefaultGridHasAMillionParameterPoint() throws {
    // MNIST's shape: 784 pixels, 10 classes.
    let all = try syntheticData(count: 30, features: 784, classes: 10, seed: 1)
    let (train, test) = try all.shuffledSplit(trainCount: 20, seed: 0)
    let setup = MNISTExperiment(train: train, test: test, iterations: 60, evaluateEvery: 10, recordCurve: true)
    #expect(setup.dimension == 101_770 && setup.modelName == "mlp784-128-10")
    let timing = SpeedupGrid.timingSetups(setup, hidden: SpeedupGrid.defaultTimingHidden,
                                          steps: SpeedupGrid.defaultTimingSteps)
    #expect(timing.contains { $0.dimension >= 1_000_000 })
    for wide in timing {
      #expect(wide.recordStepTimings && !wide.recordCurve)
      #expect(wide.iterations == SpeedupGrid.defaultTimingSteps && wide.evaluateEvery == wide.iterations)
      #expect(wide.dimension == MLP<Double>(layerSizes: wide.layerSizes).parameterCount)
    }
    #expect(timing.map(\.dimension) == [1_017_610])
    let labels = SpeedupGrid.methods(memories: SpeedupGrid.defaultMemories).map(\.label)
    #expect(labels == ["sgd", "cmd", "gmd", "bgmd", "bgmd/per-row", "bgmd/filtered-mean", "bgmd/norm-filtered"])
  }
}
