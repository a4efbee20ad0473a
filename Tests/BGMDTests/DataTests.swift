import Foundation
import Randomness
import Testing
@testable import BGMD
import TestSupport

@Suite struct DataTests {
  /// A CSV line with `pixels` pixel values then the label.
  static func line(_ pixels: [Int], _ label: Int) -> String {
    (pixels.map(String.init) + [String(label)]).joined(separator: ",")
  }

  @Test func parsesGoodText() throws {
    let text = Self.line([0, 255, 51], 2) + "\r\n" + Self.line([255, 0, 0], 0) + "\n\n"
    let data = try MNISTCSV.parse(text, pixelCount: 3, classCount: 3)
    #expect(data.count == 2)
    #expect(data.labels == [2, 0])
    #expect(Array(data.sample(0)) == [0, 1, 0.2])
    #expect(Array(data.sample(1)) == [1, 0, 0])
  }

  @Test func loadsFileAndReportsMissingFile() throws {
    let path = temporaryDirectory("data-test").path + ".csv"
    try (Self.line([1, 2], 1) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let data = try MNISTCSV.load(path: path, pixelCount: 2, classCount: 2)
    #expect(data.labels == [1])
    let missing = path + ".absent"
    #expect(throws: DataError.fileMissing(path: missing)) {
      try MNISTCSV.load(path: missing, pixelCount: 2)
    }
  }

  @Test func badInputErrorsNameTheLine() {
    let good = Self.line([1, 2, 3], 0)
    #expect(throws: DataError.wrongColumnCount(source: "t", line: 2, expected: 4, found: 3)) {
      try MNISTCSV.parse(good + "\n1,2,0\n", source: "t", pixelCount: 3)
    }
    #expect(throws: DataError.nonNumeric(source: "t", line: 3, column: 2, value: "x")) {
      try MNISTCSV.parse(good + "\n" + good + "\n1,x,3,0", source: "t", pixelCount: 3)
    }
    #expect(throws: DataError.labelOutOfRange(source: "t", line: 1, label: 10, classCount: 10)) {
      try MNISTCSV.parse("1,2,3,10", source: "t", pixelCount: 3)
    }
    #expect(throws: DataError.valueOutOfRange(source: "t", line: 1, column: 1, value: "256",
                                              expected: "a pixel value in 0…255")) {
      try MNISTCSV.parse("256,2,3,1", source: "t", pixelCount: 3)
    }
    #expect(throws: DataError.empty(source: "t")) { try MNISTCSV.parse("\n", source: "t", pixelCount: 3) }
  }

  @Test func iidPartitionUsesEverySampleOnce() throws {
    var rng = Xoshiro256(seed: 1)
    let p = try WorkerPartition.iid(sampleCount: 103, workers: 10, using: &rng)
    #expect(p.workerCount == 10)
    #expect(p.indices.flatMap { $0 }.sorted() == Array(0..<103))
    #expect(Set(p.indices.map(\.count)) == [10, 11])
    #expect(p.indices[0] != Array(0..<11))
    #expect(throws: DataError.self) { try WorkerPartition.iid(sampleCount: 3, workers: 4, using: &rng) }
  }

  @Test func nonIIDPartitionLimitsLabels() throws {
    var rng = Xoshiro256(seed: 2)
    // 10 classes × 12 samples, shuffled; 5 workers × 2 shards = 10 shards of 12.
    var labels = (0..<120).map { $0 / 12 }
    rng.shuffle(&labels)
    let p = try WorkerPartition.nonIID(labels: labels, workers: 5, shardsPerWorker: 2, using: &rng)
    #expect(p.indices.flatMap { $0 }.sorted() == Array(0..<120))
    for worker in p.indices {
      #expect(Set(worker.map { labels[$0] }).count <= 2)
    }
    // The paper's setting: 10 clients, 80 shards, unequal shard/class sizes.
    let mnistLike = (0..<1000).map { $0 % 10 }
    let q = try WorkerPartition.nonIID(labels: mnistLike, workers: 10, using: &rng)
    #expect(q.indices.flatMap { $0 }.sorted() == Array(0..<1000))
    for worker in q.indices { #expect(Set(worker.map { mnistLike[$0] }).count <= 16) }
  }

  @Test func miniBatchesComeFromTheWorker() throws {
    var rng = Xoshiro256(seed: 3)
    let p = try WorkerPartition.iid(sampleCount: 50, workers: 5, using: &rng)
    for w in 0..<5 {
      let batch = p.miniBatch(worker: w, size: 4, using: &rng)
      #expect(batch.count == 4 && Set(batch).count == 4)
      #expect(Set(batch).isSubset(of: Set(p.indices[w])))
    }
    #expect(p.miniBatch(worker: 0, size: 100, using: &rng).count == 10)
  }

  @Test func dataSetValidatesShape() {
    #expect(throws: DataError.self) {
      try LabelledDataSet(features: [0, 1, 2], featureCount: 2, labels: [0], classCount: 2)
    }
    #expect(throws: DataError.labelOutOfRange(source: "labels", line: 2, label: 5, classCount: 2)) {
      try LabelledDataSet(features: [0, 1, 2, 3], featureCount: 2, labels: [0, 5], classCount: 2)
    }
  }
}

@Suite struct MNISTFileTests {
  /// fixtures/data/mnist_5k.csv, found from this file's path.
  static var path: String {
    packageRoot.appendingPathComponent("fixtures/data/mnist_5k.csv").path
  }

  @Test func realFileHas500OfEachDigitAndTheExperimentSplit() throws {
    let data = try MNISTCSV.load(path: Self.path)
    #expect(data.count == 5_000 && data.featureCount == 784 && data.classCount == 10)
    var counts = Array(repeating: 0, count: 10)
    for label in data.labels { counts[label] += 1 }
    #expect(counts == Array(repeating: 500, count: 10))
    #expect(data.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(data.features.contains(1) && data.features.contains(0))
    let (train, test) = try data.shuffledSplit(trainCount: 4_000, seed: 0)
    #expect(train.count == 4_000 && test.count == 1_000)
    // Shuffled: the test set is not one digit (the file is sorted by label).
    #expect(Set(test.labels).count == 10)
  }
}
