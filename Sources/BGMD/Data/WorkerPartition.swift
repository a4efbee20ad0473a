import Randomness

/// An assignment of sample indices to the b workers of Algorithm 1: worker i
/// draws its mini-batches from `indices[i]`. Every sample is used by exactly
/// one worker.
public struct WorkerPartition: Sendable, Equatable {
  /// The sample indices of each worker.
  public var indices: [[Int]]

  /// A partition from explicit index lists.
  public init(indices: [[Int]]) { self.indices = indices }

  /// b, the number of workers.
  public var workerCount: Int { indices.count }

  /// The iid partition: the n indices uniformly shuffled and cut into b
  /// contiguous parts of sizes ⌊n/b⌋ or ⌈n/b⌉ (the first n mod b workers get
  /// one more), so every sample is used exactly once.
  /// - Throws: `DataError.partition` when b < 1 or n < b.
  /// - Complexity: O(n).
  public static func iid(sampleCount n: Int, workers b: Int,
                         using rng: inout some RandomNumberGenerator) throws -> WorkerPartition {
    guard b >= 1, n >= b else {
      throw DataError.partition(reason: "\(n) samples cannot be split among \(b) workers")
    }
    var order = Array(0..<n)
    rng.shuffle(&order)
    return WorkerPartition(indices: cut(order, into: b).map { Array(order[$0]) })
  }

  /// The non-iid partition of the paper's §7.1 (after McMahan et al. 2017):
  /// sort the samples by label (stable, so ties keep index order), cut the
  /// sorted list into `shardsPerWorker · b` contiguous shards of near-equal
  /// size (sizes differ by at most one), and give each worker
  /// `shardsPerWorker` shards chosen by a uniform shuffle of the shard ids.
  /// The paper's setting is b = 10 clients and 80 shards, i.e.
  /// `shardsPerWorker = 8`.
  ///
  /// Each shard spans a contiguous label range, so a worker sees at most
  /// `shardsPerWorker` labels when every class size is a multiple of the
  /// shard size, and never more than 2·`shardsPerWorker` in general.
  /// - Throws: `DataError.partition` when b < 1, shardsPerWorker < 1 or
  ///   n < shardsPerWorker · b.
  /// - Complexity: O(n log n).
  public static func nonIID(labels: [Int], workers b: Int, shardsPerWorker: Int = 8,
                            using rng: inout some RandomNumberGenerator) throws -> WorkerPartition {
    let shards = shardsPerWorker * b
    guard b >= 1, shardsPerWorker >= 1, labels.count >= shards else {
      throw DataError.partition(reason: "\(labels.count) samples cannot form \(shardsPerWorker) shards for each of \(b) workers")
    }
    let sorted = labels.indices.sorted { labels[$0] != labels[$1] ? labels[$0] < labels[$1] : $0 < $1 }
    let pieces = cut(sorted, into: shards)
    var shardIDs = Array(0..<shards)
    rng.shuffle(&shardIDs)
    var result: [[Int]] = []
    for w in 0..<b {
      var mine: [Int] = []
      for s in shardIDs[(w * shardsPerWorker)..<((w + 1) * shardsPerWorker)] {
        mine.append(contentsOf: sorted[pieces[s]])
      }
      result.append(mine)
    }
    return WorkerPartition(indices: result)
  }

  /// Contiguous ranges cutting 0..<n into `parts` pieces, sizes ⌈n/parts⌉
  /// for the first n mod parts pieces and ⌊n/parts⌋ after.
  static func cut(_ items: [Int], into parts: Int) -> [Range<Int>] {
    let n = items.count
    let base = n / parts
    let extra = n % parts
    var ranges: [Range<Int>] = []
    var start = 0
    for p in 0..<parts {
      let size = base + (p < extra ? 1 : 0)
      ranges.append(start..<(start + size))
      start += size
    }
    return ranges
  }

  /// A mini-batch of worker `worker`: `size` distinct indices drawn
  /// uniformly without replacement from its samples (all of them when it
  /// has fewer than `size`), listed in the order of the worker's samples.
  /// - Precondition: `0 <= worker < workerCount`, `size >= 1`.
  /// - Complexity: O(size).
  public func miniBatch(worker: Int, size: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
    precondition(worker >= 0 && worker < workerCount, "miniBatch: worker \(worker) outside 0..<\(workerCount)")
    precondition(size >= 1, "miniBatch: batch size \(size) < 1")
    let own = indices[worker]
    let picks = rng.uniformSubset(of: own.count, size: min(size, own.count))
    return picks.map { own[$0] }
  }
}
