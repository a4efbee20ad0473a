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
    if held {
      add(measured: 1, failed: 0)
    } else {
      add(measured: 1, failed: 1, firstFailure: instance())
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
  /// instance and failed on none; `how`, when given, says how it was
  /// measured and leads the detail.
  func hypothesis(_ name: String, how: String? = nil) -> Hypothesis {
    lock.lock()
    defer { lock.unlock() }
    guard measured > 0 else {
      return Hypothesis(name: name, held: false,
                        detail: how.map { "\($0); measured on no instance" } ?? "not measured: no instance ran")
    }
    let lead = how.map { "\($0); " } ?? ""
    if failed == 0 {
      return Hypothesis(name: name, held: true, detail: lead + "held on all \(measured) instances")
    }
    return Hypothesis(name: name, held: false,
                      detail: lead + "failed on \(failed) of \(measured) instances, e.g. \(firstFailure ?? "?")")
  }
}

/// Several hypotheses measured on every instance a check ran, one
/// `HypothesisTally` each, in the order they were first recorded; and the
/// errors of our implementation met on the way (not refutations of the paper).
final class HypothesisTallies: @unchecked Sendable {
  private let lock = NSLock()
  private var names: [String]
  private var tallies: [String: HypothesisTally] = [:]
  private var errors: [String] = []

  /// Registers `names` (fixes the report order; later names follow them).
  init(_ names: [String]) {
    self.names = names
  }

  /// The tally of `name`, made on first use.
  private func tally(_ name: String) -> HypothesisTally {
    lock.lock()
    defer { lock.unlock() }
    if let tally = tallies[name] { return tally }
    if !names.contains(name) { names.append(name) }
    let tally = HypothesisTally()
    tallies[name] = tally
    return tally
  }

  /// Records whether `name` held on one instance.
  func record(_ name: String, held: Bool, detail: @autoclosure () -> String) {
    tally(name).add(held, detail())
  }

  /// An error of our implementation (not a refutation of the paper).
  func error(_ message: String) {
    lock.lock()
    errors.append(message)
    lock.unlock()
  }

  var implementationErrors: [String] {
    lock.lock()
    defer { lock.unlock() }
    return errors.sorted()
  }

  var hypotheses: [Hypothesis] {
    lock.lock()
    let names = self.names, tallies = self.tallies
    lock.unlock()
    return names.map { name in
      tallies[name]?.hypothesis(name) ?? Hypothesis(name: name, held: false, detail: "not measured: no instance ran")
    }
  }
}
