import Randomness

/// A labelled data set: n samples with p features each (row-major `Float`
/// storage) and a class label in 0..<classCount per sample.
public struct LabelledDataSet: Sendable, Equatable {
  /// n × p features, row-major: sample i is `features[i*p ..< (i+1)*p]`.
  public var features: [Float]
  /// p, the number of features per sample.
  public let featureCount: Int
  /// The label of each sample, in 0..<classCount.
  public var labels: [Int]
  /// The number of classes.
  public let classCount: Int

  /// - Throws: `DataError.shape` when `features.count != labels.count * featureCount`,
  ///   `DataError.labelOutOfRange` (line = sample index + 1) for a bad label.
  public init(features: [Float], featureCount: Int, labels: [Int], classCount: Int) throws {
    guard featureCount >= 1, classCount >= 1, features.count == labels.count * featureCount else {
      throw DataError.shape(samples: labels.count, featureCount: featureCount, values: features.count)
    }
    if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
      throw DataError.labelOutOfRange(source: "labels", line: bad + 1, label: labels[bad], classCount: classCount)
    }
    self.features = features
    self.featureCount = featureCount
    self.labels = labels
    self.classCount = classCount
  }

  /// n, the number of samples.
  public var count: Int { labels.count }

  /// The features of sample i.
  /// - Complexity: O(1) (a slice of the storage).
  public func sample(_ i: Int) -> ArraySlice<Float> {
    features[(i * featureCount)..<((i + 1) * featureCount)]
  }

  /// The samples at `indices`, in that order.
  /// - Complexity: O(indices.count · p).
  public func subset(_ indices: [Int]) -> LabelledDataSet {
    var f: [Float] = []
    f.reserveCapacity(indices.count * featureCount)
    for i in indices { f.append(contentsOf: sample(i)) }
    // Shapes and labels are valid by construction.
    return LabelledDataSet(_unchecked: f, featureCount, indices.map { labels[$0] }, classCount)
  }

  init(_unchecked features: [Float], _ featureCount: Int, _ labels: [Int], _ classCount: Int) {
    self.features = features
    self.featureCount = featureCount
    self.labels = labels
    self.classCount = classCount
  }
}

/// Why a data set could not be built or read: each case names the source
/// (file path or "text") and, for parse errors, the 1-based line.
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
  case fileMissing(path: String)
  case unreadable(path: String, reason: String)
  case empty(source: String)
  case wrongColumnCount(source: String, line: Int, expected: Int, found: Int)
  case nonNumeric(source: String, line: Int, column: Int, value: String)
  case valueOutOfRange(source: String, line: Int, column: Int, value: String, expected: String)
  case labelOutOfRange(source: String, line: Int, label: Int, classCount: Int)
  case shape(samples: Int, featureCount: Int, values: Int)
  case partition(reason: String)
  /// A size parameter of a training task out of range (e.g. a mini-batch
  /// of 0 samples, d = 0).
  case parameter(name: String, value: Int, expected: String)

  public var description: String {
    switch self {
    case let .fileMissing(path):
      return "\(path): no such file (the MNIST CSV must be uncompressed first: gunzip mnist_5k.csv.gz)"
    case let .unreadable(path, reason): return "\(path): cannot be read: \(reason)"
    case let .empty(source): return "\(source): no samples"
    case let .wrongColumnCount(source, line, expected, found):
      return "\(source):\(line): \(found) columns; expected \(expected) (the pixels, then the label)"
    case let .nonNumeric(source, line, column, value):
      return "\(source):\(line): column \(column) is \"\(value)\", not an integer"
    case let .valueOutOfRange(source, line, column, value, expected):
      return "\(source):\(line): column \(column) is \(value); expected \(expected)"
    case let .labelOutOfRange(source, line, label, classCount):
      return "\(source):\(line): label \(label) is outside 0…\(classCount - 1)"
    case let .shape(samples, featureCount, values):
      return "\(values) feature values cannot be \(samples) samples of \(featureCount) features"
    case let .partition(reason): return "partition: \(reason)"
    case let .parameter(name, value, expected): return "\(name) = \(value); expected \(expected)"
    }
  }
}

extension LabelledDataSet {
  /// The data set shuffled with `seed` (the MNIST file is sorted by label)
  /// and split into the first `trainCount` samples and the rest.
  /// - Throws: `DataError` when `trainCount` is not in 1..<count.
  public func shuffledSplit(trainCount: Int, seed: UInt64) throws -> (train: LabelledDataSet, test: LabelledDataSet) {
    guard trainCount >= 1, trainCount < count else {
      throw DataError.partition(reason: "a train/test split needs 1 ≤ train count (\(trainCount)) < samples (\(count))")
    }
    var order = Array(0..<count)
    var rng = Xoshiro256(seed: seed, stream: 200)
    rng.shuffle(&order)
    return (subset(Array(order[..<trainCount])), subset(Array(order[trainCount...])))
  }
}
