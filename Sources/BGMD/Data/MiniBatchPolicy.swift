import Randomness

/// How a data-based oracle picks worker i's mini-batch: from its part of a
/// `WorkerPartition`, or, without a partition, from all n samples (every
/// worker then draws from the same distribution).
public struct MiniBatchPolicy: Sendable, Equatable {
  /// The workers' samples, or `nil` for one shared pool.
  public var partition: WorkerPartition?
  /// The mini-batch size (the paper's MNIST runs used 64).
  public var batchSize: Int

  /// - Precondition: `batchSize >= 1`.
  public init(partition: WorkerPartition? = nil, batchSize: Int) {
    precondition(batchSize >= 1, "MiniBatchPolicy: batch size \(batchSize) < 1")
    self.partition = partition
    self.batchSize = batchSize
  }

  /// The number of workers, `nil` without a partition.
  public var workerCount: Int? { partition?.workerCount }

  /// The sample indices of one mini-batch of `worker`, drawn without
  /// replacement (fewer when the pool is smaller than the batch size).
  /// - Complexity: O(batchSize).
  public func batch(worker: Int, sampleCount n: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
    if let partition { return partition.miniBatch(worker: worker, size: batchSize, using: &rng) }
    return rng.uniformSubset(of: n, size: min(batchSize, n))
  }
}
