import Foundation
import Randomness
import Testing
import TestSupport
@testable import BGMD

@Suite struct MLPTests {
  @Test func parameterCountOfThePaperShape() {
    #expect(MLP<Float>(layerSizes: [784, 128, 10]).parameterCount == 101_770)
    #expect(MLP<Double>(layerSizes: [3, 4, 2]).weightOffset(layer: 1) == 16)
  }

  @Test(arguments: [MLP<Double>.Initialization.he, .glorot])
  func gradientMatchesFiniteDifferences(scheme: MLP<Double>.Initialization) {
    var rng = Xoshiro256(seed: 31)
    let net = MLP<Double>(layerSizes: [5, 4, 3, 3], weightDecay: 0.01)
    var x = net.initialParameters(scheme, using: &rng)
    // Non-zero biases so every unit's path is exercised.
    for i in x.indices { x[i] += 0.05 * rng.standardNormal() }
    let inputs = (0..<(6 * 5)).map { _ in rng.standardNormal() }
    let labels = [0, 1, 2, 2, 1, 0]
    let (loss, g) = net.lossAndGradient(x, inputs: inputs, labels: labels)
    let numeric = finiteDifferenceGradient({ net.lossAndGradient($0, inputs: inputs, labels: labels).loss }, at: x)
    #expect(maxAbsDifference(g, numeric) < 1e-6)
    #expect(loss > 0)
  }

  @Test func softmaxCrossEntropyByHand() {
    // One layer, zero weights: logits = biases (0, log 3) → p = (1/4, 3/4).
    let net = MLP<Double>(layerSizes: [1, 2])
    let x = [0, 0, 0, log(3.0)]
    let (loss, g) = net.lossAndGradient(x, inputs: [2], labels: [0])
    #expect(abs(loss - log(4.0)) < 1e-12)
    // d/dz = p − e_0 = (−3/4, 3/4); dW = dz · input 2.
    #expect(maxAbsDifference(g, [-1.5, 1.5, -0.75, 0.75]) < 1e-12)
  }

  @Test func problemOverADataSet() throws {
    var rng = Xoshiro256(seed: 32)
    let n = 40
    let features = (0..<(n * 6)).map { _ in Float(rng.uniformDouble()) }
    let labels = (0..<n).map { $0 % 3 }
    let data = try LabelledDataSet(features: features, featureCount: 6, labels: labels, classCount: 3)
    let partition = try WorkerPartition.iid(sampleCount: n, workers: 4, using: &rng)
    let problem = MLPProblem(network: MLP<Double>(layerSizes: [6, 5, 3], weightDecay: 0.001), data: data,
                             policy: MiniBatchPolicy(partition: partition, batchSize: 4))
    let x = problem.network.initialParameters(using: &rng)
    let full = problem.lossAndGradient(x, samples: Array(0..<n))
    #expect(abs(problem.loss(x) - full.loss) < 1e-12)
    #expect(maxAbsDifference(problem.gradient(x), full.gradient) < 1e-12)
    let g = problem.stochasticGradients(x, rows: 4, using: &rng)
    #expect(g.rows == 4 && g.columns == problem.dimension)
    let accuracy = problem.accuracy(x, on: data)
    #expect(accuracy >= 0 && accuracy <= 1)
    let backdoor = problem.stochasticGradient(x, worker: 1, corruption: DataCorruption(labels: .backdoor(target: 2)),
                                              using: &rng)
    #expect(backdoor.count == problem.dimension)
  }
}
