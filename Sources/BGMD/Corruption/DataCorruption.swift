import RealModule
import Randomness

/// Corruption of a worker's features, the paper's §7.2 feature models.
public enum FeatureCorruption: Sendable, Equatable {
  /// a ← a + N(0, s²) per feature; the paper's N(0, 100) is s = 10
  /// (variance 100).
  case additiveGaussian(standardDeviation: Double = 10)
  /// Salt-and-pepper: in each sample, ⌊amount·p⌉ features chosen uniformly
  /// without replacement are set to `high` or `low` with probability ½
  /// each. The paper's setting is amount 0.9 on [0, 1] pixels (the authors'
  /// code used 0.95).
  case impulse(amount: Double = 0.9, low: Float = 0, high: Float = 1)

  /// Corrupts every sample of a row-major block of features in place.
  /// - Precondition: `featureCount >= 1`, `features.count` a multiple of it;
  ///   for `impulse`, 0 ≤ amount ≤ 1.
  /// - Complexity: O(features.count) draws.
  public func apply(to features: inout [Float], featureCount: Int,
                    using rng: inout some RandomNumberGenerator) {
    precondition(featureCount >= 1 && features.count % featureCount == 0,
                 "FeatureCorruption: \(features.count) values are not rows of \(featureCount)")
    switch self {
    case let .additiveGaussian(s):
      for i in features.indices { features[i] += Float(s * rng.standardNormal()) }
    case let .impulse(amount, low, high):
      precondition(amount >= 0 && amount <= 1, "FeatureCorruption.impulse: amount \(amount) outside [0, 1]")
      let count = Int((amount * Double(featureCount)).rounded(.toNearestOrEven))
      for start in stride(from: 0, to: features.count, by: featureCount) {
        for j in rng.uniformSubset(of: featureCount, size: count) {
          features[start + j] = rng.next() & 1 == 1 ? high : low
        }
      }
    }
  }
}

/// Corruption of a worker's labels.
public enum LabelCorruption: Sendable, Equatable {
  /// Every label becomes `target` (the paper's backdoor, target 8; the
  /// authors' code effectively used 0).
  case backdoor(target: Int = 8)

  /// The corrupted label.
  public func apply(to label: Int) -> Int {
    switch self {
    case let .backdoor(target): return target
    }
  }
}

/// What a corrupt worker does to its mini-batch before computing its
/// gradient: corrupt the features, the labels, or both.
public struct DataCorruption: Sendable, Equatable {
  public var features: FeatureCorruption?
  public var labels: LabelCorruption?

  public init(features: FeatureCorruption? = nil, labels: LabelCorruption? = nil) {
    self.features = features
    self.labels = labels
  }

  /// Corrupts a mini-batch in place (features first, then labels).
  public func apply(features batch: inout [Float], labels batchLabels: inout [Int], featureCount: Int,
                    using rng: inout some RandomNumberGenerator) {
    features?.apply(to: &batch, featureCount: featureCount, using: &rng)
    if let labels { batchLabels = batchLabels.map { labels.apply(to: $0) } }
  }
}
