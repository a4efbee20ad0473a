import Foundation
import Randomness
import Testing
@testable import BGMD
@testable import BGMDExperiments
import TestSupport

/// A small synthetic labelled data set: `count` samples of `features`
/// uniform pixels, class = a noisy function of the first pixel.
func syntheticData(count: Int, features: Int = 6, classes: Int = 3, seed: UInt64) throws -> LabelledDataSet {
  var rng = Xoshiro256(seed: seed, stream: 9)
  var pixels: [Float] = []
  var labels: [Int] = []
  for _ in 0..<count {
    let row = (0..<features).map { _ in Float(rng.uniformDouble()) }
    pixels += row
    labels.append(Swift.min(classes - 1, Int(row[0] * Float(classes))))
  }
  return try LabelledDataSet(features: pixels, featureCount: features, labels: labels, classCount: classes)
}


@Suite struct ExperimentTests {
  static func tinyTable(out: String, jobs: Int = 1, cellLimit: Int? = nil) throws -> Table3Experiment {
    let all = try syntheticData(count: 200, seed: 1)
    let (train, test) = try all.shuffledSplit(trainCount: 160, seed: 0)
    let setup = MNISTExperiment(train: train, test: test, hidden: [4], workers: 5, batchSize: 8, iterations: 4,
                                stepSize: 0.5)
    return Table3Experiment(
      experiment: setup, settings: [.clean, .corrupted(.bitFlip, percent: 20)],
      methods: [MethodSpec(method: .sgd), MethodSpec(method: .bgmd, fraction: 0.3)], seeds: 1,
      outputDirectory: out, jobs: jobs, cellLimit: cellLimit)
  }

  /// The parts of a cell that do not depend on timing.
  static func stable(_ cells: [CellResult]) -> [String] {
    cells.map { "\($0.setting) \($0.method) \($0.seed) \($0.accuracy) \($0.loss) \($0.iterations) \($0.diverged)" }
  }

  @Test func interruptedTableResumesToTheSameTable() throws {
    let once = temporaryDirectory("t3-once").path
    let resumed = temporaryDirectory("t3-resumed").path
    defer {
      try? FileManager.default.removeItem(atPath: once)
      try? FileManager.default.removeItem(atPath: resumed)
    }
    let full = try Self.tinyTable(out: once).run()
    #expect(full.outcome.complete && full.outcome.ran == 4 && full.outcome.reused == 0)

    let first = try Self.tinyTable(out: resumed, cellLimit: 1).run()
    #expect(!first.outcome.complete && first.outcome.ran == 1)
    #expect(try Self.tinyTable(out: resumed).checkpoint.load().count == 1)
    let second = try Self.tinyTable(out: resumed, jobs: 2).run()
    #expect(second.outcome.complete && second.outcome.reused == 1 && second.outcome.ran == 3)
    #expect(Self.stable(second.outcome.results) == Self.stable(full.outcome.results))
    #expect(second.summary.rows.map(\.accuracyMean) == full.summary.rows.map(\.accuracyMean))
    #expect(second.summary.markdown() == full.summary.markdown())
    // A third run finds everything done.
    let third = try Self.tinyTable(out: resumed).run()
    #expect(third.outcome.ran == 0 && third.outcome.reused == 4)
  }

  @Test func table3JSONHasThePromisedSchema() throws {
    let out = temporaryDirectory("t3-schema").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    _ = try Self.tinyTable(out: out).run(metadata: ["command": "test"])
    let data = try Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("table3.json")))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let rows = try #require(object["rows"] as? [[String: Any]])
    #expect(rows.count == 4)
    for row in rows {
      let setting = try #require(row["setting"] as? String)
      let method = try #require(row["method"] as? String)
      #expect(["clean", "bit-flip-20"].contains(setting))
      #expect(["sgd", "bgmd/k0.3"].contains(method))
      let accuracy = try #require(row["accuracyMean"] as? Double)
      #expect(accuracy >= 0 && accuracy <= 1)
      #expect(row["accuracyStd"] as? Double == 0)
      #expect(row["seeds"] as? Int == 1)
      #expect((row["seconds"] as? Double ?? -1) >= 0)
    }
    let markdown = try String(contentsOfFile: (out as NSString).appendingPathComponent("table3.md"), encoding: .utf8)
    #expect(markdown.hasPrefix("| setting | sgd | bgmd/k0.3 |"))
  }

  @Test func checkpointSkipsACutLineAndOtherConfigurations() throws {
    let out = temporaryDirectory("ckpt").path
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: out) }
    let file = CheckpointFile(path: (out as NSString).appendingPathComponent("c.jsonl"))
    let cell = CellResult(experiment: "table3", configuration: "A", setting: "clean", method: "sgd", seed: 1,
                          accuracy: 0.5, loss: .nan, seconds: 1, iterations: 3, diverged: true, stoppedBy: "x",
                          meanRetainedFraction: 1, curve: nil, retainedFractions: [0.5, .infinity])
    try file.append(cell)
    let loaded = try file.load()
    #expect(loaded.count == 1 && loaded[0].loss.isNaN && loaded[0].retainedFractions?[1] == .infinity)
    // A last line cut short is ignored; a bad line before the last is an error.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"accuracy\":0.".utf8))
    try handle.close()
    #expect(try file.load().count == 1)
    try file.append(cell)
    #expect(throws: CheckpointError.self) { _ = try file.load() }
  }

  @Test func aRunThatThrowsIsRecordedNotDropped() throws {
    // 3 of 5 rows NaN: the geometric median refuses (2·3 ≥ 5) at the first step.
    let task = TrainingTask.quadratic(dimension: 4, workers: 5, seed: 1)
    let run = TrainingRun(task: task, method: MethodSpec(method: .gmd),
                          corruption: CorruptionSpec(kind: .nan, fraction: 0.6), iterations: 5, seed: 1)
    let curve = try run.runToEnd()
    #expect(curve.stoppedBy != nil)
    #expect(curve.points.map(\.iteration) == [0, 0])
    #expect(throws: (any Error).self) { _ = try run.run() }
  }

  @Test func retainedFractionsAreRecordedPerIteration() throws {
    let task = TrainingTask.quadratic(dimension: 10, workers: 4, seed: 2)
    let curve = try TrainingRun(task: task, method: MethodSpec(method: .bgmd, fraction: 0.2), iterations: 12,
                                evaluateEvery: 5, seed: 3).runToEnd()
    #expect(curve.retainedFractions.count == 12)
    #expect(curve.retainedFractions.allSatisfy { $0 > 0 && $0 <= 1 })
    let mean = curve.retainedFractions.reduce(0, +) / 12
    #expect(abs(mean - curve.meanRetainedFraction) < 1e-12)
  }

  @Test func settingsAndMethodsOfTable3() {
    let names = ExperimentSetting.table3.map(\.name)
    #expect(names.count == 15 && names.first == "clean")
    #expect(names.contains("feature-additive-40") && names.contains("backdoor-20") && names.contains("additive-40-fixed"))
    #expect(ExperimentSetting.named("bit-flip-40-fixed")?.schedule == .fixed)
    #expect(ExperimentSetting.named("impulse-20")?.corruption == CorruptionSpec(kind: .impulse, fraction: 0.2))
    #expect(MethodSpec.table3.map(\.label) == ["sgd", "cmd", "gmd", "bgmd", "bgmd/top-k", "bgmd/per-row",
                                               "bgmd/filtered-mean", "bgmd/norm-filtered"])
    #expect(MethodSpec.table3Columns(["bgmd/coordinate-median", "sgd"])?.map(\.label) == ["sgd", "bgmd/coordinate-median"])
    #expect(MethodSpec.table3Columns(["bgmd/unknown"]) == nil)
  }

  @Test func summariesOfCurves() {
    func cell(_ method: String, seconds: Double, accuracies: [Double], xi: [Double]? = nil) -> CellResult {
      let curve = accuracies.enumerated().map {
        CellPoint(iteration: 10 * $0.offset, seconds: seconds * Double($0.offset) / Double(accuracies.count - 1),
                  loss: 1, accuracy: $0.element)
      }
      return CellResult(experiment: "speedup", configuration: "c", setting: "bit-flip-40", method: method, seed: 1,
                        accuracy: accuracies.last ?? 0, loss: 1, seconds: seconds, iterations: 20, diverged: false,
                        stoppedBy: nil, meanRetainedFraction: 1, curve: curve, retainedFractions: xi)
    }
    let speedup = SpeedupSummary(cells: [cell("gmd", seconds: 8, accuracies: [0.1, 0.85, 0.9]),
                                         cell("bgmd", seconds: 2, accuracies: [0.1, 0.5, 0.82])],
                                 methods: ["sgd", "gmd", "bgmd"], setting: "bit-flip-40", target: 0.8,
                                 epochsPerIteration: 0.5, metadata: [:])
    #expect(speedup.rows.map(\.method) == ["gmd", "bgmd"])
    #expect(speedup.gmdOverBgmdSecondsPerEpoch == 4)
    #expect(speedup.rows[0].secondsToTarget == 4 && speedup.rows[1].secondsToTarget == 2)
    let residual = ResidualSummary(
      cells: [cell("bgmd/k0.01", seconds: 1, accuracies: [0, 1], xi: [0.5, 0.7, 0.9])],
      methods: [MethodSpec(method: .bgmd, fraction: 0.01)], setting: "bit-flip-40", metadata: [:])
    #expect(abs(residual.rows[0].meanXi - 0.7) < 1e-12 && residual.rows[0].smallestXi == 0.5)
    #expect(residual.rows[0].relativeResidual.count == 3)
  }

  @Test func meanAndSampleStandardDeviation() {
    let (m, s) = meanAndStandardDeviation([1, 2, 3])
    #expect(m == 2 && s == 1)
    #expect(meanAndStandardDeviation([0.5]).std == 0)
  }
}
