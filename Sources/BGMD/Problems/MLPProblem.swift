import RealModule
import Randomness

/// Training an `MLP` on a labelled data set: the paper's §7 image tasks.
/// f(x) is the mean cross-entropy over all samples plus weight decay; worker
/// i's stochastic gradient is the gradient on a mini-batch drawn by
/// `policy` (from its partition), optionally computed on corrupted data.
public struct MLPProblem<Element: Scalar & Real>: StochasticProblem {
  /// The network.
  public let network: MLP<Element>
  /// The training data.
  public let data: LabelledDataSet
  /// How each worker's mini-batch is drawn.
  public var policy: MiniBatchPolicy

  /// - Precondition: the data's feature count is the network's input width
  ///   and its class count the output width.
  public init(network: MLP<Element>, data: LabelledDataSet, policy: MiniBatchPolicy) {
    precondition(data.featureCount == network.inputCount && data.classCount == network.classCount,
                 "MLPProblem: data has \(data.featureCount) features and \(data.classCount) classes; the network takes \(network.inputCount) and gives \(network.classCount)")
    self.network = network
    self.data = data
    self.policy = policy
  }

  public var dimension: Int { network.parameterCount }
  public var workerCount: Int? { policy.workerCount }

  /// The features of `samples` as `Element`, row-major.
  public func inputs(_ samples: [Int]) -> [Element] {
    var result: [Element] = []
    result.reserveCapacity(samples.count * data.featureCount)
    for i in samples { for v in data.sample(i) { result.append(Element(approximating: Double(v))) } }
    return result
  }

  /// Loss and gradient on the given samples. O(|samples|·d).
  public func lossAndGradient(_ x: [Element], samples: [Int]) -> (loss: Element, gradient: [Element]) {
    network.lossAndGradient(x, inputs: inputs(samples), labels: samples.map { data.labels[$0] })
  }

  /// Loss over all samples (mean cross-entropy in chunks of 256, plus the
  /// weight decay once). O(n·d).
  public func loss(_ x: [Element]) -> Element {
    var plain = network
    plain.weightDecay = .zero
    var total = Element.zero
    for start in stride(from: 0, to: data.count, by: 256) {
      let chunk = Array(start..<Swift.min(start + 256, data.count))
      total += plain.lossAndGradient(x, inputs: inputs(chunk), labels: chunk.map { data.labels[$0] }).loss
        * Element(integer: chunk.count)
    }
    return total / Element(integer: data.count) + network.weightDecay / 2 * weightNorm(x)
  }

  /// Full-data gradient. O(n·d).
  public func gradient(_ x: [Element]) -> [Element] {
    lossAndGradient(x, samples: Array(0..<data.count)).gradient
  }

  public func stochasticGradient(_ x: [Element], worker: Int,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    lossAndGradient(x, samples: policy.batch(worker: worker, sampleCount: data.count, using: &rng)).gradient
  }

  /// Worker `worker`'s gradient on a mini-batch corrupted by `corruption`
  /// (the paper's feature and label corruption models). The batch is drawn
  /// first, then the corruption, from `rng`.
  /// - Precondition: a backdoor target is a valid class.
  public func stochasticGradient(_ x: [Element], worker: Int, corruption: DataCorruption,
                                 using rng: inout some RandomNumberGenerator) -> [Element] {
    let samples = policy.batch(worker: worker, sampleCount: data.count, using: &rng)
    var features: [Float] = []
    for i in samples { features.append(contentsOf: data.sample(i)) }
    var labels = samples.map { data.labels[$0] }
    corruption.apply(features: &features, labels: &labels, featureCount: data.featureCount, using: &rng)
    let inputs = features.map { Element(approximating: Double($0)) }
    return network.lossAndGradient(x, inputs: inputs, labels: labels).gradient
  }

  /// The fraction of `set`'s samples classified correctly. O(n·d).
  public func accuracy(_ x: [Element], on set: LabelledDataSet) -> Double {
    guard set.count > 0 else { return 0 }
    var correct = 0
    for start in stride(from: 0, to: set.count, by: 256) {
      let chunk = Array(start..<Swift.min(start + 256, set.count))
      var inputs: [Element] = []
      for i in chunk { for v in set.sample(i) { inputs.append(Element(approximating: Double(v))) } }
      let predicted = network.predictions(x, inputs: inputs)
      for (t, i) in chunk.enumerated() where predicted[t] == set.labels[i] { correct += 1 }
    }
    return Double(correct) / Double(set.count)
  }

  private func weightNorm(_ x: [Element]) -> Element {
    var s = Element.zero
    for l in 0..<network.layerCount {
      let w = network.weightOffset(layer: l)
      for i in w..<(w + network.layerSizes[l] * network.layerSizes[l + 1]) { s += x[i] * x[i] }
    }
    return s
  }
}
