import Testing

@testable import BGMD
@testable import BGMDExperiments

@Suite struct TrainingRunTests {
  @Test(arguments: Method.allCases)
  func cleanQuadraticConverges(method: Method) throws {
    let task = TrainingTask.quadratic(dimension: 10, workers: 6, seed: 4)
    let run = TrainingRun(task: task, method: MethodSpec(method: method, fraction: 0.3), iterations: 150,
                          evaluateEvery: 50, seed: 2)
    let curve = try run.run()
    #expect(curve.points.map(\.iteration) == [0, 50, 100, 150])
    let start = try #require(curve.points.first?.evaluation.squaredDistance)
    let end = try #require(curve.points.last?.evaluation.squaredDistance)
    #expect(end < start / 10, "\(method): ‖x − x_p‖² went from \(start) to \(end)")
  }

  @Test func sameSeedSameCurveAndChunkingDoesNotMatter() throws {
    let task = TrainingTask.quadratic(dimension: 8, workers: 5, seed: 1)
    let spec = MethodSpec(method: .bgmd, memory: .perRow, fraction: 0.25)
    let a = try TrainingRun(task: task, method: spec, corruption: CorruptionSpec(kind: .alie, fraction: 0.2),
                            iterations: 30, evaluateEvery: 7, seed: 9).run()
    let b = try TrainingRun(task: task, method: spec, corruption: CorruptionSpec(kind: .alie, fraction: 0.2),
                            iterations: 30, evaluateEvery: 30, seed: 9).run()
    #expect(a.finalIterate == b.finalIterate)
    #expect(a.points.last?.evaluation == b.points.last?.evaluation)
  }

  @Test func dataCorruptionNeedsADataProblem() throws {
    let task = TrainingTask.quadratic(dimension: 4, workers: 4, seed: 1)
    let run = TrainingRun(task: task, method: MethodSpec(method: .gmd),
                          corruption: CorruptionSpec(kind: .backdoor, fraction: 0.25), iterations: 1, seed: 1)
    #expect(throws: CorruptionSpecError.self) { _ = try run.run() }
  }

  @Test func corruptionSpecParsing() throws {
    #expect(try CorruptionSpec(parsing: "bit-flip:0.4") == CorruptionSpec(kind: .bitFlip, fraction: 0.4))
    for bad in ["bit-flip", "flip:0.2", "bit-flip:1", "bit-flip:-0.1", "bit-flip:x", "a:b:c"] {
      #expect(throws: CorruptionSpecError.self, "\(bad)") { _ = try CorruptionSpec(parsing: bad) }
    }
  }

  @Test func methodsMapToTheirRulesAndConfigurations() {
    #expect(MethodSpec(method: .sgd).rule().name == "mean")
    #expect(MethodSpec(method: .cmd).rule().name == "coordinate-median")
    #expect(MethodSpec(method: .gmd).rule().name == "geometric-median")
    let bgmd = MethodSpec(method: .bgmd, memory: .perRow, reading: .topK)
    #expect(bgmd.configuration(stepSize: 0.1).block == .fraction(0.1, reading: .topK))
    #expect(bgmd.configuration(stepSize: 0.1).memory == .perRow)
    #expect(MethodSpec(method: .gmd).configuration(stepSize: 0.1).block == .all)
    #expect(bgmd.label == "bgmd/per-row/top-k")
  }

  @Test func shuffledSplitKeepsEverySampleOnce() throws {
    let data = try LabelledDataSet(features: (0..<20).map(Float.init), featureCount: 2,
                                   labels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], classCount: 2)
    let (train, test) = try data.shuffledSplit(trainCount: 7, seed: 3)
    #expect(train.count == 7 && test.count == 3)
    let firsts = (0..<train.count).map { train.sample($0).first ?? -1 } + (0..<test.count).map { test.sample($0).first ?? -1 }
    #expect(Set(firsts) == Set(stride(from: Float(0), to: 20, by: 2)))
    #expect(throws: DataError.self) { _ = try data.shuffledSplit(trainCount: 10, seed: 3) }
  }
}
