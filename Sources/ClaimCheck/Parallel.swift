import Foundation

/// Computes `body(i)` for `i` in `0..<count` on up to `threads` threads and
/// returns the results in index order.
///
/// The result does not depend on `threads`: each index is computed on its own
/// and gathered by position. `threads <= 1` runs serially on the caller.
/// - Complexity: `count` calls of `body`.
public func parallelMap<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
  if count <= 0 { return [] }
  let workers = Swift.max(1, Swift.min(threads, count))
  if workers == 1 { return (0..<count).map(body) }
  let store = _ResultStore<T>(count: count)
  withoutActuallyEscaping(body) { body in
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var i = worker
      while i < count {
        store.set(i, body(i))
        i += workers
      }
    }
  }
  return store.values()
}

/// The number of active processors, at least 1.
public var processorCount: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }

final class _ResultStore<T: Sendable>: @unchecked Sendable {
  private var slots: [T?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ value: T) {
    lock.lock()
    slots[i] = value
    lock.unlock()
  }
  func values() -> [T] {
    lock.lock()
    defer { lock.unlock() }
    return slots.compactMap { $0 }
  }
}
