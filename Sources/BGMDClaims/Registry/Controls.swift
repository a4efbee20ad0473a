import ClaimCheck
import Foundation

/// Counts, across the (possibly concurrent) cases of a check, the instances
/// on which a claim's hypothesis was measured and those where it failed,
/// with one failing instance's description (the smallest in string order,
/// so the record does not depend on the thread count). The measurement is of the
/// instance itself (its shape, its corruption, its radius…), never of the
/// quantity the claim judges.
final class HypothesisTally: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var measured = 0
  private(set) var failed = 0
  private(set) var firstFailure: String?

  /// Records one instance: `held` says whether the hypothesis held on it.
  func add(_ held: Bool, _ instance: @autoclosure () -> String) {
    lock.lock()
    defer { lock.unlock() }
    measured += 1
    if !held {
      failed += 1
      let text = instance()
      if firstFailure.map({ text < $0 }) ?? true { firstFailure = text }
    }
  }

  /// Adds counts measured elsewhere.
  func add(measured m: Int, failed f: Int, firstFailure first: String? = nil) {
    lock.lock()
    defer { lock.unlock() }
    measured += m
    failed += f
    if let first, firstFailure.map({ first < $0 }) ?? true { firstFailure = first }
  }

  /// The hypothesis `name`: held when it was measured on at least one
  /// instance and failed on none; `how` says how it was measured.
  func hypothesis(_ name: String, how: String) -> Hypothesis {
    lock.lock()
    defer { lock.unlock() }
    if measured == 0 {
      return Hypothesis(name: name, held: false, detail: "\(how); measured on no instance")
    }
    if failed == 0 {
      return Hypothesis(name: name, held: true, detail: "\(how); held on all \(measured) instances")
    }
    return Hypothesis(name: name, held: false,
                      detail: "\(how); failed on \(failed) of \(measured) instances, e.g. \(firstFailure ?? "?")")
  }
}

extension ClaimContext {
  /// Whether this context runs a negative control: a control's verdict is
  /// decided by its first refutation, so its check may stop there (the
  /// claim's own run always completes every phase).
  var stopsAtRefutation: Bool { control != nil }
}
